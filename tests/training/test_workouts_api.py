from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Account


def test_workouts_list_built_in_templates(client: TestClient, lifter: Account) -> None:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    assert len(workouts) >= 15
    assert {w["kind"] for w in workouts} == {"library", "program"}
    for workout in workouts:
        assert workout["exercises"], workout["name"]
        assert [e["order"] for e in workout["exercises"]] == sorted(
            e["order"] for e in workout["exercises"]
        )
        assert workout["estimated_minutes"] > 0


def test_workout_detail_derives_target_muscles(client: TestClient, lifter: Account) -> None:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    workout = client.get(f"/api/workouts/{workouts[0]['id']}", headers=lifter.headers).json()
    assert workout == workouts[0]
    # Recompute the targets from the exercises' muscles, as RECOVERY.md defines them.
    expected: dict[str, float] = {}
    primary: set[str] = set()
    for planned in workout["exercises"]:
        exercise = client.get(f"/api/exercises/{planned['exercise_id']}").json()
        assert exercise["name"] == planned["exercise_name"]
        for muscle in exercise["primary_muscles"]:
            expected[muscle] = expected.get(muscle, 0) + planned["target_sets"]
            primary.add(muscle)
        for muscle in exercise["secondary_muscles"]:
            expected[muscle] = expected.get(muscle, 0) + planned["target_sets"] * 0.5
    got = {t["muscle_group"]: t["sets"] for t in workout["target_muscles"]}
    assert got == expected
    roles = {t["muscle_group"]: t["role"] for t in workout["target_muscles"]}
    assert {m for m, r in roles.items() if r == "primary"} == primary


def test_unknown_workout_is_404(client: TestClient, lifter: Account) -> None:
    response = client.get("/api/workouts/999999", headers=lifter.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_programs_have_repeating_schedules(client: TestClient, lifter: Account) -> None:
    programs = client.get("/api/programs", headers=lifter.headers).json()
    assert len(programs) >= 5
    workout_ids = {w["id"] for w in client.get("/api/workouts", headers=lifter.headers).json()}
    used: set[int] = set()
    for program in programs:
        schedule = program["schedule"]
        assert [d["day"] for d in schedule] == list(range(len(schedule)))
        training_days = [d["workout_id"] for d in schedule if d["workout_id"] is not None]
        assert training_days
        assert set(training_days) <= workout_ids
        used |= set(training_days)
        assert program["days_per_week"] * len(schedule) == len(training_days) * 7
    assert len(used) >= 15


def test_workouts_and_programs_need_a_token(client: TestClient) -> None:
    for url in ("/api/workouts", "/api/workouts/1", "/api/programs"):
        assert client.get(url).status_code == 401
