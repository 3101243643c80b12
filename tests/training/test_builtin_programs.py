"""Checks on the built-in programs and workouts data file (gravl/training/data/programs.json).

Pure file checks, so a broken reference or an impossible schedule fails here rather than in
the seed at start-up.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PROGRAMS_PATH = REPO_ROOT / "gravl" / "training" / "data" / "programs.json"
CATALOG_PATH = REPO_ROOT / "gravl" / "catalog" / "data" / "exercises.json"

WORKOUT_KEYS = {"slug", "name", "kind", "description", "exercises"}
TARGET_KEYS = {"exercise", "sets", "reps", "rest_seconds"}
PROGRAM_KEYS = {
    "slug",
    "name",
    "description",
    "days_per_week",
    "weeks",
    "schedule",
    "schedule_mode",
}
# A rotation also states the most training days in a row it allows.
ROTATION_KEYS = PROGRAM_KEYS | {"max_consecutive_days"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

MIN_PROGRAMS = 6
MIN_PROGRAM_WORKOUTS = 18
MIN_LIBRARY_WORKOUTS = 4
# The API's estimated_minutes: every set costs its rest plus about 40 s of work.
SECONDS_PER_SET_OF_WORK = 40
MAX_WORKOUT_MINUTES = 90

# The programs DESIGN.md "Built-in content" asks for, by slug, with their training days.
REQUIRED_PROGRAMS = {
    "full-body-3x": 3,
    "upper-lower-4x": 4,
    "push-pull-legs-6x": 6,
    "strength-5x5": 3,
    "home-dumbbell-3x": 3,
}
HOME_PROGRAM = "home-dumbbell-3x"
HOME_EQUIPMENT = {"dumbbell", "body_only", "bands", "kettlebell"}


@cache
def content() -> dict[str, Any]:
    return json.loads(PROGRAMS_PATH.read_text(encoding="utf-8"))


@cache
def exercises() -> dict[str, dict[str, Any]]:
    return {e["slug"]: e for e in json.loads(CATALOG_PATH.read_text(encoding="utf-8"))}


def workouts() -> dict[str, dict[str, Any]]:
    return {w["slug"]: w for w in content()["workouts"]}


def programs() -> dict[str, dict[str, Any]]:
    return {p["slug"]: p for p in content()["programs"]}


def scheduled_slugs() -> set[str]:
    return {slug for p in content()["programs"] for slug in p["schedule"] if slug is not None}


def estimated_minutes(workout: dict[str, Any]) -> float:
    seconds = sum(
        t["sets"] * (t["rest_seconds"] + SECONDS_PER_SET_OF_WORK) for t in workout["exercises"]
    )
    return seconds / 60


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def test_file_has_exactly_workouts_and_programs_with_documented_keys() -> None:
    assert set(content()) == {"workouts", "programs"}
    for w in content()["workouts"]:
        assert set(w) == WORKOUT_KEYS, w.get("slug")
        for target in w["exercises"]:
            assert set(target) == TARGET_KEYS, w["slug"]
    for p in content()["programs"]:
        keys = ROTATION_KEYS if p.get("schedule_mode") == "rotation" else PROGRAM_KEYS
        # ``progression`` (issue 18) is optional: ``linear`` for novice linear programs.
        assert set(p) - {"progression"} == keys, p.get("slug")
        assert p.get("progression", "auto") in {"linear", "auto"}, p.get("slug")


@pytest.mark.parametrize("section", ["workouts", "programs"])
def test_slugs_and_names_are_unique(section: str) -> None:
    items = content()[section]
    slugs = [i["slug"] for i in items]
    assert all(isinstance(s, str) and SLUG_RE.match(s) for s in slugs)
    assert [s for s, n in Counter(slugs).items() if n > 1] == []
    names = [i["name"].casefold() for i in items]
    assert [n for n, c in Counter(names).items() if c > 1] == []
    assert all(isinstance(i["description"], str) and len(i["description"]) >= 20 for i in items)


def test_every_workout_exercise_exists_in_the_catalog() -> None:
    missing = {
        (w["slug"], t["exercise"])
        for w in content()["workouts"]
        for t in w["exercises"]
        if t["exercise"] not in exercises()
    }
    assert missing == set()


def test_targets_are_integers_in_range() -> None:
    for w in content()["workouts"]:
        for t in w["exercises"]:
            assert is_int(t["sets"]) and 1 <= t["sets"] <= 10, w["slug"]
            assert is_int(t["reps"]) and 1 <= t["reps"] <= 30, w["slug"]
            assert is_int(t["rest_seconds"]) and 30 <= t["rest_seconds"] <= 300, w["slug"]


def test_workouts_have_three_to_eight_distinct_exercises() -> None:
    for w in content()["workouts"]:
        slugs = [t["exercise"] for t in w["exercises"]]
        assert 3 <= len(slugs) <= 8, w["slug"]
        assert len(set(slugs)) == len(slugs), w["slug"]


def test_workouts_fit_in_ninety_minutes() -> None:
    too_long = {
        w["slug"]: round(estimated_minutes(w))
        for w in content()["workouts"]
        if estimated_minutes(w) > MAX_WORKOUT_MINUTES
    }
    assert too_long == {}


def test_single_rep_targets_are_timed_efforts_explained_in_the_description() -> None:
    # reps = 1 stands for one hold or interval; the description must say how long it lasts.
    for w in content()["workouts"]:
        for t in w["exercises"]:
            if t["reps"] != 1:
                continue
            exercise = exercises()[t["exercise"]]
            timed = exercise["force"] == "static" or exercise["category"] in {
                "cardio",
                "stretching",
            }
            assert timed, (w["slug"], t["exercise"])
            assert re.search(r"second|minute|\d+ ?m\b", w["description"]), w["slug"]


def test_program_workouts_put_big_barbell_lifts_first() -> None:
    for slug in scheduled_slugs():
        order = [exercises()[t["exercise"]] for t in workouts()[slug]["exercises"]]
        assert order[0]["mechanic"] == "compound", slug
        first_isolation = next(
            (i for i, e in enumerate(order) if e["mechanic"] == "isolation"), len(order)
        )
        late_barbell = [
            e["slug"]
            for e in order[first_isolation:]
            if e["mechanic"] == "compound" and e["equipment"] == "barbell"
        ]
        assert late_barbell == [], slug


def test_enough_programs_and_workouts() -> None:
    assert len(content()["programs"]) >= MIN_PROGRAMS
    assert len(scheduled_slugs()) >= MIN_PROGRAM_WORKOUTS
    library = [w for w in content()["workouts"] if w["kind"] == "library"]
    assert len(library) >= MIN_LIBRARY_WORKOUTS


def test_kind_says_whether_a_program_uses_the_workout() -> None:
    used = scheduled_slugs()
    for w in content()["workouts"]:
        assert w["kind"] in {"program", "library"}, w["slug"]
        assert (w["kind"] == "program") == (w["slug"] in used), w["slug"]


def test_schedules_reference_known_workouts_or_rest_days() -> None:
    known = set(workouts())
    for p in content()["programs"]:
        assert isinstance(p["schedule"], list), p["slug"]
        assert all(day is None or day in known for day in p["schedule"]), p["slug"]


def test_days_per_week_matches_every_week_of_the_schedule() -> None:
    for p in content()["programs"]:
        schedule = p["schedule"]
        assert len(schedule) in {7, 14}, p["slug"]
        weeks = [schedule[i : i + 7] for i in range(0, len(schedule), 7)]
        training_days = [sum(day is not None for day in week) for week in weeks]
        assert is_int(p["days_per_week"]), p["slug"]
        assert training_days == [p["days_per_week"]] * len(weeks), p["slug"]
        assert is_int(p["weeks"]) and 1 <= p["weeks"] <= 52, p["slug"]


def test_no_workout_is_scheduled_on_consecutive_days_in_low_frequency_programs() -> None:
    # With three or fewer sessions a week there is no reason to train two days running,
    # including across the wrap-around from the last day back to the first.
    for p in content()["programs"]:
        if p["days_per_week"] > 3:
            continue
        schedule = p["schedule"]
        back_to_back = [
            i
            for i in range(len(schedule))
            if schedule[i] is not None and schedule[(i + 1) % len(schedule)] is not None
        ]
        assert back_to_back == [], p["slug"]


@pytest.mark.parametrize(("slug", "days"), sorted(REQUIRED_PROGRAMS.items()))
def test_required_programs_exist(slug: str, days: int) -> None:
    assert programs()[slug]["days_per_week"] == days


def test_push_pull_legs_trains_each_pattern_twice_a_week() -> None:
    schedule = [d for d in programs()["push-pull-legs-6x"]["schedule"] if d]
    assert len(set(schedule)) == 6


def test_five_by_five_program_is_built_on_sets_of_five() -> None:
    for slug in set(programs()["strength-5x5"]["schedule"]) - {None}:
        fives = [t for t in workouts()[slug]["exercises"] if t["sets"] == 5 and t["reps"] == 5]
        assert len(fives) >= 2, slug


def test_home_program_needs_only_home_equipment() -> None:
    gym_only = {
        (slug, t["exercise"])
        for slug in set(programs()[HOME_PROGRAM]["schedule"]) - {None}
        for t in workouts()[slug]["exercises"]
        if exercises()[t["exercise"]]["equipment"] not in HOME_EQUIPMENT
    }
    assert gym_only == set()


def test_every_program_trains_the_whole_body_each_week() -> None:
    major = {"chest", "quadriceps", "hamstrings", "shoulders"}
    for p in content()["programs"]:
        trained = {
            m
            for slug in set(p["schedule"]) - {None}
            for t in workouts()[slug]["exercises"]
            for m in exercises()[t["exercise"]]["primary_muscles"]
        }
        back = {"lats", "middle_back"} & trained
        assert major <= trained and back, (p["slug"], sorted(major - trained))
