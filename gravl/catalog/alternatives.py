"""Exercise substitutes: what to do when the machine is taken or the equipment is missing.

Ranked by primary-muscle overlap first, then secondary overlap, mechanic, force and equipment
(API.md). Pure: plain data in, ranked suggestions with reasons out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from gravl.vocabulary import MUSCLE_NAMES

# Weights of each kind of likeness in the 0-1 similarity; primary muscles dominate.
W_PRIMARY = 0.55
W_SECONDARY = 0.2
W_CATEGORY = 0.05
W_MECHANIC = 0.08
W_FORCE = 0.07
W_EQUIPMENT = 0.05

_EQUIPMENT_WORDS = {
    "barbell": "a barbell",
    "dumbbell": "dumbbells",
    "cable": "a cable station",
    "machine": "a machine",
    "kettlebell": "a kettlebell",
    "bands": "bands",
    "body_only": "only your body",
    "medicine_ball": "a medicine ball",
    "exercise_ball": "an exercise ball",
    "foam_roll": "a foam roller",
    "ez_bar": "an EZ bar",
    "other": "other equipment",
}


@dataclass(frozen=True)
class ExerciseFacts:
    id: int
    name: str
    primary: frozenset[str]
    secondary: frozenset[str]
    mechanic: str | None
    force: str | None
    equipment: str | None
    category: str


@dataclass(frozen=True)
class Alternative:
    exercise_id: int
    similarity: float
    reasons: tuple[str, ...]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _names(muscles: Iterable[str]) -> str:
    return ", ".join(MUSCLE_NAMES[m].lower() for m in sorted(muscles))


def _equipment(value: str | None) -> str:
    return _EQUIPMENT_WORDS.get(value or "", "no equipment")


def _reasons(original: ExerciseFacts, other: ExerciseFacts) -> tuple[str, ...]:
    reasons = []
    if other.primary == original.primary:
        reasons.append(f"same primary muscles: {_names(other.primary)}")
    else:
        reasons.append(f"also trains {_names(other.primary & original.primary)}")
    missed = original.primary - other.primary
    if missed:
        reasons.append(f"less work for {_names(missed)}")
    if other.equipment != original.equipment:
        if other.equipment in (None, "body_only"):
            reasons.append(f"no equipment needed instead of {_equipment(original.equipment)}")
        else:
            reasons.append(
                f"needs {_equipment(other.equipment)} instead of {_equipment(original.equipment)}"
            )
    if original.mechanic and other.mechanic and other.mechanic != original.mechanic:
        reasons.append(f"{other.mechanic} instead of {original.mechanic}")
    return tuple(reasons)


def alternatives(
    original: ExerciseFacts,
    pool: Iterable[ExerciseFacts],
    *,
    equipment: Collection[str] | None = None,
    limit: int = 10,
) -> list[Alternative]:
    """Substitutes sharing at least one primary muscle, most similar first (ties by id)."""
    scored: list[Alternative] = []
    for other in pool:
        if other.id == original.id or not other.primary & original.primary:
            continue
        if equipment is not None and (other.equipment or "body_only") not in equipment:
            continue
        if (original.category == "stretching") != (other.category == "stretching"):
            continue
        similarity = (
            W_PRIMARY * _jaccard(original.primary, other.primary)
            + W_SECONDARY * _jaccard(original.secondary, other.secondary)
            + W_MECHANIC * (other.mechanic == original.mechanic)
            + W_FORCE * (other.force == original.force)
            + W_EQUIPMENT * (other.equipment == original.equipment)
            + W_CATEGORY * (other.category == original.category)
        )
        scored.append(Alternative(other.id, round(similarity, 3), _reasons(original, other)))
    scored.sort(key=lambda a: (-a.similarity, a.exercise_id))
    return scored[:limit]
