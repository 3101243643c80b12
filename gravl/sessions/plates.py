"""Plate math: the weights a lifter can actually load, from their bar, plates and dumbbell and
machine steps (gravl.auth.preferences.Plates), and the plates on each side of the bar.

A bar takes its own weight plus a pair of plates of any size the lifter has, as many pairs as
they like; dumbbells and machine stacks go in whole steps. The arithmetic is exact: weights
are counted in thousandths of the plates' unit, and the per-side sums a set of plates can make
come from one table (the fewest plates for every sum up to a cap), built once per set of plates.
Greedy loading, largest plate first, is wrong: 30 per side from [20, 15] is 15 + 15.
docs/plates-and-warmups.md has the rules with examples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gravl.auth.preferences import Plates

# The international pound, exactly (the 1959 agreement): a pound is 0.45359237 kg.
LB_KG = 0.45359237
# Weights are counted in thousandths of the plates' unit (gravl.auth.preferences keeps every
# size to three decimals and plates to steps of 0.025).
_MILLI = 1000
# No more than this on one side of a bar: the heaviest barbell lifts on record are about 500 kg
# in all (some 240 kg a side), so a target beyond it is a mistake; it bounds the table.
MAX_PER_SIDE_KG = 400.0
# A loadable weight given back rounded to three decimals of a kg is within 0.0005 kg of the
# exact one: still loadable.
_TOLERANCE_KG = 0.0006
# Body-weight and other loads that are not plates or steps: a tenth of the unit.
_FREE_STEP = 100

Implement = Literal["barbell", "ez_bar", "dumbbell", "machine", "none"]
Rounding = Literal["nearest", "down", "up"]
# The catalog's equipment (gravl.vocabulary.Equipment) as what is loaded; the rest is "none".
_IMPLEMENTS: dict[str, Implement] = {
    "barbell": "barbell",
    "ez_bar": "ez_bar",
    "dumbbell": "dumbbell",
    "kettlebell": "dumbbell",
    "machine": "machine",
    "cable": "machine",
}


@dataclass(frozen=True)
class Loading:
    """A loadable weight, in kg and in the plates' unit, and how to load it."""

    weight_kg: float  # to three decimals; is_loadable accepts it back
    weight: float  # in ``unit``
    unit: str  # "kg" | "lb"
    per_side: tuple[float, ...]  # a bar's plates on each side, largest first, in ``unit``
    implement: Implement


def implement_of(equipment: str | None) -> Implement:
    """What an exercise needing ``equipment`` is loaded on."""
    return _IMPLEMENTS.get(equipment or "", "none")


def load(
    weight_kg: float,
    equipment: str | None,
    plates: Plates,
    *,
    rounding: Rounding = "nearest",
) -> Loading:
    """The loadable weight nearest to ``weight_kg`` (ties go to the lighter), or the heaviest at
    most or the lightest at least it: never below the empty bar or one step, never beyond
    MAX_PER_SIDE_KG a side."""
    gym = _Gym.of(equipment, plates)
    return gym.loading(gym.rounded(_milli(weight_kg, plates), rounding))


def heavier(weight_kg: float, equipment: str | None, plates: Plates) -> Loading:
    """The lightest loadable weight heavier than ``weight_kg``: the next step up (on a bar
    already at MAX_PER_SIDE_KG a side, that heaviest loading)."""
    gym = _Gym.of(equipment, plates)
    return gym.loading(gym.heavier(_milli(weight_kg, plates)))


def is_loadable(weight_kg: float, equipment: str | None, plates: Plates) -> bool:
    """Whether ``weight_kg`` can be loaded as it is (to three decimals of a kg)."""
    target = _milli(weight_kg, plates)
    gym = _Gym.of(equipment, plates)
    return abs(gym.milli(gym.rounded(target, "nearest")) - target) <= gym.tolerance


def _unit_kg(plates: Plates) -> float:
    return 1.0 if plates.unit == "kg" else LB_KG


def _milli(weight_kg: float, plates: Plates) -> float:
    """A weight in kg as thousandths of the plates' unit (not rounded)."""
    return weight_kg / _unit_kg(plates) * _MILLI


@dataclass(frozen=True)
class _Gym:
    """The loadable weights of one implement, in thousandths of the plates' unit: ``base`` +
    ``multiple`` × k, where k is a per-side sum of ``sides`` (a bar: each step of a side is
    two on the bar) or any whole number from ``least`` up."""

    implement: Implement
    plates: Plates
    base: int
    multiple: int
    least: int
    sides: _Sides | None

    @classmethod
    def of(cls, equipment: str | None, plates: Plates) -> _Gym:
        implement = implement_of(equipment)
        if implement in ("barbell", "ez_bar"):
            bar = plates.bar if implement == "barbell" else plates.ez_bar
            cap = math.floor(MAX_PER_SIDE_KG / _unit_kg(plates) * _MILLI)
            sides = _per_side_sums(tuple(round(p * _MILLI) for p in plates.plates), cap)
            return cls(implement, plates, round(bar * _MILLI), 2 * sides.step, 0, sides)
        if implement == "none":
            return cls(implement, plates, 0, _FREE_STEP, 0, None)
        step = plates.dumbbell_step if implement == "dumbbell" else plates.machine_step
        return cls(implement, plates, 0, round(step * _MILLI), 1, None)

    @property
    def tolerance(self) -> float:
        """How far from a loadable weight a target still counts as it, in thousandths: a
        weight rounded to three decimals of a kg (or converted from lb) stays where it was."""
        return _TOLERANCE_KG / _unit_kg(self.plates) * _MILLI

    def rounded(self, target: float, rounding: Rounding) -> int:
        k = (target - self.base) / self.multiple
        if rounding == "down":
            return self._at_most(math.floor(k + self.tolerance / self.multiple))
        if rounding == "up":
            return self._at_least(math.ceil(k - self.tolerance / self.multiple))
        lower, upper = self._at_most(math.floor(k)), self._at_least(math.ceil(k))
        return upper if upper - k < k - lower else lower

    def heavier(self, target: float) -> int:
        k = (target - self.base) / self.multiple
        return self._at_least(math.floor(k + self.tolerance / self.multiple) + 1)

    def milli(self, k: int) -> int:
        return self.base + k * self.multiple

    def loading(self, k: int) -> Loading:
        unit_kg = _unit_kg(self.plates)
        weight = self.milli(k) / _MILLI
        per_side = () if self.sides is None else self.sides.plates(k)
        return Loading(
            weight_kg=round(weight * unit_kg, 3),
            weight=weight,
            unit=self.plates.unit,
            per_side=tuple(p / _MILLI for p in per_side),
            implement=self.implement,
        )

    def _at_most(self, k: int) -> int:
        """The largest loadable k at most ``k`` (the least one when none is)."""
        if self.sides is None:
            return max(k, self.least)
        return self.sides.below[min(max(k, 0), self.sides.top)]

    def _at_least(self, k: int) -> int:
        """The smallest loadable k at least ``k`` (the largest one when none is)."""
        if self.sides is None:
            return max(k, self.least)
        return self.sides.above[min(max(k, 0), self.sides.top)]


@dataclass(frozen=True)
class _Sides:
    """The sums a set of plates makes on one side of a bar, in steps of ``step`` (the plates'
    greatest common divisor, in thousandths of the unit) up to ``top`` steps, the heaviest sum
    they make within the cap."""

    step: int
    sizes: tuple[int, ...]  # in steps, largest first
    top: int
    fewest: list[int]  # the fewest plates making each sum; _UNMADE when none does
    below: list[int]  # the largest sum that can be made at most each sum
    above: list[int]  # the smallest sum that can be made at least each sum

    def plates(self, total: int) -> tuple[int, ...]:
        """The fewest plates making ``total``, in thousandths, largest first (taking the
        largest plate that leaves a sum one plate shorter; a larger plate later would have
        fitted first, so the order comes out largest first)."""
        chosen: list[int] = []
        while total:
            need = self.fewest[total] - 1
            size = next(s for s in self.sizes if s <= total and self.fewest[total - s] == need)
            chosen.append(size * self.step)
            total -= size
        return tuple(chosen)


_UNMADE = 1 << 30


@lru_cache(maxsize=64)
def _per_side_sums(sizes: tuple[int, ...], cap: int) -> _Sides:
    """The table for plates of ``sizes`` (thousandths) up to ``cap`` a side: at most 35,274
    sums (881.85 lb in steps of 0.025 lb), built in about 0.05 s."""
    step = math.gcd(*sizes)
    steps = sorted({s // step for s in sizes}, reverse=True)
    top = cap // step
    fewest = [_UNMADE] * (top + 1)
    fewest[0] = 0
    for size in steps:  # any number of each: unbounded change-making
        for total in range(size, top + 1):
            if fewest[total - size] + 1 < fewest[total]:
                fewest[total] = fewest[total - size] + 1
    below: list[int] = []
    for total, count in enumerate(fewest):
        below.append(total if count != _UNMADE else below[-1])
    top = below[-1]  # the heaviest sum that can be made
    above = [0] * (top + 1)
    for total in range(top, -1, -1):
        above[total] = total if fewest[total] != _UNMADE else above[total + 1]
    return _Sides(step, tuple(steps), top, fewest[: top + 1], below[: top + 1], above)
