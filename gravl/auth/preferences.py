"""What a lifter tells Gravl about their training: goal, equipment, session length, what to
leave out (an injury, an exercise they dislike) and whether add-on sessions are welcome.

Kept on the account as one JSON document (``users.preferences``); the recommendations, the
day's alternatives and the weekly volume ranges read it (issue 16). Absent fields mean "no
restriction": a full gym, any session length, nothing left out, a general goal.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gravl.ids import Id
from gravl.vocabulary import MUSCLE_SLUGS, Equipment

Goal = Literal["strength", "hypertrophy", "general"]
# Exercises that need nothing to hand: always possible, whatever the equipment list says.
NO_EQUIPMENT: frozenset[str] = frozenset({"body_only", "other"})


class MuscleRest(BaseModel):
    """A muscle to leave alone (an injury), until a date or until removed."""

    model_config = ConfigDict(extra="forbid")

    muscle_group: str
    until: date | None = None

    @field_validator("muscle_group")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in MUSCLE_SLUGS:
            raise ValueError(f"unknown muscle group {value!r}")
        return value


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goal: Goal = "general"
    # The equipment at hand; None: a full gym. Body-weight exercises are always possible.
    equipment: list[Equipment] | None = Field(default=None, max_length=20)
    session_minutes: int | None = Field(default=None, ge=10, le=240)
    excluded_exercises: list[Id] = Field(default_factory=list, max_length=200)
    excluded_muscles: list[MuscleRest] = Field(default_factory=list, max_length=17)
    accessory_sessions: bool = True

    def rested_muscles(self, on: date) -> dict[str, date | None]:
        """The muscles to leave alone on ``on``, each with the day it may train again."""
        return {
            r.muscle_group: r.until
            for r in self.excluded_muscles
            if r.until is None or on <= r.until
        }

    def has(self, equipment: str | None) -> bool:
        """Whether an exercise needing ``equipment`` is possible."""
        return (
            self.equipment is None
            or equipment is None
            or equipment in NO_EQUIPMENT
            or (equipment in self.equipment)
        )


DEFAULT_PREFERENCES = Preferences()


def preferences_of(stored: Any) -> Preferences:
    """The stored document as preferences (a damaged one reads as the defaults)."""
    if not stored:
        return DEFAULT_PREFERENCES
    try:
        return Preferences.model_validate(stored)
    except ValueError:
        return DEFAULT_PREFERENCES
