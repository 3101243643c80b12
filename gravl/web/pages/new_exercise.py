"""Making an exercise of one's own in the web UI (issue 20: "in the UI at last"): a movement the
catalog lacks, with the muscles it trains so its sets count towards recovery and volume."""

from __future__ import annotations

from typing import get_args

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.catalog import service as catalog
from gravl.catalog.schemas import Category, ExerciseIn, Force, Mechanic
from gravl.corridor import SessionDep
from gravl.errors import Conflict
from gravl.vocabulary import MUSCLE_GROUPS, Equipment
from gravl.web.forms import FormErrors, form_fields, sentence, undo_unless_kept
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE = "/exercises/new"
TEXT_FIELDS = ("name", "category", "equipment", "mechanic", "force", "description")
LIST_FIELDS = ("primary_muscles", "secondary_muscles")
_MESSAGES = {
    "name": "Give the exercise a name (up to 120 characters).",
    "primary_muscles": "Tick at least one muscle it mainly trains.",
    "secondary_muscles": "A muscle is either mainly trained or assisting, not both.",
    "category": "Choose a kind of exercise.",
    "equipment": "Choose the equipment from the list.",
    "mechanic": "Choose compound, isolation or not sure.",
    "force": "Choose push, pull, static or not sure.",
    "description": "Keep the description under 2,000 characters.",
}


def _label(slug: str) -> str:
    return slug.replace("_", " ").capitalize()


def _page(
    request: Request,
    user: Lifter,
    values: dict[str, str],
    chosen: dict[str, list[str]],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "pages/new_exercise.html",
        {
            "user": user,
            "active": "/workouts",
            "title": "New exercise",
            "values": values,
            "chosen": chosen,
            "errors": errors,
            "muscle_choices": [(m.slug, m.name) for m in MUSCLE_GROUPS],
            "category_choices": [(c, _label(c)) for c in get_args(Category)],
            "equipment_choices": [("", "None / not listed")]
            + [(e, _label(e)) for e in get_args(Equipment)],
            "mechanic_choices": [("", "Not sure")] + [(m, _label(m)) for m in get_args(Mechanic)],
            "force_choices": [("", "Not sure")] + [(f, _label(f)) for f in get_args(Force)],
        },
        status_code=status_code,
    )


@router.get(PAGE)
async def new_exercise_page(request: Request, user: WebLifter, name: str = "") -> Response:
    """The form (``?name=`` fills the name in, e.g. from a search that found nothing)."""
    values = dict.fromkeys(TEXT_FIELDS, "") | {"name": name[:120], "category": "strength"}
    return _page(request, user, values, dict.fromkeys(LIST_FIELDS, []))


@router.post(PAGE, dependencies=[CsrfChecked])
async def create_exercise(
    request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Add it; the lifter lands on its page, ready to log it."""
    values = await form_fields(request, *TEXT_FIELDS)
    form = await request.form()
    chosen = {f: [v for v in form.getlist(f) if isinstance(v, str)][:17] for f in LIST_FIELDS}
    try:
        data = ExerciseIn(
            name=values["name"],
            primary_muscles=chosen["primary_muscles"],
            secondary_muscles=chosen["secondary_muscles"],
            category=values["category"] or "strength",
            equipment=values["equipment"] or None,
            mechanic=values["mechanic"] or None,
            force=values["force"] or None,
            description=values["description"].strip() or None,
        )
    except ValidationError as exc:
        errors = FormErrors()
        for item in exc.errors():
            field = str(item["loc"][0]) if item["loc"] else "name"
            errors.fields.setdefault(field, _MESSAGES.get(field, sentence(str(item["msg"]))))
        return _page(request, user, values, chosen, errors, status_code=422)
    try:
        exercise = await catalog.create_custom_exercise(session=session, user=user, data=data)
    except Conflict as exc:
        await undo_unless_kept(session, exc)
        errors = FormErrors(fields={"name": sentence(exc.message)})
        return _page(request, user, values, chosen, errors, status_code=409)
    return redirect(request, f"/exercises/{exercise.id}")
