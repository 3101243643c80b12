"""Workout logs: one performed exercise with its sets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gravl.catalog.models import Exercise
from gravl.db import Base, UTCDateTime, utcnow
from gravl.history.sets import SetType

SourceType = Literal["program", "custom", "swap", "recommendation", "freestyle", "import"]


class TrainingSession(Base):
    """One workout as the lifter did it (issue 18): planned from targets when started
    (``plan``: the exercises, warm-ups and target sets as given, gravl.sessions), then filled
    as its sets are logged (``WorkoutLog.session_id``)."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        Index("ix_training_sessions_user_id_date", "user_id", "date"),
        Index("ix_training_sessions_user_id_import_id", "user_id", "import_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)  # the lifter's date
    title: Mapped[str] = mapped_column(String(120))
    workout_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id"))
    custom_workout_id: Mapped[int | None] = mapped_column(ForeignKey("custom_workouts.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notes: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The import that brought this session from another app (undone with it), else null.
    import_id: Mapped[int | None] = mapped_column(Integer)


class WorkoutLog(Base):
    __tablename__ = "workout_logs"
    __table_args__ = (
        Index("ix_workout_logs_user_id_performed_at", "user_id", "performed_at"),
        Index(
            "ix_workout_logs_user_id_exercise_id_performed_at",
            "user_id",
            "exercise_id",
            "performed_at",
        ),
        Index("ix_workout_logs_user_id_import_id", "user_id", "import_id"),
        UniqueConstraint("user_id", "idempotency_key"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source_type: Mapped[SourceType] = mapped_column(String(16))
    workout_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id"))
    custom_workout_id: Mapped[int | None] = mapped_column(ForeignKey("custom_workouts.id"))
    custom_workout_exercise_id: Mapped[int | None] = mapped_column(
        ForeignKey("custom_workout_exercises.id")
    )
    # The scheduled workout this log's workout replaced (06-01's swap system).
    swapped_from_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id"))
    notes: Mapped[str | None] = mapped_column(Text)
    volume_kg: Mapped[float] = mapped_column(Float, default=0.0)
    best_e1rm_kg: Mapped[float | None] = mapped_column(Float)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    import_id: Mapped[int | None] = mapped_column(Integer)
    # The exercise's name in the app an import read it from (re-mapping moves its logs).
    source_name: Mapped[str | None] = mapped_column(String(120))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    sets: Mapped[list[LogSet]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="LogSet.position"
    )
    exercise: Mapped[Exercise] = relationship(lazy="raise")


class LogSet(Base):
    __tablename__ = "log_sets"
    __table_args__ = (UniqueConstraint("log_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("workout_logs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    set_type: Mapped[SetType] = mapped_column(String(8))
    reps: Mapped[int | None] = mapped_column(Integer)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    distance_m: Mapped[float | None] = mapped_column(Float)


class DeletedTraining(Base):
    """What a delete from the history took away (a log, or a session with its logs), kept so
    the lifter can undo it for a while (gravl.logbook.undo): the rows really leave their
    tables, so no read anywhere has to skip deleted ones, and Undo puts them back."""

    __tablename__ = "deleted_training"
    __table_args__ = (
        UniqueConstraint("user_id", "token"),
        Index("ix_deleted_training_user_id_deleted_at", "user_id", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64))  # the Undo link's, unguessable
    label: Mapped[str] = mapped_column(String(200))  # "Bench Press, Mon 3 Nov"
    # {"session": its columns or null, "logs": [each log's columns with its "sets"]}
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
