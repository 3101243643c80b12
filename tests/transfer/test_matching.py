import json
from pathlib import Path

import pytest

from gravl.transfer.matching import ExerciseMatcher, normalise

CATALOG_FILE = Path(__file__).parents[2] / "gravl" / "catalog" / "data" / "exercises.json"

FIXTURE_CATALOG = [
    (1, "Barbell Bench Press - Medium Grip", ["Flat Bench"]),
    (2, "Dumbbell Bench Press", []),
    (3, "Pullups", []),
    (4, "Barbell Curl", []),
    (5, "Dumbbell Bicep Curl", ["DB Curl"]),
    (6, "Dumbbell Flyes", []),
    (7, "Standing Calf Raises", []),
    (8, "Cable Crunch", []),
    (9, "Machine Crunch", []),
    (10, "Romanian Deadlift", ["RDL"]),
    (11, "Lat Pulldown", []),
    (12, "Wide Lat Pulldown", ["Lat Pulldown"]),
]

# Names as Strong and Hevy write them.
COMMON_APP_NAMES = [
    "Bench Press (Barbell)", "Bench Press (Dumbbell)", "Incline Bench Press (Barbell)",
    "Incline Bench Press (Dumbbell)", "Squat (Barbell)", "Front Squat (Barbell)",
    "Deadlift (Barbell)", "Romanian Deadlift (Barbell)", "Sumo Deadlift (Barbell)",
    "Overhead Press (Barbell)", "Shoulder Press (Dumbbell)", "Bent Over Row (Barbell)",
    "Bent Over Row (Dumbbell)", "Seated Row (Cable)", "Lat Pulldown (Cable)", "Pull Up",
    "Chin Up", "Push Up", "Triceps Dip", "Bicep Curl (Barbell)", "Bicep Curl (Dumbbell)",
    "Hammer Curl (Dumbbell)", "Preacher Curl (EZ Bar)", "Triceps Pushdown (Cable - Straight Bar)",
    "Skullcrusher (Barbell)", "Triceps Extension (Dumbbell)", "Lateral Raise (Dumbbell)",
    "Front Raise (Dumbbell)", "Face Pull (Cable)", "Chest Fly (Dumbbell)", "Leg Press",
    "Leg Extension (Machine)", "Seated Leg Curl (Machine)", "Lying Leg Curl (Machine)",
    "Standing Calf Raise (Machine)", "Hip Thrust (Barbell)", "Lunge (Dumbbell)",
    "Bulgarian Split Squat", "Plank", "Crunch", "Hanging Leg Raise", "Shrug (Dumbbell)",
]  # fmt: skip


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Bench Press (Barbell)", "Barbell Bench Press"),
        ("Bicep Curls", "bicep curl"),
        ("Lateral Raises", "Lateral Raise"),
        ("Pull-Up", "Pullups"),
        ("DB Fly", "Dumbbell Flyes"),
        ("Crunches", "Crunch"),
        ("E-Z Bar Curl", "EZ Bar Curl"),
    ],
)
def test_spellings_of_one_exercise_normalise_alike(left, right):
    assert sorted(normalise(left)) == sorted(normalise(right))


def test_normalise_moves_parenthesised_words_first():
    assert normalise("Bench Press (Barbell)") == ("barbell", "bench", "press")


@pytest.mark.parametrize(
    ("name", "exercise_id"),
    [
        ("Bench Press (Dumbbell)", 2),
        ("Pull Up", 3),
        ("Bicep Curl (Barbell)", None),  # no such name: "Barbell Curl" is not guessed at
        ("Bicep Curl (Dumbbell)", 5),
        ("db curl", 5),
        ("Chest Fly (Dumbbell)", None),
        ("Standing Calf Raise", 7),
        ("Crunch", None),  # cable or machine: ambiguous, so unmatched
        ("RDL", 10),
        ("Bench Press (Barbell)", 1),  # the base of "... - Medium Grip"
        ("flat bench", 1),
        ("Lat Pulldown", None),  # a name of one exercise and an alias of another
        ("Squat (Barbell)", None),
        ("", None),
    ],
)
def test_matching_is_exact_and_conservative(name, exercise_id):
    assert ExerciseMatcher(FIXTURE_CATALOG).match(name) == exercise_id


def test_common_app_names_match_the_catalog():
    if CATALOG_FILE.exists():
        entries = json.loads(CATALOG_FILE.read_text())
        catalog = [(i, e["name"], e.get("aliases", [])) for i, e in enumerate(entries)]
        minimum_share = 0.8
    else:  # the catalog is another module's data; the fixture keeps this test meaningful
        catalog, minimum_share = FIXTURE_CATALOG, 0.05
    matcher = ExerciseMatcher(catalog)

    unmatched = [name for name in COMMON_APP_NAMES if matcher.match(name) is None]

    share = 1 - len(unmatched) / len(COMMON_APP_NAMES)
    assert share >= minimum_share, f"unmatched: {unmatched}"
