"""Ids are never reused, so a deleted account's token cannot read whoever comes next (issue 15,
finding 2). SQLite reuses the largest rowid unless the table is AUTOINCREMENT."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Account


def _delete(client: TestClient, account: Account) -> None:
    response = client.request(
        "DELETE", "/api/me", headers=account.headers, json={"password": account.password}
    )
    assert response.status_code == 204, response.text


def test_a_deleted_lifters_id_and_token_do_not_pass_to_the_next_one(client: TestClient) -> None:
    gone = Account(client, "gone@example.com")
    _delete(client, gone)
    newcomer = Account(client, "new@example.com")
    assert newcomer.id > gone.id
    assert client.get("/api/me", headers=gone.headers).status_code == 401
    assert client.get("/api/me", headers=newcomer.headers).json()["email"] == "new@example.com"


def test_a_deleted_logs_id_is_not_reused(client: TestClient, lifter: Account) -> None:
    exercise_id = client.get("/api/exercises", params={"q": "bench"}).json()["items"][0]["id"]
    log = {"exercise_id": exercise_id, "sets": [{"reps": 5, "weight_kg": 100}]}
    first = client.post("/api/logs", headers=lifter.headers, json=log)
    assert first.status_code == 201, first.text
    first_id = first.json()["id"]
    deleted = client.delete(f"/api/logs/{first_id}", headers=lifter.headers)
    assert deleted.status_code == 204
    second = client.post("/api/logs", headers=lifter.headers, json=log)
    assert second.json()["id"] > first_id
