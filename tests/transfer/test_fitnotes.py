import io
import random
from datetime import UTC, datetime

import pytest

from gravl.transfer.fitnotes import parse_duration
from gravl.transfer.parsing import ImportFormatError
from gravl.transfer.readers import parse
from tests.transfer.generators import fitnotes_export

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
