import csv
import io
import random
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from gravl.transfer.parsing import ImportFormatError
from gravl.transfer.readers import parse
from gravl.transfer.strong import parse_date, parse_duration
from tests.conftest import Account
from tests.transfer.generators import strong_export
from tests.transfer.test_import_api import expected_logs, stored_logs, upload

IOS_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
)


def read(content: bytes, **options: str) -> list:
    return list(parse(io.BytesIO(content), "strong", **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", ["ios", "android", "legacy", "early"])
@pytest.mark.parametrize("unit", ["kg", "lb"])
@pytest.mark.parametrize("twelve_hour", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_exports_parse_exactly(layout, unit, twelve_hour, seed):
    export = strong_export(
        random.Random(seed),
        layout,
        unit=unit,
        twelve_hour=twelve_hour,
        timezone="America/New_York",
        bom=seed == 2,
        wrapped=layout == "early" and seed != 1,
    )

    sets = read(export.content, unit=unit, timezone="America/New_York")

    assert sets == export.expected
    assert len({s.session_key for s in sets}) == export.sessions
    assert export.non_set_rows > 0  # the rest-timer rows were there and were not sets


def test_ios_row_from_formats_doc():
    content = (
        IOS_HEADER
        + '2025-03-04 18:05:12,"Push Day",52m,"Bench Press (Barbell)",1,60.0,8.0,0,0.0,"","",\n'
    ).encode()

    [bench] = read(content, timezone="Europe/Berlin")

    assert bench.performed_at == datetime(2025, 3, 4, 17, 5, 12, tzinfo=UTC)
    assert (bench.exercise_name, bench.workout_name) == ("Bench Press (Barbell)", "Push Day")
    assert (bench.set_type, bench.set_index, bench.reps, bench.weight_kg) == ("normal", 0, 8, 60.0)
    assert (bench.distance_m, bench.duration_s, bench.rpe) == (None, None, None)
    assert bench.session_duration_s == 52 * 60


def test_ios_weights_follow_the_unit_parameter():
    content = (IOS_HEADER + "2025-03-04 18:05:12,Push,52m,Bench,1,135.0,5,0,0,,,\n").encode()

    [pounds] = read(content, unit="lb")
    [kilos] = read(content, unit="kg")

    assert pounds.weight_kg == pytest.approx(61.235, abs=1e-3)
    assert kilos.weight_kg == 135.0


def test_android_decimal_commas_and_units_in_headers():
    content = (
        b"Workout #;Date;Workout Name;Duration (sec);Exercise Name;Set Order;Weight (kg);Reps;RPE;"
        b"Distance (meters);Seconds;Notes;Workout Notes\n"
        b'1;2025-03-04 18:05:12;"Leg Day";3120;"Squat (Barbell)";1;60,5;5;8,5;0;0;"";""\n'
        b"1;2025-03-04 18:05:12;Leg Day;3120;Running;1;0;0;;5000;1500;;\n"
    )

    squat, run = read(content, unit="lb")  # the header says kg; the parameter is ignored

    assert (squat.weight_kg, squat.rpe, squat.reps) == (60.5, 8.5, 5)
    assert (run.weight_kg, run.reps, run.distance_m, run.duration_s) == (None, None, 5000.0, 1500)
    assert squat.session_duration_s == 3120


def test_legacy_units_per_row():
    content = (
        b"Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
        b"Distance Unit;Seconds;Notes;Workout Notes\n"
        b"2019-05-01 07:30:00;Morning;Curl;1;50;lbs;10;;;;;;\n"
        b"2019-05-01 07:30:00;Morning;Curl;2;22,5;kg;10;;;;;;\n"
        b"2019-05-01 07:30:00;Morning;Walk;1;;;;;2;mi;;;\n"
    )

    first, second, walk = read(content)

    assert first.weight_kg == pytest.approx(22.6796, abs=1e-4)
    assert second.weight_kg == 22.5
    assert walk.distance_m == pytest.approx(3218.688)
    assert [first.set_index, second.set_index, walk.set_index] == [0, 1, 0]


def test_set_orders_and_non_set_rows():
    rows = [
        "2025-03-04 18:05:12,Push,52m,Bench,W,40,10,0,0,,,",
        "2025-03-04 18:05:12,Push,52m,Bench,Rest Timer,0,0,0,90,,,",
        "2025-03-04 18:05:12,Push,52m,Bench,1,60,8,0,0,,,",
        "2025-03-04 18:05:12,Push,52m,Bench,Note,0,0,0,0,go heavier,,",
        "2025-03-04 18:05:12,Push,52m,Bench,F,60,6,0,0,,,",
        "2025-03-04 18:05:12,Push,52m,Bench,D,40,12,0,0,,,",
    ]
    sets = read((IOS_HEADER + "\n".join(rows) + "\n").encode())

    assert [(s.set_type, s.set_index, s.line) for s in sets] == [
        ("warmup", 0, 2),
        ("normal", 1, 4),
        ("failure", 2, 6),
        ("drop", 3, 7),
    ]
    # The Note row's text is kept: the exercise's first set carries it, and so its log.
    assert [s.notes for s in sets] == ["go heavier", None, None, None]


def test_note_rows_join_their_exercises_notes_wherever_they_stand():
    rows = [
        "2025-03-04 18:05:12,Push,52m,Squat,Note,0,0,0,0,knees out,,",
        "2025-03-04 18:05:12,Push,52m,Bench,1,60,8,0,0,paused,,",
        "2025-03-04 18:05:12,Push,52m,Squat,1,100,5,0,0,,,",
        "2025-03-04 18:05:12,Push,52m,Bench,Note,0,0,0,0,elbows in,,",
        "2025-03-04 18:05:12,Push,52m,Bench,Note,0,0,0,0,paused,,",
        "2025-03-06 18:00:00,Legs,40m,Bench,1,60,8,0,0,,,",
        "2025-03-06 18:00:00,Legs,40m,Deadlift,Note,0,0,0,0,no deadlift today,,",
    ]
    sets = read((IOS_HEADER + "\n".join(rows) + "\n").encode())

    assert [(s.exercise_name, s.notes) for s in sets] == [
        ("Bench", "paused\nelbows in"),
        ("Squat", "knees out"),
        ("Bench", None),  # another workout's: its notes are its own
    ]


def test_workouts_are_date_plus_name():
    rows = [
        "2025-03-04 18:05:12,Push,52m,Bench,1,60,8,0,0,,,",
        "2025-03-04 18:05:12,Pull,52m,Row,1,60,8,0,0,,,",
        "2025-03-04 6:05:12\u202fpm,Push,52m,Bench,2,60,8,0,0,,,",
    ]
    sets = read((IOS_HEADER + "\n".join(rows) + "\n").encode())

    assert sets[0].session_key == sets[2].session_key != sets[1].session_key
    assert sets[2].set_index == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04 18:05:12", datetime(2025, 3, 4, 18, 5, 12)),
        ("2025-03-04 6:05:12\u202fpm", datetime(2025, 3, 4, 18, 5, 12)),
        ("2025-03-04 6:05:12 PM", datetime(2025, 3, 4, 18, 5, 12)),
        ("2025-03-04 12:00:00 am", datetime(2025, 3, 4, 0, 0, 0)),
        ("2025-03-04 12:30:00\u202fpm", datetime(2025, 3, 4, 12, 30, 0)),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2025-02-30 10:00:00", "2025-03-04 13:00:00 pm", "04/03/2025"])
def test_bad_dates(text):
    with pytest.raises(ValueError, match="date"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "seconds"), [("52m", 3120), ("1h 4m", 3840), ("1h", 3600), ("3120", 3120), ("45s", 45)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_bad_duration_names_line_and_column():
    content = (IOS_HEADER + "2025-03-04 18:05:12,Push,soon,Bench,1,60,8,0,0,,,\n").encode()

    with pytest.raises(ImportFormatError) as caught:
        read(content)

    assert (caught.value.line, caught.value.column) == (2, "Duration")


def test_unknown_set_order_is_an_error():
    content = (IOS_HEADER + "2025-03-04 18:05:12,Push,52m,Bench,X,60,8,0,0,,,\n").encode()

    with pytest.raises(ImportFormatError) as caught:
        read(content)

    assert (caught.value.line, caught.value.column) == (2, "Set Order")


LEGACY_HEADER = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
    "Distance Unit;Seconds;Notes;Workout Notes\n"
)


def test_legacy_units_with_a_trailing_period():
    content = (
        LEGACY_HEADER
        + "2019-05-01 07:30:00;Morning;Walk;1;;;;;2;mi.;1500;;\n"
        + "2019-05-01 07:30:00;Morning;Row;1;;;;;1,5;km.;400;;\n"
        + "2019-05-01 07:30:00;Morning;Sled Push;1;90;lbs.;1;;20;yds.;;;\n"
    ).encode()

    walk, row, sled = read(content)

    assert walk.distance_m == pytest.approx(3218.688)
    assert row.distance_m == 1500.0
    assert sled.weight_kg == pytest.approx(40.8233, abs=1e-4)
    assert sled.distance_m == pytest.approx(18.288)


def test_legacy_unknown_unit_is_still_an_error():
    content = (LEGACY_HEADER + "2019-05-01 07:30:00;Morning;Walk;1;;;;;2;leagues;;;\n").encode()

    with pytest.raises(ImportFormatError) as caught:
        read(content)

    assert (caught.value.line, caught.value.column) == (2, "Distance Unit")
    assert "leagues" in caught.value.message


EARLY_HEADER = "Date,Workout Name,Exercise Name,Set Order,kg,Reps,km,Seconds,Notes,Workout Notes\n"


def test_early_layout_reads_the_units_its_headers_are():
    content = (
        EARLY_HEADER
        + "2017-02-03 18:00:00,Legs,Squat,1,102.5,5,0,0,,\n"
        + "2017-02-03 18:00:00,Legs,Running,1,0,0,3.2,960,,\n"
    ).encode()

    squat, run = read(content, unit="lb")  # the header says kg; the parameter is ignored

    assert (squat.weight_kg, squat.reps, squat.distance_m) == (102.5, 5, None)
    assert (run.weight_kg, run.distance_m, run.duration_s) == (None, 3200.0, 960)
    assert squat.session_duration_s is None


@pytest.mark.parametrize(
    ("weight", "distance", "metres_per_unit"),
    [("lbs", "mi.", 1609.344), ("lb", "miles", 1609.344), ("lbs", "mi", 1609.344), ("kg", "m", 1)],
)
def test_early_layout_in_any_column_order(weight, distance, metres_per_unit):
    header = f"Workout Name,Reps,{distance},Date,Set Order,Exercise Name,{weight},Seconds,Notes\n"
    row = "Legs,5,2,2017-02-03 18:00:00,1,Sled Push,135.0,0,\n"

    [sled] = read((header + row).encode(), unit="kg")

    expected_kg = 135.0 if weight == "kg" else pytest.approx(61.235, abs=1e-3)
    assert (sled.exercise_name, sled.reps, sled.weight_kg) == ("Sled Push", 5, expected_kg)
    assert sled.distance_m == pytest.approx(2 * metres_per_unit)


def test_wrapped_lines_are_unwrapped_with_their_inner_quotes():
    lines = [
        EARLY_HEADER.strip(),
        '2017-02-03 18:00:00,"Legs, heavy",Squat,1,100,5,0,0,"said ""go""",',
        '2017-02-03 18:00:00,"Legs, heavy",Squat,2,100,5,0,0,,',
    ]
    content = "\r\n".join('"' + line.replace('"', '""') + '"' for line in lines) + "\r\n"

    first, second = read(content.encode())

    assert (first.workout_name, first.notes, first.weight_kg) == ("Legs, heavy", 'said "go"', 100)
    assert (first.line, second.line, second.set_index) == (2, 3, 1)


def test_wrapped_file_reports_the_right_line_and_column():
    export = strong_export(random.Random(4), "early", wrapped=True)
    lines = export.content.decode().split("\n")
    bad = next(s.line for s in reversed(export.expected) if "\n" not in (s.notes or ""))
    [unwrapped] = next(csv.reader([lines[bad - 1].rstrip("\r")]))
    cells = next(csv.reader([unwrapped]))
    cells[export.header.index("Reps")] = "many"
    rewritten = io.StringIO()
    csv.writer(rewritten, lineterminator="").writerow(cells)
    lines[bad - 1] = '"' + rewritten.getvalue().replace('"', '""') + '"\r'

    with pytest.raises(ImportFormatError) as caught:
        read("\n".join(lines).encode())

    assert (caught.value.line, caught.value.column) == (bad, "Reps")
    assert len(caught.value.problems) == 1


def test_a_line_not_wrapped_like_its_header_is_an_error():
    content = '"' + EARLY_HEADER.strip() + '"\n' + "2017-02-03 18:00:00,Legs,Squat,1,100,5,0,0,,\n"

    with pytest.raises(ImportFormatError) as caught:
        read(content.encode())

    assert caught.value.line == 2
    assert "wrapped" in caught.value.message


@pytest.mark.parametrize(
    ("layout", "unit", "wrapped", "marker"),
    [
        ("legacy", "lb", False, b";mi.;"),  # distances in miles, spelled as Strong spells them
        ("early", "kg", False, b",kg"),
        ("early", "lb", True, b'"Date,'),  # lines wrapped whole in quotes
    ],
)
def test_import_api_stores_old_layouts(
    client: TestClient, lifter: Account, layout, unit, wrapped, marker
) -> None:
    export = strong_export(random.Random(12), layout, unit=unit, wrapped=wrapped)
    assert marker in export.content

    # "kg" for every file: these name their unit, and it wins.
    response = upload(client, lifter, export.content, "strong", unit="kg")

    assert response.status_code == 201, response.text
    assert (response.json()["sessions"], response.json()["sets"]) == (
        export.sessions,
        len(export.expected),
    )
    assert stored_logs(client, lifter) == expected_logs(export)
