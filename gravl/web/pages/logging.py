"""Logging an exercise set by set (each stored by its ✓), and editing or deleting a log
afterwards."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

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
from gravl.logs import day_sets
from gravl.logs import service as logs
from gravl.logs.kinds import SetKind, set_kind
from gravl.logs.schemas import MAX_SETS, LogPatch
from gravl.training import custom
from gravl.training import service as training
from gravl.training.schedule import local_today
from gravl.web.forms import FormErrors, id_or_404, sentence, undo_unless_kept
from gravl.web.forms import optional_id as _int
from gravl.web.routing import WebRoute, redirect, render, safe_next
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter
from gravl.web.setforms import (
    KIND_INPUTS,
    LIVE_FIELDS,
    RPE_CHOICES,
    SET_TYPE_LABELS,
    SET_TYPES,
    LiveSet,
    SetRow,
    as_planned,
    distance_unit,
    live_from_set,
    live_like,
    live_plan,
    live_text,
    next_set_like,
    parse_live,
    parse_rows,
    placeholder,
    posted_set,
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


def _edit_page(
    request: Request,
    user: Lifter,
    exercise: Exercise,
    rows: list[SetRow],
    *,
    errors: FormErrors | None,
    action: str,
    status_code: int = 200,
) -> Response:
    timed = exercise.category in TIMED_CATEGORIES or any(r.minutes for r in rows)
    return render(
        request,
        "pages/log_edit.html",
        {
            "user": user,
            "active": "/history",
            "title": "Edit " + exercise.name,
            "exercise": exercise,
            "rows": rows,
            "errors": errors,
            "action": action,
            "timed": timed,
            "rpe_choices": RPE_CHOICES,
            "set_types": [(t, SET_TYPE_LABELS[t]) for t in SET_TYPES],
        },
        status_code=status_code,
    )


def kind_of(exercise: Exercise) -> SetKind:
    return set_kind(
        category=exercise.category,
        equipment=exercise.equipment,
        mechanic=exercise.mechanic,
        force=exercise.force,
    )


@dataclass(frozen=True)
class RowView:
    """One set of the live form: done (stored today) or still to do."""

    number: int
    done: bool
    values: LiveSet  # the inputs' values: the stored set, or what was typed
    planned: LiveSet  # the placeholders: what a ✓ on empty inputs stores
    text: str  # the done set in a few words
    label: str = ""  # its type when not a working set: "Warm-up", "To failure", "Drop set"
    failed: bool = False  # a refused ✓: its errors are shown


@dataclass(frozen=True)
class LogState:
    """Everything the live form is built from, read the same way for a view and a ✓."""

    exercise: Exercise
    kind: SetKind
    target: Target
    entry: day_sets.Entry
    done: list[LiveSet]  # today's sets, stored
    plan: list[LiveSet]  # the placeholders, row by row
    last_at: datetime | None
    log_id: int | None

    def planned(self, number: int) -> LiveSet:
        if number <= len(self.done):
            return self.done[number - 1]
        planned = placeholder(self.plan, number)
        if self.done and not any(getattr(planned, f) for f in KIND_INPUTS[self.kind]):
            return live_like(self.done[-1])  # nothing planned: a set like the one just done
        return planned

    def row_count(self, asked: int | None = None) -> int:
        planned_rows = max(len(self.plan), len(self.done) + (0 if self.done else 1))
        return min(max(planned_rows, asked or 0, len(self.done)), MAX_SETS)


async def _state(
    *,
    session: AsyncSession,
    user: Lifter,
    exercise_id: int,
    workout_id: int | None,
    custom_workout_id: int | None,
) -> LogState:
    exercise = await catalog.get_exercise(session=session, user=user, exercise_id=exercise_id)
    target = await _target(
        session=session,
        user=user,
        exercise_id=exercise_id,
        workout_id=workout_id,
        custom_workout_id=custom_workout_id,
    )
    entry = day_sets.Entry(exercise_id, local_today(user), workout_id, custom_workout_id)
    today = await day_sets.find(session=session, user=user, entry=entry)
    recent, _ = await logs.list_logs(
        session=session,
        user=user,
        start=None,
        end=None,
        exercise_id=exercise_id,
        limit=2,
        cursor=None,
    )
    last = next((log for log in recent if today is None or log.id != today.id), None)
    kind = kind_of(exercise)
    if kind == "distance_time" and workout_id is None and custom_workout_id is None:
        target = replace(target, sets=1)  # a run or a row on its own is one piece
    plan = live_plan(
        last.sets if last else None,
        kind,
        user.units,
        target_sets=target.sets,
        target_reps=target.reps,
    )
    return LogState(
        exercise=exercise,
        kind=kind,
        target=target,
        entry=entry,
        done=[live_from_set(s, user.units) for s in today.sets] if today else [],
        plan=plan,
        last_at=last.performed_at if last else None,
        log_id=today.id if today else None,
    )


def _log_page(
    request: Request,
    user: Lifter,
    state: LogState,
    *,
    next_page: str,
    rows: int | None = None,
    typed: dict[int, LiveSet] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    """The live form: today's sets done, then the rows still to do with their placeholders."""
    views = []
    for number in range(1, state.row_count(rows) + 1):
        done = number <= len(state.done)
        planned = state.planned(number)
        values = (typed or {}).get(number) or (
            planned if done else LiveSet(set_type=planned.set_type)
        )
        text = live_text(planned, state.kind, user.units) if done else ""
        label = SET_TYPE_LABELS.get(planned.set_type, "") if planned.set_type != "normal" else ""
        failed = any(k.startswith(f"set-{number}-") for k in (errors.fields if errors else {}))
        views.append(RowView(number, done, values, planned, text, label if done else "", failed))
    extra = len(views) + 1
    template_row = RowView(extra, False, LiveSet(), state.planned(extra), "")
    return render(
        request,
        "pages/log.html",
        {
            "user": user,
            "active": "/today",
            "title": "Log " + state.exercise.name,
            "exercise": state.exercise,
            "kind": state.kind,
            "inputs": KIND_INPUTS[state.kind],
            "distance_unit": distance_unit(user.units),
            "rows": views,
            "template_row": template_row,
            "target": state.target,
            "errors": errors,
            "hidden": {
                "exercise_id": state.entry.exercise_id,
                "workout_id": state.entry.workout_id or "",
                "custom_workout_id": state.entry.custom_workout_id or "",
                "next": next_page,
            },
            "next_page": next_page,
            "draft_key": ":".join(
                str(part)
                for part in (
                    "gravl-log",
                    user.id,
                    state.entry.exercise_id,
                    state.entry.workout_id or "",
                    state.entry.custom_workout_id or "",
                    state.entry.day.isoformat(),
                )
            ),
            "done_count": len(state.done),
            "last_at": state.last_at,
            "rpe_choices": RPE_CHOICES,
            "set_types": [(t, SET_TYPE_LABELS[t]) for t in SET_TYPES],
        },
        status_code=status_code,
    )


def _query(entry: day_sets.Entry, next_page: str) -> str:
    params: dict[str, str | int] = {"exercise_id": entry.exercise_id}
    if entry.workout_id:
        params["workout_id"] = entry.workout_id
    if entry.custom_workout_id:
        params["custom_workout_id"] = entry.custom_workout_id
    params["next"] = next_page
    return urlencode(params)


@router.get("/log")
async def log_page(
    request: Request,
    session: SessionDep,
    user: WebLifter,
    exercise: Annotated[str, Query(alias="exercise_id")] = "",
    workout: Annotated[str, Query(alias="workout_id")] = "",
    custom_workout: Annotated[str, Query(alias="custom_workout_id")] = "",
    next: str | None = None,
    rows: str = "",
) -> Response:
    """One exercise's sets, each stored by its ✓; today's entry, if any, is continued."""
    exercise_id = id_or_404(exercise, "exercise")
    workout_id, custom_workout_id = _int(workout), _int(custom_workout)
    state = await _state(
        session=session,
        user=user,
        exercise_id=exercise_id,
        workout_id=workout_id,
        custom_workout_id=custom_workout_id,
    )
    next_page = safe_next(next, after_saving(state.target, workout_id, custom_workout_id))
    return _log_page(request, user, state, next_page=next_page, rows=_int(rows))


def _typed_rows(form: FormData, count: int) -> dict[int, LiveSet]:
    """The rows whose inputs came with the post (the script sends only the ticked one)."""
    return {
        n: posted_set(form, n)
        for n in range(1, count + 1)
        if any(f"{name}-{n}" in form for name in LIVE_FIELDS)
    }


@router.post("/log", dependencies=[CsrfChecked])
async def log_set(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Store the set whose ✓ was tapped (``done`` = its row): the first of the day creates
    today's entry, the next ones are added to it, and set n posted again replaces set n."""
    form = await request.form()
    exercise_id = _int(form.get("exercise_id"))
    if exercise_id is None:
        raise NotFound("exercise not found")
    workout_id = _int(form.get("workout_id"))
    custom_workout_id = _int(form.get("custom_workout_id"))
    state = await _state(
        session=session,
        user=user,
        exercise_id=exercise_id,
        workout_id=workout_id,
        custom_workout_id=custom_workout_id,
    )
    next_page = safe_next(
        str(form.get("next") or ""), after_saving(state.target, workout_id, custom_workout_id)
    )
    count = state.row_count(_int(form.get("rows")))
    typed = _typed_rows(form, count)
    number = _int(form.get("done"))
    if form.get("action") == "add_set" or number is None or number > count:
        # "Add set" without JavaScript, or a post that confirms no row: nothing is stored.
        added = count + 1 if form.get("action") == "add_set" else count
        return _log_page(request, user, state, next_page=next_page, rows=added, typed=typed)
    # The set to write: the script names the position it gave the row (a retry writes the same
    # one); a form names only its row, and a row skipped over becomes the next set.
    position = _int(form.get("position")) or min(number, len(state.done) + 1)
    chosen = as_planned(typed.get(number, LiveSet()), state.planned(number), state.kind)
    data, errors = parse_live(chosen, state.kind, user.units, number)
    if data is not None:
        try:
            await day_sets.put_set(
                session=session, user=user, entry=state.entry, position=position, data=data
            )
        except (Conflict, ValidationFailed, NotFound) as exc:
            await undo_unless_kept(session, exc, state.exercise)
            errors = FormErrors(form=sentence(exc.message))
        else:
            back = "/log?" + _query(state.entry, next_page)
            if count > max(len(state.plan), position):
                back += f"&rows={count}"
            return redirect(request, back + f"#set-{position + 1}")
    return _log_page(
        request,
        user,
        state,
        next_page=next_page,
        rows=count,
        typed=typed,
        errors=errors,
        status_code=422,
    )


def _with_added_row(rows: list[SetRow]) -> list[SetRow]:
    """The no-JavaScript "Add set" of the edit form: one more row like the last one."""
    return [*rows, next_set_like(rows[-1]) if rows else SetRow()]


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
    return _edit_page(
        request,
        user,
        log.exercise,
        rows_from_sets(log.sets, user.units),
        errors=None,
        action=f"/history/{log.id}/edit",
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
    return _edit_page(
        request,
        user,
        log.exercise,
        rows or [SetRow()],
        errors=errors,
        action=f"/history/{log.id}/edit",
        status_code=status_code,
    )
