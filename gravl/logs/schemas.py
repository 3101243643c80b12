"""Workout log request and response bodies."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from gravl.history.models import SourceType
from gravl.history.sets import SetType
from gravl.ids import Id
from gravl.validation import InputModel, PastInstant

MAX_SETS = 100
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = TypeAdapter(datetime)


def _day_or_time(value: Any) -> Any:
    # Pydantic reads "2026-11-20" as midnight and "…T00:00Z" as a date; tell them apart here,
    # and fail once, naming the parameter rather than each member of the union.
    if not isinstance(value, str):
        return value
    try:
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
        return _DATETIME.validate_python(value)
    except (ValueError, ValidationError):
        raise ValueError("must be a date (YYYY-MM-DD) or an ISO 8601 datetime") from None


# A bound of the log list: a day (the lifter's), a naive datetime (in their timezone) or an
# instant; logs.service.list_bound turns it into an instant.
DayOrTime = Annotated[datetime | date, BeforeValidator(_day_or_time)]


# Issue 17: a set of 0 reps is a missed attempt (the lifter tried and got no rep), and only a
# set of type "failure" may say so; any other 0 would count as a hard set that never happened.
ZERO_REPS = "reps must be at least 1; a missed attempt is a set of type failure with 0 reps"


class SetIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    # Declared (so validated) before ``reps``, whose check reads it.
    set_type: SetType = "normal"
    reps: int | None = Field(
        default=None,
        ge=0,
        le=1000,
        description=(
            "At least 1; 0 only in a set of type failure: a missed attempt, with the weight "
            "tried, or without one for a missed bodyweight rep (a failed pull-up)"
        ),
    )
    weight_kg: float | None = Field(default=None, ge=0, le=2000, allow_inf_nan=False)
    rpe: float | None = Field(default=None, ge=1, le=10)
    duration_s: int | None = Field(default=None, ge=0, le=24 * 3600)
    distance_m: float | None = Field(default=None, ge=0, le=1_000_000, allow_inf_nan=False)

    @field_validator("reps")
    @classmethod
    def _zero_only_when_missed(cls, value: int | None, info: ValidationInfo) -> int | None:
        # An invalid set_type is absent from ``info.data`` and reported on its own.
        if value == 0 and info.data.get("set_type", "failure") != "failure":
            raise ValueError(ZERO_REPS)
        return value

    @field_validator("rpe")
    @classmethod
    def _half_steps(cls, value: float | None) -> float | None:
        if value is not None and (value * 2) != int(value * 2):
            raise ValueError("must be a multiple of 0.5")
        return value

    @model_validator(mode="after")
    def _something_done(self) -> SetIn:
        if self.reps is None and self.duration_s is None and self.distance_m is None:
            raise ValueError("a set needs reps, duration_s or distance_m")
        return self


class LogIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: Id
    performed_at: PastInstant | None = None
    sets: list[SetIn] = Field(min_length=1, max_length=MAX_SETS)
    source_type: SourceType | None = None
    workout_id: Id | None = None
    custom_workout_id: Id | None = None
    custom_workout_exercise_id: Id | None = None
    swapped_from_id: Id | None = None
    session_id: Id | None = Field(
        default=None, description="the training session (POST /api/sessions) this belongs to"
    )
    notes: str | None = Field(default=None, max_length=2000)


class LogPatch(InputModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: Id | None = None
    performed_at: PastInstant | None = None
    sets: list[SetIn] | None = Field(default=None, min_length=1, max_length=MAX_SETS)
    notes: str | None = Field(default=None, max_length=2000)


class SetOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    reps: int | None
    weight_kg: float | None
    rpe: float | None
    set_type: SetType
    duration_s: int | None
    distance_m: float | None


# A muscle the log trained, with its recovery score now (the full view is the recovery API's).
class TouchedMuscleOut(BaseModel):
    muscle_group: str
    recovery_score: float


class LogOut(BaseModel):
    id: int
    exercise_id: int
    exercise_name: str
    performed_at: datetime
    sets: list[SetOut]
    source_type: SourceType
    workout_id: int | None
    custom_workout_id: int | None
    custom_workout_exercise_id: int | None
    swapped_from_id: int | None
    session_id: int | None = None
    notes: str | None
    volume_kg: float
    best_e1rm_kg: float | None
    created_at: datetime
    updated_at: datetime
    recovery: list[TouchedMuscleOut] = []


class LogPage(BaseModel):
    items: list[LogOut]
    next_cursor: str | None
