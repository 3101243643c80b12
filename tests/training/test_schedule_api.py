from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import enroll


def test_enroll_and_current(client: TestClient, lifter: Account) -> None:
    assert client.get("/api/programs/current", headers=lifter.headers).status_code == 404
    enrollment = enroll(client, lifter, start_date="2026-01-05")
    assert enrollment["start_date"] == "2026-01-05"
    current = client.get("/api/programs/current", headers=lifter.headers).json()
    assert current["id"] == enrollment["id"]
    # Enrolling elsewhere ends the first enrollment.
    second = enroll(client, lifter, "Upper/Lower")
    assert client.get("/api/programs/current", headers=lifter.headers).json()["id"] == second["id"]


def test_enroll_unknown_program_and_bad_date(client: TestClient, lifter: Account) -> None:
    assert (
        client.post("/api/programs/999999/enroll", json={}, headers=lifter.headers).status_code
        == 404
    )
    programs = client.get("/api/programs", headers=lifter.headers).json()
    bad = client.post(
        f"/api/programs/{programs[0]['id']}/enroll",
        json={"start_date": "yesterday"},
        headers=lifter.headers,
    )
    assert bad.status_code == 422


def test_enroll_defaults_to_today_in_the_lifters_timezone(
    client: TestClient, lifter: Account
) -> None:
    client.patch("/api/me", json={"timezone": "Pacific/Kiritimati"}, headers=lifter.headers)
    enrollment = enroll(client, lifter)
    assert (
        enrollment["start_date"] == datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()
    )


def test_schedule_follows_the_repeating_program(client: TestClient, lifter: Account) -> None:
    start = date(2026, 3, 2)
    enroll(client, lifter, start_date=start.isoformat())
    program = client.get("/api/programs/current", headers=lifter.headers).json()
    schedule = next(
        p
        for p in client.get("/api/programs", headers=lifter.headers).json()
        if p["id"] == program["program_id"]
    )["schedule"]
    for offset in (0, 1, 2, len(schedule), len(schedule) * 3 + 4):
        day = start + timedelta(days=offset)
        today = client.get(
            "/api/schedule/today", params={"date": day.isoformat()}, headers=lifter.headers
        ).json()
        expected = schedule[offset % len(schedule)]["workout_id"]
        assert today["date"] == day.isoformat()
        if expected is None:
            assert (today["workout"], today["source"]) == (None, "none")
        else:
            assert (today["workout"]["id"], today["source"]) == (expected, "program")
        assert today["swap_id"] is None
    before = client.get(
        "/api/schedule/today", params={"date": "2026-03-01"}, headers=lifter.headers
    ).json()
    assert (before["workout"], before["source"]) == (None, "none")


def test_schedule_without_a_program_is_empty(client: TestClient, lifter: Account) -> None:
    today = client.get("/api/schedule/today", headers=lifter.headers).json()
    assert (today["workout"], today["source"], today["swap_id"]) == (None, "none", None)
