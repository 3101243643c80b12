import io
import random
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from gravl.transfer.fitnotes import parse_duration
from gravl.transfer.parsing import ImportFormatError
from gravl.transfer.readers import parse
from tests.conftest import Account
from tests.transfer.generators import fitnotes_export
from tests.transfer.test_import_api import expected_logs, stored_logs, upload

HEADER = "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"


def read(content: bytes, **options: str) -> list:
    return list(parse(io.BytesIO(content), "fitnotes", **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("old_header", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_exports_parse_exactly(old_header, seed):
    export = fitnotes_export(random.Random(seed), old_header=old_header, timezone="Asia/Kolkata")

    sets = read(export.content, timezone="Asia/Kolkata")

    assert sets == export.expected
    assert len({s.session_key for s in sets}) == export.sessions


def test_a_day_is_one_session_at_local_noon_in_file_order():
    content = (
        HEADER
        + "2025-03-04,Flat Barbell Bench Press,Chest,100.0,kgs,5,,,,\n"
        + "2025-03-04,Flat Barbell Bench Press,Chest,77.16,lbs,8,,,,top set\n"
        + "2025-03-04,Running,Cardio,0.0,kgs,0,5.0,km,0:25:30,\n"
        + "2025-03-05,Flat Barbell Bench Press,Chest,102.5,kgs,5,,,,\n"
    ).encode()

    first, second, run, next_day = read(content, timezone="America/Los_Angeles")

    assert first.performed_at == datetime(2025, 3, 4, 20, 0, tzinfo=UTC)
    assert first.session_key == second.session_key == run.session_key != next_day.session_key
    assert [first.set_index, second.set_index, next_day.set_index] == [0, 1, 0]
    assert second.weight_kg == 35.0  # FitNotes' lbs are kg conversions: 77.16 lb is 35 kg
    assert second.notes == "top set"
    assert (run.weight_kg, run.reps, run.distance_m, run.duration_s) == (None, None, 5000.0, 1530)
    assert first.workout_name is None


def test_distance_without_unit_is_an_error():
    content = (HEADER + "2025-03-04,Running,Cardio,0,kgs,0,5.0,,0:25:30,\n").encode()

    with pytest.raises(ImportFormatError) as caught:
        read(content)

    assert (caught.value.line, caught.value.column) == (2, "Distance Unit")


@pytest.mark.parametrize(
    ("text", "seconds"), [("0:25:30", 1530), ("1:02:03", 3723), ("0:00:00", None)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("old_header", [False, True])
@pytest.mark.parametrize("seed", [2, 3, 4, 5])
def test_unquoted_commas_are_put_back_where_they_belong(old_header, seed):
    export = fitnotes_export(random.Random(seed), old_header=old_header, unquoted=True)
    width = len(export.header)
    overlong = [line for line in export.content.decode().splitlines() if line.count(",") >= width]

    sets = read(export.content)

    assert overlong  # rows FitNotes wrote with more fields than its header
    assert sets == export.expected


def test_a_comma_in_the_exercise_name():
    content = (HEADER + "2024-01-02,Row, Seated Cable,Back,60.0,kgs,10,,,,\n").encode()

    [row] = read(content)

    assert (row.exercise_name, row.weight_kg, row.reps, row.notes) == (
        "Row, Seated Cable",
        60.0,
        10,
        None,
    )


def test_commas_in_the_comment_and_in_both():
    content = (
        HEADER
        + "2024-01-02,Bench,Chest,60.0,kgs,8,,,,felt strong, easy\n"
        + "2024-01-02,Row, Seated Cable,Back,40.0,kgs,12,,,,slow, controlled, good\n"
    ).encode()

    bench, row = read(content)

    assert (bench.exercise_name, bench.notes, bench.reps) == ("Bench", "felt strong, easy", 8)
    assert (row.exercise_name, row.notes) == ("Row, Seated Cable", "slow, controlled, good")
    assert row.weight_kg == 40.0


def test_trailing_padding_is_still_padding():
    content = (HEADER + "2024-01-02,Bench,Chest,60.0,kgs,8,,,,,,\n").encode()

    [bench] = read(content)

    assert (bench.exercise_name, bench.weight_kg, bench.reps) == ("Bench", 60.0, 8)


@pytest.mark.parametrize(
    "row",
    [
        "2024-01-02,Row, Seated Cable,Back,sixty,kgs,10,,,,",  # a bad weight besides
        "2024-01-02,Bench,Chest,60.0,kgs,8,a,b,c,d,e,f,g,h,i,j,k",  # too many to be names
    ],
)
def test_a_row_that_reads_no_way_is_an_error(row):
    content = (HEADER + "2024-01-02,Bench,Chest,60.0,kgs,8,,,,\n" + row + "\n").encode()

    with pytest.raises(ImportFormatError) as caught:
        read(content)

    assert (caught.value.line, caught.value.column) == (3, None)
    assert "the header has 10" in caught.value.message
    assert "'Exercise' or 'Comment'" in caught.value.message


def test_import_api_stores_unquoted_names(client: TestClient, lifter: Account) -> None:
    export = fitnotes_export(random.Random(6), days=8, unquoted=True)
    assert "Développé Couché, Incliné" in {s.exercise_name for s in export.expected}

    response = upload(client, lifter, export.content, "fitnotes")

    assert response.status_code == 201, response.text
    assert response.json()["created_exercises"] == ["Développé Couché, Incliné"]
    assert response.json()["sets"] == len(export.expected)
    assert stored_logs(client, lifter) == expected_logs(export)
