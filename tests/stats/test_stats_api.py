"""Progress endpoints against hand-computed records, history and weekly volume."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import exercise_id, log

DAY1 = "2026-03-02T10:00:00+00:00"  # a Monday
DAY2 = "2026-03-04T12:00:00+00:00"  # 01:00 on 5 March in Auckland (UTC+13)


def _bench_history(
    client: TestClient, lifter: Account
) -> tuple[int, dict[str, Any], dict[str, Any]]:
    bench = exercise_id(client, "barbell-bench-press")
    first = log(
        client,
        lifter,
        bench,
        performed_at=DAY1,
        sets=[
            {"reps": 10, "weight_kg": 40, "set_type": "warmup"},
            {"reps": 5, "weight_kg": 100},
            {"reps": 5, "weight_kg": 100},
        ],
    )
    second = log(client, lifter, bench, performed_at=DAY2, sets=[{"reps": 3, "weight_kg": 102.5}])
    return bench, first, second


def test_personal_records_ignore_warmups(client: TestClient, lifter: Account) -> None:
    bench, first, second = _bench_history(client, lifter)
    response = client.get("/api/stats/prs", headers=lifter.headers)
    assert response.status_code == 200
    rows = [
        (r["type"], r["value"], r["reps"], r["weight_kg"], r["log_id"], r["exercise_id"])
        for r in response.json()
    ]
    assert rows == [
        ("weight", 102.5, 3, 102.5, second["id"], bench),
        # Epley: 100 × (1 + 5/30) beats 102.5 × (1 + 3/30) = 112.75.
        ("e1rm", 116.67, 5, 100.0, first["id"], bench),
        ("volume", 500.0, 5, 100.0, first["id"], bench),
        ("reps", 5.0, 5, 100.0, first["id"], bench),
        ("reps", 3.0, 3, 102.5, second["id"], bench),
    ]
    assert {r["exercise_name"] for r in response.json()} == {"Barbell Bench Press"}
    assert response.json()[0]["achieved_at"].startswith("2026-03-04T12:00:00")


def test_history_is_one_row_per_day_in_the_users_timezone(
    client: TestClient, lifter: Account
) -> None:
    bench, _, _ = _bench_history(client, lifter)
    url = f"/api/stats/exercises/{bench}/history"
    assert client.get(url, headers=lifter.headers).json() == [
        {
            "date": "2026-03-02",
            "best_e1rm_kg": 116.67,
            "top_weight_kg": 100.0,
            "volume_kg": 1000.0,
            "sets": 2,
        },
        {
            "date": "2026-03-04",
            "best_e1rm_kg": 112.75,
            "top_weight_kg": 102.5,
            "volume_kg": 307.5,
            "sets": 1,
        },
    ]
    patched = client.patch("/api/me", json={"timezone": "Pacific/Auckland"}, headers=lifter.headers)
    assert patched.status_code == 200
    days = client.get(url, headers=lifter.headers).json()
    assert [d["date"] for d in days] == ["2026-03-02", "2026-03-05"]
    window = client.get(url, params={"from": "2026-03-03"}, headers=lifter.headers).json()
    assert [d["date"] for d in window] == ["2026-03-05"]


def test_history_of_unknown_or_foreign_exercise_is_404(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    assert (
        client.get("/api/stats/exercises/999999/history", headers=lifter.headers).status_code == 404
    )
    custom = client.post(
        "/api/exercises",
        json={"name": "Secret Press", "primary_muscles": ["shoulders"]},
        headers=lifter.headers,
    ).json()["id"]
    url = f"/api/stats/exercises/{custom}/history"
    assert client.get(url, headers=other_lifter.headers).status_code == 404
    assert client.get(url, headers=lifter.headers).json() == []


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_weekly_volume_counts_secondary_as_half_and_never_warmups(
    client: TestClient, lifter: Account
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    squat = exercise_id(client, "barbell-back-squat")
    now = datetime.now(UTC) - timedelta(minutes=1)
    log(
        client,
        lifter,
        bench,
        performed_at=now.isoformat(),
        sets=[
            {"reps": 10, "weight_kg": 40, "set_type": "warmup"},
            {"reps": 5, "weight_kg": 100},
            {"reps": 5, "weight_kg": 100, "set_type": "failure"},
        ],
    )
    earlier = now - timedelta(days=7)
    log(client, lifter, squat, performed_at=earlier.isoformat(), sets=[{"reps": 5}] * 3)
    log(client, lifter, squat, performed_at=(now - timedelta(weeks=9)).isoformat())

    def expected(exercise: int, sets: int, week: date) -> set[tuple[str, str, float]]:
        info = client.get(f"/api/exercises/{exercise}").json()
        return {(week.isoformat(), m, float(sets)) for m in info["primary_muscles"]} | {
            (week.isoformat(), m, sets * 0.5) for m in info["secondary_muscles"]
        }

    def volume(weeks: int) -> set[tuple[str, str, float]]:
        response = client.get("/api/stats/volume", params={"weeks": weeks}, headers=lifter.headers)
        assert response.status_code == 200
        return {(r["week_start"], r["muscle_group"], r["sets"]) for r in response.json()}

    this_week = expected(bench, 2, _monday(now.date()))
    assert ("chest" in {m for _, m, _ in this_week}) and volume(1) == this_week
    assert volume(8) == this_week | expected(squat, 3, _monday(earlier.date()))
    assert len({week for week, _, _ in volume(10)}) == 3
    for weeks in (0, 105):
        response = client.get("/api/stats/volume", params={"weeks": weeks}, headers=lifter.headers)
        assert response.status_code == 422


def test_history_bounds_outside_the_calendar_we_keep_are_422(
    client: TestClient, lifter: Account
) -> None:
    """A day past the range a client may name was a 500 (date arithmetic past year 9999)."""
    bench = exercise_id(client, "barbell-bench-press")
    for query in ("to=9999-12-31", "from=0001-01-01", "from=1899-12-31"):
        response = client.get(
            f"/api/stats/exercises/{bench}/history?{query}", headers=lifter.headers
        )
        assert response.status_code == 422, (query, response.text)
        assert response.json()["error"]["details"][0]["field"] in ("from", "to")
    assert (
        client.get(
            f"/api/stats/exercises/{bench}/history?from=1900-01-01&to=2199-12-31",
            headers=lifter.headers,
        ).status_code
        == 200
    )
