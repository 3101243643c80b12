"""A training session at the gym: start the day's session, log it set by set with one tap per
set done as planned, and finish it (docs/sessions.md, "Sessions")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.corridor import CachesDep, SessionDep
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.logs import session_sets
from gravl.logs.schemas import MAX_SETS
from gravl.sessions import service as sessions
from gravl.sessions.router import session_out
from gravl.sessions.schemas import SessionPatch
from gravl.web.forms import FormErrors, form_fields, id_or_404, sentence, undo_unless_kept
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter
from gravl.web.session_form import SET_FIELDS, SetValues, exercise_view, is_timed, parse_set
from gravl.web.session_plan import DayView, planned_day
from gravl.web.setforms import RPE_CHOICES, SET_TYPE_LABELS, SET_TYPES

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# A session's exercises are counted from 0 in its URLs (as the API's), at most this many.
MAX_EXERCISE_INDEX = 99


def render_day(
    request: Request,
    user: Lifter,
    day: DayView | None,
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    """One day's session as planned, on its own page (``/today?date=``)."""
    return render(
        request,
        "pages/session_day.html",
        {
            "user": user,
            "active": "/today",
            "title": day.long_date if day is not None else "Plan a day",
            "day": day,
            "errors": errors,
        },
        status_code=status_code,
    )


def _index(text: str, low: int, high: int, what: str) -> int:
    """A number from the URL; anything else names nothing: the 404 page."""
    if not text.isdigit() or not low <= int(text) <= high:
        raise NotFound(f"{what} not found")
    return int(text)


async def _session_page(
    request: Request,
    session: AsyncSession,
    user: Lifter,
    session_id: int,
    *,
    refused: tuple[int, SetValues, FormErrors] | None = None,
    finish_errors: FormErrors | None = None,
    notes: str = "",
    status_code: int = 200,
) -> Response:
    row = await sessions.get(session=session, user=user, session_id=session_id)
    shown = session_out(await sessions.view(session=session, user=user, row=row))
    exercises = [
        exercise_view(
            i,
            exercise,
            user.units,
            shown.plate_unit,
            refused[1:] if refused is not None and refused[0] == i else None,
        )
        for i, exercise in enumerate(shown.exercises)
    ]
    context: dict[str, Any] = {
        "user": user,
        "active": "/today",
        "title": shown.title,
        "training": shown,
        "exercises": exercises,
        "planned_sets": sum(e.planned_sets for e in exercises),
        "working_done": sum(e.planned_sets - e.left for e in exercises),
        "rpe_choices": RPE_CHOICES,
        "set_types": [(t, SET_TYPE_LABELS[t]) for t in SET_TYPES],
        "finish_errors": finish_errors,
        "notes": notes or shown.notes or "",
    }
    return render(request, "pages/session.html", context, status_code=status_code)


def _refusal(error: ValidationFailed, done: int) -> str:
    """Why a set was not logged: a set skipped (the form was older than the page), or else."""
    if any(d.get("field") == "position" for d in error.details or ()):
        logged = "1 set is" if done == 1 else f"{done} sets are"
        return f"Log set {done + 1} first: {logged} logged for this exercise."
    return sentence(error.message)


@router.post("/sessions", dependencies=[CsrfChecked])
async def start_session(
    request: Request, session: SessionDep, caches: CachesDep, user: WritingWebLifter
) -> Response:
    """Start today's session, its targets kept as planned; one already started is continued."""
    try:
        row, _ = await sessions.start(session=session, user=user, caches=caches)
    except Conflict as exc:
        await undo_unless_kept(session, exc)
        day = await planned_day(session=session, user=user, caches=caches)
        errors = FormErrors(form="There is no session to start today.")
        return render_day(request, user, day, errors=errors, status_code=exc.status)
    return redirect(request, f"/sessions/{row.id}")


@router.get("/sessions/{session_id}")
async def session_page(
    session_id: str, request: Request, session: SessionDep, user: WebLifter
) -> Response:
    """The session: each exercise's sets done, the next one ready to log, the ones left."""
    return await _session_page(request, session, user, id_or_404(session_id, "session"))


@router.post("/sessions/{session_id}/exercises/{index}/sets/{position}", dependencies=[CsrfChecked])
async def log_set(
    session_id: str,
    index: str,
    position: str,
    request: Request,
    session: SessionDep,
    user: WritingWebLifter,
) -> Response:
    """Log set ``position`` (from 1) of the ``index``-th exercise (from 0); posting the same
    set again replaces it, so a double tap logs it once."""
    ident = id_or_404(session_id, "session")
    i = _index(index, 0, MAX_EXERCISE_INDEX, "exercise")
    n = _index(position, 1, MAX_SETS, "set")
    training = await sessions.get(session=session, user=user, session_id=ident)
    shown = session_out(await sessions.view(session=session, user=user, row=training))
    if i >= len(shown.exercises):
        raise NotFound(f"exercise {i} of session {ident} not found")
    exercise = shown.exercises[i]
    values = SetValues.posted(await form_fields(request, *SET_FIELDS))
    # The weights the page showed: the next target, and the sets done.
    known = [t.target_weight_kg for t in exercise.remaining_sets[:1] if t.target_weight_kg]
    known += [d.weight_kg for d in exercise.done_sets if d.weight_kg]
    # The set the form was for: the next one, or the last when a done exercise's set is redone.
    target = next(iter(exercise.remaining_sets[:1] or exercise.sets[-1:]), None)
    data, errors = parse_set(
        values, user.units, target, timed=is_timed(exercise, target), known_kg=known
    )
    if data is not None:
        try:
            await session_sets.put_set(
                session=session, user=user, training=training, index=i, position=n, data=data
            )
            return redirect(request, f"/sessions/{ident}#exercise-{i}")
        except ValidationFailed as exc:
            await undo_unless_kept(session, exc)
            errors.form = _refusal(exc, len(exercise.done_sets))
    return await _session_page(
        request, session, user, ident, refused=(i, values, errors), status_code=422
    )


@router.post("/sessions/{session_id}/finish", dependencies=[CsrfChecked])
async def finish_session(
    session_id: str, request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """End the session (with notes, if any); the sets logged stay in the history."""
    ident = id_or_404(session_id, "session")
    form = await form_fields(request, "notes")
    fields: dict[str, Any] = {"finished": True}
    if form["notes"]:
        try:
            fields["notes"] = SessionPatch(notes=form["notes"]).notes
        except ValidationError:
            errors = FormErrors(fields={"notes": "Keep the notes under 2,000 characters."})
            return await _session_page(
                request,
                session,
                user,
                ident,
                finish_errors=errors,
                notes=form["notes"],
                status_code=422,
            )
    await sessions.update(session=session, user=user, session_id=ident, fields=fields)
    return redirect(request, "/today")
