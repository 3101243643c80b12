"""Workout logs: one performed exercise with its sets."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gravl.catalog.models import Exercise
from gravl.db import Base, UTCDateTime, utcnow
from gravl.history.sets import SetType

SourceType = Literal["program", "custom", "swap", "recommendation", "freestyle", "import"]


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
