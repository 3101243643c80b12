"""Shoulders tracked as front, side and rear heads (issue 17), through the API.

A push-pull-legs lifter's push days tire the front and side heads, the pull days the rear ones:
the next morning's pull day is not held back by the push day's lateral raises, and the side
heads recover between push days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import ago, enroll, exercise_id, log


def _workout(client: TestClient, lifter: Account, name: str) -> dict[str, Any]:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    return next(w for w in workouts if w["name"] == name)


def _do(
    client: TestClient,
    lifter: Account,
    name: str,
    hours_ago: float = 0,
    *,
    performed_at: datetime | None = None,
) -> None:
    """Log every exercise of a built-in workout as prescribed, at RPE 8."""
    at = (performed_at or datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
    workout = _workout(client, lifter, name)
    for item in workout["exercises"]:
        sets = [
            {"reps": item["target_reps"], "weight_kg": 40, "rpe": 8}
            for _ in range(item["target_sets"])
        ]
        log(
            client,
            lifter,
            item["exercise_id"],
            sets=sets,
            performed_at=at,
            workout_id=workout["id"],
        )


def _shoulders(client: TestClient, lifter: Account, at: datetime | None = None) -> dict[str, Any]:
    params = {"at": at.isoformat()} if at else {}
    groups = client.get("/api/recovery/muscle-groups", params=params, headers=lifter.headers)
    groups = groups.json()
    return next(m for m in groups["muscle_groups"] if m["muscle_group"] == "shoulders")


def _heads(shoulders: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["muscle"]: h for h in shoulders["heads"]}


def test_the_api_keeps_17_groups_and_reports_the_heads_under_shoulders(
    client: TestClient, lifter: Account
) -> None:
    groups = client.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    assert len(groups["muscle_groups"]) == 17
    assert all(not m["heads"] for m in groups["muscle_groups"] if m["muscle_group"] != "shoulders")
    heads = _heads(_shoulders(client, lifter))
    assert sorted(heads) == ["front_delts", "rear_delts", "side_delts"]
    assert {h["name"] for h in heads.values()} == {"Front delts", "Side delts", "Rear delts"}


def test_lateral_raises_tire_the_side_head_and_the_group_is_its_most_tired_head(
    client: TestClient, lifter: Account
) -> None:
    raise_ = exercise_id(client, "dumbbell-lateral-raise")
    sets = [{"reps": 15, "weight_kg": 10, "rpe": 9.5} for _ in range(6)]
    log(client, lifter, raise_, sets=sets, performed_at=datetime.now(UTC).isoformat())
    shoulders = _shoulders(client, lifter)
    heads = _heads(shoulders)
    assert heads["side_delts"]["recovery_score"] < 40
    assert heads["front_delts"]["recovery_score"] == heads["rear_delts"]["recovery_score"] == 100
    assert shoulders["recovery_score"] == heads["side_delts"]["recovery_score"]
    assert shoulders["ready_at"] == heads["side_delts"]["ready_at"]
    assert (shoulders["sets_last_7_days"], heads["side_delts"]["sets_last_7_days"]) == (6, 6)
    # The log's answer names the group, as the most tired head it touched.
    entry = log(client, lifter, raise_, sets=sets[:1])
    touched = {m["muscle_group"]: m["recovery_score"] for m in entry["recovery"]}
    assert set(touched) == {"shoulders", "traps"}  # the raise's primary and assisting groups
    assert touched["shoulders"] < 40


def test_the_morning_after_push_day_pull_day_is_not_held_back_by_shoulders(
    client: TestClient, lifter: Account
) -> None:
    # Push day yesterday evening, read at 9 the next morning (the lifter's day is UTC's): as
    # of a fixed morning, not of whenever the suite runs (at 15:00, 14 hours ago was today).
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    pushed, morning = today - timedelta(hours=5), today + timedelta(hours=9)
    enroll(
        client, lifter, "Push/Pull/Legs", start_date=(today - timedelta(days=1)).date().isoformat()
    )
    _do(client, lifter, "Push A", performed_at=pushed)
    heads = _heads(_shoulders(client, lifter, at=morning))
    assert heads["rear_delts"]["recovery_score"] >= 95
    assert heads["side_delts"]["recovery_score"] < heads["rear_delts"]["recovery_score"]
    smart = client.get(
        "/api/recommendations/smart-workout",
        params={"at": morning.isoformat()},
        headers=lifter.headers,
    ).json()
    for excluded in smart["excluded"]:
        if excluded["workout"]["name"].startswith("Pull"):
            reason = excluded["reason"].lower()
            assert "delt" not in reason and "shoulder" not in reason, excluded
    names = [r["workout"]["name"] for r in smart["recommendations"]]
    assert names[0] == "Pull A", smart  # the rotation's next session, and nothing holds it back


def test_side_delts_recover_between_push_days_while_rear_delts_carry_pull_days(
    client: TestClient, lifter: Account
) -> None:
    enroll(client, lifter, "Push/Pull/Legs")
    _do(client, lifter, "Push A", hours_ago=73)
    _do(client, lifter, "Pull A", hours_ago=49)
    _do(client, lifter, "Legs A", hours_ago=25)
    heads = _heads(_shoulders(client, lifter))  # the morning of Push B
    side, rear, front = heads["side_delts"], heads["rear_delts"], heads["front_delts"]
    assert side["status"] == "ready" and front["status"] == "ready"
    assert rear["recovery_score"] < side["recovery_score"]  # the pull day is more recent
    pushed = datetime.now(UTC) - timedelta(hours=73)
    pulled = datetime.now(UTC) - timedelta(hours=49)
    assert abs(datetime.fromisoformat(side["last_trained_at"]) - pushed) < timedelta(minutes=1)
    assert abs(datetime.fromisoformat(rear["last_trained_at"]) - pulled) < timedelta(minutes=1)
    # Push A's presses and raises count for the side head; the pull day's face pulls for the
    # rear one, not for the side.
    assert side["sets_last_7_days"] == 6  # overhead press 3 + cable lateral raise 3
    assert rear["sets_last_7_days"] == 4.5  # face pulls 3, seated cable rows 3 assisting


def test_a_shoulders_checkin_moves_the_heads_trained_that_week(
    client: TestClient, lifter: Account
) -> None:
    raise_ = exercise_id(client, "dumbbell-lateral-raise")
    sets = [{"reps": 15, "weight_kg": 10, "rpe": 9} for _ in range(4)]
    log(client, lifter, raise_, sets=sets, performed_at=ago(hours=20))
    before = _heads(_shoulders(client, lifter))
    response = client.post(
        "/api/recovery/check-ins",
        json={"muscle_group": "shoulders", "soreness": 8},
        headers=lifter.headers,
    )
    assert response.status_code == 201, response.text
    shoulders = _shoulders(client, lifter)
    after = _heads(shoulders)
    assert [h["muscle"] for h in shoulders["heads"]] == ["front_delts", "side_delts", "rear_delts"]
    assert after["side_delts"]["recovery_score"] < before["side_delts"]["recovery_score"]
    assert after["rear_delts"]["recovery_score"] == after["front_delts"]["recovery_score"] == 100
    assert response.json()["recovery_score"] == shoulders["recovery_score"]
    # Rebuilt from the history (as an edit or import does), the report moves the same head.
    other = exercise_id(client, "barbell-bench-press")
    entry = log(client, lifter, other, performed_at=ago(hours=30))
    assert client.delete(f"/api/logs/{entry['id']}", headers=lifter.headers).status_code == 204
    rebuilt = _heads(_shoulders(client, lifter))
    for head in ("front_delts", "side_delts", "rear_delts"):
        assert rebuilt[head]["recovery_score"] == pytest.approx(
            after[head]["recovery_score"], abs=0.2
        ), head
