from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from tests.conftest import Account
from tests.factories import custom_workout, enroll, exercise_id, log

START = date(2026, 6, 1)


def _day(client: TestClient, lifter: Account, day: date) -> dict[str, Any]:
    return dict(
        client.get(
            "/api/schedule/today", params={"date": day.isoformat()}, headers=lifter.headers
        ).json()
    )


def _training_day(client: TestClient, lifter: Account) -> tuple[date, int]:
    """The first day from START with a scheduled workout."""
    for offset in range(14):
        day = START + timedelta(days=offset)
        today = _day(client, lifter, day)
        if today["workout"] is not None:
            return day, today["workout"]["id"]
    raise AssertionError("no training day in two weeks")


def _other_workout(client: TestClient, lifter: Account, day: date, scheduled: int) -> int:
    rows = client.get(
        "/api/workouts/available", params={"date": day.isoformat()}, headers=lifter.headers
    ).json()
    return next(
        r["workout"]["id"]
        for r in rows
        if r["workout"]["id"] != scheduled and r["workout"]["kind"] != "custom"
    )


def test_a_lifters_week_with_a_swap_and_a_revert(client: TestClient, lifter: Account) -> None:
    enroll(client, lifter, start_date=START.isoformat())
    day, scheduled = _training_day(client, lifter)
    assert _day(client, lifter, day)["source"] == "program"

    available = client.get(
        "/api/workouts/available", params={"date": day.isoformat()}, headers=lifter.headers
    ).json()
    assert available[0]["scheduled"] is True and available[0]["workout"]["id"] == scheduled
    assert sum(r["scheduled"] for r in available) == 1
    assert all(0 <= r["recovery_fit"] <= 100 for r in available)
    replacement = _other_workout(client, lifter, day, scheduled)

    swap = client.post(
        f"/api/workouts/{scheduled}/swap",
        json={
            "replacement_workout_id": replacement,
            "date": day.isoformat(),
            "reason": "no rack free",
        },
        headers=lifter.headers,
    )
    assert swap.status_code == 201
    swap_body = swap.json()
    assert (swap_body["original_workout_id"], swap_body["replacement_workout_id"]) == (
        scheduled,
        replacement,
    )
    assert swap_body["reverted_at"] is None and swap_body["reason"] == "no rack free"
    swapped_day = _day(client, lifter, day)
    assert (swapped_day["source"], swapped_day["workout"]["id"], swapped_day["swap_id"]) == (
        "swap",
        replacement,
        swap_body["id"],
    )

    workout = client.get(f"/api/workouts/{replacement}", headers=lifter.headers).json()
    logged = [
        log(
            client,
            lifter,
            e["exercise_id"],
            workout_id=replacement,
            performed_at=f"{day.isoformat()}T18:{i:02d}:00+00:00",
        )
        for i, e in enumerate(workout["exercises"][:3])
    ]
    assert all(entry["swapped_from_id"] == scheduled for entry in logged)
    assert all(entry["source_type"] == "swap" for entry in logged)

    reverted = client.post(f"/api/workouts/swaps/{swap_body['id']}/revert", headers=lifter.headers)
    assert reverted.status_code == 200
    assert reverted.json()["reverted_at"] is not None
    back = _day(client, lifter, day)
    assert (back["source"], back["workout"]["id"], back["swap_id"]) == ("program", scheduled, None)
    for entry in logged:  # logs made under the swap keep what they replaced
        kept = client.get(f"/api/logs/{entry['id']}", headers=lifter.headers).json()
        assert kept["swapped_from_id"] == scheduled
    trail = client.get("/api/workouts/swaps", headers=lifter.headers).json()
    assert [s["id"] for s in trail] == [swap_body["id"]]
    assert trail[0]["reverted_at"] is not None
    # The day was trained, so it is not swapped again (issue 16): the 409 names the logs.
    again = client.post(
        f"/api/workouts/{scheduled}/swap",
        json={"replacement_workout_id": replacement, "date": day.isoformat()},
        headers=lifter.headers,
    )
    assert again.status_code == 409
    assert again.json()["error"]["details"][0]["log_ids"] == [entry["id"] for entry in logged]
    trail = client.get("/api/workouts/swaps", headers=lifter.headers).json()
    assert [s["id"] for s in trail] == [swap_body["id"]]


def test_swap_to_a_custom_workout(client: TestClient, lifter: Account) -> None:
    enroll(client, lifter, start_date=START.isoformat())
    day, scheduled = _training_day(client, lifter)
    mine = custom_workout(client, lifter, [exercise_id(client, "barbell-curl")])
    available = client.get(
        "/api/workouts/available", params={"date": day.isoformat()}, headers=lifter.headers
    ).json()
    assert {"id": mine["id"], "name": "My Day", "kind": "custom"} in [
        r["workout"] for r in available
    ]
    swap = client.post(
        f"/api/workouts/{scheduled}/swap",
        json={"replacement_custom_workout_id": mine["id"], "date": day.isoformat()},
        headers=lifter.headers,
    ).json()
    today = _day(client, lifter, day)
    assert (today["workout"]["kind"], today["workout"]["id"]) == ("custom", mine["id"])
    entry = log(
        client,
        lifter,
        mine["exercises"][0]["exercise_id"],
        custom_workout_id=mine["id"],
        performed_at=f"{day.isoformat()}T12:00:00+00:00",
    )
    assert entry["swapped_from_id"] == scheduled
    assert swap["replacement_custom_workout_id"] == mine["id"]


def test_swap_errors(client: TestClient, lifter: Account, other_lifter: Account) -> None:
    enroll(client, lifter, start_date=START.isoformat())
    day, scheduled = _training_day(client, lifter)
    replacement = _other_workout(client, lifter, day, scheduled)
    theirs = custom_workout(client, other_lifter, [exercise_id(client, "barbell-curl")])

    def swap(workout: int, **body: Any) -> Any:
        return client.post(
            f"/api/workouts/{workout}/swap",
            json={"date": day.isoformat(), **body},
            headers=lifter.headers,
        )

    assert swap(replacement, replacement_workout_id=scheduled).status_code == 409  # not scheduled
    assert swap(999999, replacement_workout_id=replacement).status_code == 404
    assert swap(scheduled, replacement_workout_id=999999).status_code == 404
    assert swap(scheduled, replacement_custom_workout_id=theirs["id"]).status_code == 404
    assert swap(scheduled).status_code == 422
    assert (
        swap(
            scheduled, replacement_workout_id=replacement, replacement_custom_workout_id=1
        ).status_code
        == 422
    )
    assert swap(scheduled, replacement_workout_id=scheduled).status_code == 422
    first = swap(scheduled, replacement_workout_id=replacement)
    assert first.status_code == 201
    assert (
        swap(scheduled, replacement_workout_id=replacement).status_code == 409
    )  # day already swapped
    revert = f"/api/workouts/swaps/{first.json()['id']}/revert"
    assert client.post(revert, headers=other_lifter.headers).status_code == 404
    assert client.post(revert, headers=lifter.headers).status_code == 200
    assert client.post(revert, headers=lifter.headers).status_code == 409
    assert (
        client.post("/api/workouts/swaps/999999/revert", headers=lifter.headers).status_code == 404
    )


def test_swap_trail_filters_by_date(client: TestClient, lifter: Account) -> None:
    enroll(client, lifter, start_date=START.isoformat())
    day, scheduled = _training_day(client, lifter)
    replacement = _other_workout(client, lifter, day, scheduled)
    client.post(
        f"/api/workouts/{scheduled}/swap",
        json={"replacement_workout_id": replacement, "date": day.isoformat()},
        headers=lifter.headers,
    )
    inside = client.get(
        "/api/workouts/swaps",
        params={"from": day.isoformat(), "to": day.isoformat()},
        headers=lifter.headers,
    ).json()
    after = client.get(
        "/api/workouts/swaps",
        params={"from": (day + timedelta(days=1)).isoformat()},
        headers=lifter.headers,
    ).json()
    assert len(inside) == 1 and after == []


@pytest.mark.postgresql_only
def test_parallel_swaps_of_one_day_one_wins(settings: Settings) -> None:
    with TestClient(create_app(settings)) as setup:
        lifter = Account(setup, "race@example.com")
        enroll(setup, lifter, start_date=START.isoformat())
        day, scheduled = _training_day(setup, lifter)
        replacement = _other_workout(setup, lifter, day, scheduled)
    apps = [TestClient(create_app(settings)) for _ in range(2)]
    for app in apps:
        app.__enter__()
    try:
        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(
                pool.map(
                    lambda c: (
                        c.post(
                            f"/api/workouts/{scheduled}/swap",
                            json={"replacement_workout_id": replacement, "date": day.isoformat()},
                            headers=lifter.headers,
                        ).status_code
                    ),
                    apps,
                )
            )
    finally:
        for app in apps:
            app.__exit__(None, None, None)
    assert statuses == [201, 409]
