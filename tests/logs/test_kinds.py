"""The kind of set each exercise of the real catalog records (gravl.logs.kinds)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from gravl.logs.kinds import SET_KINDS, set_kind

CATALOG = json.loads(
    (Path(__file__).parents[2] / "gravl" / "catalog" / "data" / "exercises.json").read_text()
)
BY_NAME = {e["name"]: e for e in CATALOG}


def _kind(name: str) -> str:
    e = BY_NAME[name]
    return set_kind(
        category=e["category"], equipment=e["equipment"], mechanic=e["mechanic"], force=e["force"]
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Barbell Bench Press", "weight_reps"),
        ("Barbell Back Squat", "weight_reps"),
        ("Dumbbell Bench Press", "weight_reps"),
        ("Cable Crunch", "weight_reps"),
        ("Pallof Press", "weight_reps"),  # static, but pressed for reps against the stack
        ("Assisted Pull-Up", "weight_reps"),  # the machine's counterweight is the load
        ("Pull-Up", "bodyweight"),
        ("Push-Up", "bodyweight"),
        ("Chest Dip", "bodyweight"),
        ("Weighted Pull-Up", "bodyweight"),  # its belt load is the optional added weight
        ("Burpee", "bodyweight"),
        ("Plank", "time"),
        ("Side Plank", "time"),
        ("Dead Hang", "time"),
        ("Wall Sit", "time"),
        ("Farmer's Carry", "time"),
        ("Battle Ropes", "time"),
        ("Child's Pose", "time"),
        ("Foam Roll Quads", "time"),
        ("Outdoor Run", "distance_time"),
        ("Treadmill Run", "distance_time"),
        ("Rowing Machine", "distance_time"),
        ("Stationary Bike", "distance_time"),
        ("Swimming", "distance_time"),
    ],
)
def test_the_catalogs_exercises_ask_for_what_they_take(name: str, kind: str) -> None:
    assert _kind(name) == kind


def test_every_exercise_has_a_kind_and_most_are_lifted() -> None:
    kinds = Counter(_kind(e["name"]) for e in CATALOG)
    assert set(kinds) == set(SET_KINDS)
    assert kinds["weight_reps"] > len(CATALOG) / 2
    # Every loaded strength exercise that moves (not held) is weight × reps.
    loaded = ("barbell", "dumbbell", "ez_bar")
    for e in CATALOG:
        if e["category"] == "strength" and e["equipment"] in loaded and e["force"] != "static":
            assert _kind(e["name"]) == "weight_reps", e["name"]


def test_a_custom_exercise_without_equipment_is_weight_and_reps() -> None:
    kind = set_kind(category="strength", equipment=None, mechanic=None, force=None)
    assert kind == "weight_reps"
