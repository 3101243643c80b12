"""Small builders for API-level test data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Account


def exercise_id(client: TestClient, slug: str) -> int:
    page = client.get("/api/exercises", params={"limit": 200, "q": slug.replace("-", " ")}).json()
    for item in page["items"]:
        if item["slug"] == slug:
            return int(item["id"])
    raise AssertionError(f"no built-in exercise {slug}")


def ago(**kwargs: float) -> str:
    return (datetime.now(UTC) - timedelta(**kwargs)).isoformat()


def hard_sets(
    count: int = 10, *, reps: int = 8, weight: float = 80.0, rpe: float = 9.0
) -> list[dict[str, Any]]:
    return [{"reps": reps, "weight_kg": weight, "rpe": rpe} for _ in range(count)]


def log(
    client: TestClient,
    lifter: Account,
    exercise: int,
    *,
    sets: list[dict[str, Any]] | None = None,
    expect: int = 201,
    **fields: Any,
) -> dict[str, Any]:
    response = client.post(
        "/api/logs",
        json={"exercise_id": exercise, "sets": sets or hard_sets(3), **fields},
        headers=lifter.headers,
    )
    assert response.status_code == expect, response.text
    return dict(response.json())


def enroll(
    client: TestClient, lifter: Account, slug_name: str = "Full Body", **body: Any
) -> dict[str, Any]:
    programs = client.get("/api/programs", headers=lifter.headers).json()
    program = next(p for p in programs if p["name"].startswith(slug_name))
    response = client.post(
        f"/api/programs/{program['id']}/enroll", json=body, headers=lifter.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def custom_workout(
    client: TestClient, lifter: Account, exercises: list[int], name: str = "My Day"
) -> dict[str, Any]:
    response = client.post(
        "/api/custom-workouts",
        json={
            "name": name,
            "exercises": [
                {"exercise_id": e, "target_sets": 3, "target_reps": 10} for e in exercises
            ],
        },
        headers=lifter.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())
