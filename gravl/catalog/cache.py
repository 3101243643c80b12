"""Per-worker cache of the built-in catalog: exercise muscles and names, workouts, programs.

Built-in rows change only when `gravl seed` runs (at deploy time, in another process); the
catalog import only adds new built-in exercises, which miss the cache and are read from the
database by the callers. So each worker keeps them for a minute, like the exercise list
(``gravl.catalog.service.builtin_catalog``), instead of re-reading them on every request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.db import EngineCache
from gravl.training.models import ProgramWorkout, Workout, WorkoutExercise

Muscles = tuple[tuple[str, ...], tuple[str, ...]]  # (primary, secondary) slugs, sorted

# The same freshness the exercise list's cache uses (gravl.catalog.service).
BUILTINS_TTL_S = 60.0


@dataclass(frozen=True)
class BuiltinWorkout:
    id: int
    name: str
    kind: str  # program | library
    planned: tuple[tuple[int, int], ...]  # (target sets, exercise id), in position order


@dataclass(frozen=True, eq=False)  # identity-hashed: derived caches are keyed by it
class Builtins:
    muscles: Mapping[int, Muscles]  # built-in exercise id -> its muscles
    names: Mapping[int, str]  # built-in exercise id -> name
    workouts: tuple[BuiltinWorkout, ...]  # by id
    program_days: Mapping[int, tuple[int | None, ...]]  # program id -> workout of each day


async def builtins(session: AsyncSession) -> Builtins:
    """The built-in catalog, from this worker's cache when it is fresh."""
    return await _BUILTINS.get(session)


async def _load(session: AsyncSession) -> Builtins:
    names = dict(
        (
            await session.execute(
                select(Exercise.id, Exercise.name).where(Exercise.owner_id.is_(None))
            )
        ).all()
    )
    found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in names}
    rows = await session.execute(
        select(ExerciseMuscle.exercise_id, ExerciseMuscle.muscle_group, ExerciseMuscle.role)
        .join(Exercise, Exercise.id == ExerciseMuscle.exercise_id)
        .where(Exercise.owner_id.is_(None))
        .order_by(ExerciseMuscle.muscle_group)
    )
    for exercise_id, muscle, role in rows:
        found[exercise_id][0 if role == "primary" else 1].append(muscle)
    planned: dict[int, tuple[str, str, list[tuple[int, int]]]] = {}
    rows_w = await session.execute(
        select(
            Workout.id,
            Workout.name,
            Workout.kind,
            WorkoutExercise.target_sets,
            WorkoutExercise.exercise_id,
        )
        .outerjoin(WorkoutExercise, WorkoutExercise.workout_id == Workout.id)
        .order_by(Workout.id, WorkoutExercise.position)
    )
    for workout_id, name, kind, sets, exercise_id in rows_w:
        entry = planned.setdefault(workout_id, (name, kind, []))
        if exercise_id is not None:
            entry[2].append((sets, exercise_id))
    days: dict[int, list[int | None]] = {}
    rows_p = await session.execute(
        select(ProgramWorkout.program_id, ProgramWorkout.workout_id).order_by(
            ProgramWorkout.program_id, ProgramWorkout.day
        )
    )
    for program_id, day_workout_id in rows_p:
        days.setdefault(program_id, []).append(day_workout_id)
    return Builtins(
        muscles={i: (tuple(p), tuple(s)) for i, (p, s) in found.items()},
        names=names,
        workouts=tuple(
            BuiltinWorkout(i, name, kind, tuple(items))
            for i, (name, kind, items) in planned.items()
        ),
        program_days={p: tuple(d) for p, d in days.items()},
    )


_BUILTINS = EngineCache(_load, ttl_s=BUILTINS_TTL_S)


async def exercise_muscles(
    session: AsyncSession, exercise_ids: Iterable[int]
) -> dict[int, Muscles]:
    """Primary and secondary muscle slugs of each exercise: built-ins from the cache, the
    others (custom exercises, built-ins added since the cache was loaded) from the database."""
    ids = set(exercise_ids)
    if not ids:
        return {}
    known = (await builtins(session)).muscles
    result = {i: known[i] for i in ids if i in known}
    missing = ids - result.keys()
    if missing:
        found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in missing}
        rows = await session.execute(
            select(ExerciseMuscle.exercise_id, ExerciseMuscle.muscle_group, ExerciseMuscle.role)
            .where(ExerciseMuscle.exercise_id.in_(missing))
            .order_by(ExerciseMuscle.muscle_group)
        )
        for exercise_id, muscle, role in rows:
            found[exercise_id][0 if role == "primary" else 1].append(muscle)
        result.update({i: (tuple(p), tuple(s)) for i, (p, s) in found.items()})
    return result


async def exercise_names(session: AsyncSession, exercise_ids: Iterable[int]) -> dict[int, str]:
    """Each exercise's name: built-ins from the cache, the others from the database."""
    ids = set(exercise_ids)
    if not ids:
        return {}
    known = (await builtins(session)).names
    result = {i: known[i] for i in ids if i in known}
    missing = ids - result.keys()
    if missing:
        rows = await session.execute(
            select(Exercise.id, Exercise.name).where(Exercise.id.in_(missing))
        )
        result.update(rows.all())
    return result


async def program_schedule(session: AsyncSession, program_id: int) -> tuple[int | None, ...]:
    """The workout of each day of a built-in program, in day order (rest days are None)."""
    days = (await builtins(session)).program_days.get(program_id)
    if days is None:  # seeded since the cache was loaded, or a program without days
        rows = await session.scalars(
            select(ProgramWorkout.workout_id)
            .where(ProgramWorkout.program_id == program_id)
            .order_by(ProgramWorkout.day)
        )
        days = tuple(rows.all())
    return days
