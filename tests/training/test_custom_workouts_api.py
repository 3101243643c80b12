from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import custom_workout, exercise_id, log


def test_crud_and_derived_targets(client: TestClient, lifter: Account) -> None:
    bench, curl = exercise_id(client, "barbell-bench-press"), exercise_id(client, "barbell-curl")
    created = client.post(
        "/api/custom-workouts",
        json={
            "name": "  Push and   arms ",
            "description": "Tuesday",
            "exercises": [
                {
                    "exercise_id": curl,
                    "order": 2,
                    "target_sets": 3,
                    "target_reps": 12,
                    "notes": "slow",
                },
                {
                    "exercise_id": bench,
                    "order": 1,
                    "target_sets": 4,
                    "target_reps": 6,
                    "rest_seconds": 180,
                },
            ],
        },
        headers=lifter.headers,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Push and arms"
    assert [e["exercise_id"] for e in body["exercises"]] == [bench, curl]
    assert [e["order"] for e in body["exercises"]] == [1, 2]
    assert body["exercises"][1]["notes"] == "slow"
    targets = {t["muscle_group"]: (t["role"], t["sets"]) for t in body["target_muscles"]}
    assert targets["chest"] == ("primary", 4)
    assert targets["biceps"][0] == "primary"
    url = f"/api/custom-workouts/{body['id']}"
    assert client.get(url, headers=lifter.headers).json() == body
    assert [w["id"] for w in client.get("/api/custom-workouts", headers=lifter.headers).json()] == [
        body["id"]
    ]
    replaced = client.put(
        url,
        json={
            "name": "Arms only",
            "exercises": [{"exercise_id": curl, "target_sets": 5, "target_reps": 10}],
        },
        headers=lifter.headers,
    ).json()
    assert replaced["name"] == "Arms only"
    assert [e["exercise_id"] for e in replaced["exercises"]] == [curl]
    assert "chest" not in {t["muscle_group"] for t in replaced["target_muscles"]}
    assert replaced["updated_at"] >= body["updated_at"]
    assert client.delete(url, headers=lifter.headers).status_code == 204
    assert client.get(url, headers=lifter.headers).status_code == 404
    assert client.get("/api/custom-workouts", headers=lifter.headers).json() == []


def test_deleting_keeps_the_logs_that_reference_it(client: TestClient, lifter: Account) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    workout = custom_workout(client, lifter, [bench])
    entry = workout["exercises"][0]["id"]
    logged = log(client, lifter, bench, custom_workout_exercise_id=entry)
    assert logged["custom_workout_id"] == workout["id"]
    assert logged["source_type"] == "custom"
    client.put(
        f"/api/custom-workouts/{workout['id']}",
        json={
            "name": "v2",
            "exercises": [{"exercise_id": bench, "target_sets": 1, "target_reps": 1}],
        },
        headers=lifter.headers,
    )
    client.delete(f"/api/custom-workouts/{workout['id']}", headers=lifter.headers)
    kept = client.get(f"/api/logs/{logged['id']}", headers=lifter.headers).json()
    assert kept["custom_workout_id"] == workout["id"]
    assert kept["custom_workout_exercise_id"] == entry


def test_validation_and_foreign_exercises(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    theirs = client.post(
        "/api/exercises",
        json={"name": "Secret Move", "primary_muscles": ["neck"]},
        headers=other_lifter.headers,
    ).json()["id"]
    for body, status in (
        ({"name": "x", "exercises": []}, 422),
        (
            {
                "name": " ",
                "exercises": [{"exercise_id": bench, "target_sets": 3, "target_reps": 5}],
            },
            422,
        ),
        (
            {
                "name": "x",
                "exercises": [{"exercise_id": bench, "target_sets": 0, "target_reps": 5}],
            },
            422,
        ),
        (
            {
                "name": "x",
                "exercises": [{"exercise_id": 999999, "target_sets": 3, "target_reps": 5}],
            },
            404,
        ),
        (
            {
                "name": "x",
                "exercises": [{"exercise_id": theirs, "target_sets": 3, "target_reps": 5}],
            },
            404,
        ),
    ):
        response = client.post("/api/custom-workouts", json=body, headers=lifter.headers)
        assert response.status_code == status, body


def test_custom_workouts_are_private(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    workout = custom_workout(client, lifter, [exercise_id(client, "barbell-curl")])
    url = f"/api/custom-workouts/{workout['id']}"
    assert client.get(url, headers=other_lifter.headers).status_code == 404
    body = {
        "name": "mine now",
        "exercises": [
            {
                "exercise_id": workout["exercises"][0]["exercise_id"],
                "target_sets": 1,
                "target_reps": 1,
            }
        ],
    }
    assert client.put(url, json=body, headers=other_lifter.headers).status_code == 404
    assert client.delete(url, headers=other_lifter.headers).status_code == 404
    assert client.get(url, headers=lifter.headers).json()["name"] == "My Day"
