"""Swaps that fit the plan (issue 16): a trained day stays as trained, a rest day can be given
a workout, a revert can say why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import custom_workout, enroll, exercise_id, log

START = date(2026, 6, 1)  # a Monday, months before the clock these tests run by


def _day(client: TestClient, lifter: Account, day: date) -> dict[str, Any]:
    response = client.get(
        "/api/schedule/today", params={"date": day.isoformat()}, headers=lifter.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _first_day(client: TestClient, lifter: Account, *, training: bool) -> tuple[date, int | None]:
    """The first training (or rest) day from START and its scheduled workout."""
    for offset in range(14):
        day = START + timedelta(days=offset)
        workout = _day(client, lifter, day)["workout"]
        if (workout is not None) == training:
            return day, workout["id"] if workout else None
    raise AssertionError("no such day in two weeks")


def _swap(client: TestClient, lifter: Account, workout_id: int, day: date, **body: Any) -> Any:
    return client.post(
        f"/api/workouts/{workout_id}/swap",
        json={"date": day.isoformat(), **body},
        headers=lifter.headers,
    )


def _other_workout(client: TestClient, lifter: Account, not_this: int | None) -> int:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    return int(next(w["id"] for w in workouts if w["id"] != not_this))


def test_a_trained_day_cannot_be_swapped(client: TestClient, lifter: Account) -> None:
    assert (
        client.patch(
            "/api/me", json={"timezone": "America/New_York"}, headers=lifter.headers
        ).status_code
        == 200
    )
    enroll(client, lifter, start_date=START.isoformat())
    day, scheduled = _first_day(client, lifter, training=True)
    assert scheduled is not None
    squat = exercise_id(client, "barbell-back-squat")
    iso = day.isoformat()
    # New York is UTC-4 in June: the lifter's day runs from 04:00Z to 04:00Z the next day.
    morning = log(client, lifter, squat, performed_at=f"{iso}T09:00:00-04:00")
    late = log(client, lifter, squat, performed_at=f"{iso}T23:30:00-04:00")
    warm_up = [{"reps": 10, "weight_kg": 40, "set_type": "warmup"}]
    log(client, lifter, squat, performed_at=f"{iso}T12:00:00-04:00", sets=warm_up)  # not training
    log(client, lifter, squat, performed_at=f"{iso}T02:00:00Z")  # the evening before, locally
    log(client, lifter, squat, performed_at=f"{day + timedelta(days=1)}T04:00:00Z")  # next day

    response = _swap(
        client,
        lifter,
        scheduled,
        day,
        replacement_workout_id=_other_workout(client, lifter, scheduled),
    )

    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert [{k: v for k, v in d.items() if k != "message"} for d in error["details"]] == [
        {"field": "date", "log_ids": sorted([morning["id"], late["id"]])}
    ]
    assert all(isinstance(d["message"], str) and d["message"] for d in error["details"])
    assert client.get("/api/workouts/swaps", headers=lifter.headers).json() == []
    assert _day(client, lifter, day)["source"] == "program"


def test_the_day_before_and_after_a_trained_day_can_be_swapped(
    client: TestClient, lifter: Account
) -> None:
    enroll(client, lifter, start_date=START.isoformat())
    day, scheduled = _first_day(client, lifter, training=True)
    assert scheduled is not None
    log(client, lifter, exercise_id(client, "barbell-back-squat"), performed_at=f"{day}T12:00:00Z")
    later = next(
        d
        for d in (day + timedelta(days=n) for n in range(1, 14))
        if _day(client, lifter, d)["workout"] is not None
    )
    planned = _day(client, lifter, later)["workout"]["id"]
    response = _swap(
        client,
        lifter,
        planned,
        later,
        replacement_workout_id=_other_workout(client, lifter, planned),
    )
    assert response.status_code == 201, response.text


def test_a_rest_day_can_be_given_a_workout(client: TestClient, lifter: Account) -> None:
    enroll(client, lifter, start_date=START.isoformat())
    rest, nothing = _first_day(client, lifter, training=False)
    assert nothing is None
    assert _day(client, lifter, rest)["source"] == "none"
    workout = _other_workout(client, lifter, None)
    other = _other_workout(client, lifter, workout)
    mine = custom_workout(client, lifter, [exercise_id(client, "barbell-curl")])

    # The path names the workout to train; on a rest day it must be the replacement too.
    assert _swap(client, lifter, other, rest, replacement_workout_id=workout).status_code == 409
    assert (
        _swap(client, lifter, workout, rest, replacement_custom_workout_id=mine["id"]).status_code
        == 409
    )
    assert _swap(client, lifter, 999999, rest, replacement_workout_id=999999).status_code == 404
    response = _swap(
        client, lifter, workout, rest, replacement_workout_id=workout, reason="feeling fresh"
    )

    assert response.status_code == 201, response.text
    swap = response.json()
    assert (swap["original_workout_id"], swap["replacement_workout_id"]) == (None, workout)
    assert (swap["reason"], swap["reverted_at"], swap["revert_reason"]) == (
        "feeling fresh",
        None,
        None,
    )
    today = _day(client, lifter, rest)
    assert (today["source"], today["workout"]["id"], today["swap_id"]) == (
        "swap",
        workout,
        swap["id"],
    )
    trail = client.get("/api/workouts/swaps", headers=lifter.headers).json()
    assert [(s["id"], s["original_workout_id"]) for s in trail] == [(swap["id"], None)]

    # Reverting gives the day its rest back.
    reverted = client.post(f"/api/workouts/swaps/{swap['id']}/revert", headers=lifter.headers)
    assert reverted.status_code == 200
    assert (_day(client, lifter, rest)["source"], _day(client, lifter, rest)["workout"]) == (
        "none",
        None,
    )


def test_a_lifter_without_a_program_can_plan_a_day(client: TestClient, lifter: Account) -> None:
    workout = _other_workout(client, lifter, None)
    response = _swap(client, lifter, workout, START, replacement_workout_id=workout)
    assert response.status_code == 201, response.text
    assert _day(client, lifter, START)["workout"]["id"] == workout


def test_a_revert_keeps_its_reason(client: TestClient, lifter: Account) -> None:
    enroll(client, lifter, start_date=START.isoformat())
    day, scheduled = _first_day(client, lifter, training=True)
    assert scheduled is not None
    replacement = _other_workout(client, lifter, scheduled)
    first = _swap(client, lifter, scheduled, day, replacement_workout_id=replacement).json()
    revert = f"/api/workouts/swaps/{first['id']}/revert"

    too_long = client.post(revert, json={"reason": "x" * 501}, headers=lifter.headers)
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "validation_error"
    assert client.post(revert, json={"why": "typo"}, headers=lifter.headers).status_code == 422
    reverted = client.post(revert, json={"reason": "rack freed up"}, headers=lifter.headers)
    assert reverted.status_code == 200, reverted.text
    assert reverted.json()["revert_reason"] == "rack freed up"
    assert reverted.json()["reverted_at"] is not None
    again = client.post(revert, json={"reason": "twice"}, headers=lifter.headers)
    assert again.status_code == 409

    # Without a body, as before: no reason.
    second = _swap(client, lifter, scheduled, day, replacement_workout_id=replacement).json()
    plain = client.post(f"/api/workouts/swaps/{second['id']}/revert", headers=lifter.headers)
    assert plain.status_code == 200 and plain.json()["revert_reason"] is None

    trail = client.get("/api/workouts/swaps", headers=lifter.headers).json()
    assert [(s["id"], s["revert_reason"]) for s in trail] == [
        (second["id"], None),
        (first["id"], "rack freed up"),
    ]
