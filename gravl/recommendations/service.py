"""Gathering what the ranking needs: candidate workouts, recovery, what was done when."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from weakref import WeakKeyDictionary

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.models import User
from gravl.catalog import cache as catalog_cache
from gravl.logs.models import WorkoutLog
from gravl.recommendations import ranking
from gravl.recommendations.ranking import WorkoutKey
from gravl.recovery import service as recovery
from gravl.recovery.model import main_cause, tau_hours
from gravl.training.models import CustomWorkout, CustomWorkoutExercise
from gravl.training.schedule import DayPlan, day_plan, local_today

# Planned (sets, exercise id) pairs of one workout, in position order.
Planned = Iterable[tuple[int, int]]


def _candidate(
    ref: ranking.WorkoutRef, planned: Planned, muscles: dict[int, catalog_cache.Muscles]
) -> ranking.Candidate:
    exercises = [
        ranking.PlannedExercise(
            sets=sets, primary=muscles[exercise_id][0], secondary=muscles[exercise_id][1]
        )
        for sets, exercise_id in planned
    ]
    return ranking.Candidate(ref, ranking.target_muscles(exercises))


# Statements built once: constructing them and their cache keys costs more than running them.
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
_LAST_DONE = (
    select(WorkoutLog.workout_id, WorkoutLog.custom_workout_id, func.max(WorkoutLog.performed_at))
    .where(
        WorkoutLog.user_id == bindparam("user_id"),
        WorkoutLog.performed_at >= bindparam("since"),
        or_(WorkoutLog.workout_id.is_not(None), WorkoutLog.custom_workout_id.is_not(None)),
    )
    .group_by(WorkoutLog.workout_id, WorkoutLog.custom_workout_id)
)

# Built-in workouts' candidates, derived once per loaded cache (they change only on seed).
_builtin_candidates: WeakKeyDictionary[catalog_cache.Builtins, dict[int, ranking.Candidate]] = (
    WeakKeyDictionary()
)


async def builtin_candidates(session: AsyncSession) -> dict[int, ranking.Candidate]:
    """Every built-in workout as a ranking candidate, by workout id in id order."""
    builtins = await catalog_cache.builtins(session)
    found = _builtin_candidates.get(builtins)
    if found is None:
        muscles = await catalog_cache.exercise_muscles(
            session, {e for w in builtins.workouts for _, e in w.planned}
        )
        found = {
            w.id: _candidate(
                ranking.WorkoutRef(w.id, w.name, "library" if w.kind == "library" else "program"),
                w.planned,
                muscles,
            )
            for w in builtins.workouts
        }
        _builtin_candidates[builtins] = found
    return found


async def candidates(
    *, session: AsyncSession, user: User, program_id: int | None
) -> list[ranking.Candidate]:
    """The active program's workouts (every built-in one when not enrolled), the library
    workouts and the lifter's custom workouts."""
    builtin = await builtin_candidates(session)
    if program_id is None:
        found = list(builtin.values())
    else:
        program = set(await catalog_cache.program_schedule(session, program_id))
        found = [
            c for c in builtin.values() if c.workout.kind == "library" or c.workout.id in program
        ]
    rows = await session.execute(_CUSTOM_PLANS, {"user_id": user.id})
    customs: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    for custom_id, name, sets, exercise_id in rows:
        entry = customs.setdefault(custom_id, (name, []))
        if exercise_id is not None:
            entry[1].append((sets, exercise_id))
    muscles = await catalog_cache.exercise_muscles(
        session, {e for _, planned in customs.values() for _, e in planned}
    )
    for custom_id, (name, planned) in customs.items():
        ref = ranking.WorkoutRef(custom_id, name, "custom")
        found.append(_candidate(ref, planned, muscles))
    return found


def scheduled_key(plan: DayPlan) -> WorkoutKey | None:
    if plan.swap_custom_workout_id is not None:
        return ("custom", plan.swap_custom_workout_id)
    if plan.swap_workout_id is not None:
        return ("workout", plan.swap_workout_id)
    return ("workout", plan.scheduled_workout_id) if plan.scheduled_workout_id else None


async def last_done(
    *, session: AsyncSession, user: User, since: datetime
) -> dict[WorkoutKey, datetime]:
    """When each workout was last done within the analysis window."""
    done: dict[WorkoutKey, datetime] = {}
    rows = await session.execute(_LAST_DONE, {"user_id": user.id, "since": since})
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


def muscle_recovery(
    snapshot: recovery.Snapshot, names: dict[int, str], experience: str
) -> dict[str, ranking.MuscleRecovery]:
    """The ranking's view of each muscle, with the cause of any fatigue for its reasons."""
    threshold = ranking.DEFAULT_RANKING.recovery_threshold
    causes: dict[str, tuple[int, datetime, int | None]] = {}
    fatigued = [r for r in snapshot.reports if r.recovery_score < threshold]
    touching = recovery.sets_by_muscle(snapshot.recent_sets) if fatigued else {}
    for report in fatigued:
        tau = tau_hours(report.muscle, experience)  # type: ignore[arg-type]
        sets = touching.get(report.muscle, [])
        cause = main_cause(sets, report.muscle, snapshot.computed_at, tau)
        if cause is not None:
            causes[report.muscle] = (cause.exercise_id, cause.performed_at, cause.log_id)
    return {
        r.muscle: ranking.MuscleRecovery(
            recovery_score=r.recovery_score,
            last_trained_at=r.last_trained_at,
            ready_at=r.ready_at,
            sets_last_7_days=r.sets_last_7_days,
            cause=ranking.Cause(names[c[0]], c[1], c[2]) if (c := causes.get(r.muscle)) else None,
        )
        for r in snapshot.reports
    }


@dataclass(frozen=True)
class PlanInputs:
    """Everything a recommendation reads of one lifter, as stored at one moment."""

    recovery: recovery.RecoveryInputs
    on: date  # the lifter's date when loaded: the plan is that day's
    plan: DayPlan
    pool: list[ranking.Candidate]
    done: dict[WorkoutKey, datetime]  # last done, from the analysis window before loading on
    names: dict[int, str]  # of every exercise in ``recovery.sets`` (the causes' names)


async def load_plan_inputs(
    session: AsyncSession, user: User, inputs: recovery.RecoveryInputs
) -> PlanInputs:
    """Today's plan, the candidates and what was done when, beside the recovery inputs."""
    now = inputs.loaded_at
    on = local_today(user, now)
    plan = await day_plan(session=session, user=user, on=on)
    pool = await candidates(session=session, user=user, program_id=plan.program_id)
    since = now - ranking.DEFAULT_RANKING.analysis_window
    done = await last_done(session=session, user=user, since=since)
    names = await catalog_cache.exercise_names(session, {s.exercise_id for s in inputs.sets})
    return PlanInputs(inputs, on, plan, pool, done, names)


def recommend_from(
    snap: recovery.Snapshot, inputs: PlanInputs, experience: str, limit: int
) -> ranking.Ranking:
    """Rank the candidates at the snapshot's moment (pure: the inputs are loaded)."""
    since = snap.computed_at - ranking.DEFAULT_RANKING.analysis_window
    return ranking.rank_workouts(
        inputs.pool,
        muscle_recovery(snap, inputs.names, experience),
        now=snap.computed_at,
        last_done={key: at for key, at in inputs.done.items() if at >= since},
        scheduled=scheduled_key(inputs.plan),
        limit=limit,
    )


async def recommend(
    *, session: AsyncSession, user: User, limit: int
) -> tuple[recovery.Snapshot, ranking.Ranking]:
    """Rank today's candidate workouts by recovery, weekly volume, repetition and schedule."""
    inputs = await recovery.load_inputs(session, user.id)
    plan_inputs = await load_plan_inputs(session, user, inputs)
    snap = recovery.snapshot_of(inputs, user.experience, inputs.loaded_at)
    if snap is None:  # a log ahead of the clock: rebuilt from the history
        snap = await recovery.snapshot(session=session, user=user, at=inputs.loaded_at)
    return snap, recommend_from(snap, plan_inputs, user.experience, limit)


def recovery_fit(candidate: ranking.Candidate, scores: dict[str, float]) -> float:
    """The weighted mean recovery of a workout's target muscles (0-100)."""
    total = sum(t.weight for t in candidate.targets)
    if total == 0:
        return 100.0
    return sum(t.weight * scores.get(t.muscle, 100.0) for t in candidate.targets) / total


async def available(
    *, session: AsyncSession, user: User, on: date
) -> list[tuple[ranking.Candidate, float, bool]]:
    """Workouts that could replace the day's scheduled one, with their recovery fit now;
    the scheduled workout first, then the best-recovered."""
    plan = await day_plan(session=session, user=user, on=on)
    scores = await recovery.scores(session=session, user=user)
    rows = [
        (c, recovery_fit(c, scores), c.workout.key == ("workout", plan.scheduled_workout_id))
        for c in await candidates(session=session, user=user, program_id=plan.program_id)
    ]
    return sorted(rows, key=lambda r: (not r[2], -r[1], r[0].workout.name, r[0].workout.id))
