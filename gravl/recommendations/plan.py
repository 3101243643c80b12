"""Where the lifter stands in their plan on a day: the first thing a recommendation answers.

A coach following real programs found the old recommender ranking add-on sessions (Neck and
Grip, Arm Day) above the lifter's own program, offering a second session ten minutes after the
first, and knowing nothing of rest days or missed sessions (issue 16). The plan now comes
first: this module decides, from plain data, which of five states a day is in —

- ``scheduled``: the program (or a swap) puts a workout on the day;
- ``rest_day``: the program rests; ``next`` names the next session and its date;
- ``catch_up``: a rest day after a missed session, which can still be done before the next
  session of its kind comes round;
- ``trained_today``: most of a session's planned working sets were logged on the day;
- ``no_program``: no program and no swap: the candidates speak for themselves.

The ranking (gravl.recommendations.ranking) then puts the day's workout first unless one of
its main muscles is too fatigued. docs/recovery.md states the rules with a week as an example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from gravl.training.targets import WorkoutKey

PlanStateName = Literal["scheduled", "rest_day", "trained_today", "catch_up", "no_program"]
# A session counts as done when most of its planned working sets — more than this share —
# were logged that day.
DONE_SHARE = 0.5
# Logs tagged with no workout make a session once they hold this many working sets.
UNPLANNED_SESSION_SETS = 6


ScheduleMode = Literal["calendar", "rotation"]


@dataclass(frozen=True)
class ProgramSchedule:
    """A program as the lifter follows it from ``start``.

    ``calendar``: day by day, each day of the cycle a workout or rest. ``rotation``: the
    sessions in the cycle's order, the next one after the last one done whatever the date, with
    a rest day after ``max_consecutive`` training days in a row.
    """

    start: date
    days: tuple[int | None, ...]  # the built-in workout of each day of the cycle, or rest
    mode: ScheduleMode = "calendar"
    max_consecutive: int = 7

    def workout_on(self, on: date) -> int | None:
        if on < self.start or not self.days:
            return None
        return self.days[(on - self.start).days % len(self.days)]

    @property
    def sequence(self) -> tuple[int, ...]:
        """The sessions in order, rest days left out (a rotation's order)."""
        return tuple(w for w in self.days if w is not None)

    def after(self, workout: int | None) -> int | None:
        """The rotation's session after ``workout`` (the first one when None or unknown)."""
        order = self.sequence
        if not order:
            return None
        if workout not in order:
            return order[0]
        return order[(order.index(workout) + 1) % len(order)]

    def next_after(self, on: date) -> tuple[int, date] | None:
        """The first session after ``on``, within one cycle."""
        for ahead in range(1, len(self.days) + 1):
            day = on + timedelta(days=ahead)
            workout = self.workout_on(day)
            if workout is not None:
                return workout, day
        return None


@dataclass(frozen=True)
class DaySession:
    """What was logged on the day for one workout (``key`` None: logs tagged with none)."""

    key: WorkoutKey | None
    started_at: datetime
    ended_at: datetime
    working_sets: int


@dataclass(frozen=True)
class DayState:
    state: PlanStateName
    workout: WorkoutKey | None  # the day's workout (scheduled, caught up, or done)
    next: tuple[WorkoutKey, date] | None
    done: DaySession | None  # trained_today: the session that was done
    missed_on: date | None = None  # catch_up: the day the session was planned for


def _done(session: DaySession, planned_sets: Mapping[WorkoutKey, int]) -> bool:
    if session.key is None:
        return session.working_sets >= UNPLANNED_SESSION_SETS
    planned = planned_sets.get(session.key, 0)
    if planned <= 0:
        return session.working_sets >= UNPLANNED_SESSION_SETS
    return session.working_sets > DONE_SHARE * planned


def day_state(
    *,
    on: date,
    program: ProgramSchedule | None,
    swap: WorkoutKey | None,
    sessions: Sequence[DaySession],
    last_done_on: Mapping[WorkoutKey, date],
    planned_sets: Mapping[WorkoutKey, int],
    trained_on: frozenset[date] = frozenset(),
) -> DayState:
    """The plan's state on ``on`` (the lifter's date) given what was logged that day so far
    (``sessions``), the last date each workout was done (``last_done_on``) and the days with
    a done session before ``on`` (``trained_on``, for a rotation's rest rule)."""
    if program is not None and program.mode == "rotation":
        return _rotation_state(on, program, swap, sessions, last_done_on, planned_sets, trained_on)
    following = program.next_after(on) if program is not None else None
    next_session: tuple[WorkoutKey, date] | None = (
        (("workout", following[0]), following[1]) if following else None
    )
    done = [s for s in sessions if _done(s, planned_sets)]
    if done:
        # The day's own workout if it was done, else the largest session of the day.
        scheduled = program.workout_on(on) if program is not None else None
        own = swap or (("workout", scheduled) if scheduled is not None else None)
        session = next((s for s in done if s.key == own), max(done, key=lambda s: s.working_sets))
        return DayState("trained_today", session.key, next_session, session)
    if swap is not None:
        return DayState("scheduled", swap, next_session, None)
    if program is None:
        return DayState("no_program", None, None, None)
    scheduled = program.workout_on(on)
    if scheduled is not None:
        return DayState("scheduled", ("workout", scheduled), next_session, None)
    missed = _missed(on, program, last_done_on)
    if missed is not None:
        workout, missed_on = missed
        return DayState("catch_up", ("workout", workout), next_session, None, missed_on)
    return DayState("rest_day", None, next_session, None)


def _rotation_state(
    on: date,
    program: ProgramSchedule,
    swap: WorkoutKey | None,
    sessions: Sequence[DaySession],
    last_done_on: Mapping[WorkoutKey, date],
    planned_sets: Mapping[WorkoutKey, int],
    trained_on: frozenset[date],
) -> DayState:
    """A rotation: the session after the last one done; rest after too many days in a row."""
    done_before = {
        key[1]: day for key, day in last_done_on.items() if key[0] == "workout" and day < on
    }
    in_program = {w: d for w, d in done_before.items() if w in program.sequence}
    last = max(in_program, key=lambda w: (in_program[w], w)) if in_program else None
    upcoming = program.after(last)
    if on < program.start or upcoming is None:
        return DayState("no_program", None, None, None)
    done = [s for s in sessions if _done(s, planned_sets)]
    if done:
        own: WorkoutKey | None = swap or ("workout", upcoming)
        session = next((s for s in done if s.key == own), max(done, key=lambda s: s.working_sets))
        after = (
            program.after(session.key[1])
            if session.key and session.key[0] == "workout"
            else upcoming
        )
        rest_next = _streak(on, trained_on | {on}) >= program.max_consecutive
        next_day = on + timedelta(days=2 if rest_next else 1)
        nxt: tuple[WorkoutKey, date] | None = (("workout", after), next_day) if after else None
        return DayState("trained_today", session.key, nxt, session)
    streak = _streak(on - timedelta(days=1), trained_on)
    if swap is not None:
        return DayState("scheduled", swap, (("workout", upcoming), on + timedelta(days=1)), None)
    if streak >= program.max_consecutive:
        return DayState("rest_day", None, (("workout", upcoming), on + timedelta(days=1)), None)
    following = program.after(upcoming)
    rest_next = streak + 1 >= program.max_consecutive
    next_day = on + timedelta(days=2 if rest_next else 1)
    nxt = (("workout", following), next_day) if following is not None else None
    return DayState("scheduled", ("workout", upcoming), nxt, None)


def _streak(last: date, trained_on: frozenset[date]) -> int:
    """Training days in a row ending on ``last``."""
    count = 0
    while last - timedelta(days=count) in trained_on:
        count += 1
    return count


def _missed(
    on: date, program: ProgramSchedule, last_done_on: Mapping[WorkoutKey, date]
) -> tuple[int, date] | None:
    """The latest session before ``on``, when it was not done and its workout's next turn is
    still ahead: it can be caught up today. Only the latest one: a lifter who missed Monday but
    trained Wednesday carries on with the plan."""
    for back in range(1, len(program.days) + 1):
        day = on - timedelta(days=back)
        workout = program.workout_on(day)
        if workout is None:
            continue
        last = last_done_on.get(("workout", workout))
        if last is not None and last >= day:
            return None
        again = _next_turn_of(program, workout, day)
        return (workout, day) if again is None or again > on else None
    return None


def _next_turn_of(program: ProgramSchedule, workout: int, after: date) -> date | None:
    for ahead in range(1, len(program.days) + 1):
        day = after + timedelta(days=ahead)
        if program.workout_on(day) == workout:
            return day
    return None
