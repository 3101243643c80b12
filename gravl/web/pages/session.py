"""A training session at the gym: start the day's session, log it set by set with one tap per
set done as planned, and finish it (docs/sessions.md, "Sessions")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.catalog.service import exercise_alternatives
from gravl.corridor import CachesDep, SessionDep
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.history.models import TrainingSession, WorkoutLog
from gravl.logs import service as logs
from gravl.logs import session_sets
from gravl.logs.schemas import MAX_SETS, LogPatch
from gravl.sessions import service as sessions
from gravl.sessions.router import session_out
from gravl.sessions.schemas import SessionOut, SessionPatch
from gravl.web.forms import FormErrors, form_fields, id_or_404, sentence, undo_unless_kept
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter
from gravl.web.session_form import (
    SET_FIELDS,
    ExerciseView,
    SetValues,
    exercise_view,
    is_timed,
    parse_set,
)
from gravl.web.session_plan import DayView, planned_day
from gravl.web.setforms import RPE_CHOICES, SET_TYPE_LABELS, SET_TYPES

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# A session's exercises are counted from 0 in its URLs (as the API's), at most this many.
MAX_EXERCISE_INDEX = 99
# Alternatives offered for an exercise not started yet, most similar first.
SWAP_CHOICES = 6
# The service worker that keeps the workout page working offline (docs/gym-loop.md).
SERVICE_WORKER = Path(__file__).parent.parent / "static" / "sw.js"


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


def _partial(request: Request) -> bool:
    """Whether the page's script asked for the exercise's section alone (docs/gym-loop.md)."""
    return bool(request.headers.get("hx-request"))


def _editing(text: str | None) -> tuple[int, int] | None:
    """``?edit=2.3``: set 3 of exercise 2 opened again in its form; anything else: none."""
    index, _, position = (text or "").partition(".")
    if index.isdigit() and position.isdigit():
        return int(index), int(position)
    return None


async def _notes(session: AsyncSession, user: Lifter, shown: SessionOut) -> dict[int, str]:
    """Each started exercise's notes (on its log), by the log's id: one query."""
    ids = [e.done_sets[0].log_id for e in shown.exercises if e.done_sets]
    if not ids:
        return {}
    rows = await session.execute(
        select(WorkoutLog.id, WorkoutLog.notes).where(
            WorkoutLog.user_id == user.id, WorkoutLog.id.in_(ids)
        )
    )
    return {log_id: notes or "" for log_id, notes in rows.all()}


def _views(
    user: Lifter,
    shown: SessionOut,
    notes: dict[int, str],
    *,
    refused: tuple[int, SetValues, FormErrors] | None = None,
    editing: tuple[int, int] | None = None,
) -> list[ExerciseView]:
    return [
        exercise_view(
            i,
            exercise,
            user.units,
            shown.plate_unit,
            refused[1:] if refused is not None and refused[0] == i else None,
            editing[1] if editing is not None and editing[0] == i else None,
            notes.get(exercise.done_sets[0].log_id) if exercise.done_sets else None,
        )
        for i, exercise in enumerate(shown.exercises)
    ]


def _context(user: Lifter, shown: SessionOut, exercises: list[ExerciseView]) -> dict[str, Any]:
    return {
        "user": user,
        "active": "/today",
        "title": shown.title,
        "training": shown,
        "exercises": exercises,
        "rpe_choices": RPE_CHOICES,
        "set_types": [(t, SET_TYPE_LABELS[t]) for t in SET_TYPES],
    }


async def _session_page(
    request: Request,
    session: AsyncSession,
    user: Lifter,
    session_id: int,
    *,
    refused: tuple[int, SetValues, FormErrors] | None = None,
    editing: tuple[int, int] | None = None,
    noted: tuple[int, str, str] | None = None,
    finish_errors: FormErrors | None = None,
    notes: str = "",
    status_code: int = 200,
) -> Response:
    row = await sessions.get(session=session, user=user, session_id=session_id)
    shown = session_out(await sessions.view(session=session, user=user, row=row))
    notes_by_log = await _notes(session, user, shown)
    exercises = _views(user, shown, notes_by_log, refused=refused, editing=editing)
    if noted is not None:  # an exercise's notes refused: as typed, with the reason
        index, text, message = noted
        exercises[index] = replace(exercises[index], notes=text, notes_error=message)
    concerned = refused[0] if refused is not None else noted[0] if noted is not None else None
    if _partial(request) and concerned is not None:
        # The script's request for one exercise: its section, as the page shows it.
        context = {**_context(user, shown, exercises), "exercise": exercises[concerned]}
        return render(request, "pages/session_exercise.html", context, status_code=status_code)
    context = {
        **_context(user, shown, exercises),
        "planned_sets": sum(e.planned_sets for e in exercises),
        "working_done": sum(e.planned_sets - e.left for e in exercises),
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
    """The session: each exercise's sets done, the next one ready to log, the ones left;
    ``?edit=i.n`` opens set n of exercise i again (the page's script does it in place)."""
    editing = _editing(request.query_params.get("edit"))
    return await _session_page(
        request, session, user, id_or_404(session_id, "session"), editing=editing
    )


@router.get("/sw.js")
async def service_worker() -> Response:
    """The service worker, from the site's root so that it may serve every page (scope ``/``);
    revalidated on each check so that a new version reaches the phones."""
    return Response(
        SERVICE_WORKER.read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


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
    set again replaces it, so a double tap logs it once (and a set sent again from the phone's
    outbox, too). The page's script gets the exercise's section back, anyone else the page."""
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
        except ValidationFailed as exc:
            await undo_unless_kept(session, exc)
            errors.form = _refusal(exc, len(exercise.done_sets))
        else:
            if not _partial(request):
                return redirect(request, f"/sessions/{ident}#exercise-{i}")
            return await _exercise_section(request, session, user, training, i)
    editing = (i, n) if n <= len(exercise.done_sets) else None
    return await _session_page(
        request,
        session,
        user,
        ident,
        refused=(i, values, errors),
        editing=editing,
        status_code=422,
    )


async def _exercise_section(
    request: Request, session: AsyncSession, user: Lifter, training: TrainingSession, index: int
) -> Response:
    """Exercise ``index``'s section after a set was stored, for the page's script."""
    shown = session_out(await sessions.view(session=session, user=user, row=training))
    exercises = _views(user, shown, await _notes(session, user, shown))
    context = {**_context(user, shown, exercises), "exercise": exercises[index]}
    return render(request, "pages/session_exercise.html", context)


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
    return redirect(request, f"/sessions/{ident}/summary")


async def _swap_page(
    request: Request,
    session: AsyncSession,
    user: Lifter,
    session_id: int,
    index: int,
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    # Read afresh: after a refused swap the unit of work was rolled back.
    training = await sessions.get(session=session, user=user, session_id=session_id)
    shown = session_out(await sessions.view(session=session, user=user, row=training))
    if index >= len(shown.exercises):
        raise NotFound(f"exercise {index} of session {session_id} not found")
    exercise = shown.exercises[index]
    offered = await exercise_alternatives(
        session=session, user=user, exercise_id=exercise.exercise.id, equipment=None, limit=50
    )
    if exercise.done_sets and errors is None:
        errors = FormErrors(form=_STARTED.format(name=exercise.exercise.name))
    context = {
        "user": user,
        "active": "/today",
        "title": f"Swap {exercise.exercise.name}",
        "training": shown,
        "index": index,
        "name": exercise.exercise.name,
        "choices": [(e.id, e.name, "; ".join(a.reasons)) for e, a in offered[:SWAP_CHOICES]],
        "errors": errors,
        "started": bool(exercise.done_sets),
    }
    return render(request, "pages/session_swap.html", context, status_code=status_code)


_STARTED = "Sets of {name} are logged already: finish it, or log the other exercise as well."


@router.get("/sessions/{session_id}/exercises/{index}/swap")
async def swap_page(
    session_id: str, index: str, request: Request, session: SessionDep, user: WebLifter
) -> Response:
    """The exercises that could take this one's place today, most similar first."""
    ident = id_or_404(session_id, "session")
    i = _index(index, 0, MAX_EXERCISE_INDEX, "exercise")
    return await _swap_page(request, session, user, ident, i)


@router.post("/sessions/{session_id}/exercises/{index}/replace", dependencies=[CsrfChecked])
async def replace_exercise(
    session_id: str,
    index: str,
    request: Request,
    session: SessionDep,
    caches: CachesDep,
    user: WritingWebLifter,
) -> Response:
    """Swap an exercise not started yet for one of its alternatives, its targets planned anew
    (docs/sessions.md); the page's script gets the exercise's new section back."""
    ident = id_or_404(session_id, "session")
    i = _index(index, 0, MAX_EXERCISE_INDEX, "exercise")
    training = await sessions.get(session=session, user=user, session_id=ident)
    chosen = (await form_fields(request, "exercise_id"))["exercise_id"]
    shown = session_out(await sessions.view(session=session, user=user, row=training))
    if i >= len(shown.exercises):
        raise NotFound(f"exercise {i} of session {ident} not found")
    errors = FormErrors()
    if shown.exercises[i].done_sets:
        errors.form = _STARTED.format(name=shown.exercises[i].exercise.name)
    elif not chosen.isdigit():
        errors.form = "Choose the exercise to do instead."
    else:
        try:
            row = await sessions.replace_exercise(
                session=session,
                user=user,
                caches=caches,
                session_id=ident,
                index=i,
                exercise_id=int(chosen),
            )
        except ValidationFailed as exc:
            await undo_unless_kept(session, exc)
            errors.form = "Choose one of the exercises offered."
        else:
            if _partial(request):
                return await _exercise_section(request, session, user, row, i)
            return redirect(request, f"/sessions/{ident}#exercise-{i}")
    return await _swap_page(request, session, user, ident, i, errors=errors, status_code=422)


@router.post("/sessions/{session_id}/exercises/{index}/notes", dependencies=[CsrfChecked])
async def exercise_notes(
    session_id: str, index: str, request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Notes on one exercise of the session (kept on its log, shown in the history); the
    page's script gets the exercise's section back."""
    ident = id_or_404(session_id, "session")
    i = _index(index, 0, MAX_EXERCISE_INDEX, "exercise")
    training = await sessions.get(session=session, user=user, session_id=ident)
    shown = session_out(await sessions.view(session=session, user=user, row=training))
    if i >= len(shown.exercises) or not shown.exercises[i].done_sets:
        raise NotFound(f"exercise {i} of session {ident} has no sets to note")
    text = (await form_fields(request, "notes"))["notes"].strip()
    try:
        patch = LogPatch(notes=text or None)
    except ValidationError:
        message = "Keep the notes under 2,000 characters."
        return await _session_page(
            request, session, user, ident, noted=(i, text, message), status_code=422
        )
    log_id = shown.exercises[i].done_sets[0].log_id
    await logs.update_log(session=session, user=user, log_id=log_id, data=patch)
    if _partial(request):
        return await _exercise_section(request, session, user, training, i)
    return redirect(request, f"/sessions/{ident}#exercise-{i}")
