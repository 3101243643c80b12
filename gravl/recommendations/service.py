"""Gathering what the ranking needs: candidate workouts, recovery, what was done when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.models import User
from gravl.catalog.models import Exercise
from gravl.logs.models import WorkoutLog
from gravl.recommendations import ranking
from gravl.recommendations.ranking import WorkoutKey
from gravl.recovery import service as recovery
from gravl.recovery.model import main_cause, tau_hours
from gravl.training.custom import current_exercises
from gravl.training.models import CustomWorkout, CustomWorkoutExercise, Workout, WorkoutExercise
from gravl.training.schedule import Plan, local_today, plan_for


def _candidate(
    ref: ranking.WorkoutRef, exercises: Sequence[tuple[int, Exercise]]
) -> ranking.Candidate:
    planned = [
        ranking.PlannedExercise(
            sets=sets,
            primary=tuple(e.primary_muscles),
            secondary=tuple(e.secondary_muscles),
        )
        for sets, e in exercises
    ]
    return ranking.Candidate(ref, ranking.target_muscles(planned))


async def candidates(*, session: AsyncSession, user: User, plan: Plan) -> list[ranking.Candidate]:
    """The active program's workouts (every built-in one when not enrolled), the library
    workouts and the lifter's custom workouts."""
    query = select(Workout).options(
        selectinload(Workout.exercises)
        .selectinload(WorkoutExercise.exercise)
        .selectinload(Exercise.muscles)
    )
    if plan.program is not None:
        program_ids = {d.workout_id for d in plan.program.days if d.workout_id is not None}
        query = query.where((Workout.kind == "library") | Workout.id.in_(program_ids))
    found = [
        _candidate(
            ranking.WorkoutRef(w.id, w.name, "library" if w.kind == "library" else "program"),
            [(we.target_sets, we.exercise) for we in w.exercises],
        )
        for w in await session.scalars(query.order_by(Workout.id))
    ]
    customs = await session.scalars(
        select(CustomWorkout)
        .where(CustomWorkout.user_id == user.id, CustomWorkout.deleted_at.is_(None))
        .options(
            selectinload(CustomWorkout.exercises)
            .selectinload(CustomWorkoutExercise.exercise)
            .selectinload(Exercise.muscles)
        )
    )
    for custom in customs:
        rows = [(e.target_sets, e.exercise) for e in current_exercises(custom)]
        found.append(_candidate(ranking.WorkoutRef(custom.id, custom.name, "custom"), rows))
    return found


def scheduled_key(plan: Plan) -> WorkoutKey | None:
    if plan.swap is not None:
        if plan.swap.replacement_custom_workout_id is not None:
            return ("custom", plan.swap.replacement_custom_workout_id)
        assert plan.swap.replacement_workout_id is not None
        return ("workout", plan.swap.replacement_workout_id)
    return ("workout", plan.scheduled_workout_id) if plan.scheduled_workout_id else None


async def last_done(
    *, session: AsyncSession, user: User, since: datetime
) -> dict[WorkoutKey, datetime]:
    """When each workout was last done within the analysis window."""
    done: dict[WorkoutKey, datetime] = {}
    kinds: tuple[tuple[Any, Literal["workout", "custom"]], ...] = (
        (WorkoutLog.workout_id, "workout"),
        (WorkoutLog.custom_workout_id, "custom"),
    )
    for column, kind in kinds:
        rows = await session.execute(
            select(column, func.max(WorkoutLog.performed_at))
            .where(
                WorkoutLog.user_id == user.id, WorkoutLog.performed_at >= since, column.is_not(None)
            )
            .group_by(column)
        )
        for workout_id, at in rows:
            done[(kind, workout_id)] = at
    return done


async def muscle_recovery(
    *, session: AsyncSession, user: User, snapshot: recovery.Snapshot
) -> dict[str, ranking.MuscleRecovery]:
    """The ranking's view of each muscle, with the cause of any fatigue for its reasons."""
    threshold = ranking.DEFAULT_RANKING.recovery_threshold
    causes: dict[str, tuple[int, datetime, int | None]] = {}
    for report in snapshot.reports:
        if report.recovery_score < threshold:
            tau = tau_hours(report.muscle, user.experience)  # type: ignore[arg-type]
            cause = main_cause(snapshot.recent_sets, report.muscle, snapshot.computed_at, tau)
            if cause is not None:
                causes[report.muscle] = (cause.exercise_id, cause.performed_at, cause.log_id)
    names = dict(
        (
            await session.execute(
                select(Exercise.id, Exercise.name).where(
                    Exercise.id.in_({c[0] for c in causes.values()})
                )
            )
        ).all()
    )
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


async def recommend(
    *, session: AsyncSession, user: User, limit: int
) -> tuple[recovery.Snapshot, ranking.Ranking]:
    """Rank today's candidate workouts by recovery, weekly volume, repetition and schedule."""
    snap = await recovery.snapshot(session=session, user=user)
    plan = await plan_for(session=session, user=user, on=local_today(user, snap.computed_at))
    pool = await candidates(session=session, user=user, plan=plan)
    muscles = await muscle_recovery(session=session, user=user, snapshot=snap)
    done = await last_done(
        session=session, user=user, since=snap.computed_at - ranking.DEFAULT_RANKING.analysis_window
    )
    result = ranking.rank_workouts(
        pool,
        muscles,
        now=snap.computed_at,
        last_done=done,
        scheduled=scheduled_key(plan),
        limit=limit,
    )
    return snap, result


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
    plan = await plan_for(session=session, user=user, on=on)
    scores = await recovery.scores(session=session, user=user)
    rows = [
        (c, recovery_fit(c, scores), c.workout.key == ("workout", plan.scheduled_workout_id))
        for c in await candidates(session=session, user=user, plan=plan)
    ]
    return sorted(rows, key=lambda r: (not r[2], -r[1], r[0].workout.name, r[0].workout.id))
