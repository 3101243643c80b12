"""Strong's and Hevy's stock exercise names land on the right catalog exercises, through the
resolver the importer uses (tests/transfer/stock_names.py holds the names)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.transfer.builtin_catalog import builtin_resolver, slug_of
from tests.transfer.stock_names import (
    HEVY_KNOWN_MERGES,
    HEVY_NAMES,
    HEVY_SYNONYMS,
    STRONG_NAMES,
    STRONG_SYNONYMS,
)

APPS = {
    "strong": (STRONG_NAMES, STRONG_SYNONYMS),
    "hevy": (HEVY_NAMES, HEVY_SYNONYMS + HEVY_KNOWN_MERGES),
}

# How many sets a stock name stands for in a typical log, relative to a rare one (1). Not a
# measurement: lifting logs are dominated by a handful of barbell lifts and the pulldowns, rows
# and presses of most gym programs (20), then the staple accessories and the common cardio
# machines (6); the rest of an app's library, a few hundred names, turns up now and then.
MAIN_LIFT, STAPLE = 20, 6
SET_WEIGHTS: dict[str, int] = {
    **dict.fromkeys(
        [
            "Bench Press (Barbell)", "Squat (Barbell)", "Deadlift (Barbell)",
            "Overhead Press (Barbell)", "Bent Over Row (Barbell)", "Lat Pulldown (Cable)",
            "Seated Row (Cable)", "Seated Cable Row - V Grip (Cable)", "Pull Up", "Chin Up",
            "Incline Bench Press (Barbell)", "Incline Bench Press (Dumbbell)",
            "Bench Press (Dumbbell)", "Shoulder Press (Dumbbell)", "Overhead Press (Dumbbell)",
            "Romanian Deadlift (Barbell)", "Leg Press", "Leg Press (Machine)",
            "Lateral Raise (Dumbbell)", "Bicep Curl (Dumbbell)", "Triceps Pushdown",
            "Triceps Pushdown (Cable - Straight Bar)", "Leg Extension (Machine)",
            "Seated Leg Curl (Machine)", "Lying Leg Curl (Machine)",
        ],
        MAIN_LIFT,
    ),
    **dict.fromkeys(
        [
            "Front Squat (Barbell)", "Front Squat", "Hip Thrust (Barbell)", "Bulgarian Split Squat",
            "Lunge (Dumbbell)", "Walking Lunge", "Goblet Squat", "Goblet Squat (Kettlebell)",
            "Hack Squat", "Hack Squat (Machine)", "Seated Leg Press (Machine)",
            "Standing Calf Raise (Machine)", "Seated Calf Raise (Machine)", "Seated Calf Raise",
            "Chest Press (Machine)", "Pec Deck (Machine)", "Butterfly (Pec Deck)",
            "Chest Fly (Dumbbell)", "Cable Crossover", "Cable Fly Crossovers",
            "Incline Bench Press (Smith Machine)", "Bench Press (Smith Machine)",
            "Squat (Smith Machine)", "Shoulder Press (Machine)", "Seated Shoulder Press (Machine)",
            "Lateral Raise (Cable)", "Face Pull (Cable)", "Face Pull", "Reverse Fly (Machine)",
            "Rear Delt Reverse Fly (Machine)", "Lat Pulldown (Machine)",
            "Lat Pulldown - Wide Grip (Cable)", "Lat Pulldown - Close Grip (Cable)",
            "Seated Row (Machine)", "Iso-Lateral Row (Machine)", "Dumbbell Row",
            "Bent Over One Arm Row (Dumbbell)", "Bent Over Row (Dumbbell)", "T Bar Row",
            "Pull Up (Assisted)", "Chin Up (Assisted)", "Bicep Curl (Barbell)",
            "Bicep Curl (Cable)", "Hammer Curl (Dumbbell)", "Preacher Curl (Barbell)",
            "Preacher Curl (Machine)", "EZ Bar Biceps Curl", "Skullcrusher (Barbell)",
            "Triceps Extension (Cable)", "Overhead Triceps Extension (Cable)",
            "Triceps Rope Pushdown", "Triceps Dip", "Triceps Kickback (Cable)", "Shrug (Dumbbell)",
            "Shrug (Barbell)", "Hip Abductor (Machine)", "Hip Adductor (Machine)",
            "Hip Abduction (Machine)", "Hip Adduction (Machine)", "Plank", "Crunch",
            "Cable Crunch", "Hanging Leg Raise", "Running", "Running (Treadmill)", "Treadmill",
            "Cycling", "Cycling (Indoor)", "Rowing (Machine)", "Rowing Machine",
            "Elliptical Machine", "Elliptical Trainer", "Walking",
        ],
        STAPLE,
    ),
}  # fmt: skip


def weight(name: str) -> int:
    return SET_WEIGHTS.get(name, 1)


@pytest.mark.parametrize(
    ("name", "slug"),
    [(n, s) for names in (STRONG_NAMES, HEVY_NAMES) for n, s in names.items()],
)
def test_every_stock_name_maps_to_its_catalog_exercise(name: str, slug: str | None) -> None:
    assert slug_of(builtin_resolver().match(name)) == slug


def test_weights_name_only_stock_names() -> None:
    assert set(SET_WEIGHTS) - set(STRONG_NAMES) - set(HEVY_NAMES) == set()


@pytest.mark.parametrize("app", APPS)
def test_at_least_nine_sets_in_ten_land_on_catalog_exercises(app: str) -> None:
    names, _ = APPS[app]
    matched = sum(weight(n) for n in names if builtin_resolver().match(n) is not None)
    assert matched / sum(weight(n) for n in names) >= 0.9


@pytest.mark.parametrize("app", APPS)
def test_two_exercises_of_one_app_never_merge(app: str) -> None:
    names, shared = APPS[app]
    by_exercise: defaultdict[int, set[str]] = defaultdict(set)
    for name in names:
        exercise_id = builtin_resolver().match(name)
        if exercise_id is not None:
            by_exercise[exercise_id].add(name)
    merged = {frozenset(group) for group in by_exercise.values() if len(group) > 1}
    assert merged == set(shared)
