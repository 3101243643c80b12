"""Workout and program response bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

WorkoutKind = Literal["library", "program", "custom"]
Role = Literal["primary", "secondary"]


class WorkoutExerciseOut(BaseModel):
    exercise_id: int
    exercise_name: str
    order: int
    target_sets: int
    target_reps: int
    rest_seconds: int


class TargetMuscle(BaseModel):
    muscle_group: str
    role: Role
    sets: float


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
