import io
import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from gravl.transfer.hevy import parse_time
from gravl.transfer.parsing import ImportFormatError
from gravl.transfer.readers import parse
from tests.transfer.generators import hevy_export

HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
)


def read(content: bytes, **options: str) -> list:
    return list(parse(io.BytesIO(content), "hevy", **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("imperial", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_exports_parse_exactly(imperial, seed):
    export = hevy_export(random.Random(seed), imperial=imperial, timezone="Australia/Sydney")

    sets = read(export.content, timezone="Australia/Sydney")

    assert sets == export.expected
    assert len({s.session_key for s in sets}) == export.sessions


def test_set_types_and_blank_rpe():
    # Hevy quotes the times because they contain a comma.
    workout = '"Upper","15 Sep 2025, 07:48","15 Sep 2025, 08:40",,Bench Press (Barbell),,,'
    rows = [
        workout + "0,warmup,40,10,,,",
        workout + "1,normal,80,5,,,8.5",
        workout + "2,failure,80,3,,,10",
        workout + "3,dropset,60,8,,,",
    ]
    sets = read((HEADER + "\n".join(rows) + "\n").encode())

    assert [(s.set_type, s.set_index, s.rpe) for s in sets] == [
        ("warmup", 0, None),
        ("normal", 1, 8.5),
        ("failure", 2, 10.0),
        ("drop", 3, None),
    ]
    assert sets[0].performed_at == datetime(2025, 9, 15, 7, 48, tzinfo=UTC)
    assert sets[0].session_duration_s == 52 * 60


def test_imperial_columns():
    header = HEADER.replace("weight_kg", "weight_lbs").replace("distance_km", "distance_miles")
    row = '"Cardio","1 Jan 2025, 10:00","1 Jan 2025, 11:00",,Running,,,0,normal,,,3.1,1800,\n'

    [run] = read((header + row).encode())

    assert run.distance_m == pytest.approx(4988.966, abs=1e-3)
    assert (run.weight_kg, run.reps, run.duration_s) == (None, None, 1800)


@pytest.mark.parametrize(
    "text",
    ["15 Sep 2025, 07:48", "15 Sept 2025, 07:48", "15 September 2025, 07:48", "2025-09-15 07:48"],
)
def test_times(text):
    assert parse_time(text, ZoneInfo("UTC")) == datetime(2025, 9, 15, 7, 48, tzinfo=UTC)


def test_unknown_set_type_names_line_and_column():
    row = '"Upper","15 Sep 2025, 07:48",,,Bench,,,0,superset,40,10,,,\n'

    with pytest.raises(ImportFormatError) as caught:
        read((HEADER + row).encode())

    assert (caught.value.line, caught.value.column) == (2, "set_type")
