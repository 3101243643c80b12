"""Workout templates and the programs that schedule them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gravl.catalog.models import Exercise
from gravl.db import Base, UTCDateTime, utcnow


class Workout(Base):
    """A built-in workout template; ``kind`` is ``program`` or ``library``."""

    __tablename__ = "workouts"
    __table_args__ = (UniqueConstraint("slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))

    exercises: Mapped[list[WorkoutExercise]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="WorkoutExercise.position"
    )


class WorkoutExercise(Base):
    __tablename__ = "workout_exercises"
    __table_args__ = (UniqueConstraint("workout_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workout_id: Mapped[int] = mapped_column(ForeignKey("workouts.id", ondelete="CASCADE"))
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    position: Mapped[int] = mapped_column(Integer)
    target_sets: Mapped[int] = mapped_column(Integer)
    target_reps: Mapped[int] = mapped_column(Integer)
    rest_seconds: Mapped[int] = mapped_column(Integer)

    exercise: Mapped[Exercise] = relationship(lazy="raise")


class Program(Base):
    __tablename__ = "programs"
    __table_args__ = (UniqueConstraint("slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    days_per_week: Mapped[int] = mapped_column(Integer)
    weeks: Mapped[int] = mapped_column(Integer)
    # How it advances (gravl.recommendations.plan): ``calendar`` sessions fall on the cycle's
    # days; a ``rotation`` does the session after the last one done, resting after
    # ``max_consecutive_days`` training days in a row.
    schedule_mode: Mapped[str] = mapped_column(
        String(8), default="calendar", server_default="calendar"
    )
    max_consecutive_days: Mapped[int | None] = mapped_column(Integer)
    # How loads advance for a novice (gravl.sessions.progression): ``linear`` adds weight after
    # every session that hit every rep; ``auto`` chooses by each exercise's rep range.
    progression: Mapped[str] = mapped_column(String(8), default="auto", server_default="auto")

    days: Mapped[list[ProgramWorkout]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ProgramWorkout.day"
    )


class ProgramWorkout(Base):
    """Day ``day`` (0-based, repeating every ``len(days)``) of a program: a workout or rest."""

    __tablename__ = "program_workouts"
    __table_args__ = (UniqueConstraint("program_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    day: Mapped[int] = mapped_column(Integer)
    workout_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id"))


class Enrollment(Base):
    """A lifter following a program from ``start_date``; the newest unended one is active."""

    __tablename__ = "enrollments"
    __table_args__ = (
        Index("ix_enrollments_user_id_ended_at", "user_id", "ended_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    start_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CustomWorkout(Base):
    """A lifter's own workout template. Deleting one stamps ``deleted_at`` so logs keep it."""

    __tablename__ = "custom_workouts"
    __table_args__ = (
        Index("ix_custom_workouts_user_id_deleted_at", "user_id", "deleted_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    exercises: Mapped[list[CustomWorkoutExercise]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CustomWorkoutExercise.position"
    )


class CustomWorkoutExercise(Base):
    __tablename__ = "custom_workout_exercises"
    __table_args__ = (
        Index("ix_custom_workout_exercises_workout", "custom_workout_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    custom_workout_id: Mapped[int] = mapped_column(
        ForeignKey("custom_workouts.id", ondelete="CASCADE")
    )
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id"))
    position: Mapped[int] = mapped_column(Integer)
    target_sets: Mapped[int] = mapped_column(Integer)
    target_reps: Mapped[int] = mapped_column(Integer)
    rest_seconds: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    # Replaced exercises stay (logs may point at them) but leave the template.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    exercise: Mapped[Exercise] = relationship(lazy="raise")


class WorkoutSwap(Base):
    """One day's scheduled workout replaced by another, or a rest day given one (then
    ``original_workout_id`` is null). Never deleted: the table is the audit trail, and a revert
    stamps ``reverted_at`` (with the lifter's ``revert_reason``, if given). At most one active
    swap per user and day."""

    __tablename__ = "workout_swaps"
    __table_args__ = (
        Index("ix_workout_swaps_user_id_date", "user_id", "date"),
        Index(
            "uq_workout_swaps_active_day",
            "user_id",
            "date",
            unique=True,
            sqlite_where=text("reverted_at IS NULL"),
            postgresql_where=text("reverted_at IS NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date)
    original_workout_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id"))
    replacement_workout_id: Mapped[int | None] = mapped_column(ForeignKey("workouts.id"))
    replacement_custom_workout_id: Mapped[int | None] = mapped_column(
        ForeignKey("custom_workouts.id")
    )
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reverted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revert_reason: Mapped[str | None] = mapped_column(String(500))
