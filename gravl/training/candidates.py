"""The workouts a lifter could do, each with what it trains: the pool the recommendations rank
and the swap choices of a day (with how recovered their muscles are)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.cache import Derived
from gravl.catalog.cache import Muscles, exercise_muscles
from gravl.recovery import service as recovery
from gravl.training.cache import BuiltinWorkouts, builtin_workouts, program_schedule
from gravl.training.models import CustomWorkout, CustomWorkoutExercise
from gravl.training.schedule import day_plan
from gravl.training.targets import AnyWorkout, Candidate, PlannedExercise, target_muscles

# Planned (sets, exercise id) pairs of one workout, in position order.
Planned = Iterable[tuple[int, int]]


def _candidate(workout: AnyWorkout, planned: Planned, muscles: dict[int, Muscles]) -> Candidate:
    exercises = [
        PlannedExercise(
            sets=sets, primary=muscles[exercise_id][0], secondary=muscles[exercise_id][1]
        )
        for sets, exercise_id in planned
    ]
    return Candidate(workout, target_muscles(exercises))


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
        muscles = await exercise_muscles(
            session, {e for w in builtins.workouts for _, e in w.planned}
        )
        return {
            w.id: _candidate(
                AnyWorkout(w.id, w.name, "library" if w.kind == "library" else "program"),
                w.planned,
                muscles,
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
    muscles = await exercise_muscles(
        session, {e for _, planned in customs.values() for _, e in planned}
    )
    for custom_id, (name, planned) in customs.items():
        found.append(_candidate(AnyWorkout(custom_id, name, "custom"), planned, muscles))
    return found


def recovery_fit(candidate: Candidate, scores: dict[str, float]) -> float:
    """The weighted mean recovery of a workout's target muscles (0-100)."""
    total = sum(t.weight for t in candidate.targets)
    if total == 0:
        return 100.0
    return sum(t.weight * scores.get(t.muscle, 100.0) for t in candidate.targets) / total


async def available(
    *, session: AsyncSession, user: Lifter, on: date
) -> list[tuple[Candidate, float, bool]]:
    """Workouts that could replace the day's scheduled one, with their recovery fit now;
    the scheduled workout first, then the best-recovered."""
    plan = await day_plan(session=session, user=user, on=on)
    scores = await recovery.scores(session=session, user=user)
    rows = [
        (c, recovery_fit(c, scores), c.workout.key == ("workout", plan.scheduled_workout_id))
        for c in await candidates(session=session, user=user, program_id=plan.program_id)
    ]
    return sorted(rows, key=lambda r: (not r[2], -r[1], r[0].workout.name, r[0].workout.id))
