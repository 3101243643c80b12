"""Catalog queries and custom exercises."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth import service as auth_service
from gravl.auth.lifter import Lifter
from gravl.auth.preferences import NO_EQUIPMENT
from gravl.cache import SharedCache
from gravl.catalog.alternatives import Alternative, ExerciseFacts, alternatives
from gravl.catalog.delts import stored_heads
from gravl.catalog.models import Exercise, ExerciseMuscle, MuscleGroup
from gravl.catalog.schemas import ExerciseIn, ExerciseOut
from gravl.errors import Conflict, NotFound


def search_text(name: str, aliases: Sequence[str] = ()) -> str:
    return " | ".join([name, *aliases]).lower()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "exercise"


def visible_exercises(user: Lifter | None, *columns: Any) -> Select[Any]:
    """Built-in exercises plus the user's own custom ones (whole rows, or ``columns``)."""
    query = select(*columns) if columns else select(Exercise)
    if user is None:
        return query.where(Exercise.owner_id.is_(None))
    return query.where(or_(Exercise.owner_id.is_(None), Exercise.owner_id == user.id))


async def list_muscle_groups(*, session: AsyncSession) -> Sequence[MuscleGroup]:
    return (await session.scalars(select(MuscleGroup).order_by(MuscleGroup.slug))).all()


async def list_exercises(
    *,
    session: AsyncSession,
    user: Lifter | None,
    q: str | None = None,
    muscle: str | None = None,
    equipment: str | None = None,
    category: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Exercise], int]:
    """Exercises matching every filter given, built-ins and the user's own, by name."""
    query = visible_exercises(user)
    for word in (q or "").lower().split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Exercise.search_text.like(f"%{escaped}%", escape="\\"))
    if muscle:
        query = query.where(
            Exercise.id.in_(
                select(ExerciseMuscle.exercise_id).where(ExerciseMuscle.muscle_group == muscle)
            )
        )
    if equipment:
        query = query.where(Exercise.equipment == equipment)
    if category:
        query = query.where(Exercise.category == category)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.options(selectinload(Exercise.muscles))
        .order_by(Exercise.name, Exercise.id)
        .limit(limit)
        .offset(offset)
    )
    return rows.all(), total or 0


@dataclass(frozen=True)
class CatalogEntry:
    """A built-in exercise as the list filters see it, with its response JSON ready."""

    search_text: str
    muscles: frozenset[str]
    equipment: str | None
    category: str
    json: bytes


# Distinct filter combinations whose matches a catalog remembers; searches are user-typed, so
# the memo is bounded (the muscle x equipment x category combinations alone are ~4,000).
MATCHES_MEMO_SIZE = 1024


@dataclass(frozen=True)
class BuiltinCatalog:
    entries: tuple[CatalogEntry, ...]  # in the database's (name, id) order
    # filters -> the matching entries' JSON: a scan of ~900 entries costs more than the
    # rest of the request
    matches: dict[tuple[object, ...], list[bytes]] = field(default_factory=dict, compare=False)


# Built-in exercises change only when `gravl seed` runs (at deploy time, in another process),
# so each worker keeps them for a minute instead of reading and re-validating ~900 rows per
# request.
BUILTIN_CATALOG_TTL_S = 60.0


async def builtin_catalog(session: AsyncSession) -> BuiltinCatalog:
    """The built-in exercises, from this worker's cache when it is fresh."""
    return await _BUILTIN_CATALOG.get(session)


async def _load_builtin_catalog(session: AsyncSession) -> BuiltinCatalog:
    rows = await session.scalars(
        visible_exercises(None)
        .options(selectinload(Exercise.muscles))
        .order_by(Exercise.name, Exercise.id)
    )
    entries = tuple(
        CatalogEntry(
            search_text=e.search_text,
            muscles=frozenset(m.muscle_group for m in e.muscles),
            equipment=e.equipment,
            category=e.category,
            json=ExerciseOut.model_validate(e).model_dump_json().encode(),
        )
        for e in rows
    )
    return BuiltinCatalog(entries)


_BUILTIN_CATALOG = SharedCache(_load_builtin_catalog, ttl_s=BUILTIN_CATALOG_TTL_S)


async def has_custom_exercises(*, session: AsyncSession, user: Lifter) -> bool:
    found = await session.scalar(select(Exercise.id).where(Exercise.owner_id == user.id).limit(1))
    return found is not None


async def builtin_page(
    *,
    session: AsyncSession,
    q: str | None = None,
    muscle: str | None = None,
    equipment: str | None = None,
    category: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[bytes], int]:
    """What ``list_exercises`` answers for someone without custom exercises, as JSON items."""
    words = (q or "").lower().split()
    catalog = await builtin_catalog(session)
    key = (muscle, equipment, category, *words)
    matches = catalog.matches.get(key)
    if matches is None:
        matches = [
            entry.json
            for entry in catalog.entries
            if (muscle is None or muscle in entry.muscles)
            and (equipment is None or entry.equipment == equipment)
            and (category is None or entry.category == category)
            and all(word in entry.search_text for word in words)
        ]
        if len(catalog.matches) < MATCHES_MEMO_SIZE:
            catalog.matches[key] = matches
    return matches[offset : offset + limit], len(matches)


async def get_exercise(*, session: AsyncSession, user: Lifter | None, exercise_id: int) -> Exercise:
    """One exercise the caller may see, or ``NotFound``."""
    exercise: Exercise | None = await session.scalar(
        visible_exercises(user)
        .where(Exercise.id == exercise_id)
        .options(selectinload(Exercise.muscles))
    )
    if exercise is None:
        raise NotFound(f"exercise {exercise_id} not found")
    return exercise


# Leaves room in the column (120) for a "-<n>" suffix.
_SLUG_BASE_LENGTH = 110


async def _free_slug(session: AsyncSession, user: Lifter, name: str) -> str:
    """``u<owner>-<name slug>``, with -2, -3 … after it when names slug alike ("Curl!" and
    "Curl?", or two all-emoji names). The lifter's writes queue on their claimed row, so no
    other request takes the same slug in between."""
    base = f"u{user.id}-{slugify(name)}"[:_SLUG_BASE_LENGTH].rstrip("-")
    taken = set(
        await session.scalars(
            select(Exercise.slug).where(or_(Exercise.slug == base, Exercise.slug.like(f"{base}-%")))
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


async def create_custom_exercise(
    *, session: AsyncSession, user: Lifter, data: ExerciseIn
) -> Exercise:
    """Add an exercise only this user sees. Its shoulder heads are the ones the body names or,
    without them, the default its name and force give (when it works the shoulders)."""
    duplicate = await session.scalar(
        select(Exercise.id).where(
            Exercise.owner_id == user.id, func.lower(Exercise.name) == data.name.lower()
        )
    )
    if duplicate is not None:
        raise Conflict(f"you already have an exercise named {data.name!r}")
    exercise = Exercise(
        slug=await _free_slug(session, user, data.name),
        name=data.name,
        search_text=search_text(data.name),
        aliases=[],
        description=data.description,
        equipment=data.equipment,
        category=data.category,
        mechanic=data.mechanic,
        force=data.force,
        level=data.level,
        shoulder_heads=stored_heads(
            name=data.name,
            force=data.force,
            muscles=[*data.primary_muscles, *data.secondary_muscles],
            heads=data.shoulder_heads,
        ),
        owner_id=user.id,
        muscles=[
            *(ExerciseMuscle(muscle_group=m, role="primary") for m in data.primary_muscles),
            *(ExerciseMuscle(muscle_group=m, role="secondary") for m in data.secondary_muscles),
        ],
    )
    session.add(exercise)
    await session.flush()
    return exercise


def facts(exercise: Exercise) -> ExerciseFacts:
    return ExerciseFacts(
        id=exercise.id,
        name=exercise.name,
        primary=frozenset(exercise.primary_muscles),
        secondary=frozenset(exercise.secondary_muscles),
        mechanic=exercise.mechanic,
        force=exercise.force,
        equipment=exercise.equipment,
        category=exercise.category,
    )


async def exercise_alternatives(
    *,
    session: AsyncSession,
    user: Lifter | None,
    exercise_id: int,
    equipment: Collection[str] | None,
    limit: int,
) -> list[tuple[Exercise, Alternative]]:
    """Substitutes for an exercise among those the caller may see. A signed-in lifter's
    preferences apply: without an ``equipment`` filter their own equipment list is used, and
    the exercises they left out are never offered."""
    original = await get_exercise(session=session, user=user, exercise_id=exercise_id)
    left_out: set[int] = set()
    if user is not None:
        preferences = await auth_service.preferences(session=session, lifter=user)
        left_out = set(preferences.excluded_exercises)
        if equipment is None and preferences.equipment is not None:
            equipment = {*preferences.equipment, *NO_EQUIPMENT}
    shared = select(ExerciseMuscle.exercise_id).where(
        ExerciseMuscle.role == "primary",
        ExerciseMuscle.muscle_group.in_(original.primary_muscles),
    )
    pool = {
        e.id: e
        for e in await session.scalars(
            visible_exercises(user)
            .where(Exercise.id.in_(shared))
            .options(selectinload(Exercise.muscles))
        )
        if e.id not in left_out
    }
    ranked = alternatives(
        facts(original), (facts(e) for e in pool.values()), equipment=equipment, limit=limit
    )
    return [(pool[a.exercise_id], a) for a in ranked]
