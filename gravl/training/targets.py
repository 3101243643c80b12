"""What a workout trains (per-muscle planned sets) and how long it takes; pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from gravl.recovery.model import DEFAULT_CONSTANTS, RecoveryConstants
from gravl.vocabulary import group_of

WorkoutKind = Literal["library", "program", "custom"]
Role = Literal["primary", "secondary"]
# Program and library workouts share one table, custom workouts have their own ids.
WorkoutKey = tuple[Literal["workout", "custom"], int]

SECONDS_PER_SET = 40  # time under the bar for a typical working set, before the rest
DEFAULT_REST_S = 90  # between working sets, when a workout does not say


@dataclass(frozen=True)
class AnyWorkout:
    """A built-in (program or library) or a custom workout; ``key`` tells their tables apart."""

    id: int
    name: str
    kind: WorkoutKind

    @property
    def key(self) -> WorkoutKey:
        return ("custom" if self.kind == "custom" else "workout", self.id)


@dataclass(frozen=True)
class PlannedExercise:
    """An exercise's planned sets and the muscles they load."""

    sets: int
    primary: tuple[str, ...]
    secondary: tuple[str, ...]


@dataclass(frozen=True)
class MuscleTarget:
    muscle: str
    role: Role  # primary when primary in any exercise of the workout
    weight: float  # planned sets, indirect ones weighted (RECOVERY.md's w_m)


@dataclass(frozen=True)
class Candidate:
    """A workout the lifter could do, with what it trains."""

    workout: AnyWorkout
    targets: tuple[MuscleTarget, ...]
    planned_sets: int = 0  # working sets in all, to tell a done session from a start
    exercises: tuple[int, ...] = ()  # exercise ids, in order
    equipment: frozenset[str] = frozenset()  # what its exercises need
    minutes: int = 0  # estimated length
    # ``targets`` as the recovery model tracks them (shoulders as the deltoid heads the
    # exercises load); empty when they are the same as ``targets``.
    tracked_targets: tuple[MuscleTarget, ...] = ()

    @property
    def tracked(self) -> tuple[MuscleTarget, ...]:
        """What the workout loads, muscle by tracked muscle: for recovery and volume."""
        return self.tracked_targets or self.targets


def target_muscles(
    exercises: Iterable[PlannedExercise], constants: RecoveryConstants = DEFAULT_CONSTANTS
) -> tuple[MuscleTarget, ...]:
    """Weigh each muscle by planned sets as performed ones weigh (primary 1, secondary 0.5);
    primary anywhere wins."""
    weights: dict[str, float] = {}
    primary: set[str] = set()
    for exercise in exercises:
        for muscle in exercise.primary:
            weights[muscle] = (
                weights.get(muscle, 0.0) + exercise.sets * constants.primary_role_weight
            )
            primary.add(muscle)
        for muscle in set(exercise.secondary) - set(exercise.primary):
            weights[muscle] = (
                weights.get(muscle, 0.0) + exercise.sets * constants.secondary_role_weight
            )
    return display_order(
        MuscleTarget(m, "primary" if m in primary else "secondary", w)
        for m, w in weights.items()
        if w > 0
    )


# A workout's main muscles: primary movers with at least this many planned sets. Only they keep
# it out when fatigued or rested (a lone set of curls in a pull session does not).
MAIN_MUSCLE_SETS = 3.0


def heads_of(group: MuscleTarget, tracked: Iterable[MuscleTarget]) -> tuple[MuscleTarget, ...]:
    """The tracked muscles a target group stands for in a workout (shoulders: the deltoid
    heads its exercises load; none for a group tracked as itself)."""
    return tuple(
        t for t in tracked if t.muscle != group.muscle and group_of(t.muscle) == group.muscle
    )


def main_muscles(
    candidate: Candidate, min_sets: float = MAIN_MUSCLE_SETS, *, tracked: bool = False
) -> list[str]:
    """The muscles a workout is about: primary movers with enough planned sets (all primary
    ones when none has that many); muscle groups, or tracked muscles when ``tracked``."""
    targets = candidate.tracked if tracked else candidate.targets
    primary = [t for t in targets if t.role == "primary"]
    main = [t.muscle for t in primary if t.weight >= min_sets]
    return main or [t.muscle for t in primary]


def display_order(targets: Iterable[MuscleTarget]) -> tuple[MuscleTarget, ...]:
    """Primary first, then by weight: the muscles a lifter would name for the workout."""
    return tuple(sorted(targets, key=lambda t: (t.role != "primary", -t.weight, t.muscle)))


def estimated_minutes(sets_and_rests: Iterable[tuple[int, int]]) -> int:
    """Minutes for exercises given as (planned sets, rest seconds after each set)."""
    seconds = sum(sets * (rest + SECONDS_PER_SET) for sets, rest in sets_and_rests)
    return max(1, round(seconds / 60))
