"""Logging an exercise between sets, and editing or deleting a log afterwards."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.catalog import service as catalog
from gravl.catalog.models import Exercise
from gravl.corridor import SessionDep
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.logs import service as logs
from gravl.logs.schemas import LogIn, LogPatch
from gravl.training import custom
from gravl.training import service as training
from gravl.web.forms import FormErrors, id_or_404, sentence, undo_unless_kept
from gravl.web.forms import optional_id as _int
from gravl.web.routing import WebRoute, redirect, render, safe_next
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter
from gravl.web.setforms import (
    RPE_CHOICES,
    SET_TYPE_LABELS,
    SET_TYPES,
    SetRow,
    next_set_like,
    parse_rows,
    prefill,
    rows_from_form,
    rows_from_sets,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# Exercise.category values logged by time rather than reps (catalog/schemas.py Category).
TIMED_CATEGORIES = frozenset({"cardio", "stretching"})
DEFAULT_REST_S = 90


@dataclass(frozen=True)
class Target:
    """What the workout plans for this exercise, and where the lifter goes next."""

    sets: int = 3
    reps: int | None = None
    rest_seconds: int = DEFAULT_REST_S
    workout_name: str | None = None
    next_exercise_id: int | None = None  # the workout's following exercise, if any


async def _target(
    *,
    session: AsyncSession,
    user: Lifter,
    exercise_id: int,
    workout_id: int | None,
    custom_workout_id: int | None,
) -> Target:
    if workout_id is not None:
        workout = training.workout_out(
            await training.get_workout(session=session, workout_id=workout_id)
        )
        rows = [
            (e.exercise_id, e.target_sets, e.target_reps, e.rest_seconds, workout.name)
            for e in workout.exercises
        ]
    elif custom_workout_id is not None:
        mine = custom.custom_workout_out(
            await custom.get_custom_workout(
                session=session, user=user, workout_id=custom_workout_id
            )
        )
        rows = [
            (e.exercise_id, e.target_sets, e.target_reps, e.rest_seconds, mine.name)
            for e in mine.exercises
        ]
    else:
        return Target()
    for index, (found_id, sets, reps, rest, name) in enumerate(rows):
        if found_id == exercise_id:
            following = rows[index + 1][0] if index + 1 < len(rows) else None
            return Target(sets, reps, rest, name, following)
    return Target(workout_name=rows[0][4] if rows else None)


def after_saving(target: Target, workout_id: int | None, custom_workout_id: int | None) -> str:
    """The workout's next exercise, or Today after its last one."""
    if target.next_exercise_id is None:
        return "/today"
    key, value = (
        ("workout_id", workout_id) if workout_id else ("custom_workout_id", custom_workout_id)
    )
    return f"/log?exercise_id={target.next_exercise_id}&{key}={value}"


def _log_page(
    request: Request,
    user: Lifter,
    exercise: Exercise,
    rows: list[SetRow],
    *,
    target: Target,
    errors: FormErrors | None,
    hidden: dict[str, Any],
    action: str,
    last_at: datetime | None = None,
    editing: bool = False,
    status_code: int = 200,
) -> Response:
    timed = exercise.category in TIMED_CATEGORIES or any(r.minutes for r in rows)
    return render(
        request,
        "pages/log.html",
        {
            "user": user,
            "active": "/history" if editing else "/today",
            "title": ("Edit " if editing else "Log ") + exercise.name,
            "exercise": exercise,
            "rows": rows,
            "target": target,
            "errors": errors,
            "hidden": hidden,
            "action": action,
            "editing": editing,
            "timed": timed,
            "last_at": last_at,
            "rpe_choices": RPE_CHOICES,
            "set_types": [(t, SET_TYPE_LABELS[t]) for t in SET_TYPES],
        },
        status_code=status_code,
    )


@router.get("/log")
async def log_page(
    request: Request,
    session: SessionDep,
    user: WebLifter,
    exercise: Annotated[str, Query(alias="exercise_id")] = "",
    workout: Annotated[str, Query(alias="workout_id")] = "",
    custom_workout: Annotated[str, Query(alias="custom_workout_id")] = "",
    next: str | None = None,
) -> Response:
    """The sets form for one exercise, prefilled from the last time it was done."""
    exercise_id = id_or_404(exercise, "exercise")
    workout_id, custom_workout_id = _int(workout), _int(custom_workout)
    found = await catalog.get_exercise(session=session, user=user, exercise_id=exercise_id)
    target = await _target(
        session=session,
        user=user,
        exercise_id=exercise_id,
        workout_id=workout_id,
        custom_workout_id=custom_workout_id,
    )
    last, _ = await logs.list_logs(
        session=session,
        user=user,
        start=None,
        end=None,
        exercise_id=exercise_id,
        limit=1,
        cursor=None,
    )
    rows = prefill(
        last[0].sets if last else None, user.units, target_sets=target.sets, target_reps=target.reps
    )
    hidden = {
        # A fresh key per rendered form: a double tap on Save replays instead of duplicating.
        "idempotency_key": uuid.uuid4().hex,
        "exercise_id": exercise_id,
        "workout_id": workout_id or "",
        "custom_workout_id": custom_workout_id or "",
        "next": safe_next(next, after_saving(target, workout_id, custom_workout_id)),
    }
    return _log_page(
        request,
        user,
        found,
        rows,
        target=target,
        errors=None,
        hidden=hidden,
        action="/log",
        last_at=last[0].performed_at if last else None,
    )


def _with_added_row(rows: list[SetRow]) -> list[SetRow]:
    """The no-JavaScript "Add set": one more row like the last one."""
    return [*rows, next_set_like(rows[-1]) if rows else SetRow()]


@router.post("/log", dependencies=[CsrfChecked])
async def log_sets(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Store the sets; a retried post with the same key stores nothing twice."""
    form = await request.form()
    exercise_id = _int(form.get("exercise_id"))
    if exercise_id is None:
        raise NotFound("exercise not found")
    exercise = await catalog.get_exercise(session=session, user=user, exercise_id=exercise_id)
    workout_id = _int(form.get("workout_id"))
    custom_workout_id = _int(form.get("custom_workout_id"))
    target = await _target(
        session=session,
        user=user,
        exercise_id=exercise_id,
        workout_id=workout_id,
        custom_workout_id=custom_workout_id,
    )
    key = str(form.get("idempotency_key") or uuid.uuid4().hex)[:200]
    next_page = safe_next(
        str(form.get("next") or ""), after_saving(target, workout_id, custom_workout_id)
    )
    hidden: dict[str, Any] = {
        "idempotency_key": key,
        "exercise_id": exercise_id,
        "workout_id": workout_id or "",
        "custom_workout_id": custom_workout_id or "",
        "next": next_page,
    }
    rows = rows_from_form(form)

    def again(errors: FormErrors | None, shown: list[SetRow], status_code: int) -> Response:
        return _log_page(
            request,
            user,
            exercise,
            shown,
            target=target,
            errors=errors,
            hidden=hidden,
            action="/log",
            status_code=status_code,
        )

    if form.get("action") == "add_set":
        return again(None, _with_added_row(rows), 200)
    sets, errors = parse_rows(rows, user.units)
    if errors:
        return again(errors, rows or [SetRow()], 422)
    data = LogIn(
        exercise_id=exercise_id,
        sets=sets,
        workout_id=workout_id,
        custom_workout_id=custom_workout_id,
    )
    try:
        await logs.create_log(session=session, user=user, data=data, idempotency_key=key)
    except (Conflict, ValidationFailed, NotFound) as exc:
        await undo_unless_kept(session, exc, exercise)
        return again(FormErrors(form=sentence(exc.message)), rows, exc.status)
    return redirect(request, next_page)


async def _form(request: Request) -> FormData:
    return await request.form()


@router.get("/history/{log_id}/edit")
async def edit_log_page(
    log_id: str,
    request: Request,
    session: SessionDep,
    user: WebLifter,
) -> Response:
    """A logged exercise's sets, to correct."""
    log = await logs.get_log(session=session, user=user, log_id=id_or_404(log_id, "log"))
    return _log_page(
        request,
        user,
        log.exercise,
        rows_from_sets(log.sets, user.units),
        target=Target(),
        errors=None,
        hidden={},
        action=f"/history/{log.id}/edit",
        editing=True,
    )


@router.post("/history/{log_id}/edit", dependencies=[CsrfChecked])
async def edit_log(
    log_id: str,
    request: Request,
    session: SessionDep,
    user: WritingWebLifter,
) -> Response:
    """Replace a log's sets; recovery is recomputed as if they had always been so."""
    log = await logs.get_log(session=session, user=user, log_id=id_or_404(log_id, "log"))
    form = await _form(request)
    rows = rows_from_form(form)
    if form.get("action") == "add_set":
        errors: FormErrors | None = None
        rows, status_code = _with_added_row(rows), 200
    else:
        sets, errors = parse_rows(rows, user.units)
        status_code = 422
        if not errors:
            try:
                await logs.update_log(
                    session=session, user=user, log_id=log.id, data=LogPatch(sets=sets)
                )
                return redirect(request, "/history?saved=1")
            except (ValidationError, ValidationFailed) as exc:
                errors = FormErrors(form=sentence(str(exc)))
    return _log_page(
        request,
        user,
        log.exercise,
        rows or [SetRow()],
        target=Target(),
        errors=errors,
        hidden={},
        action=f"/history/{log.id}/edit",
        editing=True,
        status_code=status_code,
    )


@router.post("/history/{log_id}/delete", dependencies=[CsrfChecked])
async def delete_log(
    log_id: str,
    request: Request,
    session: SessionDep,
    user: WritingWebLifter,
) -> Response:
    """Remove a log; the muscles it loaded are recomputed."""
    await logs.delete_log(session=session, user=user, log_id=id_or_404(log_id, "log"))
    return redirect(request, "/history?deleted=1")
