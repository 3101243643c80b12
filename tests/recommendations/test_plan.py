"""The plan's state of a day, from plain data (gravl.recommendations.plan)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from gravl.recommendations.plan import DaySession, DayState, ProgramSchedule, day_state
from gravl.training.targets import WorkoutKey

MONDAY = date(2026, 8, 3)
A, B = 1, 2
# Full body three times a week over two weeks: A Mon, B Wed, A Fri, B Mon, A Wed, B Fri.
FULL_BODY = ProgramSchedule(
    MONDAY, (A, None, B, None, A, None, None, B, None, A, None, B, None, None)
)


PLANNED: Mapping[WorkoutKey, int] = {("workout", A): 15, ("workout", B): 15}


def _state(
    on: date,
    *,
    program: ProgramSchedule | None = FULL_BODY,
    swap: WorkoutKey | None = None,
    sessions: Sequence[DaySession] = (),
    last_done_on: Mapping[WorkoutKey, date] | None = None,
    trained_on: frozenset[date] = frozenset(),
) -> DayState:
    return day_state(
        on=on,
        program=program,
        swap=swap,
        sessions=sessions,
        last_done_on=last_done_on or {},
        planned_sets=PLANNED,
        trained_on=trained_on,
    )


def _session(key: WorkoutKey | None, sets: int) -> DaySession:
    at = datetime(2026, 8, 3, 17, 30, tzinfo=UTC)
    return DaySession(key, at, at + timedelta(minutes=50), sets)


def test_a_scheduled_day_names_its_workout_and_the_next() -> None:
    state = _state(MONDAY)
    assert state.state == "scheduled" and state.workout == ("workout", A)
    assert state.next == (("workout", B), MONDAY + timedelta(days=2))


def test_a_rest_day_says_rest_when_nothing_is_owed() -> None:
    state = _state(MONDAY + timedelta(days=1), last_done_on={("workout", A): MONDAY})
    assert state.state == "rest_day" and state.workout is None
    assert state.next == (("workout", B), MONDAY + timedelta(days=2))


def test_a_missed_session_is_owed_until_its_next_turn() -> None:
    tuesday = _state(MONDAY + timedelta(days=1))
    assert tuesday.state == "catch_up" and tuesday.workout == ("workout", A)
    assert tuesday.missed_on == MONDAY
    # Sunday after a missed Friday A: A comes round again on Wednesday, so it is still owed …
    sunday = _state(MONDAY + timedelta(days=6), last_done_on={("workout", B): MONDAY})
    assert sunday.state == "catch_up" and sunday.missed_on == MONDAY + timedelta(days=4)
    # … but only the latest session counts: a lifter who missed Monday and trained Wednesday
    # carries on.
    thursday = _state(
        MONDAY + timedelta(days=3), last_done_on={("workout", B): MONDAY + timedelta(days=2)}
    )
    assert thursday.state == "rest_day"


def test_most_of_the_planned_sets_make_a_session_done() -> None:
    started = _state(MONDAY, sessions=[_session(("workout", A), 7)])
    assert started.state == "scheduled"
    done = _state(MONDAY, sessions=[_session(("workout", A), 8)])
    assert done.state == "trained_today" and done.workout == ("workout", A)
    untagged = _state(MONDAY + timedelta(days=1), sessions=[_session(None, 6)])
    assert untagged.state == "trained_today" and untagged.workout is None


def test_a_swap_puts_its_workout_on_the_day_even_a_rest_day() -> None:
    swapped = _state(MONDAY + timedelta(days=1), swap=("custom", 9))
    assert swapped.state == "scheduled" and swapped.workout == ("custom", 9)


def test_without_a_program_there_is_no_plan() -> None:
    state = _state(MONDAY, program=None)
    assert state.state == "no_program" and state.next is None
    before = _state(MONDAY - timedelta(days=1))
    assert before.state == "rest_day"


# Push, pull, legs twice, then rest: as a rotation, at most six training days in a row.
PPL = ProgramSchedule(MONDAY, (1, 2, 3, 4, 5, 6, None), "rotation", 6)


def test_a_rotation_continues_after_the_last_session_done_whatever_the_date() -> None:
    first = _state(MONDAY, program=PPL)
    assert first.state == "scheduled" and first.workout == ("workout", 1)
    # Pull was done last Tuesday; a week of holiday later, legs come next.
    after_holiday = _state(
        MONDAY + timedelta(days=9),
        program=PPL,
        last_done_on={("workout", 1): MONDAY, ("workout", 2): MONDAY + timedelta(days=1)},
        trained_on=frozenset({MONDAY, MONDAY + timedelta(days=1)}),
    )
    assert after_holiday.state == "scheduled" and after_holiday.workout == ("workout", 3)
    assert after_holiday.next == (("workout", 4), MONDAY + timedelta(days=10))


def test_a_rotation_rests_after_the_most_days_in_a_row() -> None:
    six = frozenset(MONDAY + timedelta(days=n) for n in range(6))
    done = {("workout", n + 1): MONDAY + timedelta(days=n) for n in range(6)}
    sunday = _state(MONDAY + timedelta(days=6), program=PPL, last_done_on=done, trained_on=six)
    assert sunday.state == "rest_day" and sunday.next == (
        ("workout", 1),
        MONDAY + timedelta(days=7),
    )
    five_x_five = ProgramSchedule(MONDAY, (1, None, 2, None), "rotation", 1)
    tuesday = _state(
        MONDAY + timedelta(days=1),
        program=five_x_five,
        last_done_on={("workout", 1): MONDAY},
        trained_on=frozenset({MONDAY}),
    )
    assert tuesday.state == "rest_day" and tuesday.next == (
        ("workout", 2),
        MONDAY + timedelta(days=2),
    )
