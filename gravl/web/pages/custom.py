"""Building and editing the lifter's own workouts: search exercises, reorder, set targets.

The builder's whole state travels in its form, and every button posts it back: "Add",
"Move up", "Remove" and "Save" are all the same form, so it works with or without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.catalog import service as catalog
from gravl.corridor import SessionDep
from gravl.errors import NotFound
from gravl.training import custom
from gravl.training.schemas import CustomWorkoutIn
from gravl.web.forms import FormErrors, id_or_404, optional_id, sentence, undo_unless_kept
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

SEARCH_RESULTS = 8
_ROW_FIELDS = ("exercise_id", "exercise_name", "target_sets", "target_reps", "rest_seconds")
_FRIENDLY = {
    "target_sets": "Sets must be 1 to 20.",
    "target_reps": "Reps must be 1 to 100.",
    "rest_seconds": "Rest must be 0 to 1800 seconds.",
}


@dataclass(frozen=True)
class Row:
    exercise_id: str
    exercise_name: str
    target_sets: str = "3"
    target_reps: str = "10"
    rest_seconds: str = "90"


async def _builder(
    request: Request,
    session: SessionDep,
    user: Lifter,
    *,
    workout_id: int | None,
    values: dict[str, str],
    rows: list[Row],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    results: list[Any] = []
    if values.get("q"):
        found, _ = await catalog.list_exercises(
            session=session, user=user, q=values["q"], limit=SEARCH_RESULTS
        )
        results = list(found)
    return render(
        request,
        "pages/custom_workout.html",
        {
            "user": user,
            "active": "/workouts",
            "title": "Edit workout" if workout_id else "New workout",
            "workout_id": workout_id,
            "values": values,
            "rows": rows,
            "results": results,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("/workouts/custom/new")
async def new_workout(request: Request, session: SessionDep, user: WebLifter) -> Response:
    """An empty builder."""
    values = {"name": "", "description": "", "q": ""}
    return await _builder(request, session, user, workout_id=None, values=values, rows=[])


@router.get("/workouts/custom/{workout_id}/edit")
async def edit_workout(
    workout_id: str, request: Request, session: SessionDep, user: WebLifter
) -> Response:
    """The builder, filled with one of the lifter's workouts."""
    workout = custom.custom_workout_out(
        await custom.get_custom_workout(
            session=session, user=user, workout_id=id_or_404(workout_id, "custom workout")
        )
    )
    rows = [
        Row(
            str(e.exercise_id),
            e.exercise_name,
            str(e.target_sets),
            str(e.target_reps),
            str(e.rest_seconds),
        )
        for e in workout.exercises
    ]
    values = {"name": workout.name, "description": workout.description or "", "q": ""}
    return await _builder(request, session, user, workout_id=workout.id, values=values, rows=rows)


def _move(rows: list[Row], index: int, step: int) -> list[Row]:
    target = index + step
    if 0 <= index < len(rows) and 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    return rows


@router.post("/workouts/custom/build", dependencies=[CsrfChecked])
async def build(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Apply one builder button: search, add, move, remove, or save."""
    form = await request.form()
    workout_id = optional_id(form.get("workout_id"))
    values = {name: str(form.get(name) or "").strip() for name in ("name", "description", "q")}
    columns = [[str(v) for v in form.getlist(name)] for name in _ROW_FIELDS]
    rows = [Row(*cells) for cells in zip(*columns, strict=False)]
    action, _, argument = str(form.get("action") or "refresh").partition(":")
    index = int(argument) if argument.isdigit() else -1
    if action == "add" and (exercise_id := optional_id(argument)) is not None:
        exercise = await catalog.get_exercise(session=session, user=user, exercise_id=exercise_id)
        rows.append(Row(str(exercise.id), exercise.name))
    elif action == "up":
        rows = _move(rows, index, -1)
    elif action == "down":
        rows = _move(rows, index, 1)
    elif action == "remove" and 0 <= index < len(rows):
        del rows[index]
    elif action == "save":
        return await _save(request, session, user, workout_id, values, rows)
    return await _builder(request, session, user, workout_id=workout_id, values=values, rows=rows)


async def _save(
    request: Request,
    session: SessionDep,
    user: Lifter,
    workout_id: int | None,
    values: dict[str, str],
    rows: list[Row],
) -> Response:
    errors = FormErrors()
    try:
        data = CustomWorkoutIn.model_validate(
            {
                "name": values["name"],
                "description": values["description"] or None,
                "exercises": [
                    {
                        "exercise_id": r.exercise_id,
                        "target_sets": r.target_sets,
                        "target_reps": r.target_reps,
                        "rest_seconds": r.rest_seconds,
                    }
                    for r in rows
                ],
            }
        )
    except ValidationError as exc:
        for item in exc.errors():
            loc = item["loc"]
            if loc and loc[0] == "exercises" and len(loc) >= 3:
                field = str(loc[2])
                key = f"row-{int(loc[1]) + 1}-{field}"
                errors.fields.setdefault(key, _FRIENDLY.get(field, "Check this value."))
            elif loc and loc[0] == "exercises":
                errors.form = "Add at least one exercise (and at most 30)."
            elif loc and loc[0] == "name":
                errors.fields.setdefault("name", "Give the workout a name (up to 120 characters).")
            else:
                errors.fields.setdefault(str(loc[0]) if loc else "form", sentence(item["msg"]))
        return await _builder(
            request,
            session,
            user,
            workout_id=workout_id,
            values=values,
            rows=rows,
            errors=errors,
            status_code=422,
        )
    try:
        if workout_id is None:
            saved = await custom.create_custom_workout(session=session, user=user, data=data)
        else:
            saved = await custom.replace_custom_workout(
                session=session, user=user, workout_id=workout_id, data=data
            )
    except NotFound as exc:
        await undo_unless_kept(session, exc)
        errors.form = sentence(exc.message)
        return await _builder(
            request,
            session,
            user,
            workout_id=workout_id,
            values=values,
            rows=rows,
            errors=errors,
            status_code=404,
        )
    return redirect(request, f"/workouts?saved={saved.id}#custom-{saved.id}")


@router.post("/workouts/custom/{workout_id}/delete", dependencies=[CsrfChecked])
async def delete_workout(
    workout_id: str, request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Remove the workout from the list; logs made with it keep it."""
    await custom.delete_custom_workout(
        session=session, user=user, workout_id=id_or_404(workout_id, "custom workout")
    )
    return redirect(request, "/workouts")
