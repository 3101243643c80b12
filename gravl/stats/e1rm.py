"""Estimated one-rep max and set volume (FORMATS.md, "e1RM and PRs")."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Protocol

from gravl.history.sets import SetType

# Past 12 reps (or 12 reps in reserve-adjusted terms) the estimates stop predicting a single.
MAX_ESTIMATED_REPS = 12

# %1RM by n = reps + reps in reserve (10 − RPE), n = 1..12; FORMATS.md's RPE chart.
RPE_PERCENT_OF_1RM: dict[int, float] = {
    1: 100.0,
    2: 95.5,
    3: 92.2,
    4: 89.2,
    5: 86.3,
    6: 83.7,
    7: 81.1,
    8: 78.6,
    9: 76.2,
    10: 73.9,
    11: 70.7,
    12: 68.0,
}


def percent_of_1rm(effective_reps: float) -> float | None:
    """The chart's %1RM for n = reps + (10 − RPE), linear between whole steps."""
    if not 1 <= effective_reps <= MAX_ESTIMATED_REPS:
        return None
    lower = math.floor(effective_reps)
    fraction = effective_reps - lower
    if fraction == 0:
        return RPE_PERCENT_OF_1RM[lower]
    low, high = RPE_PERCENT_OF_1RM[lower], RPE_PERCENT_OF_1RM[lower + 1]
    return low + (high - low) * fraction


def estimate_1rm(
    weight_kg: float | None,
    reps: int | None,
    rpe: float | None = None,
    *,
    set_type: SetType = "normal",
) -> float | None:
    """Estimate the one-rep max a set shows: the RPE chart when rated, else Epley.

    None when there is nothing to estimate from: warm-ups, bodyweight (no load), no reps,
    or more than 12 (effective) reps.
    """
    if set_type == "warmup" or not weight_kg or weight_kg <= 0 or not reps or reps < 1:
        return None
    if rpe is not None:
        percent = percent_of_1rm(reps + (10 - rpe))
        return None if percent is None else weight_kg * 100 / percent
    if reps > MAX_ESTIMATED_REPS:
        return None
    if reps == 1:
        return weight_kg
    return weight_kg * (1 + reps / 30)


def set_volume(weight_kg: float | None, reps: int | None, *, set_type: SetType = "normal") -> float:
    """Load moved in a set (kg × reps); warm-ups prepare rather than train, so they move 0."""
    if set_type == "warmup" or not weight_kg or not reps:
        return 0.0
    return weight_kg * reps


class PerformedSet(Protocol):
    @property
    def weight_kg(self) -> float | None: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def rpe(self) -> float | None: ...
    @property
    def set_type(self) -> SetType: ...


def summarise_sets(sets: Iterable[PerformedSet]) -> tuple[float, float | None]:
    """A log's volume (kg, 3 decimals) and best e1RM (kg, 2 decimals); warm-ups count for
    neither."""
    volume = 0.0
    best: float | None = None
    for s in sets:
        volume += set_volume(s.weight_kg, s.reps, set_type=s.set_type)
        estimate = estimate_1rm(s.weight_kg, s.reps, s.rpe, set_type=s.set_type)
        if estimate is not None and (best is None or estimate > best):
            best = estimate
    return round(volume, 3), (round(best, 2) if best is not None else None)
