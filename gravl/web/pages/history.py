"""History: the training log (one entry per session, newest first, whole days per page), delete
with a confirmation and Undo, adding a past session; then the swap audit trail with revert."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from sqlalchemy import select
from starlette.datastructures import FormData
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.corridor import SessionDep
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.logbook import entries, past, undo
from gravl.stats.records import PersonalRecord
from gravl.training import service as training
from gravl.training import swaps
from gravl.training.models import CustomWorkout
from gravl.validation import EARLIEST_INSTANT, LATEST_INSTANT
from gravl.web.forms import FormErrors, id_or_404, sentence, undo_unless_kept
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter
from gravl.web.setforms import SetRow, parse_rows
from gravl.web.templating import KG_PER_LB, weight

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SWAPS_SHOWN = 20
# The past-session form: exercise blocks and set rows each (more with "Add exercise").
PAST_BLOCKS = 3
PAST_ROWS = 5
MAX_BLOCKS = 20
RECORD_WORDS = {"weight": "heaviest", "e1rm": "best e1RM", "reps": "most reps"}


def volume_text(kilograms: float, units: str) -> str:
    """A session's volume in whole units with thousands separated: "7,450 kg"."""
    value = kilograms / KG_PER_LB if units == "lb" else kilograms
    return f"{round(value):,} {units}"


def record_text(record: PersonalRecord, units: str) -> str:
    """ "heaviest 105 kg", "best e1RM 118.5 kg", "most reps: 8 × 100 kg"."""
    if record.type == "reps":
        if record.weight_kg:
            return f"most reps: {record.reps} × {weight(record.weight_kg, units)}"
        return f"most reps: {record.reps}"
    return f"{RECORD_WORDS[record.type]} {weight(record.value, units)}"


def _before(text: str) -> date | None:
    """``?before=`` as a day; a mangled link starts from the newest."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if EARLIEST_INSTANT.year <= day.year < LATEST_INSTANT.year else None


def log_context(user: Lifter) -> dict[str, Any]:
    """What the log's templates need besides the entries (history and summary pages)."""
    return {
        "volume": lambda kg: volume_text(kg, user.units),
        "record_text": lambda r: record_text(r, user.units),
        "duration": entries.duration_text,
    }


@router.get("/history")
async def history(
    request: Request,
    session: SessionDep,
    user: WebLifter,
    before: Annotated[str, Query(max_length=40)] = "",
    undo_token: Annotated[str, Query(alias="undo", max_length=64)] = "",
    saved: bool = False,
    deleted: bool = False,
    restored: bool = False,
    added: bool = False,
) -> Response:
    """The training log, newest session first, a page of whole days; then the swaps."""
    day = _before(before)
    found = await entries.page(session=session, user=user, before=day)
    recent = await undo.recent(session=session, user=user)
    just_deleted = next((d for d in recent if d.token == undo_token), None)
    trail = list(await swaps.list_swaps(session=session, user=user, start=None, end=None))
    names = {w.id: w.name for w in await training.list_workouts(session=session)}
    custom_names = {
        ident: name
        for (kind, ident), name in (await entries.workout_names(session, user)).items()
        if kind == "custom"
    }
    notice = (
        "Log saved."
        if saved
        else "Deleted."
        if deleted and just_deleted is None
        else "Restored."
        if restored
        else "Session added."
        if added
        else None
    )
    return render(
        request,
        "pages/history.html",
        {
            "user": user,
            "active": "/history",
            "title": "History",
            "entries": found.entries,
            "next_before": found.next_before,
            "first_page": day is None,
            "just_deleted": just_deleted,
            "recent_deletes": [d for d in recent if d is not just_deleted] if day is None else [],
            "swaps": trail[:SWAPS_SHOWN],
            "workout_names": names,
            "custom_names": custom_names,
            "notice": notice,
            **log_context(user),
        },
    )


@router.post("/history/logs/{log_id}/delete", dependencies=[CsrfChecked])
async def delete_log(
    log_id: str, request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Delete one exercise's log (asked first on the page); Undo is offered after."""
    deleted = await undo.delete_log(session=session, user=user, log_id=id_or_404(log_id, "log"))
    return redirect(request, f"/history?undo={deleted.token}")


@router.post("/history/sessions/{session_id}/delete", dependencies=[CsrfChecked])
async def delete_session(
    session_id: str, request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Delete a whole session with every log in it; Undo is offered after."""
    deleted = await undo.delete_session(
        session=session, user=user, session_id=id_or_404(session_id, "session")
    )
    return redirect(request, f"/history?undo={deleted.token}")


@router.post("/history/undo", dependencies=[CsrfChecked])
async def undo_delete(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Put back what a delete took away, exactly as it was."""
    token = (await request.form()).get("token")
    try:
        await undo.undo(session=session, user=user, token=token if isinstance(token, str) else "")
    except (NotFound, Conflict) as exc:
        await undo_unless_kept(session, exc)
        return render(
            request,
            "pages/history.html",
            {
                "user": user,
                "active": "/history",
                "title": "History",
                "undo_error": sentence(exc.message),
                "entries": [],
                "first_page": True,
                **log_context(user),
            },
            status_code=exc.status,
        )
    return redirect(request, "/history?restored=1")


# -- adding a past session ---------------------------------------------------------------------


@dataclass
class Block:
    """One exercise of the past-session form, as typed."""

    exercise: str = ""
    rows: list[SetRow] = field(default_factory=lambda: [SetRow() for _ in range(PAST_ROWS)])

    def is_empty(self) -> bool:
        return not self.exercise and all(row.is_empty() for row in self.rows)


@dataclass
class PastForm:
    """The whole past-session form as typed (strings), so an error brings it back as sent."""

    day: str = ""
    at: str = "18:00"
    minutes: str = str(past.DEFAULT_MINUTES)
    workout: str = ""
    title: str = ""
    notes: str = ""
    blocks: list[Block] = field(default_factory=lambda: [Block() for _ in range(PAST_BLOCKS)])


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _read_form(form: FormData) -> PastForm:
    blocks = []
    for i in range(MAX_BLOCKS):
        if f"exercise-{i}" not in form:
            break
        rows = [
            SetRow(
                weight=_text(form, f"weight-{i}-{j}"),
                reps=_text(form, f"reps-{i}-{j}"),
                minutes=_text(form, f"minutes-{i}-{j}"),
            )
            for j in range(PAST_ROWS)
        ]
        blocks.append(Block(_text(form, f"exercise-{i}"), rows))
    return PastForm(
        day=_text(form, "date"),
        at=_text(form, "time"),
        minutes=_text(form, "minutes"),
        workout=_text(form, "workout"),
        title=_text(form, "title")[: past.MAX_TITLE],
        notes=_text(form, "notes")[:2000],
        blocks=blocks or [Block()],
    )


async def _workout_options(session: SessionDep, user: Lifter) -> list[tuple[str, str]]:
    """(value, name): "workout:3", "custom:7" — the lifter's own first, then the library."""
    mine = await session.execute(
        select(CustomWorkout.id, CustomWorkout.name)
        .where(CustomWorkout.user_id == user.id, CustomWorkout.deleted_at.is_(None))
        .order_by(CustomWorkout.name)
    )
    options = [(f"custom:{ident}", name) for ident, name in mine]
    library = sorted(await training.list_workouts(session=session), key=lambda w: w.name)
    return options + [(f"workout:{w.id}", w.name) for w in library]


async def _past_page(
    request: Request,
    session: SessionDep,
    user: Lifter,
    form: PastForm,
    errors: FormErrors | None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "pages/past_session.html",
        {
            "user": user,
            "active": "/history",
            "title": "Add a past session",
            "form": form,
            "errors": errors,
            "workouts": await _workout_options(session, user),
            "exercises": await past.exercise_choices(session=session, user=user),
            "rows": PAST_ROWS,
        },
        status_code=status_code,
    )


@router.get("/history/new")
async def past_session_page(request: Request, session: SessionDep, user: WebLifter) -> Response:
    """A session done without Gravl: when, which workout, its exercises and sets."""
    today = datetime.now(past.zone(user)).date()
    return await _past_page(request, session, user, PastForm(day=today.isoformat()), None)


async def _fill_from_workout(session: SessionDep, user: Lifter, form: PastForm) -> None:
    """The chosen workout's exercises as the form's blocks (those typed stay)."""
    kind, _, ident = form.workout.partition(":")
    ids: list[int] = []
    try:
        if kind == "workout":
            workout = await training.get_workout(session=session, workout_id=int(ident))
            ids = [e.exercise_id for e in sorted(workout.exercises, key=lambda e: e.position)]
        elif kind == "custom":
            mine = await past.custom_exercise_ids(session=session, user=user, workout_id=int(ident))
            ids = list(mine)
    except (ValueError, NotFound):
        return
    names = dict(await past.exercise_choices(session=session, user=user))
    kept = [b for b in form.blocks if not b.is_empty()]
    typed = {b.exercise for b in kept}
    form.blocks = kept + [Block(names[i]) for i in ids if i in names and names[i] not in typed]


def _parse(
    form: PastForm, user: Lifter, names: dict[str, int]
) -> tuple[past.PastSession | None, FormErrors]:
    errors = FormErrors()
    day = at = None
    try:
        day = date.fromisoformat(form.day)
        if not EARLIEST_INSTANT.year <= day.year < LATEST_INSTANT.year:
            raise ValueError(form.day)
    except ValueError:
        errors.fields["date"] = "Enter the day, like 2026-11-03."
    try:
        at = time.fromisoformat(form.at) if form.at else time(18, 0)
    except ValueError:
        errors.fields["time"] = "Enter the time it started, like 18:30."
    minutes = past.DEFAULT_MINUTES
    try:
        minutes = int(form.minutes) if form.minutes else past.DEFAULT_MINUTES
        if not 1 <= minutes <= past.MAX_MINUTES:
            raise ValueError(form.minutes)
    except ValueError:
        errors.fields["minutes"] = f"Enter whole minutes from 1 to {past.MAX_MINUTES}."
    workout_id = custom_workout_id = None
    kind, _, ident = form.workout.partition(":")
    if kind == "workout" and ident.isdigit():
        workout_id = int(ident)
    elif kind == "custom" and ident.isdigit():
        custom_workout_id = int(ident)
    done: list[past.PastExercise] = []
    for i, block in enumerate(form.blocks):
        # An exercise without sets (one of a filled-in workout that was skipped) is left out.
        if all(row.is_empty() for row in block.rows):
            continue
        exercise_id = names.get(block.exercise.casefold())
        if exercise_id is None:
            errors.fields[f"exercise-{i}"] = (
                "Choose an exercise from the list." if block.exercise else "Choose the exercise."
            )
        sets, problems = parse_rows(block.rows, user.units)
        for key, message in problems.fields.items():
            # parse_rows keys "set-<n>-<field>" from 1; the form's inputs are "<field>-<i>-<j>".
            _, number, name = key.split("-", 2)
            errors.fields[f"{name}-{i}-{int(number) - 1}"] = message
        if exercise_id is not None and sets:
            done.append(past.PastExercise(exercise_id, sets))
    if not done and not errors:
        errors.form = "Add at least one exercise with a set."
    if errors or day is None or at is None:
        return None, errors
    return (
        past.PastSession(
            day=day,
            at=at,
            minutes=minutes,
            title=form.title or "",
            exercises=done,
            workout_id=workout_id,
            custom_workout_id=custom_workout_id,
            notes=form.notes or None,
        ),
        errors,
    )


@router.post("/history/new", dependencies=[CsrfChecked])
async def add_past_session(
    request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Store a past session (finished, on its day) with its exercises as logs."""
    posted = await request.form()
    form = _read_form(posted)
    action = _text(posted, "action")
    if action == "add_exercise":
        if len(form.blocks) < MAX_BLOCKS:
            form.blocks.append(Block())
        return await _past_page(request, session, user, form, None)
    if action == "fill":
        await _fill_from_workout(session, user, form)
        return await _past_page(request, session, user, form, None)
    names = {
        name.casefold(): ident
        for ident, name in await past.exercise_choices(session=session, user=user)
    }
    parsed, errors = _parse(form, user, names)
    if parsed is not None:
        try:
            row = await past.add(session=session, user=user, past=parsed)
        except (ValidationFailed, NotFound, Conflict) as exc:
            await undo_unless_kept(session, exc)
            errors = FormErrors(form=sentence(exc.message))
        except ValidationError as exc:
            await session.rollback()
            errors = FormErrors(form=sentence(str(exc.errors()[0]["msg"])))
        else:
            return redirect(request, f"/history?added=1#session-{row.id}")
    return await _past_page(request, session, user, form, errors, status_code=422)
