"""What a workout trains (per-muscle planned sets) and how long it takes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gravl.recommendations import ranking

SECONDS_PER_SET = 40  # time under the bar for a typical working set, before the rest


@dataclass(frozen=True)
class PlannedExercise:
    sets: int
    rest_seconds: int
    primary: tuple[str, ...]
    secondary: tuple[str, ...]


@dataclass(frozen=True)
class MuscleTarget:
    muscle_group: str
    role: str  # primary when primary in any exercise of the workout
    sets: float


def target_muscles(exercises: Sequence[PlannedExercise]) -> list[MuscleTarget]:
    """Weighted planned sets per muscle (RECOVERY.md's w_m), as the ranking computes them."""
    weighed = ranking.target_muscles(
        ranking.PlannedExercise(e.sets, e.primary, e.secondary) for e in exercises
    )
    return [MuscleTarget(t.muscle, t.role, t.weight) for t in weighed]


def estimated_minutes(exercises: Iterable[PlannedExercise]) -> int:
    seconds = sum(e.sets * (e.rest_seconds + SECONDS_PER_SET) for e in exercises)
    return max(1, round(seconds / 60))
