"""Workout and program response bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gravl.ids import Id
from gravl.training.targets import MuscleTarget, Role, WorkoutKind, heads_of
from gravl.validation import Day, InputModel


class WorkoutExerciseOut(BaseModel):
    exercise_id: int
    exercise_name: str
    order: int
    target_sets: int
    target_reps: int
    rest_seconds: int


class HeadTarget(BaseModel):
    """A deltoid head a workout's shoulder work loads, with its planned sets."""

    muscle: str
    role: Role
    sets: float


class TargetMuscle(BaseModel):
    muscle_group: str
    role: Role
    sets: float
    # Shoulders: the heads (front_delts, side_delts, rear_delts) the exercises load, which
    # recovery and volume judge the workout by; empty for the other groups.
    heads: list[HeadTarget] = Field(default_factory=list)


def target_muscles_out(
    targets: Iterable[MuscleTarget], tracked: Iterable[MuscleTarget]
) -> list[TargetMuscle]:
    """A workout's target groups for the API, each with the tracked heads it stands for."""
    loads = tuple(tracked)
    return [
        TargetMuscle(
            muscle_group=t.muscle,
            role=t.role,
            sets=t.weight,
            heads=[
                HeadTarget(muscle=h.muscle, role=h.role, sets=h.weight) for h in heads_of(t, loads)
            ],
        )
        for t in targets
    ]


class WorkoutOut(BaseModel):
    id: int
    name: str
    description: str | None
    kind: WorkoutKind
    exercises: list[WorkoutExerciseOut]
    target_muscles: list[TargetMuscle]
    estimated_minutes: int


class ScheduleDay(BaseModel):
    day: int
    workout_id: int | None


class ProgramOut(BaseModel):
    id: int
    name: str
    description: str | None
    days_per_week: int
    weeks: int
    schedule: list[ScheduleDay]
    # calendar: sessions on the cycle's days; rotation: the session after the last one done,
    # resting after max_consecutive_days training days in a row (docs/recovery.md).
    schedule_mode: Literal["calendar", "rotation"] = "calendar"
    max_consecutive_days: int | None = None


class WorkoutRef(BaseModel):
    id: int
    name: str
    kind: WorkoutKind


class EnrollIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    start_date: date | None = None


class EnrollmentOut(BaseModel):
    id: int
    program_id: int
    program_name: str
    start_date: date
    created_at: datetime
    today_day: int | None
    today_workout_id: int | None


class ScheduleToday(BaseModel):
    date: dt.date
    workout: WorkoutOut | None
    source: Literal["program", "swap", "none"]
    swap_id: int | None


class CustomExerciseIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: Id
    order: int | None = Field(default=None, ge=1, le=100)
    target_sets: int = Field(ge=1, le=20)
    target_reps: int = Field(ge=1, le=100)
    rest_seconds: int = Field(default=90, ge=0, le=1800)
    notes: str | None = Field(default=None, max_length=500)


class CustomWorkoutIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    exercises: list[CustomExerciseIn] = Field(min_length=1, max_length=30)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value


class CustomExerciseOut(BaseModel):
    id: int
    exercise_id: int
    exercise_name: str
    order: int
    target_sets: int
    target_reps: int
    rest_seconds: int
    notes: str | None


class CustomWorkoutOut(BaseModel):
    id: int
    name: str
    description: str | None
    kind: Literal["custom"] = "custom"
    exercises: list[CustomExerciseOut]
    target_muscles: list[TargetMuscle]
    estimated_minutes: int
    created_at: datetime
    updated_at: datetime


class SwapIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    replacement_workout_id: Id | None = None
    replacement_custom_workout_id: Id | None = None
    date: Day | None = None
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _one_replacement(self) -> SwapIn:
        given = [self.replacement_workout_id, self.replacement_custom_workout_id]
        if sum(v is not None for v in given) != 1:
            raise ValueError(
                "give exactly one of replacement_workout_id and replacement_custom_workout_id"
            )
        return self


class RevertIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


class SwapOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    date: dt.date
    original_workout_id: int | None  # null: a rest day was given a workout
    replacement_workout_id: int | None
    replacement_custom_workout_id: int | None
    reason: str | None
    created_at: datetime
    reverted_at: datetime | None
    revert_reason: str | None


class AvailableWorkout(BaseModel):
    workout: WorkoutRef
    target_muscles: list[TargetMuscle]
    recovery_fit: float
    scheduled: bool
