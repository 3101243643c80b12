"""POST /api/logs answers from the objects in hand: it must equal what a re-read returns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import exercise_id


def test_created_log_equals_the_stored_log_and_current_recovery(
    client: TestClient, lifter: Account
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    # An offset other than UTC: the stored value comes back in UTC, so must the response.
    at = (datetime.now(UTC) - timedelta(hours=2)).astimezone(
        timezone(timedelta(hours=5, minutes=30))
    )
    body = {
        "exercise_id": bench,
        "performed_at": at.isoformat(),
        "notes": "paused reps",
        "sets": [
            {"reps": 5, "weight_kg": 82.5, "rpe": 8.5},
            {"reps": 8, "weight_kg": 60, "set_type": "warmup"},
            {"reps": 3, "weight_kg": 90, "set_type": "failure"},
        ],
    }
    created = client.post("/api/logs", json=body, headers=lifter.headers)
    assert created.status_code == 201, created.text
    log = created.json()
    stored = client.get(f"/api/logs/{log['id']}", headers=lifter.headers).json()
    assert {k: v for k, v in log.items() if k != "recovery"} == {
        k: v for k, v in stored.items() if k != "recovery"
    }
    assert log["performed_at"].endswith("Z")
    touched = [m["muscle_group"] for m in log["recovery"]]
    assert touched == sorted(touched) and "chest" in touched
    now = client.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    scores = {m["muscle_group"]: m["recovery_score"] for m in now["muscle_groups"]}
    for muscle in log["recovery"]:
        # A moment later the muscle has recovered a hair at most.
        assert 0 <= scores[muscle["muscle_group"]] - muscle["recovery_score"] <= 0.2


def test_idempotent_retry_answers_200_with_the_same_log(
    client: TestClient, lifter: Account
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    body = {"exercise_id": bench, "sets": [{"reps": 5, "weight_kg": 80}]}
    headers = {**lifter.headers, "Idempotency-Key": "retry-1"}
    first = client.post("/api/logs", json=body, headers=headers)
    again = client.post("/api/logs", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert {k: v for k, v in first.json().items() if k != "recovery"} == {
        k: v for k, v in again.json().items() if k != "recovery"
    }
    assert [m["muscle_group"] for m in first.json()["recovery"]] == [
        m["muscle_group"] for m in again.json()["recovery"]
    ]
