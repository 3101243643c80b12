"""Catalog endpoints: muscle groups and exercises."""

from __future__ import annotations

from typing import Annotated, get_args

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter, OptionalLifter, WritingLifter
from gravl.cache import Caches, Slot, cached
from gravl.catalog import service
from gravl.catalog.schemas import (
    AlternativeOut,
    Category,
    ExerciseIn,
    ExerciseOut,
    ExercisePage,
    MuscleGroupOut,
)
from gravl.corridor import CorridorRoute, SessionDep, WorkDep
from gravl.errors import ValidationFailed
from gravl.ids import IdPath
from gravl.vocabulary import MUSCLE_GROUPS, Equipment

router = APIRouter(prefix="/api", tags=["catalog"], route_class=CorridorRoute)

MuscleSlug = Annotated[
    str | None,
    Query(pattern="^(" + "|".join(m.slug for m in MUSCLE_GROUPS) + ")$", description="slug"),
]


@router.get("/muscle-groups", response_model=list[MuscleGroupOut])
async def muscle_groups(session: SessionDep) -> list[MuscleGroupOut]:
    """The 17 muscle groups with their reference recovery times."""
    rows = await service.list_muscle_groups(session=session)
    return [MuscleGroupOut.model_validate(m, from_attributes=True) for m in rows]


@router.get("/exercises", response_model=ExercisePage)
async def list_exercises(
    work: WorkDep,
    lifter: OptionalLifter,
    q: Annotated[str | None, Query(max_length=100, pattern="^[^\x00]*$")] = None,
    muscle: MuscleSlug = None,
    equipment: Equipment | None = None,
    category: Category | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ExercisePage | Response:
    """Search the catalog (and, with a token, your custom exercises)."""
    session = work.session  # one dependency for the session and the caches (a hot read)
    if lifter is None or not await _has_custom(session, work.caches, lifter):
        # The hot path: built-ins only, from the worker's cache, already serialised.
        page, total = await service.builtin_page(
            session=session,
            q=q,
            muscle=muscle,
            equipment=equipment,
            category=category,
            limit=limit,
            offset=offset,
        )
        body = b'{"items":[%b],"total":%d,"limit":%d,"offset":%d}' % (
            b",".join(page),
            total,
            limit,
            offset,
        )
        return Response(body, media_type="application/json")

    items, total = await service.list_exercises(
        session=session,
        user=lifter,
        q=q,
        muscle=muscle,
        equipment=equipment,
        category=category,
        limit=limit,
        offset=offset,
    )
    return ExercisePage(
        items=[ExerciseOut.model_validate(e) for e in items],
        total=total,
        limit=limit,
        offset=offset,
    )


# Whether a lifter has custom exercises, per data version: most have none, and then the list is
# the built-ins alone, served pre-serialised from the worker's cache.
HAS_CUSTOM = Slot[bool]("has-custom-exercises")


async def _has_custom(session: AsyncSession, caches: Caches, lifter: Lifter) -> bool:
    return await cached(
        caches,
        HAS_CUSTOM,
        lifter,
        lambda: service.has_custom_exercises(session=session, user=lifter),
    )


@router.get("/exercises/{exercise_id}", response_model=ExerciseOut)
async def get_exercise(
    exercise_id: IdPath, session: SessionDep, user: OptionalLifter
) -> ExerciseOut:
    """One exercise."""
    exercise = await service.get_exercise(session=session, user=user, exercise_id=exercise_id)
    return ExerciseOut.model_validate(exercise)


@router.post("/exercises", status_code=status.HTTP_201_CREATED, response_model=ExerciseOut)
async def create_exercise(
    data: ExerciseIn, session: SessionDep, user: WritingLifter
) -> ExerciseOut:
    """Add a custom exercise that only you see."""
    exercise = await service.create_custom_exercise(session=session, user=user, data=data)
    return ExerciseOut.model_validate(exercise)


@router.get("/exercises/{exercise_id}/alternatives", response_model=list[AlternativeOut])
async def exercise_alternatives(
    exercise_id: IdPath,
    session: SessionDep,
    user: OptionalLifter,
    equipment: Annotated[
        str | None, Query(max_length=300, description="comma-separated equipment you have")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[AlternativeOut]:
    """Substitutes for an exercise, most similar first, each with the reasons."""
    allowed = None
    if equipment is not None:
        allowed = {e.strip() for e in equipment.split(",") if e.strip()}
        unknown = sorted(allowed - set(get_args(Equipment)))
        if unknown:
            raise ValidationFailed(
                f"equipment: unknown value(s) {', '.join(unknown)}",
                details=[{"field": "equipment", "message": f"unknown: {', '.join(unknown)}"}],
            )
    rows = await service.exercise_alternatives(
        session=session, user=user, exercise_id=exercise_id, equipment=allowed, limit=limit
    )
    return [
        AlternativeOut(
            exercise=ExerciseOut.model_validate(e), similarity=a.similarity, reasons=list(a.reasons)
        )
        for e, a in rows
    ]
