"""Recovery request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gravl.validation import InputModel
from gravl.vocabulary import MUSCLE_SLUGS


class Recovery(BaseModel):
    """How recovered a muscle is (docs/recovery.md)."""

    name: str
    recovery_score: float
    status: Literal["ready", "recovering", "fatigued"]
    last_trained_at: datetime | None
    sets_last_7_days: float
    ready_at: datetime | None


class HeadRecoveryOut(Recovery):
    """One head of the deltoid (front_delts, side_delts, rear_delts), tracked apart."""

    muscle: str


class MuscleRecoveryOut(Recovery):
    muscle_group: str
    # Shoulders: its three heads; the group is as recovered as its most tired head.
    heads: list[HeadRecoveryOut] = Field(default_factory=list)


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
