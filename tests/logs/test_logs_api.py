from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import ago, exercise_id, hard_sets, log


def test_create_log_returns_stored_fields_and_derived_numbers(
    client: TestClient, lifter: Account, bench: int
) -> None:
    body = log(
        client,
        lifter,
        bench,
        sets=[
            {"reps": 10, "weight_kg": 40, "set_type": "warmup"},
            {"reps": 5, "weight_kg": 100, "rpe": 8},
            {"reps": 8, "weight_kg": 90},
        ],
        notes="felt strong",
        performed_at=ago(hours=1),
    )
    assert body["exercise_id"] == bench
    assert body["exercise_name"] == "Barbell Bench Press"
    assert body["source_type"] == "freestyle"
    assert body["notes"] == "felt strong"
    assert [s["set_type"] for s in body["sets"]] == ["warmup", "normal", "normal"]
    assert body["volume_kg"] == 5 * 100 + 8 * 90  # warm-ups never count
    # RPE chart: 5 reps at RPE 8 is n = 7, 81.1% of 1RM; Epley for 8×90 gives 114.
    assert body["best_e1rm_kg"] == pytest.approx(max(100 / 0.811, 90 * (1 + 8 / 30)), abs=0.01)
    touched = {r["muscle_group"] for r in body["recovery"]}
    assert "chest" in touched
    assert all(0 <= r["recovery_score"] < 100 for r in body["recovery"])


def test_log_defaults_to_now(client: TestClient, lifter: Account, bench: int) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    body = log(client, lifter, bench)
    assert before <= datetime.fromisoformat(body["performed_at"]) <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("sets", "field"),
    [
        ([], "sets"),
        ([{"reps": 5}] * 101, "sets"),
        ([{"reps": 5, "rpe": 10.5}], "sets[0].rpe"),
        ([{"reps": 5, "rpe": 7.3}], "sets[0].rpe"),
        ([{"reps": 5, "rpe": 0.5}], "sets[0].rpe"),
        ([{"reps": -1}], "sets[0].reps"),
        ([{"reps": 5, "weight_kg": -2.5}], "sets[0].weight_kg"),
        ([{"reps": 5, "set_type": "mega"}], "sets[0].set_type"),
        ([{"weight_kg": 50}], "sets[0]"),
    ],
)
def test_bad_sets_are_422(
    client: TestClient, lifter: Account, bench: int, sets: list[dict[str, object]], field: str
) -> None:
    response = client.post(
        "/api/logs", json={"exercise_id": bench, "sets": sets}, headers=lifter.headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == field


def test_performed_at_rules(client: TestClient, lifter: Account, bench: int) -> None:
    future = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()
    response = client.post(
        "/api/logs",
        json={"exercise_id": bench, "sets": hard_sets(1), "performed_at": future},
        headers=lifter.headers,
    )
    assert response.status_code == 422
    assert "future" in response.json()["error"]["message"]
    naive = client.post(
        "/api/logs",
        json={"exercise_id": bench, "sets": hard_sets(1), "performed_at": "2026-01-01T10:00:00"},
        headers=lifter.headers,
    )
    assert naive.status_code == 422
    slightly_ahead = (datetime.now(UTC) + timedelta(minutes=2)).isoformat()
    log(client, lifter, bench, performed_at=slightly_ahead)
    log(client, lifter, bench, performed_at="2019-03-04T18:05:12+01:00")  # backfilling


def test_unknown_or_foreign_references_are_404(
    client: TestClient, lifter: Account, other_lifter: Account, bench: int
) -> None:
    theirs = client.post(
        "/api/exercises",
        json={"name": "Their Press", "primary_muscles": ["chest"]},
        headers=other_lifter.headers,
    ).json()["id"]
    their_workout = client.post(
        "/api/custom-workouts",
        json={
            "name": "Theirs",
            "exercises": [{"exercise_id": bench, "target_sets": 3, "target_reps": 5}],
        },
        headers=other_lifter.headers,
    ).json()
    for body in (
        {"exercise_id": 999999},
        {"exercise_id": theirs},
        {"exercise_id": bench, "workout_id": 999999},
        {"exercise_id": bench, "swapped_from_id": 999999},
        {"exercise_id": bench, "custom_workout_id": their_workout["id"]},
        {"exercise_id": bench, "custom_workout_exercise_id": their_workout["exercises"][0]["id"]},
    ):
        response = client.post(
            "/api/logs", json={**body, "sets": hard_sets(1)}, headers=lifter.headers
        )
        assert response.status_code == 404, body
        assert response.json()["error"]["code"] == "not_found"


def test_idempotency_key_replays_and_conflicts(
    client: TestClient, lifter: Account, bench: int
) -> None:
    headers = {**lifter.headers, "Idempotency-Key": "set-42"}
    body = {"exercise_id": bench, "sets": hard_sets(2), "performed_at": ago(minutes=3)}
    first = client.post("/api/logs", json=body, headers=headers)
    again = client.post("/api/logs", json=body, headers=headers)
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    different = client.post("/api/logs", json={**body, "notes": "changed"}, headers=headers)
    assert different.status_code == 409
    assert len(client.get("/api/logs", headers=lifter.headers).json()["items"]) == 1


def test_idempotency_keys_are_per_user(
    client: TestClient, lifter: Account, other_lifter: Account, bench: int
) -> None:
    body = {"exercise_id": bench, "sets": hard_sets(1)}
    mine = client.post("/api/logs", json=body, headers={**lifter.headers, "Idempotency-Key": "k"})
    theirs = client.post(
        "/api/logs", json=body, headers={**other_lifter.headers, "Idempotency-Key": "k"}
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_list_logs_pages_newest_first_with_filters(
    client: TestClient, lifter: Account, bench: int
) -> None:
    squat = exercise_id(client, "barbell-back-squat")
    for hours in range(1, 8):
        log(client, lifter, bench if hours % 2 else squat, performed_at=ago(hours=hours))
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/logs", params=params, headers=lifter.headers).json()
        seen += [i["id"] for i in page["items"]]
        times = [i["performed_at"] for i in page["items"]]
        assert times == sorted(times, reverse=True)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    only_squats = client.get(
        "/api/logs", params={"exercise_id": squat}, headers=lifter.headers
    ).json()["items"]
    assert len(only_squats) == 3 and {i["exercise_id"] for i in only_squats} == {squat}
    window = client.get(
        "/api/logs", params={"from": ago(hours=3.5), "to": ago(hours=1.5)}, headers=lifter.headers
    ).json()["items"]
    assert len(window) == 2


def test_bad_cursor_and_limit(client: TestClient, lifter: Account) -> None:
    assert (
        client.get("/api/logs", params={"cursor": "!!!"}, headers=lifter.headers).status_code == 422
    )
    assert client.get("/api/logs", params={"limit": 500}, headers=lifter.headers).status_code == 422


def test_get_patch_delete(client: TestClient, lifter: Account, bench: int) -> None:
    created = log(
        client, lifter, bench, sets=hard_sets(3, reps=5, weight=100), performed_at=ago(hours=2)
    )
    url = f"/api/logs/{created['id']}"
    assert client.get(url, headers=lifter.headers).json()["volume_kg"] == 1500
    patched = client.patch(
        url,
        json={"sets": hard_sets(2, reps=5, weight=110), "notes": "heavier"},
        headers=lifter.headers,
    )
    assert patched.status_code == 200
    assert patched.json()["volume_kg"] == 1100
    assert patched.json()["notes"] == "heavier"
    assert len(patched.json()["sets"]) == 2
    bad = client.patch(url, json={"sets": []}, headers=lifter.headers)
    assert bad.status_code == 422
    assert client.delete(url, headers=lifter.headers).status_code == 204
    assert client.get(url, headers=lifter.headers).status_code == 404
    assert client.delete(url, headers=lifter.headers).status_code == 404


def test_other_lifters_logs_are_invisible(
    client: TestClient, lifter: Account, other_lifter: Account, bench: int
) -> None:
    created = log(client, lifter, bench)
    url = f"/api/logs/{created['id']}"
    assert client.get(url, headers=other_lifter.headers).status_code == 404
    assert client.patch(url, json={"notes": "x"}, headers=other_lifter.headers).status_code == 404
    assert client.delete(url, headers=other_lifter.headers).status_code == 404
    assert client.get("/api/logs", headers=other_lifter.headers).json()["items"] == []


def test_the_list_answers_each_log_as_the_log_itself_does(
    client: TestClient, lifter: Account, bench: int
) -> None:
    # The list is assembled from plain rows without validation (gravl.logs.service.list_logs);
    # every field must still be what GET /api/logs/{id} says, and valid against the schema.
    from gravl.logs.schemas import LogPage

    squat = exercise_id(client, "barbell-back-squat")
    log(
        client,
        lifter,
        bench,
        sets=[{"reps": 10, "weight_kg": 40, "set_type": "warmup"}, {"reps": 5, "weight_kg": 100}],
        notes="paused",
        performed_at=ago(hours=2),
    )
    log(client, lifter, squat, sets=[{"reps": 5, "weight_kg": 140, "rpe": 8.5}])
    log(client, lifter, squat, sets=[{"reps": 0, "weight_kg": 150, "set_type": "failure"}])
    page = client.get("/api/logs", headers=lifter.headers).json()
    LogPage.model_validate(page)
    assert len(page["items"]) == 3
    for item in page["items"]:
        alone = client.get(f"/api/logs/{item['id']}", headers=lifter.headers).json()
        assert item == alone
