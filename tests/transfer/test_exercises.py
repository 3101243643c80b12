"""Custom exercises made for unmatched names take muscles only from a telling catalog name."""

from __future__ import annotations

import pytest

from tests.transfer.builtin_catalog import builtin_resolver


@pytest.mark.parametrize(
    "name",
    [
        "Hex Press (Dumbbell)",  # only "Kettlebell Press" fits, and "press" says nothing
        "Z Press",
        "Plate Press",
        "Gorilla Row (Kettlebell)",  # "Kettlebell Row": a row, but whose?
        "Single Arm Row (Band)",  # "Single Arm Row (Kettlebell)": all generic words
        "Reverse Fly Single Arm (Cable)",
        "Spider Curl (Dumbbell)",
        "Completely New Thing",
        # Two telling names fit and disagree: a deficit deadlift or a Romanian deadlift?
        "Deficit Romanian Deadlift (Barbell)",
    ],
)
def test_a_name_without_a_telling_catalog_name_in_it_gets_no_muscles(name):
    muscles = builtin_resolver().infer_muscles(name)
    assert (muscles.primary, muscles.secondary, muscles.inferred_from) == ((), (), None)


@pytest.mark.parametrize(
    ("name", "primary", "source"),
    [
        ("Paused Bench Press (Barbell)", ("chest",), "Barbell Bench Press"),
        ("Snatch-Grip Romanian Deadlift (Barbell)", ("hamstrings",), "Romanian Deadlift"),
        ("Tempo Leg Press", ("quadriceps",), "Leg Press"),
    ],
)
def test_a_name_containing_a_telling_catalog_name_takes_its_muscles(name, primary, source):
    muscles = builtin_resolver().infer_muscles(name)
    assert (muscles.primary, muscles.inferred_from) == (primary, source)
