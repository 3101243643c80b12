"""Workout templates and the programs that schedule them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gravl.catalog.models import Exercise
from gravl.db import Base


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
