"""Workout log endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status
from pydantic_core import to_json
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import CurrentLifter, Lifter, WritingLifter
from gravl.catalog.cache import exercise_loads
from gravl.corridor import CorridorRoute, SessionDep
from gravl.db import utcnow
from gravl.history.models import WorkoutLog
from gravl.ids import MAX_ID, IdPath
from gravl.logs import service
from gravl.logs.schemas import (
    DayOrTime,
    LogIn,
    LogOut,
    LogPage,
    LogPatch,
    SetOut,
    TouchedMuscleOut,
)
from gravl.observability.metrics import LOGS_CREATED
from gravl.recovery import service as recovery

router = APIRouter(prefix="/api", tags=["logs"], route_class=CorridorRoute)
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="Retry-safe creation key"),
]


def log_out(log: WorkoutLog, recovery_scores: list[TouchedMuscleOut] | None = None) -> LogOut:
    return LogOut(
        id=log.id,
        exercise_id=log.exercise_id,
        exercise_name=log.exercise.name,
        performed_at=log.performed_at,
        sets=[SetOut.model_validate(s) for s in log.sets],
        source_type=log.source_type,
        workout_id=log.workout_id,
        custom_workout_id=log.custom_workout_id,
        custom_workout_exercise_id=log.custom_workout_exercise_id,
        swapped_from_id=log.swapped_from_id,
        session_id=log.session_id,
        notes=log.notes,
        volume_kg=log.volume_kg,
        best_e1rm_kg=log.best_e1rm_kg,
        created_at=log.created_at,
        updated_at=log.updated_at,
        recovery=recovery_scores or [],
    )


async def _with_recovery(session: AsyncSession, user: Lifter, log: WorkoutLog) -> LogOut:
    """The log plus the recovery of the muscles it touched, as of now."""
    primary, secondary = (await exercise_loads(session, [log.exercise_id]))[log.exercise_id]
    scores = await recovery.scores(session=session, user=user)
    return log_out(log, _touched({m: scores[m] for m in {*primary, *secondary}}))


def _touched(scores: dict[str, float]) -> list[TouchedMuscleOut]:
    """The touched muscle groups' scores (shoulders: its most tired head among those
    touched)."""
    groups = recovery.group_scores(scores)
    return [
        TouchedMuscleOut(muscle_group=m, recovery_score=round(groups[m], 1)) for m in sorted(groups)
    ]


@router.post(
    "/logs",
    status_code=status.HTTP_201_CREATED,
    response_model=LogOut,
    responses={200: {"model": LogOut, "description": "An Idempotency-Key retry: the stored log"}},
)
async def create_log(
    data: LogIn,
    session: SessionDep,
    user: WritingLifter,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Log a performed exercise with its sets; recovery updates in the same transaction."""
    created = await service.create_log(
        session=session, user=user, data=data, idempotency_key=idempotency_key
    )
    if created.recovery is None:
        body = await _with_recovery(session, user, created.log)
    else:
        LOGS_CREATED.inc()
        # The touched muscles' states are in hand: no second read of the state rows.
        scores = recovery.scores_of(created.recovery, user, created.recovery, utcnow())
        body = log_out(created.log, _touched(scores))
    # Already validated: a plain Response skips FastAPI's second validation of ``LogOut``.
    return Response(
        body.model_dump_json(),
        status_code=status.HTTP_200_OK if created.replayed else status.HTTP_201_CREATED,
        media_type="application/json",
    )


@router.get("/logs", response_model=LogPage)
async def list_logs(
    session: SessionDep,
    user: CurrentLifter,
    start: Annotated[
        DayOrTime | None,
        Query(alias="from", description="a date (your day), or a time (naive: yours)"),
    ] = None,
    end: Annotated[
        DayOrTime | None,
        Query(alias="to", description="a date (through your day), or a time (naive: yours)"),
    ] = None,
    exercise_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Your logs, newest first; follow ``next_cursor`` for the next page."""
    items, next_cursor = await service.list_logs(
        session=session,
        user=user,
        start=start,
        end=end,
        exercise_id=exercise_id,
        limit=limit,
        cursor=cursor,
    )
    # Plain dataclasses of our own rows with LogPage's fields (gravl.logs.service.ListedLog):
    # serialised once by pydantic's serialiser, never validated.
    body = to_json({"items": items, "next_cursor": next_cursor})
    return Response(body, media_type="application/json")


@router.get("/logs/{log_id}", response_model=LogOut)
async def get_log(log_id: IdPath, session: SessionDep, user: CurrentLifter) -> LogOut:
    """One log."""
    return log_out(await service.get_log(session=session, user=user, log_id=log_id))


@router.patch("/logs/{log_id}", response_model=LogOut)
async def update_log(
    log_id: IdPath, data: LogPatch, session: SessionDep, user: WritingLifter
) -> LogOut:
    """Change a log; recovery is recomputed as if it had always been so."""
    log = await service.update_log(session=session, user=user, log_id=log_id, data=data)
    return await _with_recovery(session, user, log)


@router.delete("/logs/{log_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_log(log_id: IdPath, session: SessionDep, user: WritingLifter) -> Response:
    """Delete a log; recovery is recomputed without it."""
    await service.delete_log(session=session, user=user, log_id=log_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
