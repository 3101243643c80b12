"""The HTTP shapes of today's session and of training sessions (docs/api.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gravl.history.sets import SetType
from gravl.ids import Id
from gravl.sessions.progression import Rule
from gravl.training.schemas import WorkoutRef
from gravl.validation import Day, InputModel


class ExerciseRef(BaseModel):
    id: int
    name: str


class WarmupSetOut(BaseModel):
    reps: int
    weight_kg: float
    plates_per_side: list[float]


class TargetSetOut(BaseModel):
    target_reps: int | None
    target_weight_kg: float | None
    target_rpe: float | None
    target_duration_s: int | None = None
    rest_seconds: int
    plates_per_side: list[float] = Field(
        default_factory=list, description="plates on each side of the bar, in `plate_unit`"
    )
    adapted: bool = Field(
        default=False, description="the load moved after the last set's RPE (sessions only)"
    )


class PlannedExerciseOut(BaseModel):
    exercise: ExerciseRef
    equipment: str | None
    rule: Rule | None = Field(
        description="the progression rule of its targets; null in a session an import brought "
        "(another app's workout: no targets)"
    )
    group: int | None = Field(default=None, description="exercises sharing a group: a superset")
    warmup_sets: list[WarmupSetOut]
    sets: list[TargetSetOut]
    reasons: list[str]


class NextSessionOut(BaseModel):
    date: dt.date
    workout: WorkoutRef | None


class TodayOut(BaseModel):
    date: dt.date
    state: Literal["scheduled", "catch_up", "rest_day", "trained_today", "no_program"]
    message: str
    workout: WorkoutRef | None
    exercises: list[PlannedExerciseOut]
    next: NextSessionOut | None
    next_date: dt.date | None = Field(description="the next session's date (rest days)")
    estimated_minutes: int
    reasons: list[str]
    plate_unit: Literal["kg", "lb"]
    session_id: int | None = Field(
        description="a session started on this date and not finished yet"
    )


class DoneSetOut(BaseModel):
    log_id: int
    set_type: SetType
    reps: int | None
    weight_kg: float | None
    rpe: float | None
    duration_s: int | None


class SessionExerciseOut(PlannedExerciseOut):
    done_sets: list[DoneSetOut]
    remaining_sets: list[TargetSetOut] = Field(
        description="the planned sets not yet done, adapted to the last set's RPE"
    )
    replaced_exercise_id: int | None = None


class SessionOut(BaseModel):
    id: int
    date: dt.date
    title: str
    workout: WorkoutRef | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    notes: str | None
    plate_unit: Literal["kg", "lb"]
    exercises: list[SessionExerciseOut]


class SessionSummaryOut(BaseModel):
    id: int
    date: dt.date
    title: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    exercises: int
    logged_sets: int


class SessionIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    date: Day | None = Field(default=None, description="the lifter's date (default today)")
    workout_id: Id | None = Field(default=None, description="train this workout instead")
    custom_workout_id: Id | None = None


class SessionPatch(InputModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=120)
    notes: str | None = Field(default=None, max_length=2000)
    finished: bool | None = None


class ReplaceIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: Id
