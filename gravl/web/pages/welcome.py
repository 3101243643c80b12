"""A new account's first page: the few things Gravl needs to know, asked once (issue 20).

The sign-up form sends the device's timezone and weight unit (gravl/web/static/js/onboarding.js);
this page shows them to confirm and asks the lifter's experience and goal, which set how fast
muscles are taken to recover and the weekly volume Gravl aims for. Everything here can be
changed later in Settings; "Skip" keeps the defaults.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from gravl.auth import service
from gravl.auth.lifter import Lifter
from gravl.auth.schemas import PreferencesPatch, ProfilePatch
from gravl.corridor import SessionDep
from gravl.web.forms import FormErrors, form_fields, from_validation
from gravl.web.pages.settings import (
    EXPERIENCE_CHOICES,
    TIMEZONE_HINT,
    UNIT_CHOICES,
    resolve_timezone,
    timezone_choices,
)
from gravl.web.pages.training_prefs import GOALS
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE = "/welcome"
FIELDS = ("units", "timezone", "experience", "goal")
_MESSAGES = {
    **TIMEZONE_HINT,
    "units": "Choose kilograms or pounds.",
    "experience": "Choose how long you have been training.",
    "goal": "Choose what you train for.",
}


def _page(
    request: Request,
    user: Lifter,
    values: dict[str, str],
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "pages/welcome.html",
        {
            "user": user,
            "title": "Welcome",
            "values": values,
            "errors": errors,
            "unit_choices": UNIT_CHOICES,
            "experience_choices": EXPERIENCE_CHOICES,
            "goal_choices": [(goal, label, gist) for goal, label, gist in GOALS],
            "timezone_choices": timezone_choices(),
        },
        status_code=status_code,
    )


@router.get(PAGE)
async def welcome_page(request: Request, session: SessionDep, user: WebLifter) -> Response:
    """Units and timezone as the device said, experience and goal to choose."""
    preferences = await service.preferences(session=session, lifter=user)
    values = {
        "units": user.units,
        "timezone": user.timezone,
        "experience": user.experience,
        "goal": preferences.goal,
    }
    return _page(request, user, values)


@router.post(PAGE, dependencies=[CsrfChecked])
async def save_welcome(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Save the answers and go to Today."""
    values = await form_fields(request, *FIELDS)
    try:
        patch = ProfilePatch(
            units=values["units"],
            timezone=resolve_timezone(values["timezone"]),
            experience=values["experience"],
            preferences=PreferencesPatch(goal=values["goal"]),
        )
    except ValidationError as exc:
        errors = from_validation(exc, _MESSAGES)
        # The goal's errors come nested under "preferences".
        if "preferences" in errors.fields:
            errors.fields["goal"] = errors.fields.pop("preferences")
        return _page(request, user, values, errors, status_code=422)
    await service.update_profile(session=session, lifter=user, data=patch)
    return redirect(request, "/today")
