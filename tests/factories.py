"""Small builders for API-level test data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from gravl.recommendations.volume import MAJOR_MUSCLES, weekly_range
from gravl.vocabulary import HEAD_SLUGS
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


def do_session(
    client: TestClient,
    lifter: Account,
    today: dict[str, Any],
    start: datetime,
    *,
    short: frozenset[int] = frozenset(),
    default_kg: float = 20.0,
) -> None:
    """Log a session of ``GET /api/sessions/today`` as planned from ``start``, an exercise every
    ten minutes (one rep short on the last set of the ``short`` exercises); a loaded exercise
    with no target weight yet is done with ``default_kg``."""
    workout = today["workout"]["id"] if today["workout"] else None
    for n, planned in enumerate(today["exercises"]):
        sets = []
        for i, target in enumerate(planned["sets"]):
            reps = target["target_reps"] or 1
            if planned["exercise"]["id"] in short and i == len(planned["sets"]) - 1:
                reps -= 1
            weight = target["target_weight_kg"]
            if weight is None and planned["equipment"] not in ("body_only", "bands", None):
                weight = default_kg
            sets.append(
                {
                    "reps": reps,
                    "weight_kg": weight,
                    "rpe": target["target_rpe"],
                    "duration_s": target["target_duration_s"],
                }
            )
        log(
            client,
            lifter,
            planned["exercise"]["id"],
            sets=sets,
            performed_at=(start + timedelta(minutes=10 * n)).isoformat(),
            workout_id=workout,
        )


def outside_weekly_ranges(
    client: TestClient, lifter: Account, at: str, goal: str = "general"
) -> dict[str, tuple[float, float, float]]:
    """The major muscles (and the deltoid heads, which stand for the shoulders) whose hard sets
    in the 7 days before ``at`` fall outside an intermediate's weekly range for ``goal``:
    ``{muscle: (hard sets, minimum, maximum)}``."""
    response = client.get("/api/recovery/muscle-groups", params={"at": at}, headers=lifter.headers)
    assert response.status_code == 200, response.text
    groups = response.json()["muscle_groups"]
    hard = {m["muscle_group"]: m["sets_last_7_days"] for m in groups}
    hard |= {h["muscle"]: h["sets_last_7_days"] for m in groups for h in m["heads"]}
    outside = {}
    for muscle in [*sorted(MAJOR_MUSCLES), *HEAD_SLUGS]:
        weekly = weekly_range(muscle, goal, "intermediate")  # type: ignore[arg-type]
        if not weekly.minimum <= hard[muscle] <= weekly.maximum:
            outside[muscle] = (hard[muscle], weekly.minimum, weekly.maximum)
    return outside
