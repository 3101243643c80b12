"""What a workout trains: per-muscle planned sets and its expected length (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SECONDARY_WEIGHT = 0.5  # indirect sets count half (Pelland et al. 2024), as in RECOVERY.md
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


def target_muscles(exercises: Iterable[PlannedExercise]) -> list[MuscleTarget]:
    """Weighted planned sets per muscle, primary muscles first, then by sets and slug."""
    weights: dict[str, float] = {}
    primary: set[str] = set()
    for exercise in exercises:
        for muscle in exercise.primary:
            weights[muscle] = weights.get(muscle, 0.0) + exercise.sets
            primary.add(muscle)
        for muscle in exercise.secondary:
            weights[muscle] = weights.get(muscle, 0.0) + exercise.sets * SECONDARY_WEIGHT
    targets = [
        MuscleTarget(m, "primary" if m in primary else "secondary", w) for m, w in weights.items()
    ]
    return sorted(targets, key=lambda t: (t.role != "primary", -t.sets, t.muscle_group))


def estimated_minutes(exercises: Iterable[PlannedExercise]) -> int:
    seconds = sum(e.sets * (e.rest_seconds + SECONDS_PER_SET) for e in exercises)
    return max(1, round(seconds / 60))
