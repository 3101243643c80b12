import dataclasses
import io
import random

import pytest

from gravl.transfer.parsing import (
    DISTANCE_UNITS,
    WEIGHT_UNITS,
    CsvTable,
    detect_format,
    pounds_to_kg,
    unit_as_header,
    unit_in_header,
    unit_parser,
)
from gravl.transfer.readers import parse
from tests.transfer.generators import (
    FITBOD_HEADER,
    FITNOTES_HEADER,
    FITNOTES_OLD_HEADER,
    HEVY_HEADER,
    STRONG_HEADERS,
    hevy_export,
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
        ('"Date,Workout Name,Exercise Name,Set Order,kg,Reps,km,Seconds,Notes"', "strong"),
        (",".join(FITBOD_HEADER), "fitbod"),
        ("Date,Exercise,Sets,Reps,Weight(kg),Duration(s),Distance(m),isWarmup,Note", "fitbod"),
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


@pytest.mark.parametrize(
    ("text", "unit"),
    [("mi.", "mi"), ("km.", "km"), ("yds.", "yd"), ("Miles", "mi"), (" m ", "m"), ("ft.", "ft")],
)
def test_distance_units_with_or_without_a_period(text, unit):
    assert unit_parser(DISTANCE_UNITS)(text) == unit


@pytest.mark.parametrize(("text", "unit"), [("lbs.", "lb"), ("LB", "lb"), ("kgs.", "kg")])
def test_weight_units_with_or_without_a_period(text, unit):
    assert unit_parser(WEIGHT_UNITS)(text) == unit


@pytest.mark.parametrize("text", ["mi..", "stone", ".", ""])
def test_unknown_units(text):
    with pytest.raises(ValueError, match="unknown unit"):
        unit_parser(DISTANCE_UNITS | WEIGHT_UNITS)(text)


def test_units_named_in_headers():
    table = CsvTable(io.BytesIO(b"Date,Weight (lbs.),Distance(mi.),yds\n"))

    assert unit_in_header(table, "Weight", WEIGHT_UNITS) == ("Weight (lbs.)", "lb")
    assert unit_in_header(table, "Distance", DISTANCE_UNITS) == ("Distance(mi.)", "mi")
    assert unit_as_header(table, DISTANCE_UNITS) == ("yds", "yd")
    assert unit_as_header(table, WEIGHT_UNITS) is None


def wrap_lines(content: bytes) -> bytes:
    """Every physical line wrapped whole in quotes, inner quotes doubled."""
    lines = content.decode().split("\n")
    return "\n".join(
        '"' + line.rstrip("\r").replace('"', '""') + '"' + ("\r" if line.endswith("\r") else "")
        if line
        else line
        for line in lines
    ).encode()


def test_wrapped_lines_are_read_in_any_format():
    export = hevy_export(random.Random(3))  # quoted notes over two lines, names with commas
    wrapped = wrap_lines(export.content)
    assert wrapped.startswith(b'"title,start_time,')

    assert list(parse(io.BytesIO(wrapped), "hevy")) == export.expected


def test_a_single_column_header_is_not_taken_for_a_wrapped_one():
    table = CsvTable(io.BytesIO(b'"Date"\n"2025-01-01"\n'))

    assert table.header == ["Date"]
    assert [row.text("Date") for row in table.rows()] == ["2025-01-01"]
