"""Gathering what the ranking needs: the candidate workouts (``gravl.training.candidates``),
recovery, what was done when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth import service as auth_service
from gravl.auth.lifter import Lifter
from gravl.auth.preferences import Preferences
from gravl.cache import Caches, Slot
from gravl.catalog import cache as catalog_cache
from gravl.db import utcnow
from gravl.history.models import LogSet, WorkoutLog
from gravl.recommendations import ranking, volume
from gravl.recommendations.plan import (
    UNPLANNED_SESSION_SETS,
    DaySession,
    DayState,
    ProgramSchedule,
    day_state,
)
from gravl.recovery import service as recovery
from gravl.recovery.model import SetRecord, main_cause, stimulus, tau_hours
from gravl.training.candidates import candidates
from gravl.training.schedule import DayPlan, day_plan, local_today
from gravl.training.suitability import unsuitable_all
from gravl.training.targets import AnyWorkout, Candidate, WorkoutKey

# Built once: constructing the statement and its cache key costs more than running it.
_LAST_DONE = (
    select(WorkoutLog.workout_id, WorkoutLog.custom_workout_id, func.max(WorkoutLog.performed_at))
    .where(
        WorkoutLog.user_id == bindparam("user_id"),
        WorkoutLog.performed_at >= bindparam("since"),
        WorkoutLog.performed_at <= bindparam("until"),
        or_(WorkoutLog.workout_id.is_not(None), WorkoutLog.custom_workout_id.is_not(None)),
    )
    .group_by(WorkoutLog.workout_id, WorkoutLog.custom_workout_id)
)
# What was logged on one day, per workout: first and last set's time and the working sets.
_DAY_SESSIONS = (
    select(
        WorkoutLog.workout_id,
        WorkoutLog.custom_workout_id,
        func.min(WorkoutLog.performed_at),
        func.max(WorkoutLog.performed_at),
        func.count(LogSet.id),
    )
    .join(LogSet, LogSet.log_id == WorkoutLog.id)
    .where(
        WorkoutLog.user_id == bindparam("user_id"),
        WorkoutLog.performed_at >= bindparam("start"),
        WorkoutLog.performed_at <= bindparam("until"),
        LogSet.set_type != "warmup",
    )
    .group_by(WorkoutLog.workout_id, WorkoutLog.custom_workout_id)
)
# Logs a little ahead of the clock (allowed: gravl.validation) count as done already.
AHEAD = timedelta(minutes=5)
ROTATION_MEMORY = timedelta(days=28)


def scheduled_key(plan: DayPlan) -> WorkoutKey | None:
    if plan.swap_custom_workout_id is not None:
        return ("custom", plan.swap_custom_workout_id)
    if plan.swap_workout_id is not None:
        return ("workout", plan.swap_workout_id)
    return ("workout", plan.scheduled_workout_id) if plan.scheduled_workout_id else None


async def last_done(
    *, session: AsyncSession, user: Lifter, since: datetime, until: datetime
) -> dict[WorkoutKey, datetime]:
    """When each workout was last done between ``since`` and ``until``."""
    done: dict[WorkoutKey, datetime] = {}
    params = {"user_id": user.id, "since": since, "until": until}
    rows = await session.execute(_LAST_DONE, params)
    for workout_id, custom_workout_id, at in rows:
        keys: list[WorkoutKey] = []
        if workout_id is not None:
            keys.append(("workout", workout_id))
        if custom_workout_id is not None:
            keys.append(("custom", custom_workout_id))
        for key in keys:
            if key not in done or done[key] < at:
                done[key] = at
    return done


def day_start(user: Lifter, on: date) -> datetime:
    """The first instant of the lifter's date ``on``."""
    return datetime.combine(on, time(), ZoneInfo(user.timezone))


async def day_sessions(
    *, session: AsyncSession, user: Lifter, on: date, until: datetime
) -> list[DaySession]:
    """What was logged on the lifter's date ``on`` up to ``until``, per workout."""
    rows = await session.execute(
        _DAY_SESSIONS, {"user_id": user.id, "start": day_start(user, on), "until": until}
    )
    found: list[DaySession] = []
    for workout_id, custom_id, first, last, sets in rows:
        key: WorkoutKey | None = (
            ("custom", custom_id)
            if custom_id is not None
            else ("workout", workout_id)
            if workout_id is not None
            else None
        )
        found.append(DaySession(key, first, last, int(sets)))
    return found


def muscle_recovery(
    snapshot: recovery.Snapshot,
    names: dict[int, str],
    experience: str,
    goal: volume.Goal = volume.DEFAULT_GOAL,
) -> dict[str, ranking.MuscleReadiness]:
    """The ranking's view of each muscle, with the cause of any fatigue for its reasons."""
    threshold = ranking.DEFAULT_RANKING.recovery_threshold
    causes: dict[str, tuple[int, datetime, int | None]] = {}
    fatigued = [r for r in snapshot.tracked if r.recovery_score < threshold]
    touching = recovery.sets_by_muscle(snapshot.recent_sets) if fatigued else {}
    # A set's stimulus covers every muscle it loads: computed once, not once per muscle asked.
    loads: dict[int, dict[str, float]] = {}

    def stimulus_of(s: SetRecord) -> dict[str, float]:
        found = loads.get(id(s))
        if found is None:
            found = loads[id(s)] = stimulus(s)
        return found

    for report in fatigued:
        tau = tau_hours(report.muscle, experience)  # type: ignore[arg-type]
        sets = touching.get(report.muscle, [])
        cause = main_cause(sets, report.muscle, snapshot.computed_at, tau, stimulus_of=stimulus_of)
        if cause is not None:
            causes[report.muscle] = (cause.exercise_id, cause.performed_at, cause.log_id)
    end = snapshot.computed_at
    start = end - ranking.DEFAULT_RANKING.analysis_window
    by_muscle = recovery.sets_by_muscle(snapshot.recent_sets)
    return {
        r.muscle: ranking.MuscleReadiness(
            recovery_score=r.recovery_score,
            last_trained_at=r.last_trained_at,
            ready_at=r.ready_at,
            sets_last_7_days=r.sets_last_7_days,
            cause=ranking.Cause(names[c[0]], c[1], c[2]) if (c := causes.get(r.muscle)) else None,
            hard_sets=r.sets_last_7_days
            if r.heads
            else volume.hard_sets(by_muscle.get(r.muscle, ()), r.muscle, start, end),
            weekly=volume.weekly_range(r.muscle, goal, experience),
        )
        # The tracked muscles (the heads for shoulders), and the groups made of several.
        for r in [*snapshot.tracked, *(g for g in snapshot.reports if g.heads)]
    }


@dataclass(frozen=True)
class PlanInputs:
    """What a recommendation reads of one lifter besides the recovery inputs, as stored at one
    moment. The recovery inputs (the week's sets) are not held here: both routes read the one
    copy in ``recovery.RECOVERY_INPUTS``, and a later load of the same data version holds a
    subset of the sets these were loaded beside (the window moved on, nothing was written)."""

    on: date  # the lifter's date when loaded: the plan is that day's
    plan: DayPlan
    pool: list[Candidate]
    done: dict[WorkoutKey, datetime]  # last done, from the analysis window before loading on
    names: dict[int, str]  # of every exercise in the recovery sets and the excluded ones
    sessions: list[DaySession]  # what was logged on ``on``
    preferences: Preferences

    def estimated_bytes(self) -> int:
        """What the entry holds of its own (gravl.cache): the candidates and the maps."""
        return (
            PLAN_BYTES
            + CANDIDATE_BYTES * len(self.pool)
            + NAME_BYTES * len(self.names)
            + DONE_BYTES * (len(self.done) + len(self.sessions))
        )


# The plan, preferences and containers; each candidate (its workout is shared, from the
# catalog's cache); each name; each workout done or session. Sized against tracemalloc: a
# smart-workout read of a lifter in a program leaves ~8-17 kB besides the recovery inputs, and
# tests/test_cache.py holds the whole estimate within a factor of two of the measure.
PLAN_BYTES = 4_000
CANDIDATE_BYTES = 600
NAME_BYTES = 150
DONE_BYTES = 250


async def load_plan_inputs(
    session: AsyncSession, user: Lifter, inputs: recovery.RecoveryInputs
) -> PlanInputs:
    """The day's plan, the candidates and what was done when, beside the recovery inputs."""
    now = inputs.loaded_at
    on = local_today(user, now)
    plan = await day_plan(session=session, user=user, on=on)
    pool = await candidates(session=session, user=user, program_id=plan.program_id)
    # Four weeks back: a rotation continues after the last session done, however long ago.
    since = now - ROTATION_MEMORY
    done = await last_done(session=session, user=user, since=since, until=now + AHEAD)
    preferences = await auth_service.preferences(session=session, lifter=user)
    names = await catalog_cache.exercise_names(
        session, {s.exercise_id for s in inputs.sets} | set(preferences.excluded_exercises)
    )
    sessions = await day_sessions(session=session, user=user, on=on, until=now + AHEAD)
    return PlanInputs(on, plan, pool, done, names, sessions, preferences)


@dataclass(frozen=True)
class Recommended:
    """A recommendation's answer: the plan's state of the day and the ranking."""

    snapshot: recovery.Snapshot
    day: DayState
    ranking: ranking.Ranking
    workouts: dict[WorkoutKey, AnyWorkout]  # every candidate, for naming the plan's workouts
    timezone: str


def _plan_context(
    day: DayState, inputs: PlanInputs, snap: recovery.Snapshot, start: datetime
) -> ranking.PlanContext:
    """What the day's state asks of the ranking; ``start`` is the day's first instant."""
    program: frozenset[WorkoutKey] = frozenset(
        ("workout", w) for w in inputs.plan.days if w is not None
    )
    if day.state == "trained_today":
        trained = frozenset(
            m for s in snap.recent_sets if start <= s.performed_at for m in s.primary
        )
        return ranking.PlanContext(day.state, program=program, trained_muscles=trained)
    if day.state == "scheduled" and day.workout is not None:
        swapped = day.workout != (
            ("workout", inputs.plan.scheduled_workout_id)
            if inputs.plan.scheduled_workout_id is not None
            else None
        )
        lead = "Swapped in for today" if swapped else "Scheduled for today in your program"
        return ranking.PlanContext(day.state, day.workout, lead, program)
    if day.state == "catch_up" and day.workout is not None and day.missed_on is not None:
        lead = f"Missed on {day.missed_on:%A}: catch it up today"
        return ranking.PlanContext(day.state, day.workout, lead, program)
    if day.state == "rest_day" and day.next is not None:
        key, when = day.next
        lead = f"Rest day in your plan; if you train anyway, this is next ({when:%A})"
        return ranking.PlanContext(day.state, key, lead, program)
    return ranking.PlanContext(day.state, program=program)


def recommend_from(
    snap: recovery.Snapshot,
    loaded: recovery.RecoveryInputs,
    inputs: PlanInputs,
    user: Lifter,
    limit: int,
) -> Recommended:
    """The plan's state and the ranking at the snapshot's moment (pure: the inputs are loaded)."""
    since = snap.computed_at - ranking.DEFAULT_RANKING.analysis_window
    workouts = {c.workout.key: c.workout for c in inputs.pool}
    plan = inputs.plan
    schedule = (
        ProgramSchedule(
            plan.start_date,
            plan.days,
            "rotation" if plan.mode == "rotation" else "calendar",
            plan.max_consecutive or len(plan.days),
        )
        if plan.start_date is not None and plan.days
        else None
    )
    zone = ZoneInfo(user.timezone)
    day = day_state(
        on=inputs.on,
        program=schedule,
        swap=scheduled_key(plan) if _swapped(plan) else None,
        sessions=inputs.sessions,
        last_done_on={key: at.astimezone(zone).date() for key, at in inputs.done.items()},
        planned_sets={c.workout.key: c.planned_sets for c in inputs.pool},
        trained_on=_trained_days(loaded.sets, zone, inputs.on),
    )
    preferences = inputs.preferences
    ranked = ranking.rank_workouts(
        inputs.pool,
        muscle_recovery(snap, inputs.names, user.experience, preferences.goal),
        now=snap.computed_at,
        last_done={key: at for key, at in inputs.done.items() if at >= since},
        plan=_plan_context(day, inputs, snap, day_start(user, inputs.on)),
        unsuitable=unsuitable_all(inputs.pool, preferences, inputs.on, inputs.names),
        limit=limit,
    )
    return Recommended(snap, day, ranked, workouts, user.timezone)


def _when(on: date, day: date) -> str:
    ahead = (day - on).days
    if ahead == 1:
        return "tomorrow"
    return f"on {day:%A}" if 1 < ahead < 7 else f"on {day:%A %-d %B}"


def plan_message(recommended: Recommended, on: date) -> str:
    """The plan's state in one sentence, for the API and the Today page."""
    day, names = recommended.day, recommended.workouts

    def name(key: WorkoutKey | None) -> str:
        workout = names.get(key) if key is not None else None
        return workout.name if workout is not None else "a session"

    following = (
        f" Next: {name(day.next[0])} {_when(on, day.next[1])}." if day.next is not None else ""
    )
    if day.state == "trained_today" and day.done is not None:
        zone = ZoneInfo(recommended.timezone)
        what = name(day.done.key) if day.done.key is not None else "a session"
        at = day.done.ended_at.astimezone(zone)
        return f"Done for today: {what}, {day.done.working_sets} sets, until {at:%H:%M}.{following}"
    if day.state == "scheduled":
        return f"{name(day.workout)} is planned for today.{following}"
    if day.state == "catch_up" and day.missed_on is not None:
        return (
            f"You missed {name(day.workout)} on {day.missed_on:%A}: catch it up today, "
            f"or rest.{following}"
        )
    if day.state == "rest_day":
        return f"Rest day.{following}"
    return (
        "No program: today's session is built for you from the muscles that are ready; "
        "these workouts also suit you now."
    )


def _trained_days(sets: list[SetRecord], zone: ZoneInfo, before: date) -> frozenset[date]:
    """The lifter's dates before ``before`` with a session's worth of working sets."""
    counts: dict[date, int] = {}
    for record in sets:
        if record.set_type != "warmup":
            day = record.performed_at.astimezone(zone).date()
            counts[day] = counts.get(day, 0) + 1
    return frozenset(d for d, n in counts.items() if d < before and n >= UNPLANNED_SESSION_SETS)


def _swapped(plan: DayPlan) -> bool:
    return plan.swap_workout_id is not None or plan.swap_custom_workout_id is not None


# Today's plan, candidates and what was done when, per data version (gravl.cache).
PLAN_INPUTS = Slot[PlanInputs]("plan-inputs")


async def recommend(
    *, session: AsyncSession, user: Lifter, caches: Caches, limit: int, at: datetime | None = None
) -> Recommended:
    """The plan's state of the day and the best workouts, at ``at`` (default now): for another
    moment, the recovery and the plan as they were or will be then."""
    if at is not None:
        loaded = await recovery.load_inputs(session, user, at)
        inputs = await load_plan_inputs(session, user, loaded)
        # The inputs just loaded answer the moment, unless it lies before a muscle's stored
        # state (a look back): then the snapshot rebuilds it from the history.
        moment = recovery.snapshot_of(loaded, user.experience, at) or await recovery.snapshot(
            session=session, user=user, caches=caches, at=at
        )
        return recommend_from(moment, loaded, inputs, user, limit)
    now = utcnow()
    today = local_today(user, now)
    loaded = await recovery.inputs(session=session, user=user, caches=caches)
    if local_today(user, loaded.loaded_at) != today:  # loaded yesterday: today's plan needs now
        loaded = await recovery.load_inputs(session, user, now)
        caches.put(recovery.RECOVERY_INPUTS, user, loaded)
    cached = caches.get(PLAN_INPUTS, user)
    if cached is None or cached.on != today:  # new data, or a new day
        cached = await load_plan_inputs(session, user, loaded)
        caches.put(PLAN_INPUTS, user, cached)
    now = max(now, loaded.loaded_at)
    snap = recovery.snapshot_of(loaded, user.experience, now)
    if snap is None:  # a log ahead of the clock: rebuilt from the history
        snap = await recovery.snapshot(session=session, user=user, caches=caches, at=now)
    return recommend_from(snap, loaded, cached, user, limit)
