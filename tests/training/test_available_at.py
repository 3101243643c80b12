"""Time travel for a day's alternatives (issue 16): ``GET /api/workouts/available?date=`` scores
each workout with the recovery at the moment the lifter trains that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import exercise_id, hard_sets, log

# Between them, one of these has a local hour from 08:00 to 15:00 at any moment: far enough
# from 18:00 (the default) and from midnight for the moments below to tell apart.
ZONES = ["UTC", "Asia/Tokyo", "Europe/Moscow", "America/New_York", "America/Los_Angeles"]


def _available(client: TestClient, lifter: Account, day: date) -> dict[int, dict[str, Any]]:
    response = client.get(
        "/api/workouts/available", params={"date": day.isoformat()}, headers=lifter.headers
    )
    assert response.status_code == 200, response.text
    return {r["workout"]["id"]: r for r in response.json() if r["workout"]["kind"] != "custom"}


def _scores(client: TestClient, lifter: Account, at: datetime | None) -> dict[str, float]:
    params = {"at": at.isoformat()} if at is not None else {}
    body = client.get("/api/recovery/muscle-groups", params=params, headers=lifter.headers).json()
    scores = {m["muscle_group"]: m["recovery_score"] for m in body["muscle_groups"]}
    heads = {h["muscle"]: h["recovery_score"] for m in body["muscle_groups"] for h in m["heads"]}
    return scores | heads


def _fit(row: dict[str, Any], scores: dict[str, float]) -> float:
    """``recovery_fit`` as API.md defines it: the set-weighted mean recovery of the targets,
    shoulders by the heads the workout loads (docs/recovery.md)."""
    parts = [
        (part["sets"], scores[part.get("muscle") or part["muscle_group"]])
        for t in row["target_muscles"]
        for part in (t["heads"] or [t])
    ]
    return sum(sets * score for sets, score in parts) / sum(sets for sets, _ in parts)


def _assert_fits(rows: dict[int, dict[str, Any]], scores: dict[str, float]) -> None:
    # The scores shown are rounded to 0.1, and so is the fit: they agree within that.
    for row in rows.values():
        assert abs(row["recovery_fit"] - _fit(row, scores)) <= 0.11, row["workout"]


def _set_timezone(client: TestClient, lifter: Account, zone: str) -> None:
    response = client.patch("/api/me", json={"timezone": zone}, headers=lifter.headers)
    assert response.status_code == 200, response.text


def _quadriceps_workout(rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return max(
        rows.values(),
        key=lambda r: (
            sum(t["sets"] for t in r["target_muscles"] if t["muscle_group"] == "quadriceps")
            / sum(t["sets"] for t in r["target_muscles"])
        ),
    )


def test_tomorrow_is_scored_with_tomorrows_recovery(client: TestClient, lifter: Account) -> None:
    """Fewer than three logs: no habit yet, so the day's moment is 18:00 local."""
    _set_timezone(client, lifter, "Europe/Oslo")
    log(client, lifter, exercise_id(client, "barbell-back-squat"), sets=hard_sets(10))
    zone = ZoneInfo("Europe/Oslo")
    today = datetime.now(zone).date()
    tomorrow = today + timedelta(days=1)

    ahead = _available(client, lifter, tomorrow)
    now = _available(client, lifter, today)

    _assert_fits(ahead, _scores(client, lifter, datetime.combine(tomorrow, time(18), zone)))
    legs = _quadriceps_workout(ahead)
    assert ahead[legs["workout"]["id"]]["recovery_fit"] > now[legs["workout"]["id"]]["recovery_fit"]


def test_the_usual_training_time_sets_the_moment(client: TestClient, lifter: Account) -> None:
    zone_name = next(z for z in ZONES if 8 <= datetime.now(ZoneInfo(z)).hour < 15)
    zone = ZoneInfo(zone_name)
    _set_timezone(client, lifter, zone_name)
    local_now = datetime.now(zone)
    today = local_now.date()
    usual = (local_now - timedelta(hours=2)).time().replace(second=0, microsecond=0)
    squat = exercise_id(client, "barbell-back-squat")
    for days_ago in (2, 1, 0):  # three logs at the same local time: the lifter's habit
        at = datetime.combine(today - timedelta(days=days_ago), usual, zone)
        log(client, lifter, squat, sets=hard_sets(8), performed_at=at.astimezone(UTC).isoformat())

    tomorrow = _available(client, lifter, today + timedelta(days=1))
    at_usual = _scores(client, lifter, datetime.combine(today + timedelta(days=1), usual, zone))
    at_six = _scores(client, lifter, datetime.combine(today + timedelta(days=1), time(18), zone))
    _assert_fits(tomorrow, at_usual)
    legs = _quadriceps_workout(tomorrow)
    assert _fit(legs, at_usual) < _fit(legs, at_six) - 0.5  # the two moments differ

    # Today's usual time (the session two hours ago) has passed: now it is.
    today_rows = _available(client, lifter, today)
    _assert_fits(today_rows, _scores(client, lifter, None))
    at_session = _scores(client, lifter, datetime.combine(today, usual, zone))
    assert today_rows[legs["workout"]["id"]]["recovery_fit"] > _fit(legs, at_session) + 0.5

    # A past day is scored as it was then, from the history.
    yesterday = today - timedelta(days=1)
    _assert_fits(
        _available(client, lifter, yesterday),
        _scores(client, lifter, datetime.combine(yesterday, usual, zone)),
    )


def test_a_date_out_of_range_is_refused(client: TestClient, lifter: Account) -> None:
    response = client.get(
        "/api/workouts/available", params={"date": "1800-01-01"}, headers=lifter.headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
