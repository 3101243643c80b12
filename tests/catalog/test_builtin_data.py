"""Checks on the built-in exercise catalog data file (gravl/catalog/data/exercises.json).

Pure file checks: the seed loads this file into the database, so every rule the API promises
about built-in exercises (enums, muscle slugs, unique names) is enforced here, at the source.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CATALOG_PATH = REPO_ROOT / "gravl" / "catalog" / "data" / "exercises.json"
# The public-domain data set ships in the repository (data/free-exercise-db/, with its licence).
FREE_EXERCISE_DB_PATH = REPO_ROOT / "data" / "free-exercise-db" / "exercises.json"

# DESIGN.md "Muscle-group slugs"; API.md "Catalog" for the enums below.
MUSCLES = frozenset(
    [
        "abdominals",
        "abductors",
        "adductors",
        "biceps",
        "calves",
        "chest",
        "forearms",
        "glutes",
        "hamstrings",
        "lats",
        "lower_back",
        "middle_back",
        "neck",
        "quadriceps",
        "shoulders",
        "traps",
        "triceps",
    ]
)
EQUIPMENT = frozenset(
    [
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
)
CATEGORIES = frozenset(
    [
        "strength",
        "cardio",
        "stretching",
        "plyometrics",
        "powerlifting",
        "olympic_weightlifting",
        "strongman",
    ]
)
MECHANICS = frozenset({"compound", "isolation", None})
FORCES = frozenset({"push", "pull", "static", None})
LEVELS = frozenset({"beginner", "intermediate", "expert"})
KEYS = frozenset(
    [
        "slug",
        "name",
        "aliases",
        "primary_muscles",
        "secondary_muscles",
        "equipment",
        "category",
        "mechanic",
        "force",
        "level",
        "description",
    ]
)

MIN_EXERCISES = 170
MIN_WITH_ALIASES = 60
MIN_CROSS_CHECKED = 40
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Names that Strong and Hevy put in their CSV exports (FORMATS.md "Exercise matching"); the
# importer resolves them through aliases, so each must land on the intended movement.
EXPORT_NAMES = {
    "Squat (Barbell)": "barbell-back-squat",
    "Deadlift (Barbell)": "barbell-deadlift",
    "Bench Press (Barbell)": "barbell-bench-press",
    "Bench Press (Dumbbell)": "dumbbell-bench-press",
    "Incline Bench Press (Barbell)": "incline-barbell-bench-press",
    "Overhead Press (Barbell)": "barbell-overhead-press",
    "Bent Over Row (Barbell)": "barbell-row",
    "Lat Pulldown (Cable)": "lat-pulldown",
    "Seated Row (Cable)": "seated-cable-row",
    "Pull Up": "pull-up",
    "Chin Up": "chin-up",
    "Bicep Curl (Dumbbell)": "dumbbell-curl",
    "Bicep Curl (Barbell)": "barbell-curl",
    "Hammer Curl (Dumbbell)": "hammer-curl",
    "Triceps Pushdown (Cable - Straight Bar)": "triceps-pushdown",
    "Skullcrusher (Barbell)": "ez-bar-skull-crusher",
    "Lateral Raise (Dumbbell)": "dumbbell-lateral-raise",
    "Leg Press": "leg-press",
    "Leg Extension (Machine)": "leg-extension",
    "Lying Leg Curl (Machine)": "lying-leg-curl",
    "Romanian Deadlift (Barbell)": "romanian-deadlift",
    "Hip Thrust (Barbell)": "barbell-hip-thrust",
    "Front Squat (Barbell)": "barbell-front-squat",
    "Face Pull (Cable)": "face-pull",
    "Shrug (Dumbbell)": "dumbbell-shrug",
    "Running (Treadmill)": "treadmill-run",
    "Rowing (Machine)": "rowing-machine",
}

# free-exercise-db entries whose primary muscles we deliberately do not follow.
CROSS_CHECK_ALLOWED = {
    # It lists hamstrings; a split squat is knee-dominant and loads quadriceps and glutes first.
    ("split-squat", "Split Squats"),
    # It lists quadriceps; skipping is bouncing off the balls of the feet, driven by the calves.
    ("jump-rope", "Rope Jumping"),
    # It lists quadriceps; pulling the leg across the body is the adductors' job by definition.
    ("cable-hip-adduction", "Cable Hip Adduction"),
}


@cache
def catalog() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(CATALOG_PATH.read_text(encoding="utf-8")))


@cache
def free_exercise_db() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(FREE_EXERCISE_DB_PATH.read_text(encoding="utf-8")))


def normalise(name: str) -> str:
    """Fold case, punctuation and plural endings so "Pullups" style variants compare equal."""
    words = re.sub(r"[^a-z0-9]+", " ", name.lower().replace("'", "").replace("\u2019", ""))
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words.split()
    )


def names_of(exercise: dict[str, Any]) -> list[str]:
    return [exercise["name"], *exercise["aliases"]]


def by_slug() -> dict[str, dict[str, Any]]:
    return {e["slug"]: e for e in catalog()}


def test_catalog_is_a_list_of_exercise_objects_with_exactly_the_documented_keys() -> None:
    assert isinstance(catalog(), tuple)
    for exercise in catalog():
        assert isinstance(exercise, dict)
        # shoulder_heads exactly on the exercises that work the shoulders (test_delts.py).
        works_shoulders = "shoulders" in [
            *exercise.get("primary_muscles", []),
            *exercise.get("secondary_muscles", []),
        ]
        expected = KEYS | {"shoulder_heads"} if works_shoulders else KEYS
        assert set(exercise) == expected, exercise.get("slug")


def test_catalog_has_at_least_170_exercises() -> None:
    assert len(catalog()) >= MIN_EXERCISES


def test_slugs_are_unique_kebab_case() -> None:
    slugs = [e["slug"] for e in catalog()]
    bad = [s for s in slugs if not isinstance(s, str) or not SLUG_RE.match(s) or len(s) > 64]
    assert bad == []
    assert [s for s, n in Counter(slugs).items() if n > 1] == []


def test_names_are_unique_ignoring_case() -> None:
    names = [e["name"] for e in catalog()]
    assert all(isinstance(n, str) and n == n.strip() and 0 < len(n) <= 64 for n in names)
    assert [n for n, c in Counter(n.casefold() for n in names).items() if c > 1] == []


@pytest.mark.parametrize(
    ("field", "allowed"),
    [
        ("equipment", EQUIPMENT | {None}),
        ("category", CATEGORIES),
        ("mechanic", MECHANICS),
        ("force", FORCES),
        ("level", LEVELS),
    ],
)
def test_enum_fields_hold_only_documented_values(field: str, allowed: frozenset[Any]) -> None:
    bad = {e["slug"]: e[field] for e in catalog() if e[field] not in allowed}
    assert bad == {}


def test_muscles_are_known_slugs_with_a_primary_and_no_muscle_in_both_roles() -> None:
    for e in catalog():
        primary, secondary = e["primary_muscles"], e["secondary_muscles"]
        assert isinstance(primary, list) and isinstance(secondary, list), e["slug"]
        assert primary, f"{e['slug']} has no primary muscle"
        assert set(primary) <= MUSCLES and set(secondary) <= MUSCLES, e["slug"]
        assert len(set(primary)) == len(primary) and len(set(secondary)) == len(secondary)
        assert not set(primary) & set(secondary), e["slug"]


def test_every_muscle_group_is_the_primary_target_of_at_least_two_exercises() -> None:
    counts = Counter(m for e in catalog() for m in e["primary_muscles"])
    assert {m: counts[m] for m in MUSCLES if counts[m] < 2} == {}


def test_anatomy_of_the_main_lifts() -> None:
    """Spot-check muscle facts the recovery model leans on most."""
    exercises = by_slug()
    expectations = {
        "barbell-back-squat": ({"quadriceps"}, {"glutes", "hamstrings", "adductors"}),
        "romanian-deadlift": ({"hamstrings"}, {"glutes", "lower_back"}),
        "barbell-bench-press": ({"chest"}, {"triceps", "shoulders"}),
        "barbell-overhead-press": ({"shoulders"}, {"triceps"}),
        "pull-up": ({"lats"}, {"biceps"}),
        "barbell-curl": ({"biceps"}, set()),
        "triceps-pushdown": ({"triceps"}, set()),
        "standing-calf-raise": ({"calves"}, set()),
    }
    for slug, (primary, secondary) in expectations.items():
        assert set(exercises[slug]["primary_muscles"]) == primary, slug
        assert secondary <= set(exercises[slug]["secondary_muscles"]), slug
    assert "hamstrings" in exercises["barbell-deadlift"]["primary_muscles"]


def test_catalog_covers_every_kind_of_equipment_a_gym_or_home_offers() -> None:
    equipment = Counter(e["equipment"] for e in catalog())
    required = ("barbell", "dumbbell", "cable", "machine", "kettlebell", "ez_bar", "bands")
    assert {k: equipment[k] for k in required if equipment[k] < 3} == {}
    assert equipment["body_only"] >= 20


def test_catalog_has_cardio_stretching_and_plyometrics() -> None:
    categories = Counter(e["category"] for e in catalog())
    assert categories["cardio"] >= 6
    assert categories["stretching"] >= 6
    assert categories["plyometrics"] >= 3
    cardio = {e["slug"] for e in catalog() if e["category"] == "cardio"}
    assert {"treadmill-run", "rowing-machine", "stationary-bike", "jump-rope"} <= cardio


def test_dumbbell_and_bodyweight_work_every_major_muscle_for_a_home_program() -> None:
    home = [
        e
        for e in catalog()
        if e["equipment"] in {"dumbbell", "body_only"} and e["category"] == "strength"
    ]
    covered = Counter(m for e in home for m in e["primary_muscles"])
    major = [
        "chest",
        "lats",
        "middle_back",
        "shoulders",
        "biceps",
        "triceps",
        "quadriceps",
        "hamstrings",
        "glutes",
        "calves",
        "abdominals",
    ]
    assert {m: covered[m] for m in major if covered[m] < 2} == {}


def test_aliases_are_clean_strings_and_common_lifts_have_them() -> None:
    for e in catalog():
        assert isinstance(e["aliases"], list), e["slug"]
        for alias in e["aliases"]:
            assert isinstance(alias, str) and alias == alias.strip() and alias, e["slug"]
            assert alias.casefold() != e["name"].casefold(), e["slug"]
    assert sum(1 for e in catalog() if e["aliases"]) >= MIN_WITH_ALIASES


def test_aliases_are_unique_and_never_another_exercises_name() -> None:
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for e in catalog():
        for name in names_of(e):
            owners[name.casefold()].add(e["slug"])
    assert {name: slugs for name, slugs in owners.items() if len(slugs) > 1} == {}
    aliases = [a.casefold() for e in catalog() for a in e["aliases"]]
    assert [a for a, n in Counter(aliases).items() if n > 1] == []


def test_normalised_names_and_aliases_resolve_to_one_exercise() -> None:
    # The importer matches on normalised names, so a normalised clash would be ambiguous.
    owners: defaultdict[str, set[str]] = defaultdict(set)
    for e in catalog():
        for name in names_of(e):
            owners[normalise(name)].add(e["slug"])
    assert {key: slugs for key, slugs in owners.items() if len(slugs) > 1} == {}


@pytest.mark.parametrize(("export_name", "slug"), sorted(EXPORT_NAMES.items()))
def test_strong_and_hevy_export_names_resolve_to_the_right_exercise(
    export_name: str, slug: str
) -> None:
    matches = [
        e["slug"] for e in catalog() if export_name.casefold() in map(str.casefold, names_of(e))
    ]
    assert matches == [slug]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def test_descriptions_are_one_or_two_sentences() -> None:
    for e in catalog():
        text = e["description"]
        assert isinstance(text, str) and 20 <= len(text) <= 300, e["slug"]
        assert 1 <= len(_sentences(text)) <= 2 and text.endswith("."), e["slug"]


def test_descriptions_are_our_own_words_not_free_exercise_db_instructions() -> None:
    # Short stock phrases ("Repeat for the recommended amount") may recur; whole sentences not.
    theirs = {
        normalise(sentence)
        for entry in free_exercise_db()
        for step in entry["instructions"]
        for sentence in _sentences(step)
        if len(sentence) > 40
    }
    copied = [
        e["slug"]
        for e in catalog()
        if any(normalise(sentence) in theirs for sentence in _sentences(e["description"]))
    ]
    assert copied == []


def _fedb_primary(entry: dict[str, Any]) -> set[str]:
    return {m.replace(" ", "_") for m in entry["primaryMuscles"]}


def _fedb_matches() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of (our exercise, free-exercise-db entry) whose names or aliases coincide."""
    index: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in free_exercise_db():
        index[normalise(entry["name"])].append(entry)
    pairs = []
    for e in catalog():
        seen = {}
        for name in names_of(e):
            for entry in index.get(normalise(name), []):
                seen[entry["name"]] = entry
        pairs.extend((e, entry) for entry in seen.values())
    return pairs


def test_free_exercise_db_muscles_use_the_same_slugs() -> None:
    used = {m for entry in free_exercise_db() for m in _fedb_primary(entry)}
    assert used == MUSCLES


def test_primary_muscles_agree_with_free_exercise_db() -> None:
    pairs = _fedb_matches()
    disagreements = [
        (e["slug"], entry["name"], sorted(_fedb_primary(entry)))
        for e, entry in pairs
        if (e["slug"], entry["name"]) not in CROSS_CHECK_ALLOWED
        and not set(e["primary_muscles"]) & _fedb_primary(entry)
    ]
    assert disagreements == []
    checked = {
        e["slug"] for e, entry in pairs if (e["slug"], entry["name"]) not in CROSS_CHECK_ALLOWED
    }
    assert len(checked) >= MIN_CROSS_CHECKED


def test_cross_check_allow_list_only_names_real_disagreements() -> None:
    # An allow-list entry that no longer matches, or now agrees, should be deleted.
    actual = {
        (e["slug"], entry["name"])
        for e, entry in _fedb_matches()
        if not set(e["primary_muscles"]) & _fedb_primary(entry)
    }
    assert actual == CROSS_CHECK_ALLOWED
