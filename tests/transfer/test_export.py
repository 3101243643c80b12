"""Export: the Gravl JSON restores into an empty account exactly; CSV has one row per set."""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import custom_workout, enroll, exercise_id, log
from tests.transfer.generators import strong_export
from tests.transfer.test_import_api import all_logs, upload


def _rich_account(client: TestClient, lifter: Account) -> None:
    """Imported history, a custom exercise and workout, logs under both, a swap, check-ins,
    and a session started in Gravl with a set logged and an exercise replaced."""
    export = strong_export(random.Random(7), "ios", sessions=5)
    assert upload(client, lifter, export.content, "strong").status_code == 201
    custom = client.post(
        "/api/exercises",
        json={
            "name": "Landmine Press",
            "primary_muscles": ["shoulders"],
            "secondary_muscles": ["triceps"],
            "equipment": "barbell",
        },
        headers=lifter.headers,
    ).json()["id"]
    bench = exercise_id(client, "barbell-bench-press")
    workout = custom_workout(client, lifter, [bench, custom], name="Press Day")
    item = workout["exercises"][1]["id"]
    log(
        client,
        lifter,
        custom,
        custom_workout_exercise_id=item,
        notes="felt good",
        sets=[{"reps": 8, "weight_kg": 30, "rpe": 8.5}, {"duration_s": 40, "set_type": "drop"}],
    )
    enroll(client, lifter, start_date="2026-06-01")
    today = client.get(
        "/api/schedule/today", params={"date": "2026-06-01"}, headers=lifter.headers
    ).json()
    swapped = client.post(
        f"/api/workouts/{today['workout']['id']}/swap",
        json={"replacement_custom_workout_id": workout["id"], "date": "2026-06-01"},
        headers=lifter.headers,
    )
    assert swapped.status_code == 201, swapped.text
    _gravl_session(client, lifter)
    for muscle, soreness in (("chest", 6), ("quadriceps", 2)):
        response = client.post(
            "/api/recovery/check-ins",
            json={"muscle_group": muscle, "soreness": soreness},
            headers=lifter.headers,
        )
        assert response.status_code == 201


def _gravl_session(client: TestClient, lifter: Account) -> None:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    full_body = next(w["id"] for w in workouts if w["name"] == "Full Body A")
    started = client.post("/api/sessions", json={"workout_id": full_body}, headers=lifter.headers)
    assert started.status_code == 201, started.text
    session_id = started.json()["id"]
    first = started.json()["exercises"][0]["exercise"]["id"]
    choice = client.get(f"/api/exercises/{first}/alternatives", headers=lifter.headers).json()[0]
    replaced = client.post(
        f"/api/sessions/{session_id}/exercises/0/replace",
        json={"exercise_id": choice["exercise"]["id"]},
        headers=lifter.headers,
    )
    assert replaced.status_code == 200, replaced.text
    done = client.put(
        f"/api/sessions/{session_id}/exercises/1/sets/1",
        json={"reps": 5, "weight_kg": 20},
        headers=lifter.headers,
    )
    assert done.status_code == 200, done.text


def _export(client: TestClient, lifter: Account) -> dict[str, Any]:
    response = client.get("/api/export", params={"format": "json"}, headers=lifter.headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    return dict(response.json())


def _normalised(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("exported_at", "user")}


def test_json_export_restores_into_an_empty_account_exactly(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    _rich_account(client, lifter)
    original = _export(client, lifter)
    assert original["format"] == "gravl" and original["version"] == 1
    assert original["user"]["email"] == lifter.email
    assert {len(original[k]) > 0 for k in ("custom_exercises", "custom_workouts", "logs")} == {True}
    assert len(original["swaps"]) == 1 and len(original["checkins"]) == 2
    # The imported workouts and the session started in Gravl, its plan by slug and file id.
    started = [s for s in original["sessions"] if s["workout_slug"] is not None]
    assert len(started) == 1 and len(original["sessions"]) > 1
    assert started[0]["plan"][0]["replaced"] is not None and started[0]["plan"][0]["sets"]
    assert any(log["session_id"] == started[0]["id"] for log in original["logs"])

    content = json.dumps(original).encode()
    restored = upload(client, other_lifter, content, "gravl")
    assert restored.status_code == 201, restored.text
    sets = sum(len(entry["sets"]) for entry in original["logs"])
    assert restored.json()["logs"] == len(original["logs"])
    assert restored.json()["sets"] == sets
    assert _normalised(_export(client, other_lifter)) == _normalised(original)

    again = upload(client, other_lifter, content, "gravl").json()
    assert (again["logs"], again["duplicates_skipped"]) == (0, sets)
    assert again["created_exercises"] == []
    assert _normalised(_export(client, other_lifter)) == _normalised(original)
    # The restored logs recovered the recovery state too, not just the rows.
    state = client.get("/api/recovery/muscle-groups", headers=other_lifter.headers).json()
    assert any(m["last_trained_at"] for m in state["muscle_groups"])


def test_bad_gravl_documents_change_nothing(client: TestClient, lifter: Account) -> None:
    log(client, lifter, exercise_id(client, "barbell-bench-press"))
    good = _export(client, lifter)
    broken = json.dumps(good, indent=1).encode()[:-40]
    response = upload(client, lifter, broken, "gravl")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["line"] > 1
    unknown = dict(good, logs=[dict(good["logs"][0], exercise_slug="no-such-lift")])
    response = upload(client, lifter, json.dumps(unknown).encode(), "gravl")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0] == {
        "line": 1,
        "column": "logs[0]",
        "message": "unknown built-in exercise 'no-such-lift'",
    }
    wrong = dict(good, version=2)
    assert upload(client, lifter, json.dumps(wrong).encode(), "gravl").status_code == 422
    assert upload(client, lifter, b"\xff\xfe\x00", "gravl").status_code == 422
    assert len(all_logs(client, lifter)) == 1


def test_csv_export_has_one_row_per_set(client: TestClient, lifter: Account) -> None:
    export = strong_export(random.Random(11), "android", sessions=4)
    upload(client, lifter, export.content, "strong")
    log(
        client,
        lifter,
        exercise_id(client, "barbell-bench-press"),
        notes="=HYPERLINK(1)",
        sets=[{"reps": 5, "weight_kg": 80}],
    )
    response = client.get("/api/export", params={"format": "csv"}, headers=lifter.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(export.expected) + 1
    assert list(rows[0]) == [
        "date",
        "log_id",
        "exercise",
        "exercise_id",
        "source_type",
        "set_number",
        "set_type",
        "weight_kg",
        "reps",
        "rpe",
        "duration_s",
        "distance_m",
        "notes",
    ]
    # Spreadsheets must not run what a lifter typed.
    assert rows[-1]["notes"] == "'=HYPERLINK(1)"
    assert (
        client.get("/api/export", params={"format": "xml"}, headers=lifter.headers).status_code
        == 422
    )
