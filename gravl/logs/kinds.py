"""What a set of an exercise records, decided once from the catalog's fields.

- ``weight_reps``: a load and reps (bench press, curls, machines).
- ``bodyweight``: reps, optionally with added load (pull-up, push-up, dips; a weighted pull-up,
  whose catalog equipment is ``other``, is this kind with its belt load).
- ``time``: a hold in seconds, optionally loaded (plank, wall sit, dead hang, stretches, a
  farmer's carry; battle ropes).
- ``distance_time``: cardio with a distance and a time (runs, bikes, rowing, swimming).

The logging page asks only for what the kind takes (docs/logging.md).
"""

from __future__ import annotations

from typing import Literal

SetKind = Literal["weight_reps", "bodyweight", "time", "distance_time"]
SET_KINDS: tuple[SetKind, ...] = ("weight_reps", "bodyweight", "time", "distance_time")

# Equipment that is the lifter's own body (a belt or vest may add load).
_BODY = frozenset({"body_only", "bands", "exercise_ball", "other"})
# A static exercise on these is pressed for reps against the stack (a Pallof press).
_STACK = frozenset({"cable", "machine"})


def set_kind(
    *, category: str, equipment: str | None, mechanic: str | None, force: str | None
) -> SetKind:
    """The kind of set an exercise with these catalog fields records."""
    if category == "cardio":
        if mechanic is None:  # the steady-state machines and outdoor work
            return "distance_time"
        return "bodyweight" if equipment == "body_only" else "time"
    if category == "stretching":
        return "time"
    if force == "static" and equipment not in _STACK:
        return "time"
    if equipment in _BODY:
        return "bodyweight"
    return "weight_reps"
