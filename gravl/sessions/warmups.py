"""Warm-up sets before an exercise's first working set: a ramp the lifter can load.

On a bar the ramp is Starting Strength's (Mark Rippetoe's program; the "Warm-up Sets" answer of
https://startingstrength.com/get-started/faq): the empty bar, then four roughly even jumps from
the bar to the working weight, the last being the work itself, with the reps falling as the
weight climbs (5, 3, 2) so the warm-up prepares without tiring. For 100 kg on a 20 kg bar that
is 40, 60 and 80 kg, the 40/60/80% ramp of common practice. Before heavy work of three reps or
fewer the last warm-up is a single (the 5-3-2-1 taper of Testify Strength & Conditioning, "How
to Warm-up for Lifting Weights", testifysc.com); before work of seven reps or more each warm-up
has a few more reps (our choice: lighter work is less of a jump from the warm-up).

Starting Strength does the empty bar for two sets of five; here it is one set of ten, so each
warm-up is heavier than the one before. Dumbbells and machine stacks have no empty bar: one or
two lighter sets at about half and three quarters of the work. docs/plates-and-warmups.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from gravl.auth.preferences import Plates
from gravl.sessions.plates import implement_of, load

# The empty bar: Starting Strength's two sets of five, as one set.
_BAR_REPS = 10
# A warm-up this close (a share of the work weight) to the set before it or to the work is no
# step at all: it is left out.
_CLOSEST = 0.05
# No warm-ups when the work is within this share above the empty bar: the work is the warm-up.
_NEAR_BAR = 1.25
# Dumbbells and stacks: warm-ups from four steps up (two lighter sets are then whole steps).
_FEWEST_STEPS = 4


@dataclass(frozen=True)
class WarmupSet:
    reps: int
    weight_kg: float
    per_side: tuple[float, ...]  # a bar's plates on each side, in the plates' unit


def warmup_sets(
    work_kg: float, work_reps: int, equipment: str | None, plates: Plates
) -> tuple[WarmupSet, ...]:
    """The warm-up sets before a first working set of ``work_reps`` at ``work_kg``, lightest
    first, each loadable (rounded down) and lighter than the work."""
    implement = implement_of(equipment)
    reps = _ramp_reps(work_reps)
    if implement in ("barbell", "ez_bar"):
        bar = load(0, equipment, plates)
        if work_kg <= bar.weight_kg * _NEAR_BAR:
            return ()
        jump = (work_kg - bar.weight_kg) / 4
        ramp = [(bar.weight_kg + jump * (i + 1), r) for i, r in enumerate(reps)]
        return _climb(work_kg, equipment, plates, [(bar.weight_kg, _BAR_REPS), *ramp])
    if implement in ("dumbbell", "machine"):
        step = load(0, equipment, plates).weight_kg  # the lightest is one step
        # A hair under the steps: weights in kg are to three decimals.
        if work_kg < step * (_FEWEST_STEPS - 0.01):
            return ()
        lighter = [(work_kg * 0.5, reps[0]), (work_kg * 0.75, reps[1])]
        return _climb(work_kg, equipment, plates, lighter)
    return ()


def _ramp_reps(work_reps: int) -> tuple[int, int, int]:
    """The reps of the three warm-ups between the empty bar and the work."""
    if work_reps <= 3:
        return (5, 3, 1)
    if work_reps <= 6:
        return (5, 3, 2)
    return (8, 5, 3)


def _climb(
    work_kg: float, equipment: str | None, plates: Plates, steps: list[tuple[float, int]]
) -> tuple[WarmupSet, ...]:
    """The steps loaded (rounded down), leaving out any too close to the one before or to the
    work."""
    gap = work_kg * _CLOSEST
    sets: list[WarmupSet] = []
    for target, reps in steps:
        loading = load(target, equipment, plates, rounding="down")
        close_to_previous = bool(sets) and loading.weight_kg < sets[-1].weight_kg + gap
        if not close_to_previous and loading.weight_kg <= work_kg - gap:
            sets.append(WarmupSet(reps, loading.weight_kg, loading.per_side))
    return tuple(sets)
