"""Personal records per exercise: heaviest weight, best e1RM, best set volume, most reps.

Warm-ups never count, nor sets without load or reps. A record is only taken by a strictly
better set; on a tie the earliest achievement keeps it (the first to lift it earned it), and
sets at the same instant keep the order they came in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from gravl.history.sets import SetType
from gravl.stats.e1rm import estimate_1rm, set_volume

RecordType = Literal["weight", "e1rm", "volume", "reps"]
_TYPE_ORDER: dict[RecordType, int] = {"weight": 0, "e1rm": 1, "volume": 2, "reps": 3}

# "Most reps at a weight" compares weights to 0.1 kg: lb conversions leave float noise
# (61.2349 kg and 61.235 kg are both 135 lb) and no two plates differ by that little.
_WEIGHTS_PER_KG = 10


class PerformedSet(Protocol):
    """A logged set as the records need it (ORM rows and dataclasses alike fit)."""

    @property
    def exercise_id(self) -> int: ...
    @property
    def log_id(self) -> int: ...
    @property
    def performed_at(self) -> datetime: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def weight_kg(self) -> float | None: ...
    @property
    def rpe(self) -> float | None: ...
    @property
    def set_type(self) -> SetType: ...


@dataclass(frozen=True, slots=True)
class WorkingSet:
    """A logged set read from the database as plain values (a ``PerformedSet``)."""

    exercise_id: int
    log_id: int
    performed_at: datetime
    reps: int | None
    weight_kg: float | None
    rpe: float | None
    set_type: SetType


@dataclass(frozen=True, slots=True)
class PersonalRecord:
    exercise_id: int
    type: RecordType
    value: float
    reps: int | None
    weight_kg: float | None
    achieved_at: datetime
    log_id: int


def _candidates(performed: PerformedSet) -> Iterable[tuple[RecordType, int | None, float]]:
    """(type, weight key, value) for each record this set could hold."""
    reps, weight = performed.reps, performed.weight_kg
    if weight is not None and weight > 0:
        yield "weight", None, weight
        e1rm = estimate_1rm(weight, reps, performed.rpe)
        if e1rm is not None:
            yield "e1rm", None, e1rm
        yield "volume", None, set_volume(weight, reps)
        yield "reps", round(weight * _WEIGHTS_PER_KG), float(reps or 0)
    else:
        # Bodyweight: only "most reps" applies, with no weight.
        yield "reps", None, float(reps or 0)


def personal_records(sets: Iterable[PerformedSet]) -> list[PersonalRecord]:
    """Current records, one per (exercise, type) and, for reps, per weight."""
    best: dict[tuple[int, RecordType, int | None], PersonalRecord] = {}
    for performed in sets:
        if performed.set_type == "warmup" or not performed.reps or performed.reps < 1:
            continue
        for record_type, weight_key, value in _candidates(performed):
            key = (performed.exercise_id, record_type, weight_key)
            current = best.get(key)
            if current is not None and (
                value < current.value
                or (value == current.value and performed.performed_at >= current.achieved_at)
            ):
                continue
            best[key] = PersonalRecord(
                exercise_id=performed.exercise_id,
                type=record_type,
                value=value,
                reps=performed.reps,
                weight_kg=performed.weight_kg or None,
                achieved_at=performed.performed_at,
                log_id=performed.log_id,
            )
    return sorted(
        best.values(),
        key=lambda r: (r.exercise_id, _TYPE_ORDER[r.type], r.weight_kg or 0.0, r.achieved_at),
    )
