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
from functools import cached_property
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from gravl.cache import SharedCache
from gravl.catalog.delts import parse_heads
from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.vocabulary import HEAD_MUSCLE, HEAD_SLUGS, SHOULDERS

T = TypeVar("T")
Muscles = tuple[tuple[str, ...], tuple[str, ...]]  # (primary, secondary) slugs, sorted

# The same freshness the exercise list's cache uses (gravl.catalog.service).
BUILTINS_TTL_S = 60.0


@dataclass(frozen=True)
class BuiltinExercises:
    muscles: Mapping[int, Muscles]  # built-in exercise id -> its muscles
    names: Mapping[int, str]  # built-in exercise id -> name
    equipment: Mapping[int, str | None] = field(default_factory=dict)  # id -> what it needs
    categories: Mapping[int, str] = field(default_factory=dict)  # id -> catalog category
    # id -> the deltoid heads it loads, as stored ("front,side"; None: no shoulders)
    shoulder_heads: Mapping[int, str | None] = field(default_factory=dict)

    @cached_property
    def loads(self) -> Mapping[int, Muscles]:
        """Each built-in's muscles as the recovery model tracks them (`loads_of`)."""
        return {i: loads_of(m, self.shoulder_heads.get(i)) for i, m in self.muscles.items()}

    @cached_property
    def by_primary(self) -> Mapping[tuple[str, ...], tuple[int, ...]]:
        """The built-ins grouped by their main muscles: variations of the same work."""
        found: dict[tuple[str, ...], list[int]] = {}
        for exercise_id, (primary, _) in self.muscles.items():
            if primary:
                found.setdefault(primary, []).append(exercise_id)
        return {primary: tuple(sorted(ids)) for primary, ids in found.items()}

    def variations(self, exercise_id: int) -> tuple[int, ...]:
        """The exercise and the built-ins with the same main muscles (for the repeated-bout
        effect: a dumbbell press after months of barbell pressing is not new work)."""
        muscles = self.muscles.get(exercise_id)
        if muscles is None or not muscles[0]:
            return (exercise_id,)
        return self.by_primary[muscles[0]]


async def builtin_exercises(session: AsyncSession) -> BuiltinExercises:
    """The built-in exercises' muscles and names, from this worker's cache when it is fresh."""
    return await _BUILTINS.get(session)


async def _load(session: AsyncSession) -> BuiltinExercises:
    rows_e = (
        await session.execute(
            select(
                Exercise.id,
                Exercise.name,
                Exercise.equipment,
                Exercise.category,
                Exercise.shoulder_heads,
            ).where(Exercise.owner_id.is_(None))
        )
    ).all()
    names = {i: name for i, name, *_ in rows_e}
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
        equipment={i: equipment for i, _, equipment, *_ in rows_e},
        categories={i: category for i, _, _, category, _ in rows_e},
        shoulder_heads={i: heads for i, *_, heads in rows_e},
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


async def muscles_of(session: AsyncSession, exercise_ids: Iterable[int]) -> set[str]:
    """Every muscle (primary or secondary) these exercises work: what a change to their
    history makes recovery recompute."""
    found = await exercise_muscles(session, exercise_ids)
    return {m for primary, secondary in found.values() for m in (*primary, *secondary)}


def loads_of(muscles: Muscles, shoulder_heads: str | None) -> Muscles:
    """An exercise's muscles as the recovery model tracks them: shoulders as the deltoid heads
    the exercise loads (all three when the catalog does not say), in the same role."""
    primary, secondary = muscles
    if SHOULDERS not in primary and SHOULDERS not in secondary:
        return muscles
    heads = tuple(HEAD_MUSCLE[h] for h in parse_heads(shoulder_heads)) or HEAD_SLUGS

    def expand(slugs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({t for m in slugs for t in (heads if m == SHOULDERS else (m,))}))

    return expand(primary), expand(secondary)


async def exercise_loads(session: AsyncSession, exercise_ids: Iterable[int]) -> dict[int, Muscles]:
    """Each exercise's muscles as the recovery model tracks them (`loads_of`): built-ins from
    the cache, the others from the database."""
    ids = set(exercise_ids)
    if not ids:
        return {}
    known = (await builtin_exercises(session)).loads
    result = {i: known[i] for i in ids if i in known}
    missing = ids - result.keys()
    if missing:
        muscles = await exercise_muscles(session, missing)
        heads = await _attribute(session, missing, "shoulder_heads", Exercise.shoulder_heads)
        result.update({i: loads_of(muscles[i], heads.get(i)) for i in missing})
    return result


async def exercise_names(session: AsyncSession, exercise_ids: Iterable[int]) -> dict[int, str]:
    """Each exercise's name: built-ins from the cache, the others from the database."""
    return await _attribute(session, exercise_ids, "names", Exercise.name)


async def exercise_equipment(
    session: AsyncSession, exercise_ids: Iterable[int]
) -> dict[int, str | None]:
    """The equipment each exercise needs (None: unknown): built-ins from the cache, the
    others from the database."""
    return await _attribute(session, exercise_ids, "equipment", Exercise.equipment)


async def exercise_categories(session: AsyncSession, exercise_ids: Iterable[int]) -> dict[int, str]:
    """Each exercise's catalog category (strength, cardio, stretching...): built-ins from the
    cache, the others from the database."""
    return await _attribute(session, exercise_ids, "categories", Exercise.category)


async def _attribute(
    session: AsyncSession,
    exercise_ids: Iterable[int],
    field_name: str,
    column: InstrumentedAttribute[T],
) -> dict[int, T]:
    ids = set(exercise_ids)
    if not ids:
        return {}
    known: Mapping[int, T] = getattr(await builtin_exercises(session), field_name)
    result = {i: known[i] for i in ids if i in known}
    missing = ids - result.keys()
    if missing:
        rows = await session.execute(select(Exercise.id, column).where(Exercise.id.in_(missing)))
        result.update(dict(rows.all()))
    return result
