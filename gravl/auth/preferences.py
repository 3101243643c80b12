"""What a lifter tells Gravl about their training: goal, equipment, session length, what to
leave out (an injury, an exercise they dislike), whether add-on sessions are welcome, and
the bar and plates their gym has.

Kept on the account as one JSON document (``users.preferences``); the recommendations, the
day's alternatives and the weekly volume ranges read it (issue 16), the session targets read the
plates (issue 18, docs/plates-and-warmups.md). Absent fields mean "no restriction": a full gym,
any session length, nothing left out, a general goal, the usual plates for the lifter's units.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

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


def _to_thousandths(value: float) -> float:
    """A weight to three decimals: finer than a gram (or a thousandth of a pound) means nothing."""
    rounded = round(value, 3)
    if rounded <= 0:
        raise ValueError("use at least 0.001")
    return rounded


def _plate_size(value: float) -> float:
    # Plate sizes go in 0.025 steps (1.25, 0.625 and 0.125 all do): it keeps the plate math's
    # table of per-side sums (gravl.sessions.plates) a few thousand entries long.
    if abs(value * 40 - round(value * 40)) > 1e-6:
        raise ValueError("plate sizes go in steps of 0.025, such as 2.5, 1.25 or 0.625")
    return round(value, 3)


# A bar, plate or step heavier than 100 (kg or lb) is a typo.
_Size = Field(gt=0, le=100, allow_inf_nan=False)
_Weight = Annotated[float, _Size, AfterValidator(_to_thousandths)]
_PlateSize = Annotated[float, _Size, AfterValidator(_plate_size)]


class Plates(BaseModel):
    """The lifter's gym: the bars, the plates (any number of pairs of each size), and the steps
    the dumbbells and the machines' stacks go in. Every number is in ``unit``."""

    model_config = ConfigDict(extra="forbid")

    unit: Literal["kg", "lb"] = "kg"
    bar: _Weight
    ez_bar: _Weight
    # Sizes, not counts: deduplicated and kept largest first.
    plates: list[_PlateSize] = Field(min_length=1, max_length=15)
    dumbbell_step: _Weight
    machine_step: _Weight

    @field_validator("plates")
    @classmethod
    def _largest_first(cls, sizes: list[float]) -> list[float]:
        return sorted(set(sizes), reverse=True)


def default_plates(units: str) -> Plates:
    """A commercial gym in the lifter's units: a 20 kg Olympic bar with plates down to 1.25 kg,
    or a 45 lb bar with plates down to 2.5 lb."""
    if units == "lb":
        return Plates(
            unit="lb",
            bar=45,
            ez_bar=25,
            plates=[45, 35, 25, 10, 5, 2.5],
            dumbbell_step=5,
            machine_step=10,
        )
    return Plates(
        unit="kg",
        bar=20,
        ez_bar=10,
        plates=[25, 20, 15, 10, 5, 2.5, 1.25],
        dumbbell_step=2,
        machine_step=5,
    )


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goal: Goal = "general"
    # The equipment at hand; None: a full gym. Body-weight exercises are always possible.
    equipment: list[Equipment] | None = Field(default=None, max_length=20)
    session_minutes: int | None = Field(default=None, ge=10, le=240)
    excluded_exercises: list[Id] = Field(default_factory=list, max_length=200)
    excluded_muscles: list[MuscleRest] = Field(default_factory=list, max_length=17)
    accessory_sessions: bool = True
    # The bar and plates at hand; None: default_plates for the lifter's units.
    plates: Plates | None = None

    def plates_or_default(self, units: str) -> Plates:
        """The lifter's bar and plates: as set, else the usual ones for their ``units``."""
        return self.plates if self.plates is not None else default_plates(units)

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
