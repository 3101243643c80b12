"""Two names of one workout are two exercises, whatever the catalog makes of them."""

from __future__ import annotations

from gravl.transfer.service import apart_in_each_workout

CATALOG = {"Lat Pulldown (Machine)": 7, "Lat Pulldown (Cable)": 7, "Squat": 1}


def test_the_later_name_of_a_workout_gives_up_a_shared_match() -> None:
    names = [
        ("monday", "Lat Pulldown (Cable)"),
        ("monday", "Squat"),
        ("monday", "Lat Pulldown (Machine)"),
    ]
    assert apart_in_each_workout(names, CATALOG.get) == {
        "Lat Pulldown (Cable)": 7,
        "Squat": 1,
        "Lat Pulldown (Machine)": None,
    }


def test_names_in_different_workouts_may_share_an_exercise() -> None:
    names = [("monday", "Lat Pulldown (Cable)"), ("friday", "Lat Pulldown (Machine)")]
    assert apart_in_each_workout(names, CATALOG.get) == {
        "Lat Pulldown (Cable)": 7,
        "Lat Pulldown (Machine)": 7,
    }


def test_one_name_repeated_in_a_workout_is_one_exercise() -> None:
    names = [("monday", "Squat"), ("monday", "Squat")]
    assert apart_in_each_workout(names, CATALOG.get) == {"Squat": 1}
