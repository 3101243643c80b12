import io
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.transfer.fitbod import parse_time
from gravl.transfer.parsing import ImportFormatError, detect_format
from gravl.transfer.readers import parse
from tests.conftest import Account
from tests.transfer.generators import FITBOD_HEADER, fitbod_export
from tests.transfer.test_import_api import all_logs, upload

HEADER = ",".join(FITBOD_HEADER) + "\n"


def read(content: bytes, **options: str) -> list:
    return list(parse(io.BytesIO(content), "fitbod", **options))  # type: ignore[arg-type]


def row(date: str, exercise: str = "Bench Press", reps: int = 8, weight: str = "60.0", **cells):
    values = {"Duration(s)": "0", "Distance(m)": "0", "isWarmup": "false", "Note": ""} | cells
    return (
        f"{date},{exercise},{reps},{weight},{values['Duration(s)']},{values['Distance(m)']},"
        f"0,0,{values['isWarmup']},{values['Note']},1\n"
    )


@pytest.mark.parametrize("times", ["utc", "local", "naive"])
@pytest.mark.parametrize("newest_first", [False, True])
@pytest.mark.parametrize("sets_column", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_exports_parse_exactly(times, newest_first, sets_column, seed):
    export = fitbod_export(
        random.Random(seed),
        timezone="America/New_York",
        times=times,
        newest_first=newest_first,
        sets_column=sets_column,
    )

    sets = read(export.content, timezone="America/New_York")

    assert sets == export.expected
    assert len({s.session_key for s in sets}) == export.sessions


def test_a_row_from_a_real_layout():
    content = (
        HEADER
        + row("2021-03-28 17:31:41 +0000", "Deadlift", 5, "140.0", Note="felt good")
        + row("2021-03-28 17:29:02 +0000", "Deadlift", 8, "60.0", isWarmup="true")
    ).encode()

    warm_up, top = read(content, timezone="Asia/Tokyo")

    # The file is newest first; the session numbers its sets in time order.
    assert (warm_up.set_index, warm_up.set_type, warm_up.weight_kg) == (0, "warmup", 60.0)
    assert (top.set_index, top.set_type, top.weight_kg, top.reps) == (1, "normal", 140.0, 5)
    assert top.performed_at == datetime(2021, 3, 28, 17, 31, 41, tzinfo=UTC)
    assert top.session_key == warm_up.session_key == warm_up.performed_at.isoformat()
    assert (top.notes, top.workout_name, top.rpe) == ("felt good", None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-28 17:31:41 +0000", datetime(2021, 3, 28, 17, 31, 41, tzinfo=UTC)),
        ("2021-03-28 17:31:41 -0500", datetime(2021, 3, 28, 22, 31, 41, tzinfo=UTC)),
        ("2021-03-28 17:31:41 +05:30", datetime(2021, 3, 28, 12, 1, 41, tzinfo=UTC)),
        ("2021-03-28T17:31:41Z", datetime(2021, 3, 28, 17, 31, 41, tzinfo=UTC)),
    ],
)
def test_times_with_an_offset(text, expected):
    wall_clock, offset = parse_time(text)

    assert offset is not None
    assert wall_clock.replace(tzinfo=offset).astimezone(UTC) == expected


def test_a_time_without_an_offset_is_in_the_import_timezone():
    [bench] = read((HEADER + row("2021-03-28 17:31:41")).encode(), timezone="Europe/Berlin")

    assert bench.performed_at == datetime(2021, 3, 28, 15, 31, 41, tzinfo=UTC)  # CEST


@pytest.mark.parametrize("text", ["28/03/2021 17:31", "2021-02-30 10:00:00 +0000", "yesterday"])
def test_bad_times(text):
    with pytest.raises(ValueError, match="time"):
        parse_time(text)


def test_sessions_split_on_a_gap_of_over_three_hours_or_a_new_local_day():
    content = (
        HEADER
        + row("2024-05-06 06:00:00 +0000", "Squat")
        + row("2024-05-06 09:00:00 +0000", "Squat")  # three hours: the same workout
        + row("2024-05-06 12:00:01 +0000", "Squat")  # over three: another
        + row("2024-05-06 23:50:00 +0000", "Squat")
        + row("2024-05-07 00:10:00 +0000", "Squat")  # twenty minutes, but the next day
    ).encode()

    sets = read(content, timezone="UTC")

    keys = [s.session_key for s in sets]
    assert keys[0] == keys[1] != keys[2] != keys[3] != keys[4]
    assert [s.set_index for s in sets] == [0, 1, 0, 0, 0]


def test_the_local_day_is_the_lifters_not_utcs():
    # 18:30 and 19:30 in New York: one workout, though its UTC times straddle midnight.
    content = (
        HEADER + row("2024-05-06 22:30:00 +0000") + row("2024-05-06 23:59:00 +0000")
    ).encode()
    evening_utc = HEADER + row("2024-05-06 23:30:00 +0000") + row("2024-05-07 00:30:00 +0000")

    in_new_york = read(content, timezone="America/New_York")
    split = read(evening_utc.encode(), timezone="UTC")
    joined = read(evening_utc.encode(), timezone="America/New_York")

    assert in_new_york[0].session_key == in_new_york[1].session_key
    assert split[0].session_key != split[1].session_key
    assert joined[0].session_key == joined[1].session_key


def test_session_keys_are_stable_across_reads():
    export = fitbod_export(random.Random(8), newest_first=True)

    first = [(s.session_key, s.fingerprint()) for s in read(export.content)]
    again = [(s.session_key, s.fingerprint()) for s in read(export.content)]

    assert first == again
    assert len({fingerprint for _, fingerprint in first}) == len(first)


def test_a_negative_weight_is_an_assisted_bodyweight_set():
    content = (
        HEADER
        + row("2024-05-06 06:00:00 +0000", "Assisted Pull Up", 8, "-20.0")
        + row("2024-05-06 06:03:00 +0000", "Assisted Pull Up", 6, "-22.5", Note="last one")
    ).encode()

    first, second = read(content)

    assert (first.weight_kg, first.reps, first.notes) == (None, 8, "assisted: 20 kg")
    assert (second.weight_kg, second.notes) == (None, "assisted: 22.5 kg; last one")


def test_a_sets_column_stands_for_identical_sets():
    header = "Date,Exercise,Sets,Reps,Weight(kg),isWarmup,Note\n"
    content = (
        header
        + "2024-05-06 06:00:00 +0000,Bench Press,3,8,60,false,\n"
        + "2024-05-06 06:10:00 +0000,Bench Press,0,8,60,false,\n"  # no set at all
        + "2024-05-06 06:20:00 +0000,Bench Press,,5,70,false,\n"
    ).encode()

    sets = read(content)

    assert [(s.set_index, s.reps, s.weight_kg, s.line) for s in sets] == [
        (0, 8, 60.0, 2),
        (1, 8, 60.0, 2),
        (2, 8, 60.0, 2),
        (3, 5, 70.0, 4),
    ]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("21,8,60,false,", "Sets"),  # more than one row stands for
        ("3,8,60,maybe,", "isWarmup"),
        ("3,8,sixty,false,", "Weight(kg)"),
        ("3,8,-,false,", "Weight(kg)"),
    ],
)
def test_bad_cells_name_line_and_column(cells, column):
    content = f"Date,Exercise,Sets,Reps,Weight(kg),isWarmup,Note\n2024-05-06 06:00,Bench,{cells}\n"

    with pytest.raises(ImportFormatError) as caught:
        read(content.encode())

    assert (caught.value.line, caught.value.column) == (2, column)


def test_a_pound_header_is_read_in_pounds():
    content = (
        b"Date,Exercise,Reps,Weight(lbs),Duration(s),Distance(m),isWarmup,Note,multiplier\n"
        b"2024-05-06 06:00:00 +0000,Bench Press,5,135.0,0,0,false,,1\n"
        b"2024-05-06 06:05:00 +0000,Assisted Dip,5,-45.0,0,0,false,,1\n"
    )

    bench, dip = read(content)

    assert bench.weight_kg == pytest.approx(61.235, abs=1e-3)
    assert (dip.weight_kg, dip.notes) == (None, "assisted: 20.41 kg")


def test_cardio_rows():
    content = (
        HEADER
        + row("2024-05-06 06:00:00 +0000", "Running", 0, "0", **{"Duration(s)": "1500"})
        + row("2024-05-06 06:30:00 +0000", "Rowing", 0, "0", **{"Distance(m)": "2000.0"})
    ).encode()

    run, rowing = read(content)

    assert (run.reps, run.weight_kg, run.duration_s, run.distance_m) == (None, None, 1500, None)
    assert (rowing.duration_s, rowing.distance_m) == (None, 2000.0)


def test_fitbod_is_told_from_fitnotes():
    export = fitbod_export(random.Random(1))

    assert detect_format(HEADER) == "fitbod"
    assert detect_format("Date,Exercise,Sets,Reps,Weight(kg),isWarmup,Note") == "fitbod"
    with pytest.raises(ImportFormatError) as caught:
        list(parse(io.BytesIO(export.content), "fitnotes"))
    assert caught.value.message == ("expected a FitNotes export; this header is a Fitbod export")


def test_import_api_stores_fitbod_sets(client: TestClient, lifter: Account) -> None:
    export = fitbod_export(random.Random(21), days=8, sets_column=True, newest_first=True)
    assisted = [s for s in export.expected if (s.notes or "").startswith("assisted")]
    assert assisted  # the generated history has assisted pull-ups

    response = upload(client, lifter, export.content, "fitbod")

    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["format"], report["sessions"], report["sets"]) == (
        "fitbod",
        export.sessions,
        len(export.expected),
    )
    logs = all_logs(client, lifter)
    stored = sorted(
        (log["performed_at"].replace("Z", "+00:00"), s["set_type"], s["reps"], s["weight_kg"])
        for log in logs
        for s in log["sets"]
    )
    expected: dict[tuple[str, str], Any] = {}
    for s in export.expected:  # a log is at its exercise's first set in the session
        expected.setdefault((s.session_key, s.exercise_name), s.performed_at.isoformat())
    assert stored == sorted(
        (expected[(s.session_key, s.exercise_name)], s.set_type, s.reps, s.weight_kg)
        for s in export.expected
    )
    pull_ups = [log for log in logs if log["exercise_name"] == "Pull-Up" and log["notes"]]
    assert any("assisted: " in log["notes"] for log in pull_ups)

    again = upload(client, lifter, export.content, "fitbod")
    assert again.is_success, again.text
    assert (again.json()["logs"], again.json()["duplicates_skipped"]) == (0, len(export.expected))
