"""Fatigue that matches the training (issue 17): the new calibration bands, through the API.

Each band logs what a lifter would log and reads what the lifter would read; the model-level
rules behind them are in test_model.py and test_calibration.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import ago, exercise_id, log


def _recovery(client: TestClient, lifter: Account, **params: str) -> dict[str, dict[str, Any]]:
    response = client.get("/api/recovery/muscle-groups", params=params, headers=lifter.headers)
    assert response.status_code == 200, response.text
    return {m["muscle_group"]: m for m in response.json()["muscle_groups"]}


def _score(client: TestClient, lifter: Account, muscle: str) -> float:
    return float(_recovery(client, lifter)[muscle]["recovery_score"])


def _set_experience(client: TestClient, lifter: Account, experience: str) -> None:
    response = client.patch("/api/me", json={"experience": experience}, headers=lifter.headers)
    assert response.status_code == 200, response.text


def test_a_one_hour_walk_leaves_quadriceps_ready(client: TestClient, lifter: Account) -> None:
    walk = exercise_id(client, "treadmill-walk")
    log(client, lifter, walk, sets=[{"duration_s": 3600, "rpe": 3}], performed_at=ago(minutes=1))
    quads = _recovery(client, lifter)["quadriceps"]
    assert quads["recovery_score"] >= 90
    assert quads["sets_last_7_days"] == 0  # cardio is not a set of lifting


def test_hard_rowing_intervals_fatigue_more_than_an_easy_walk(client: TestClient) -> None:
    walker, rower = Account(client, "walker@example.com"), Account(client, "rower@example.com")
    log(
        client,
        walker,
        exercise_id(client, "treadmill-walk"),
        sets=[{"duration_s": 3600, "rpe": 3}],
        performed_at=ago(minutes=1),
    )
    log(
        client,
        rower,
        exercise_id(client, "rowing-machine"),
        sets=[{"duration_s": 120, "rpe": 10} for _ in range(5)],
        performed_at=ago(minutes=1),
    )
    assert _score(client, rower, "quadriceps") < _score(client, walker, "quadriceps") - 5


def test_the_mobility_session_leaves_every_muscle_fresh(
    client: TestClient, lifter: Account
) -> None:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    mobility = next(w for w in workouts if w["name"] == "Mobility Session")
    assert mobility["exercises"], mobility
    for item in mobility["exercises"]:
        sets = [{"reps": item["target_reps"]} for _ in range(item["target_sets"])]
        log(client, lifter, item["exercise_id"], sets=sets, performed_at=ago(minutes=2))
    after = _recovery(client, lifter)
    assert all(m["recovery_score"] >= 95 for m in after.values()), after
    assert all(m["sets_last_7_days"] == 0 for m in after.values())


def _five_by_five(client: TestClient, lifter: Account, weight: float) -> float:
    squat = exercise_id(client, "barbell-back-squat")
    # A known best: a single at 100 kg ten days ago (e1RM 100 kg).
    log(
        client,
        lifter,
        squat,
        sets=[{"reps": 1, "weight_kg": 100, "rpe": 10}],
        performed_at=ago(days=10),
    )
    log(
        client,
        lifter,
        squat,
        sets=[{"reps": 5, "weight_kg": weight} for _ in range(5)],
        performed_at=ago(minutes=5),
    )
    return _score(client, lifter, "quadriceps")


def test_unrated_heavy_sets_fatigue_more_than_light_ones(client: TestClient) -> None:
    heavy = _five_by_five(client, Account(client, "heavy@example.com"), 85.0)
    light = _five_by_five(client, Account(client, "light@example.com"), 40.0)
    assert heavy < light - 15, (heavy, light)


def test_a_soreness_0_checkin_after_a_brutal_leg_day_raises_quads_but_not_to_100(
    client: TestClient, lifter: Account
) -> None:
    squat = exercise_id(client, "barbell-back-squat")
    brutal = [{"reps": 8, "weight_kg": 100, "rpe": 9.5} for _ in range(10)]
    log(client, lifter, squat, sets=brutal, performed_at=ago(hours=30))
    before = _score(client, lifter, "quadriceps")
    response = client.post(
        "/api/recovery/check-ins",
        json={"muscle_group": "quadriceps", "soreness": 0},
        headers=lifter.headers,
    )
    assert response.status_code == 201, response.text
    after = _score(client, lifter, "quadriceps")
    assert before < 60
    assert before + 10 < after < 95, (before, after)
    # Saying it again moves it further the same way: reports converge on what is felt.
    client.post(
        "/api/recovery/check-ins",
        json={"muscle_group": "quadriceps", "soreness": 0},
        headers=lifter.headers,
    )
    assert _score(client, lifter, "quadriceps") > after


def _first_push_day(client: TestClient, lifter: Account) -> float:
    bench = exercise_id(client, "barbell-bench-press")
    log(client, lifter, bench, sets=[{"reps": 8, "weight_kg": 60, "rpe": 8} for _ in range(4)],
        performed_at=ago(minutes=3))  # fmt: skip
    return _score(client, lifter, "chest")


def test_an_intermediates_first_push_day_is_rated_as_familiar_work(client: TestClient) -> None:
    newcomer = Account(client, "newcomer@example.com")  # intermediate by default
    first = _first_push_day(client, newcomer)
    regular = Account(client, "regular@example.com")
    bench = exercise_id(client, "barbell-bench-press")
    log(client, regular, bench, sets=[{"reps": 8, "weight_kg": 60, "rpe": 8}],
        performed_at=ago(days=4))  # fmt: skip
    known = _first_push_day(client, regular)
    beginner = Account(client, "beginner@example.com")
    _set_experience(client, beginner, "beginner")
    novel = _first_push_day(client, beginner)
    assert abs(first - known) <= 2.0, (first, known)
    assert novel < first - 2.0, (novel, first)


def test_imported_history_makes_an_exercise_familiar(client: TestClient) -> None:
    beginner = Account(client, "imported@example.com")
    _set_experience(client, beginner, "beginner")
    bench = exercise_id(client, "barbell-bench-press")
    log(client, beginner, bench, sets=[{"reps": 8, "weight_kg": 60, "rpe": 8}],
        performed_at=ago(days=5))  # fmt: skip
    fresh = Account(client, "fresh@example.com")
    _set_experience(client, fresh, "beginner")
    assert _first_push_day(client, beginner) > _first_push_day(client, fresh) + 2.0


def test_a_log_a_few_minutes_ahead_counts_from_now(client: TestClient, lifter: Account) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    ahead = (datetime.now(UTC) + timedelta(minutes=3)).isoformat()
    entry = log(client, lifter, bench, sets=[{"reps": 8, "weight_kg": 60, "rpe": 9}] * 5,
                performed_at=ahead)  # fmt: skip
    assert datetime.fromisoformat(entry["performed_at"]) <= datetime.now(UTC)
    chest = _recovery(client, lifter)["chest"]
    assert chest["recovery_score"] < 80
    assert chest["sets_last_7_days"] == 5


def test_a_past_moment_finds_the_last_training_however_long_before(
    client: TestClient, lifter: Account
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    squat = exercise_id(client, "barbell-back-squat")
    benched = datetime.now(UTC) - timedelta(days=60)
    log(client, lifter, bench, performed_at=benched.isoformat())
    log(client, lifter, squat, performed_at=ago(days=1))
    then = (benched + timedelta(days=30)).isoformat()
    chest = _recovery(client, lifter, at=then)["chest"]
    assert chest["recovery_score"] == 100.0
    assert chest["last_trained_at"] is not None
    assert abs(datetime.fromisoformat(chest["last_trained_at"]) - benched) < timedelta(seconds=1)


def _pull_ups(client: TestClient, lifter: Account, reps: int) -> float:
    pull_up = exercise_id(client, "pull-up")
    log(client, lifter, pull_up, sets=[{"reps": 10, "rpe": 10}], performed_at=ago(days=10))
    log(
        client,
        lifter,
        pull_up,
        sets=[{"reps": reps} for _ in range(4)],
        performed_at=ago(minutes=5),
    )
    return _score(client, lifter, "lats")


def test_unrated_bodyweight_sets_are_rated_against_the_best_reps(client: TestClient) -> None:
    # Best 10 pull-ups: sets of 10 are all-out, sets of 3 leave seven in the tank.
    hard_lifter, easy_lifter = (
        Account(client, "hard@example.com"),
        Account(client, "easy@example.com"),
    )
    hard = _pull_ups(client, hard_lifter, 10)
    easy = _pull_ups(client, easy_lifter, 3)
    assert hard < easy - 15, (hard, easy)
    # Too easy to count as hard sets; the all-out ones count.
    assert _recovery(client, easy_lifter)["lats"]["sets_last_7_days"] == 0
    assert _recovery(client, hard_lifter)["lats"]["sets_last_7_days"] == 4
