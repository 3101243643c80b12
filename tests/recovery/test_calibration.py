"""The calibration bands of RECOVERY.md, one test each (novelty 1.0, intermediate profile)."""

from datetime import UTC, datetime, timedelta

import pytest

from gravl.history.sets import SetType
from gravl.recovery.model import (
    DEFAULT_CONSTANTS,
    SetRecord,
    ready_at,
    recompute,
    recovery_score,
    tau_hours,
)
from gravl.vocabulary import TRACKED_SLUGS

T0 = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)
MUSCLES = sorted(TRACKED_SLUGS)
HOURS_TO_RECOVER = DEFAULT_CONSTANTS.recovery_hours


def session(
    count: int,
    *,
    primary: tuple[str, ...],
    secondary: tuple[str, ...] = (),
    rpe: float | None = 9.0,
    set_type: SetType = "normal",
) -> list[SetRecord]:
    # Sets two minutes apart, as they are performed: the bands must hold for a real session.
    return [
        SetRecord(
            performed_at=T0 + timedelta(minutes=2 * i),
            exercise_id=1,
            primary=primary,
            secondary=secondary,
            reps=8,
            rpe=rpe,
            set_type=set_type,
            duration_s=None,
        )
        for i in range(count)
    ]


def score(sets: list[SetRecord], muscle: str, hours_after_last: float) -> float:
    last = max(s.performed_at for s in sets)
    state = recompute(sets, muscle, last + timedelta(hours=hours_after_last))
    return recovery_score(state.fatigue)


def hours_to_ready(sets: list[SetRecord], muscle: str) -> float:
    last = max(s.performed_at for s in sets)
    state = recompute(sets, muscle, last)
    ready = ready_at(state, last, tau_hours(muscle))
    assert ready is not None
    return (ready - last).total_seconds() / 3600


CHEST_TEN_HARD_SETS = session(10, primary=("chest",), secondary=("triceps", "front_delts"))


def test_chest_ten_sets_at_rpe9_leave_about_ten_percent() -> None:
    assert score(CHEST_TEN_HARD_SETS, "chest", 0) == pytest.approx(10, abs=1.0)


def test_chest_ten_sets_at_rpe9_is_30_to_60_after_a_day() -> None:
    assert 30 <= score(CHEST_TEN_HARD_SETS, "chest", 24) <= 60


def test_chest_ten_sets_at_rpe9_is_60_to_85_after_two_days() -> None:
    assert 60 <= score(CHEST_TEN_HARD_SETS, "chest", 48) <= 85


def test_chest_ten_sets_at_rpe9_is_at_least_85_after_three_days() -> None:
    assert score(CHEST_TEN_HARD_SETS, "chest", 72) >= 85


@pytest.mark.parametrize("muscle", MUSCLES)
def test_one_set_at_rpe8_is_at_least_80_after_a_day(muscle: str) -> None:
    assert score(session(1, primary=(muscle,), rpe=8.0), muscle, 24) >= 80


def test_failure_vs_rpe5_quadriceps_time_to_ready_differs_by_24_to_48_hours() -> None:
    to_failure = session(3, primary=("quadriceps",), rpe=None, set_type="failure")
    easy = session(3, primary=("quadriceps",), rpe=5.0)
    difference = hours_to_ready(to_failure, "quadriceps") - hours_to_ready(easy, "quadriceps")
    assert 24 <= difference <= 48
    # RECOVERY.md quotes the model's own answer.
    assert difference == pytest.approx(34, abs=0.5)


def test_quadriceps_recover_slower_than_biceps_at_every_later_time() -> None:
    quadriceps = session(6, primary=("quadriceps",))
    biceps = session(6, primary=("biceps",))
    # The sets span ten minutes, so even "0 h after the last set" is t > 0 for the first.
    for quarter_hours in range(4 * 240):
        hours = quarter_hours / 4
        assert score(quadriceps, "quadriceps", hours) < score(biceps, "biceps", hours), hours


@pytest.mark.parametrize("primary", MUSCLES)
def test_secondary_muscle_scores_higher_than_primary_right_after(primary: str) -> None:
    for secondary in MUSCLES:
        if secondary == primary:
            continue
        sets = session(5, primary=(primary,), secondary=(secondary,))
        assert score(sets, secondary, 0) > score(sets, primary, 0)


@pytest.mark.parametrize("primary", MUSCLES)
def test_secondary_muscle_stays_higher_when_it_recovers_no_slower(primary: str) -> None:
    for secondary in MUSCLES:
        if secondary == primary or HOURS_TO_RECOVER[secondary] > HOURS_TO_RECOVER[primary]:
            continue
        sets = session(5, primary=(primary,), secondary=(secondary,))
        for hours in range(1, 200, 3):
            assert score(sets, secondary, hours) > score(sets, primary, hours), (secondary, hours)
