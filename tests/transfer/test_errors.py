"""Files that cannot be imported whole: one ImportFormatError naming line and column."""

import io
import random

import pytest

from gravl.transfer.parsing import MAX_PROBLEMS, ImportFormatError
from gravl.transfer.readers import parse
from tests.transfer.generators import fitbod_export, fitnotes_export, hevy_export, strong_export


def problems_of(content: bytes, format: str = "strong") -> ImportFormatError:
    with pytest.raises(ImportFormatError) as caught:
        list(parse(io.BytesIO(content), format))  # type: ignore[arg-type]
    return caught.value


def ios_export() -> bytes:
    return strong_export(random.Random(7), "ios").content


IOS_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)


def simple_ios_export() -> bytes:
    row = "2025-03-04 18:05:12,Push,52m,Bench,{},60,8,0,0,,,"
    return "\r\n".join([IOS_HEADER, *(row.format(n) for n in range(1, 6))]).encode() + b"\r\n"


def replace_cell(content: bytes, line: int, column: int, value: str) -> bytes:
    lines = content.decode().split("\r\n")
    cells = lines[line - 1].split(",")
    cells[column] = value
    lines[line - 1] = ",".join(cells)
    return "\r\n".join(lines).encode()


@pytest.mark.parametrize(
    ("export", "chosen"),
    [
        (lambda: hevy_export(random.Random(1)).content, "strong"),
        (lambda: ios_export(), "hevy"),
        (lambda: fitnotes_export(random.Random(1)).content, "hevy"),
        (lambda: fitbod_export(random.Random(1)).content, "strong"),
    ],
)
def test_wrong_format_is_named(export, chosen):
    error = problems_of(export(), chosen)

    assert error.line == 1
    assert "export" in error.message


READABLE = (
    "Gravl reads the CSV exports of Strong, Hevy, FitNotes and Fitbod, and its own JSON export "
    "(format gravl)"
)


def test_unknown_format():
    error = problems_of(b"name,when,what\nx,y,z\n")

    assert (error.line, error.message) == (
        1,
        f"expected a Strong export; this header is not one we know. {READABLE}",
    )


GRAVL_JSON = b'{"format":"gravl","version":1,"exported_at":"2025-01-01T00:00:00Z","logs":[]}'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GRAVL_JSON, "this is a Gravl JSON export (choose Gravl as its format to restore it)"),
        (b'{\n  "format": "gravl",\n  "version": 1\n}\n', "this is a Gravl JSON export"),
        # A compact export is one line of megabytes: named, not refused for its length.
        (GRAVL_JSON[:-2] + b'{"notes":"x"},' * 100_000 + b"]}", "this is a Gravl JSON export"),
        (b'[{"date": "2025-01-01"}]', "this is a JSON file"),
        (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n',
            "this is an Apple Health export",
        ),
        (b"<html><body>Sign in</body></html>", "this is an XML or HTML file"),
    ],
)
def test_a_document_that_is_no_csv_is_named(content, message):
    error = problems_of(content, "fitnotes")

    assert error.line == 1
    assert error.message.startswith(message)
    assert error.message.endswith(READABLE)


@pytest.mark.parametrize(
    ("header", "named"),
    [
        ("### SETTING ##########################################", "a JEFIT export"),
        ("### WORKOUT SESSIONS ###", "a JEFIT export"),
        (
            '"Legs · Day 2 · Week 4 · Push-Pull-Legs";"2026-02-19 4:54 h";"1:02 hr"',
            "an Alpha Progression export",
        ),
        (
            "date,log_id,exercise,exercise_id,source_type,set_number,set_type,weight_kg,reps,"
            "rpe,duration_s,distance_m,notes",
            "Gravl's own CSV export",
        ),
    ],
)
def test_another_apps_csv_is_named(header, named):
    error = problems_of((header + "\n1;2;3\n").encode(), "fitnotes")

    assert error.line == 1
    assert error.message.startswith(f"expected a FitNotes export; this header is {named}")
    assert error.message.endswith(READABLE)


def test_missing_required_column_is_named():
    content = ios_export().replace(b",Reps,", b",Repetitions,", 1)

    error = problems_of(content)

    assert (error.line, error.column) == (1, "Reps")


def test_unparsable_date_names_line_and_column():
    error = problems_of(replace_cell(simple_ios_export(), 3, 0, "yesterday"))

    assert (error.line, error.column) == (3, "Date")
    assert "yesterday" in error.message


@pytest.mark.parametrize("value", ["sixty", "-5", "1e3", "nan", "9" * 400])
def test_unparsable_number_names_line_and_column(value):
    error = problems_of(replace_cell(simple_ios_export(), 2, 5, value))

    assert (error.line, error.column) == (2, "Weight")


def test_fractional_reps_are_an_error():
    error = problems_of(replace_cell(simple_ios_export(), 2, 6, "8.5"))

    assert (error.line, error.column) == (2, "Reps")


def test_several_problems_are_reported_together():
    content = replace_cell(replace_cell(simple_ios_export(), 2, 5, "heavy"), 4, 0, "soon")

    error = problems_of(content)

    assert [(p.line, p.column) for p in error.problems] == [(2, "Weight"), (4, "Date")]
    assert error.details()[1] == {"line": 4, "column": "Date", "message": error.problems[1].message}


def test_problems_stop_at_the_cap():
    rows = "\nbad,Push,52m,Bench,1,60,8,0,0,,," * 100

    error = problems_of((IOS_HEADER + rows).encode())

    assert len(error.problems) == MAX_PROBLEMS


def test_no_record_is_yielded_after_a_problem():
    content = replace_cell(simple_ios_export(), 3, 0, "never")
    received = []

    with pytest.raises(ImportFormatError):
        received.extend(parse(io.BytesIO(content), "strong"))

    # (Strong's sets come a workout at a time, its Note rows joined: here none came yet.)
    assert all(s.line < 3 for s in received)


def test_file_cut_mid_row():
    content = ios_export()
    cut = content[: content.rindex(b"\r\n", 0, len(content) - 2) + 30]

    error = problems_of(cut)

    assert error.line == cut.count(b"\n") + 1
    assert "cut short" in error.message


def test_file_cut_inside_quotes():
    content = ios_export()
    cut = content[: content.rindex(b'"') - 1]

    error = problems_of(cut)

    assert "cut short" in error.message


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"\xff\xfeD\x00a\x00t\x00e\x00",
        b"Date,Workout Name\n\x00\x01\x02garbage",
    ],
)
def test_binary_file(content):
    error = problems_of(content)

    assert error.line in (1, 2)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file(content):
    assert problems_of(content).message == "the file is empty"


@pytest.mark.parametrize(
    ("content", "format"),
    [
        (ios_export().split(b"\r\n")[0] + b"\r\n", "strong"),
        (hevy_export(random.Random(1)).content.split(b"\r\n")[0], "hevy"),
        (fitnotes_export(random.Random(1)).content.split(b"\r\n")[0] + b"\n\n", "fitnotes"),
    ],
)
def test_header_only_file(content, format):
    error = problems_of(content, format)

    assert (error.line, error.message) == (1, "the file has a header but no sets")


def test_cp1252_file_is_read():
    content = ios_export().decode().replace("Développé", "Développé").encode("cp1252")

    sets = list(parse(io.BytesIO(content), "strong"))

    assert any(s.exercise_name.startswith("Développé") for s in sets)


def test_invalid_utf8_after_utf8_text_is_an_error():
    content = ios_export() + b"2025-03-04 18:05:12,Push,52m,Caf\xe9 Curl,1,60,8,0,0,,,\r\n"

    error = problems_of(content)

    assert error.line == content.count(b"\n")
    assert "UTF-8" in error.message


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="timezone"):
        parse(io.BytesIO(ios_export()), "strong", timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="unit"):
        parse(io.BytesIO(ios_export()), "strong", unit="stone")  # type: ignore[arg-type]
