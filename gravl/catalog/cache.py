"""Per-worker cache of the built-in exercises' muscles and names.

Built-in rows change only when `gravl seed` runs (at deploy time, in another process); the
catalog import only adds new built-in exercises, which miss the cache and are read from the
database by the callers. So each worker keeps them for a minute, like the exercise list
(``gravl.catalog.service.builtin_catalog``), instead of re-reading them on every request.
The built-in workouts and programs are cached the same way by ``gravl.training.cache``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.cache import SharedCache
from gravl.catalog.models import Exercise, ExerciseMuscle

Muscles = tuple[tuple[str, ...], tuple[str, ...]]  # (primary, secondary) slugs, sorted

# The same freshness the exercise list's cache uses (gravl.catalog.service).
BUILTINS_TTL_S = 60.0


@dataclass(frozen=True)
class BuiltinExercises:
    muscles: Mapping[int, Muscles]  # built-in exercise id -> its muscles
    names: Mapping[int, str]  # built-in exercise id -> name
    equipment: Mapping[int, str | None] = field(default_factory=dict)  # id -> what it needs


async def builtin_exercises(session: AsyncSession) -> BuiltinExercises:
    """The built-in exercises' muscles and names, from this worker's cache when it is fresh."""
    return await _BUILTINS.get(session)


async def _load(session: AsyncSession) -> BuiltinExercises:
    rows_e = (
        await session.execute(
            select(Exercise.id, Exercise.name, Exercise.equipment).where(
                Exercise.owner_id.is_(None)
            )
        )
    ).all()
    names = {i: name for i, name, _ in rows_e}
    found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in names}
    rows = await session.execute(
        select(ExerciseMuscle.exercise_id, ExerciseMuscle.muscle_group, ExerciseMuscle.role)
        .join(Exercise, Exercise.id == ExerciseMuscle.exercise_id)
        .where(Exercise.owner_id.is_(None))
        .order_by(ExerciseMuscle.muscle_group)
    )
    for exercise_id, muscle, role in rows:
        found[exercise_id][0 if role == "primary" else 1].append(muscle)
    return BuiltinExercises(
        muscles={i: (tuple(p), tuple(s)) for i, (p, s) in found.items()},
        names=names,
        equipment={i: equipment for i, _, equipment in rows_e},
    )


_BUILTINS = SharedCache(_load, ttl_s=BUILTINS_TTL_S)


async def exercise_muscles(
    session: AsyncSession, exercise_ids: Iterable[int]
) -> dict[int, Muscles]:
    """Primary and secondary muscle slugs of each exercise: built-ins from the cache, the
    others (custom exercises, built-ins added since the cache was loaded) from the database."""
    ids = set(exercise_ids)
    if not ids:
        return {}
    known = (await builtin_exercises(session)).muscles
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
    known = (await builtin_exercises(session)).names
    result = {i: known[i] for i in ids if i in known}
    missing = ids - result.keys()
    if missing:
        rows = await session.execute(
            select(Exercise.id, Exercise.name).where(Exercise.id.in_(missing))
        )
        result.update(rows.all())
    return result


async def exercise_equipment(
    session: AsyncSession, exercise_ids: Iterable[int]
) -> dict[int, str | None]:
    """The equipment each exercise needs (None: unknown): built-ins from the cache, the
    others from the database."""
    ids = set(exercise_ids)
    if not ids:
        return {}
    known = (await builtin_exercises(session)).equipment
    result = {i: known[i] for i in ids if i in known}
    missing = ids - result.keys()
    if missing:
        rows = await session.execute(
            select(Exercise.id, Exercise.equipment).where(Exercise.id.in_(missing))
        )
        result.update(rows.all())
    return result
