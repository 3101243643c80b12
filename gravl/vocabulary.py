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

# The deltoid's three heads recover apart (a push day's presses and lateral raises tire the
# front and side heads, a pull day's rows and face pulls the rear ones), so the recovery model
# tracks them instead of "shoulders" (issue 17). The API keeps its 17 groups and reports the
# heads under shoulders; their hours are the group's.
DELT_HEADS: tuple[MuscleGroupInfo, ...] = (
    MuscleGroupInfo("front_delts", "Front delts", "upper", 48),
    MuscleGroupInfo("side_delts", "Side delts", "upper", 48),
    MuscleGroupInfo("rear_delts", "Rear delts", "upper", 48),
)
SHOULDERS = "shoulders"
HEAD_SLUGS: tuple[str, ...] = tuple(h.slug for h in DELT_HEADS)
# A catalog head ("front", from gravl.catalog.delts) as the muscle the model tracks.
HEAD_MUSCLE: dict[str, str] = {"front": "front_delts", "side": "side_delts", "rear": "rear_delts"}
# What the recovery model tracks: the groups, with the shoulders as their heads.
TRACKED: tuple[MuscleGroupInfo, ...] = tuple(
    sorted((*(m for m in MUSCLE_GROUPS if m.slug != SHOULDERS), *DELT_HEADS), key=lambda m: m.slug)
)
TRACKED_SLUGS: frozenset[str] = frozenset(m.slug for m in TRACKED)
TRACKED_NAMES: dict[str, str] = {m.slug: m.name for m in (*MUSCLE_GROUPS, *DELT_HEADS)}


def group_of(muscle: str) -> str:
    """The muscle group a tracked muscle belongs to (a head's is shoulders)."""
    return SHOULDERS if muscle in HEAD_SLUGS else muscle


def tracked_of(muscle: str) -> tuple[str, ...]:
    """The tracked muscles of a group (shoulders: its three heads)."""
    return HEAD_SLUGS if muscle == SHOULDERS else (muscle,)
