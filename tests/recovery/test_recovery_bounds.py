"""The ``at`` of the recovery view: out of range is a 422 naming it, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import ago, exercise_id, hard_sets, log


@pytest.mark.parametrize(
    "at",
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+14:00",
        "1899-12-31T23:59:59Z",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_at_out_of_range_is_422(client: TestClient, lifter: Account, at: str) -> None:
    log(client, lifter, exercise_id(client, "barbell-bench-press"), sets=hard_sets(5))
    response = client.get("/api/recovery/muscle-groups", params={"at": at}, headers=lifter.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["field"] == "at"


@pytest.mark.parametrize("at", ["1900-01-01T00:00:00Z", "2100-01-01T00:00:00Z"])
def test_at_within_range_answers(client: TestClient, lifter: Account, at: str) -> None:
    log(client, lifter, exercise_id(client, "barbell-bench-press"), performed_at=ago(hours=2))
    response = client.get("/api/recovery/muscle-groups", params={"at": at}, headers=lifter.headers)
    assert response.status_code == 200, response.text
    assert len(response.json()["muscle_groups"]) == 17
