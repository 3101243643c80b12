"""The words Gravl's exercises are described in: the 17 muscle groups (slugs shared with
free-exercise-db) with their recovery times, and the equipment an exercise needs. A leaf module:
the catalog, the recovery model and the lifter's preferences all speak it.

``recovery_hours`` is T_m of the recovery model (docs/recovery.md): the time a reference
session (ten hard sets) takes to recover to 90% (chest 72 h after McLester 2003, Korak 2015 and
Ferreira 2017; the other groups scaled by size). The recovery model's default constants read
them from here, so the hours the API shows are the hours the model uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Region = Literal["upper", "lower", "core"]
Equipment = Literal[
    "barbell",
    "dumbbell",
    "cable",
    "machine",
    "kettlebell",
    "bands",
    "body_only",
    "medicine_ball",
    "exercise_ball",
    "foam_roll",
    "ez_bar",
    "other",
]


@dataclass(frozen=True)
class MuscleGroupInfo:
    slug: str
    name: str
    region: Region
    recovery_hours: int


MUSCLE_GROUPS: tuple[MuscleGroupInfo, ...] = (
    MuscleGroupInfo("abdominals", "Abdominals", "core", 36),
    MuscleGroupInfo("abductors", "Abductors", "lower", 48),
    MuscleGroupInfo("adductors", "Adductors", "lower", 60),
    MuscleGroupInfo("biceps", "Biceps", "upper", 48),
    MuscleGroupInfo("calves", "Calves", "lower", 48),
    MuscleGroupInfo("chest", "Chest", "upper", 72),
    MuscleGroupInfo("forearms", "Forearms", "upper", 36),
    MuscleGroupInfo("glutes", "Glutes", "lower", 72),
    MuscleGroupInfo("hamstrings", "Hamstrings", "lower", 72),
    MuscleGroupInfo("lats", "Lats", "upper", 60),
    MuscleGroupInfo("lower_back", "Lower back", "core", 72),
    MuscleGroupInfo("middle_back", "Middle back", "upper", 60),
    MuscleGroupInfo("neck", "Neck", "upper", 36),
    MuscleGroupInfo("quadriceps", "Quadriceps", "lower", 72),
    MuscleGroupInfo("shoulders", "Shoulders", "upper", 48),
    MuscleGroupInfo("traps", "Traps", "upper", 48),
    MuscleGroupInfo("triceps", "Triceps", "upper", 48),
)

MUSCLE_SLUGS: frozenset[str] = frozenset(m.slug for m in MUSCLE_GROUPS)
MUSCLE_NAMES: dict[str, str] = {m.slug: m.name for m in MUSCLE_GROUPS}
