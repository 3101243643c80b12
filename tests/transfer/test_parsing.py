import dataclasses
import io
import random

import pytest

from gravl.transfer.parsing import detect_format, pounds_to_kg
from gravl.transfer.readers import parse
from tests.transfer.generators import (
    FITNOTES_HEADER,
    FITNOTES_OLD_HEADER,
    HEVY_HEADER,
    STRONG_HEADERS,
    strong_export,
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (",".join(STRONG_HEADERS["ios"]), "strong"),
        (";".join(STRONG_HEADERS["android"]), "strong"),
        ("\ufeff" + ";".join(STRONG_HEADERS["legacy"]), "strong"),
        (",".join(HEVY_HEADER).replace("weight_kg", "weight_lbs"), "hevy"),
        (",".join(FITNOTES_HEADER), "fitnotes"),
        (",".join(FITNOTES_OLD_HEADER), "fitnotes"),
        ('"Date","Workout Name","Exercise Name","Set Order","Weight","Reps"', "strong"),
        ("id,name,email", None),
        ("", None),
    ],
)
def test_detect_format(header, expected):
    assert detect_format(header) == expected


@pytest.mark.parametrize(
    ("pounds", "kg"),
    [
        ("77.16", 35.0),  # FitNotes' print of 35 kg
        ("49.60", 22.5),
        ("135", 61.235),  # a lb user's own number is converted, not snapped
        ("135.0", 61.235),
        ("135.01", 61.2395),
    ],
)
def test_pounds_to_kg(pounds, kg):
    assert pounds_to_kg(float(pounds), pounds) == kg


def test_fingerprints_are_stable_and_distinct():
    export = strong_export(random.Random(11), "ios", sessions=10)

    first = [s.fingerprint() for s in parse(io.BytesIO(export.content), "strong")]
    again = [s.fingerprint() for s in parse(io.BytesIO(export.content), "strong")]

    assert first == again
    assert len(set(first)) == len(first)


def test_fingerprint_ignores_name_spelling_but_not_the_set():
    [bench] = strong_export(random.Random(1), "ios", sessions=1).expected[:1]
    renamed = dataclasses.replace(bench, exercise_name="Barbell Bench Press", line=99)

    assert dataclasses.replace(bench, exercise_name="Bench Press (Barbell)").fingerprint() == (
        renamed.fingerprint()
    )
    assert dataclasses.replace(bench, set_index=bench.set_index + 1).fingerprint() != (
        bench.fingerprint()
    )
