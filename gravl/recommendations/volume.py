"""Weekly volume with a floor and a ceiling: how many hard sets a muscle needs in a week to
grow or get stronger, and how many it can recover from.

Only hard sets count (`gravl.recovery.model.hard_set_weight`, as in the weekly sets the
recovery API reports): lifting sets at RPE 6 or more — stated, or estimated from load and reps
against the lifter's bests, RPE 8 when unknown — each weighing 1 for a muscle it trains as a
primary mover and ½ as an assisting one, a drop set half that; warm-ups, cardio and mobility
never count.

The ranges, per week, for an intermediate lifter (major muscles / minor ones):

| goal | minimum | maximum |
|---|---|---|
| hypertrophy | 10 / 4 | 20 / 12 |
| general | 8 / 3 | 16 / 10 |
| strength | 6 / 2 | 14 / 8 |

Beginners need and tolerate less (×0.6, rounded), advanced lifters a little more (×1.2). The
numbers follow the dose-response literature on weekly hard sets — Schoenfeld, Ogborn & Krieger
2017 (J Sports Sci 35:1073, ≥10 sets a week for the most growth), Baz-Valle et al. 2022 (J Hum
Kinet 81:199, 12–20 sets as the useful range for trained lifters), Pelland et al. 2024
(SportRxiv, diminishing returns past ~20 sets) — and the practitioners' minimum-effective and
maximum-recoverable volumes (Israetel, Hoffmann & Smith, *Scientific Principles of
Hypertrophy Training*, 2021); strength needs less volume than size (Ralston et al. 2017, Sports
Med 47:2585). Minor muscles (arms, calves, forearms, neck, abs…) get much indirect work from
compound lifts, hence their lower floors. The three deltoid heads, which the recovery model
tracks in place of the shoulders (issue 17), each have a minor muscle's range.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from gravl.recovery.model import SetRecord, effective_sets

Goal = Literal["hypertrophy", "general", "strength"]
DEFAULT_GOAL: Goal = "general"
MAJOR_MUSCLES = frozenset(
    {"chest", "lats", "middle_back", "shoulders", "quadriceps", "hamstrings", "glutes"}
)
# (minimum, maximum) hard sets a week for an intermediate lifter: (major, minor).
_RANGES: dict[Goal, tuple[tuple[float, float], tuple[float, float]]] = {
    "hypertrophy": ((10, 20), (4, 12)),
    "general": ((8, 16), (3, 10)),
    "strength": ((6, 14), (2, 8)),
}
_EXPERIENCE_SCALE = {"beginner": 0.6, "intermediate": 1.0, "advanced": 1.2}


@dataclass(frozen=True)
class WeeklyRange:
    minimum: float
    maximum: float


def weekly_range(
    muscle: str, goal: Goal = DEFAULT_GOAL, experience: str = "intermediate"
) -> WeeklyRange:
    """The hard sets a week ``muscle`` needs at least and recovers from at most."""
    major, minor = _RANGES[goal]
    # Each deltoid head is a small muscle of its own, with a minor muscle's range (the side
    # and rear heads need their own direct work; the front head gets plenty from pressing).
    low, high = major if muscle in MAJOR_MUSCLES else minor
    scale = _EXPERIENCE_SCALE.get(experience, 1.0)
    return WeeklyRange(float(round(low * scale)), float(round(high * scale)))


def hard_sets(
    sets: Iterable[SetRecord], muscle: str, window_start: datetime, window_end: datetime
) -> float:
    """Hard sets for ``muscle`` in (window_start, window_end]: primary 1, assisting ½."""
    return effective_sets(sets, muscle, window_start, window_end)
