"""Recovery request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gravl.validation import InputModel
from gravl.vocabulary import MUSCLE_SLUGS


class MuscleRecoveryOut(BaseModel):
    muscle_group: str
    name: str
    recovery_score: float
    status: Literal["ready", "recovering", "fatigued"]
    last_trained_at: datetime | None
    sets_last_7_days: float
    ready_at: datetime | None


class RecoveryOut(BaseModel):
    computed_at: datetime
    muscle_groups: list[MuscleRecoveryOut]


class CheckInIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    muscle_group: str
    soreness: float = Field(ge=0, le=10)

    @field_validator("muscle_group")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in MUSCLE_SLUGS:
            raise ValueError(f"unknown muscle group {value!r}")
        return value


class CheckInOut(BaseModel):
    id: int
    muscle_group: str
    soreness: float
    at: datetime
    predicted_score: float
    recovery_score: float
