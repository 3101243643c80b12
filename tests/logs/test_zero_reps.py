"""Issue 17: 0 reps is a missed attempt, valid only in a failure set; any other 0 is a 422."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.logs.schemas import ZERO_REPS
from tests.conftest import Account
from tests.factories import exercise_id, log


@pytest.fixture
def pull_up(client: TestClient) -> int:
    return exercise_id(client, "pull-up")


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0] == {"field": field, "message": ZERO_REPS}
    assert error["message"] == f"{field}: {ZERO_REPS}"


@pytest.mark.parametrize(
    "zero",
    [
        {"reps": 0},
        {"reps": 0, "weight_kg": 100},
        {"reps": 0, "weight_kg": 100, "set_type": "normal"},
        {"reps": 0, "weight_kg": 40, "set_type": "warmup"},
        {"reps": 0, "weight_kg": 60, "set_type": "drop"},
        {"reps": 0, "duration_s": 60},  # a timed set leaves reps out
    ],
)
def test_zero_reps_outside_a_failure_set_is_422_on_reps(
    client: TestClient, lifter: Account, bench: int, zero: dict[str, Any]
) -> None:
    response = client.post(
        "/api/logs",
        json={"exercise_id": bench, "sets": [{"reps": 5, "weight_kg": 100}, zero]},
        headers=lifter.headers,
    )
    _refused(response, "sets[1].reps")
    assert client.get("/api/logs", headers=lifter.headers).json()["items"] == []


def test_a_missed_attempt_is_a_failure_set_of_zero_reps(
    client: TestClient, lifter: Account, bench: int
) -> None:
    body = log(
        client,
        lifter,
        bench,
        sets=[
            {"reps": 5, "weight_kg": 100, "rpe": 9},
            {"reps": 0, "weight_kg": 110, "set_type": "failure"},
        ],
    )
    missed = body["sets"][1]
    assert (missed["set_type"], missed["reps"], missed["weight_kg"]) == ("failure", 0, 110)
    # Nothing was lifted: no volume, and no e1RM from the weight that was missed.
    assert body["volume_kg"] == 500
    assert body["best_e1rm_kg"] == pytest.approx(100 / 0.837, abs=0.01)
    stored = client.get(f"/api/logs/{body['id']}", headers=lifter.headers).json()
    assert stored["sets"] == body["sets"]


def test_a_missed_bodyweight_rep_needs_no_weight(
    client: TestClient, lifter: Account, pull_up: int
) -> None:
    body = log(client, lifter, pull_up, sets=[{"reps": 0, "set_type": "failure"}])
    assert body["sets"][0] == {
        "reps": 0,
        "weight_kg": None,
        "rpe": None,
        "set_type": "failure",
        "duration_s": None,
        "distance_m": None,
    }
    assert (body["volume_kg"], body["best_e1rm_kg"]) == (0, None)


def test_a_missed_attempt_is_no_personal_record(
    client: TestClient, lifter: Account, bench: int
) -> None:
    log(client, lifter, bench, sets=[{"reps": 3, "weight_kg": 100}])
    log(client, lifter, bench, sets=[{"reps": 0, "weight_kg": 200, "set_type": "failure"}])
    records = client.get("/api/stats/prs", headers=lifter.headers).json()
    assert records and {r["weight_kg"] for r in records} == {100}


def test_editing_sets_to_zero_reps_follows_the_same_rule(
    client: TestClient, lifter: Account, bench: int
) -> None:
    entry = log(client, lifter, bench, sets=[{"reps": 5, "weight_kg": 100}])
    refused = client.patch(
        f"/api/logs/{entry['id']}",
        json={"sets": [{"reps": 0, "weight_kg": 100}]},
        headers=lifter.headers,
    )
    _refused(refused, "sets[0].reps")
    kept = client.get(f"/api/logs/{entry['id']}", headers=lifter.headers).json()
    assert kept["sets"] == entry["sets"]

    missed = client.patch(
        f"/api/logs/{entry['id']}",
        json={"sets": [{"reps": 0, "weight_kg": 100, "set_type": "failure"}]},
        headers=lifter.headers,
    )
    assert missed.status_code == 200, missed.text
    assert [(s["set_type"], s["reps"]) for s in missed.json()["sets"]] == [("failure", 0)]
    assert missed.json()["volume_kg"] == 0


def test_an_unknown_set_type_with_zero_reps_is_one_error_on_the_type(
    client: TestClient, lifter: Account, bench: int
) -> None:
    response = client.post(
        "/api/logs",
        json={"exercise_id": bench, "sets": [{"reps": 0, "set_type": "mega"}]},
        headers=lifter.headers,
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["sets[0].set_type"]
