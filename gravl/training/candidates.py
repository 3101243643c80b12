"""The workouts a lifter could do, each with what it trains: the pool the recommendations rank
and the swap choices of a day (with how recovered their muscles are)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from statistics import median_low
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth import service as auth_service
from gravl.auth.lifter import Lifter
from gravl.cache import Caches, Derived
from gravl.catalog.cache import Muscles, exercise_equipment, exercise_loads, exercise_muscles
from gravl.db import utcnow
from gravl.history.models import WorkoutLog
from gravl.recovery import service as recovery
from gravl.training.cache import BuiltinWorkouts, builtin_workouts, program_schedule
from gravl.training.models import CustomWorkout, CustomWorkoutExercise
from gravl.training.schedule import day_plan, local_today
from gravl.training.suitability import unsuitable_all
from gravl.training.targets import (
    DEFAULT_REST_S,
    AnyWorkout,
    Candidate,
    PlannedExercise,
    WorkoutKey,
    estimated_minutes,
    target_muscles,
)

# Planned (sets, exercise id) pairs of one workout, in position order.
Planned = Iterable[tuple[int, int]]


def _candidate(
    workout: AnyWorkout,
    planned: Planned,
    muscles: dict[int, Muscles],
    equipment: dict[int, str | None],
    loads: dict[int, Muscles],
) -> Candidate:
    pairs = list(planned)

    def planned_on(found: dict[int, Muscles]) -> list[PlannedExercise]:
        return [
            PlannedExercise(sets=sets, primary=found[exercise][0], secondary=found[exercise][1])
            for sets, exercise in pairs
        ]

    exercises = planned_on(muscles)
    targets = target_muscles(exercises)
    tracked = target_muscles(planned_on(loads))
    return Candidate(
        workout,
        targets,
        tracked_targets=tracked if tracked != targets else (),
        planned_sets=sum(e.sets for e in exercises),
        exercises=tuple(exercise_id for _, exercise_id in pairs),
        equipment=frozenset(
            needed for _, exercise_id in pairs if (needed := equipment.get(exercise_id))
        ),
        minutes=estimated_minutes((sets, DEFAULT_REST_S) for sets, _ in pairs),
    )


# Built once: constructing the statement and its cache key costs more than running it.
_CUSTOM_PLANS = (
    select(
        CustomWorkout.id,
        CustomWorkout.name,
        CustomWorkoutExercise.target_sets,
        CustomWorkoutExercise.exercise_id,
    )
    .outerjoin(
        CustomWorkoutExercise,
        and_(
            CustomWorkoutExercise.custom_workout_id == CustomWorkout.id,
            CustomWorkoutExercise.removed_at.is_(None),
        ),
    )
    .where(CustomWorkout.user_id == bindparam("user_id"), CustomWorkout.deleted_at.is_(None))
    .order_by(CustomWorkout.id, CustomWorkoutExercise.position)
)

# Built-in workouts' candidates, derived once per loaded built-ins (they change only on seed).
_BUILTIN_CANDIDATES = Derived[BuiltinWorkouts, dict[int, Candidate]]()


async def builtin_candidates(session: AsyncSession) -> dict[int, Candidate]:
    """Every built-in workout as a candidate, by workout id in id order."""

    async def derive(builtins: BuiltinWorkouts) -> dict[int, Candidate]:
        ids = {e for w in builtins.workouts for _, e in w.planned}
        muscles = await exercise_muscles(session, ids)
        equipment = await exercise_equipment(session, ids)
        loads = await exercise_loads(session, ids)
        return {
            w.id: _candidate(
                AnyWorkout(w.id, w.name, "library" if w.kind == "library" else "program"),
                w.planned,
                muscles,
                equipment,
                loads,
            )
            for w in builtins.workouts
        }

    return await _BUILTIN_CANDIDATES.get(await builtin_workouts(session), derive)


async def candidates(
    *, session: AsyncSession, user: Lifter, program_id: int | None
) -> list[Candidate]:
    """The active program's workouts (every built-in one when not enrolled), the library
    workouts and the lifter's custom workouts."""
    builtin = await builtin_candidates(session)
    if program_id is None:
        found = list(builtin.values())
    else:
        program = set(await program_schedule(session, program_id))
        found = [
            c for c in builtin.values() if c.workout.kind == "library" or c.workout.id in program
        ]
    rows = await session.execute(_CUSTOM_PLANS, {"user_id": user.id})
    customs: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    for custom_id, name, sets, exercise_id in rows:
        entry = customs.setdefault(custom_id, (name, []))
        if exercise_id is not None:
            entry[1].append((sets, exercise_id))
    ids = {e for _, planned in customs.values() for _, e in planned}
    muscles = await exercise_muscles(session, ids)
    equipment = await exercise_equipment(session, ids)
    loads = await exercise_loads(session, ids)
    for custom_id, (name, planned) in customs.items():
        workout = AnyWorkout(custom_id, name, "custom")
        found.append(_candidate(workout, planned, muscles, equipment, loads))
    return found


def recovery_fit(candidate: Candidate, scores: dict[str, float]) -> float:
    """The weighted mean recovery of the muscles a workout loads (0-100), by tracked muscle."""
    total = sum(t.weight for t in candidate.tracked)
    if total == 0:
        return 100.0
    return sum(t.weight * scores.get(t.muscle, 100.0) for t in candidate.tracked) / total


# The lifter's training habit: when they log in the last four weeks (issue 16), once there are
# enough logs to speak of a habit; else an evening, when most people train.
USUAL_TIME_WINDOW = timedelta(days=28)
USUAL_TIME_MIN_LOGS = 3
DEFAULT_TRAINING_TIME = time(18, 0)

_RECENT_LOG_TIMES = select(WorkoutLog.performed_at).where(
    WorkoutLog.user_id == bindparam("user_id"),
    WorkoutLog.performed_at > bindparam("since"),
    WorkoutLog.performed_at <= bindparam("until"),
)


async def usual_training_time(*, session: AsyncSession, user: Lifter, now: datetime) -> time:
    """The median local time of day of the lifter's logs in the last 28 days (with at least
    three of them), else 18:00."""
    zone = ZoneInfo(user.timezone)
    params = {"user_id": user.id, "since": now - USUAL_TIME_WINDOW, "until": now}
    local = [at.astimezone(zone) for at in await session.scalars(_RECENT_LOG_TIMES, params)]
    seconds = [t.hour * 3600 + t.minute * 60 + t.second for t in local]
    if len(seconds) < USUAL_TIME_MIN_LOGS:
        return DEFAULT_TRAINING_TIME
    middle = median_low(seconds)  # a time the lifter did train at, to the second
    return time(middle // 3600, middle % 3600 // 60, middle % 60)


async def training_moment(*, session: AsyncSession, user: Lifter, on: date) -> datetime | None:
    """When the lifter will train (or trained) on ``on``: their usual time that day; None for
    now, when ``on`` is today and that time has passed."""
    now = utcnow()
    usual = await usual_training_time(session=session, user=user, now=now)
    moment = datetime.combine(on, usual, ZoneInfo(user.timezone)).astimezone(UTC)
    return None if on == local_today(user, now) and moment <= now else moment


async def available(
    *, session: AsyncSession, user: Lifter, caches: Caches, on: date
) -> list[tuple[Candidate, float, bool]]:
    """Workouts that could replace the day's scheduled one, with their recovery fit at the
    day's training moment (``training_moment``); the scheduled workout first, then the
    best-recovered."""
    plan = await day_plan(session=session, user=user, on=on)
    at = await training_moment(session=session, user=user, on=on)
    snapshot = await recovery.snapshot(session=session, user=user, caches=caches, at=at)
    scores = {r.muscle: r.recovery_score for r in snapshot.tracked}
    scheduled: WorkoutKey = ("workout", plan.scheduled_workout_id or 0)
    pool = await candidates(session=session, user=user, program_id=plan.program_id)
    # The lifter's preferences rule workouts out here as in the recommendations; the
    # scheduled one stays, so the day's own workout is always shown.
    preferences = await auth_service.preferences(session=session, lifter=user)
    ruled_out = unsuitable_all(pool, preferences, on, {})
    rows = [
        (c, recovery_fit(c, scores), c.workout.key == scheduled)
        for c in pool
        if c.workout.key == scheduled or c.workout.key not in ruled_out
    ]
    return sorted(rows, key=lambda r: (not r[2], -r[1], r[0].workout.name, r[0].workout.id))
