"""Issue 17 in imports: a 0-rep row with a weight is a missed attempt (a failure set of 0 reps),
a row of nothing is skipped and reported, never a refused file; re-importing adds nothing; the
Gravl JSON round trip keeps missed attempts, and restores older 0-rep sets by the rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.transfer.service import EMPTY_ROW, MAX_SKIPPED_LISTED, skipped_rows
from tests.conftest import Account
from tests.factories import exercise_id, log
from tests.transfer.test_import_api import all_logs, upload

STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
)
STRONG_WORKOUT = "2025-03-04 18:05:12,Push,52m,"
HEVY_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
)
HEVY_WORKOUT = '"Upper","15 Sep 2025, 07:48","15 Sep 2025, 08:40",,'
FITNOTES_HEADER = (
    "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
)

Stored = dict[str, list[tuple[Any, ...]]]

# Per app: the file, what each exercise's log must hold (type, reps, kg, seconds, metres),
# and the lines of the rows of nothing.
FILES: dict[str, tuple[str, Stored, list[int]]] = {
    "strong": (
        STRONG_HEADER
        + "".join(
            STRONG_WORKOUT + row + "\n"
            for row in (
                "Bench Press (Barbell),W,40,10,0,0,,,",
                "Bench Press (Barbell),1,100,5,0,0,,,",
                "Bench Press (Barbell),2,110,0,0,0,,,",  # missed at 110
                "Bench Press (Barbell),3,0,0,0,0,,,",  # nothing
                "Pull Up,F,0,0,0,0,,,",  # a failed pull-up
                "Plank,1,20,0,0,60,,,",  # a weighted hold: timed, no reps
                "Running,1,0,0,5,1500,,,",  # 5 km: cardio, no reps
            )
        ),
        {
            "Barbell Bench Press": [
                ("warmup", 10, 40, None, None),
                ("normal", 5, 100, None, None),
                ("failure", 0, 110, None, None),
            ],
            "Pull-Up": [("failure", 0, None, None, None)],
            "Plank": [("normal", None, 20, 60, None)],
            "Outdoor Run": [("normal", None, None, 1500, 5000)],
        },
        [5],
    ),
    "hevy": (
        HEVY_HEADER
        + "".join(
            HEVY_WORKOUT + row + "\n"
            for row in (
                "Bench Press (Barbell),,,0,normal,80,5,,,",
                "Bench Press (Barbell),,,1,normal,90,0,,,",  # missed at 90
                "Bench Press (Barbell),,,2,warmup,,0,,,",  # nothing
                "Pull Up,,,0,failure,,0,,,",  # a failed pull-up
                "Pull Up,,,1,normal,,,,,",  # nothing
            )
        ),
        {
            "Barbell Bench Press": [("normal", 5, 80, None, None), ("failure", 0, 90, None, None)],
            "Pull-Up": [("failure", 0, None, None, None)],
        },
        [4, 6],
    ),
    "fitnotes": (
        FITNOTES_HEADER
        + "2025-03-04,Bench Press (Barbell),Chest,100.0,kgs,5,,,,\n"
        + "2025-03-04,Bench Press (Barbell),Chest,105.0,kgs,0,,,,\n"  # missed at 105
        + "2025-03-04,Bench Press (Barbell),Chest,0.0,kgs,0,,,0:00:00,\n"  # nothing
        + "2025-03-04,Running,Cardio,0.0,kgs,0,5.0,km,0:25:30,\n",
        {
            "Barbell Bench Press": [
                ("normal", 5, 100, None, None),
                ("failure", 0, 105, None, None),
            ],
            "Outdoor Run": [("normal", None, None, 1530, 5000)],
        },
        [4],
    ),
}


def _stored(client: TestClient, lifter: Account) -> Stored:
    found: Stored = {}
    for entry in all_logs(client, lifter):
        assert entry["exercise_name"] not in found
        found[entry["exercise_name"]] = [
            (s["set_type"], s["reps"], s["weight_kg"], s["duration_s"], s["distance_m"])
            for s in entry["sets"]
        ]
    return found


def _skipped(lines: list[int]) -> list[dict[str, Any]]:
    return [{"line": line, "message": f"line {line}: {EMPTY_ROW}"} for line in lines]


@pytest.mark.parametrize("app", sorted(FILES))
def test_zero_rep_rows_are_missed_attempts_or_skipped_never_refused(
    client: TestClient, lifter: Account, app: str
) -> None:
    content, expected, empty = FILES[app]
    sets = sum(len(s) for s in expected.values())

    preview = upload(client, lifter, content.encode(), app, timezone="UTC", dry_run="true")
    assert preview.status_code == 200, preview.text
    assert (preview.json()["sets"], preview.json()["skipped"]) == (sets, _skipped(empty))
    assert all_logs(client, lifter) == []

    done = upload(client, lifter, content.encode(), app, timezone="UTC")
    assert done.status_code == 201, done.text
    report = done.json()
    assert (report["sessions"], report["logs"], report["sets"]) == (1, len(expected), sets)
    assert report["skipped"] == _skipped(empty)
    assert _stored(client, lifter) == expected

    again = upload(client, lifter, content.encode(), app, timezone="UTC")
    assert again.status_code == 200, again.text  # nothing new
    assert (again.json()["logs"], again.json()["duplicates_skipped"]) == (0, sets)
    assert again.json()["skipped"] == _skipped(empty)
    assert _stored(client, lifter) == expected


def test_a_file_of_nothing_but_empty_rows_imports_nothing(
    client: TestClient, lifter: Account
) -> None:
    content = STRONG_HEADER + (STRONG_WORKOUT + "Bench Press (Barbell),1,0,0,0,0,,,\n") * 3
    response = upload(client, lifter, content.encode(), "strong")
    assert response.status_code == 200, response.text  # nothing new: nothing recorded
    report = response.json()
    assert report["nothing_new"] is True and report["import_id"] is None
    assert (report["sessions"], report["logs"], report["sets"]) == (0, 0, 0)
    assert report["skipped"] == _skipped([2, 3, 4])
    assert all_logs(client, lifter) == []


def test_many_empty_rows_are_listed_up_to_a_bound_then_counted(
    client: TestClient, lifter: Account
) -> None:
    rows = [STRONG_WORKOUT + "Bench Press (Barbell),1,100,5,0,0,,,\n"]
    rows += [STRONG_WORKOUT + "Bench Press (Barbell),2,0,0,0,0,,,\n"] * 150
    response = upload(client, lifter, (STRONG_HEADER + "".join(rows)).encode(), "strong")
    assert response.status_code == 201, response.text
    skipped = response.json()["skipped"]
    assert len(skipped) == MAX_SKIPPED_LISTED
    assert skipped[:-1] == _skipped(list(range(3, 3 + MAX_SKIPPED_LISTED - 1)))
    first = 3 + MAX_SKIPPED_LISTED - 1
    more = 150 - MAX_SKIPPED_LISTED
    assert skipped[-1] == {"line": first, "message": f"line {first} and {more} more: {EMPTY_ROW}"}


def test_skipped_rows_bound() -> None:
    assert skipped_rows([]) == []
    listed = skipped_rows(list(range(2, 2 + MAX_SKIPPED_LISTED)))
    assert [s.line for s in listed] == list(range(2, 2 + MAX_SKIPPED_LISTED))
    capped = skipped_rows(list(range(2, 2 + MAX_SKIPPED_LISTED + 1)))
    assert len(capped) == MAX_SKIPPED_LISTED
    assert capped[-1].message.endswith(f"and 1 more: {EMPTY_ROW}")


def _export(client: TestClient, lifter: Account) -> dict[str, Any]:
    response = client.get("/api/export", params={"format": "json"}, headers=lifter.headers)
    assert response.status_code == 200
    return dict(response.json())


def _without_metadata(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("exported_at", "user")}


def test_gravl_round_trip_keeps_missed_attempts(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    pull_up = exercise_id(client, "pull-up")
    log(
        client,
        lifter,
        bench,
        sets=[{"reps": 5, "weight_kg": 100}, {"reps": 0, "weight_kg": 110, "set_type": "failure"}],
    )
    log(client, lifter, pull_up, sets=[{"reps": 0, "set_type": "failure"}])
    original = _export(client, lifter)

    content = json.dumps(original).encode()
    restored = upload(client, other_lifter, content, "gravl")
    assert restored.status_code == 201, restored.text
    assert (restored.json()["logs"], restored.json()["sets"]) == (2, 3)
    assert _stored(client, other_lifter) == {
        "Barbell Bench Press": [("normal", 5, 100, None, None), ("failure", 0, 110, None, None)],
        "Pull-Up": [("failure", 0, None, None, None)],
    }
    assert _without_metadata(_export(client, other_lifter)) == _without_metadata(original)

    again = upload(client, other_lifter, content, "gravl").json()
    assert (again["logs"], again["duplicates_skipped"]) == (0, 3)


def test_gravl_restore_settles_zero_reps_of_older_exports(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    log(client, lifter, exercise_id(client, "barbell-bench-press"))
    document = _export(client, lifter)
    blank = dict.fromkeys(("weight_kg", "rpe", "duration_s", "distance_m"))
    # Sets of 0 reps an export made before the rule can hold.
    document["logs"][0]["sets"] = [
        blank | {"set_type": "normal", "reps": 0, "weight_kg": 100.0},
        blank | {"set_type": "drop", "reps": 0},
        blank | {"set_type": "warmup", "reps": 0, "duration_s": 60},
        blank | {"set_type": "failure", "reps": 0, "weight_kg": 120.0},
    ]
    content = json.dumps(document).encode()
    restored = upload(client, other_lifter, content, "gravl")
    assert restored.status_code == 201, restored.text
    assert _stored(client, other_lifter) == {
        "Barbell Bench Press": [
            ("failure", 0, 100, None, None),
            ("failure", 0, None, None, None),
            ("warmup", None, None, 60, None),
            ("failure", 0, 120, None, None),
        ]
    }
    again = upload(client, other_lifter, content, "gravl").json()
    assert (again["logs"], again["duplicates_skipped"]) == (0, 4)
