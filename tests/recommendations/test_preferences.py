"""The lifter's preferences shape what is recommended and what the day offers (issue 16)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient

from gravl.auth.preferences import Preferences
from gravl.training.suitability import unsuitable
from gravl.training.targets import AnyWorkout, Candidate, MuscleTarget
from tests.conftest import Account
from tests.factories import exercise_id

DAY = date(2026, 8, 3)
MORNING = datetime.combine(DAY, time(7), UTC).isoformat()


def _smart(client: TestClient, lifter: Account, limit: int = 10) -> dict[str, Any]:
    response = client.get(
        "/api/recommendations/smart-workout",
        params={"at": MORNING, "limit": limit},
        headers=lifter.headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _prefer(client: TestClient, lifter: Account, **preferences: Any) -> None:
    response = client.patch("/api/me", json={"preferences": preferences}, headers=lifter.headers)
    assert response.status_code == 200, response.text


def _equipment(client: TestClient, lifter: Account, workout_id: int) -> set[str]:
    workout = client.get(f"/api/workouts/{workout_id}", headers=lifter.headers).json()
    found = set()
    for exercise in workout["exercises"]:
        detail = client.get(f"/api/exercises/{exercise['exercise_id']}").json()
        if detail["equipment"]:
            found.add(detail["equipment"])
    return found


def test_a_home_gym_gets_only_what_its_equipment_allows(
    client: TestClient, lifter: Account
) -> None:
    _prefer(client, lifter, equipment=["dumbbell"])
    answer = _smart(client, lifter)
    assert answer["recommendations"]
    for rec in answer["recommendations"]:
        assert _equipment(client, lifter, rec["workout"]["id"]) <= {
            "dumbbell",
            "body_only",
            "other",
        }
    reasons = [e["reason"] for e in answer["excluded"]]
    assert any(r.startswith("Needs barbell") for r in reasons), reasons
    available = client.get(
        "/api/workouts/available", params={"date": DAY.isoformat()}, headers=lifter.headers
    ).json()
    for option in available:
        assert _equipment(client, lifter, option["workout"]["id"]) <= {
            "dumbbell",
            "body_only",
            "other",
        }


def test_an_injury_rests_its_muscle_until_its_end_date(client: TestClient, lifter: Account) -> None:
    _prefer(
        client,
        lifter,
        excluded_muscles=[
            {"muscle_group": "quadriceps", "until": (DAY + timedelta(days=10)).isoformat()}
        ],
    )
    answer = _smart(client, lifter)
    resting = [e for e in answer["excluded"] if e["reason"].startswith("Trains quadriceps")]
    assert resting and resting[0]["reason"].endswith("which you are resting until 13 August")
    assert not {r["workout"]["id"] for r in answer["recommendations"]} & {
        e["workout"]["id"] for e in resting
    }
    later = client.get(
        "/api/recommendations/smart-workout",
        params={"at": datetime.combine(DAY + timedelta(days=11), time(7), UTC).isoformat()},
        headers=lifter.headers,
    ).json()
    assert not any("resting" in e["reason"] for e in later["excluded"])


def test_add_ons_off_and_a_short_session(client: TestClient, lifter: Account) -> None:
    _prefer(client, lifter, accessory_sessions=False, session_minutes=40)
    answer = _smart(client, lifter)
    assert all(r["workout"]["kind"] != "library" for r in answer["recommendations"])
    reasons = [e["reason"] for e in answer["excluded"]]
    assert "Add-on sessions are turned off in your preferences" in reasons or any(
        "your sessions are 40" in r for r in reasons
    )


def test_the_goal_sets_the_weekly_range(client: TestClient, lifter: Account) -> None:
    general = _smart(client, lifter, limit=3)
    _prefer(client, lifter, goal="hypertrophy")
    hypertrophy = _smart(client, lifter, limit=3)

    def behind(answer: dict[str, Any]) -> list[str]:
        return [
            r for rec in answer["recommendations"] for r in rec["reasons"] if r.startswith("Behind")
        ]

    assert any("of at least 8" in r for r in behind(general))
    assert any("of at least 10" in r for r in behind(hypertrophy))


def test_pure_rule_names_the_first_reason() -> None:
    bench = Candidate(
        AnyWorkout(1, "Bench day", "program"),
        (MuscleTarget("chest", "primary", 6.0), MuscleTarget("triceps", "secondary", 3.0)),
        planned_sets=6,
        exercises=(11, 12),
        equipment=frozenset({"barbell", "body_only"}),
        minutes=20,
    )
    names = {11: "Bench Press"}
    assert unsuitable(bench, Preferences(), DAY, names) is None
    assert unsuitable(bench, Preferences(equipment=["dumbbell"]), DAY, names) == (
        "Needs barbell, which is not in your equipment"
    )
    assert unsuitable(bench, Preferences(excluded_exercises=[11]), DAY, names) == (
        "Includes Bench Press, which you left out"
    )
    resting = Preferences.model_validate({"excluded_muscles": [{"muscle_group": "chest"}]})
    assert unsuitable(bench, resting, DAY, names) == "Trains chest, which you are resting"
    assert unsuitable(bench, Preferences(session_minutes=15), DAY, names) == (
        "Takes about 20 minutes; your sessions are 15"
    )
    assert unsuitable(bench, Preferences(session_minutes=16), DAY, names) is None  # 20 ≤ 16×1.25
    # Triceps is only assisting here: resting it does not rule the bench day out.
    triceps = Preferences.model_validate({"excluded_muscles": [{"muscle_group": "triceps"}]})
    assert unsuitable(bench, triceps, DAY, names) is None


def test_exercise_alternatives_honour_the_preferences(client: TestClient, lifter: Account) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    before = client.get(
        f"/api/exercises/{bench}/alternatives", params={"limit": 20}, headers=lifter.headers
    ).json()
    assert any(
        a["exercise"]["equipment"] not in ("dumbbell", "body_only", "other", None) for a in before
    )
    left_out = before[0]["exercise"]["id"]
    _prefer(client, lifter, equipment=["dumbbell"], excluded_exercises=[left_out])
    after = client.get(
        f"/api/exercises/{bench}/alternatives", params={"limit": 20}, headers=lifter.headers
    ).json()
    assert after
    assert all(
        a["exercise"]["equipment"] in ("dumbbell", "body_only", "other", None) for a in after
    )
    assert left_out not in {a["exercise"]["id"] for a in after}
    # Asked explicitly, the equipment filter of the request wins.
    asked = client.get(
        f"/api/exercises/{bench}/alternatives",
        params={"limit": 20, "equipment": "barbell"},
        headers=lifter.headers,
    ).json()
    assert any(a["exercise"]["equipment"] == "barbell" for a in asked)
