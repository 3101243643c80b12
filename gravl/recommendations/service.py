"""Gathering what the ranking needs: the candidate workouts (``gravl.training.candidates``),
recovery, what was done when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.auth.schemas import Experience
from gravl.cache import Caches, Slot
from gravl.catalog import cache as catalog_cache
from gravl.db import utcnow
from gravl.history.models import WorkoutLog
from gravl.recommendations import ranking
from gravl.recovery import service as recovery
from gravl.recovery.model import main_cause, tau_hours
from gravl.training.candidates import candidates
from gravl.training.schedule import DayPlan, day_plan, local_today
from gravl.training.targets import Candidate, WorkoutKey

# Built once: constructing the statement and its cache key costs more than running it.
_LAST_DONE = (
    select(WorkoutLog.workout_id, WorkoutLog.custom_workout_id, func.max(WorkoutLog.performed_at))
    .where(
        WorkoutLog.user_id == bindparam("user_id"),
        WorkoutLog.performed_at >= bindparam("since"),
        or_(WorkoutLog.workout_id.is_not(None), WorkoutLog.custom_workout_id.is_not(None)),
    )
    .group_by(WorkoutLog.workout_id, WorkoutLog.custom_workout_id)
)


def scheduled_key(plan: DayPlan) -> WorkoutKey | None:
    if plan.swap_custom_workout_id is not None:
        return ("custom", plan.swap_custom_workout_id)
    if plan.swap_workout_id is not None:
        return ("workout", plan.swap_workout_id)
    return ("workout", plan.scheduled_workout_id) if plan.scheduled_workout_id else None


async def last_done(
    *, session: AsyncSession, user: Lifter, since: datetime
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
) -> dict[str, ranking.MuscleReadiness]:
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
        r.muscle: ranking.MuscleReadiness(
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
    pool: list[Candidate]
    done: dict[WorkoutKey, datetime]  # last done, from the analysis window before loading on
    names: dict[int, str]  # of every exercise in ``recovery.sets`` (the causes' names)


async def load_plan_inputs(
    session: AsyncSession, user: Lifter, inputs: recovery.RecoveryInputs
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
    snap: recovery.Snapshot, inputs: PlanInputs, experience: Experience, limit: int
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


# Today's plan, candidates and what was done when, per data version (gravl.cache).
PLAN_INPUTS = Slot[PlanInputs]("plan-inputs")


async def recommend(
    *, session: AsyncSession, user: Lifter, caches: Caches, limit: int
) -> tuple[recovery.Snapshot, ranking.Ranking]:
    """Rank today's candidate workouts by recovery, weekly volume, repetition and schedule."""
    now = utcnow()
    inputs = caches.get(PLAN_INPUTS, user)
    if inputs is None or inputs.on != local_today(user, now):  # new data, or a new day
        loaded = await recovery.inputs(session=session, user=user, caches=caches)
        if local_today(user, loaded.loaded_at) != local_today(user, now):
            loaded = await recovery.load_inputs(session, user.id, now)
        inputs = await load_plan_inputs(session, user, loaded)
        caches.put(PLAN_INPUTS, user, inputs)
        now = max(now, inputs.recovery.loaded_at)
    snap = recovery.snapshot_of(inputs.recovery, user.experience, now)
    if snap is None:  # a log ahead of the clock: rebuilt from the history
        snap = await recovery.snapshot(session=session, user=user, caches=caches, at=now)
    return snap, recommend_from(snap, inputs, user.experience, limit)
