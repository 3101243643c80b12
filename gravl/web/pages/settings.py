"""The lifter's settings: units, timezone, experience level and display name."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from gravl.auth import service
from gravl.auth.lifter import Lifter
from gravl.auth.schemas import ProfilePatch
from gravl.corridor import SessionDep
from gravl.web.forms import FormErrors, form_fields, from_validation
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TIMEZONE_HINT = {
    "timezone": "Pick a timezone from the list, such as Europe/London or America/New_York."
}
UNIT_CHOICES = (("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)"))
EXPERIENCE_CHOICES = (
    ("beginner", "Beginner — under a year of steady training"),
    ("intermediate", "Intermediate"),
    ("advanced", "Advanced — years of hard, consistent training"),
)


@cache
def timezone_choices() -> tuple[tuple[str, str], ...]:
    # Legacy aliases ("US/Eastern", "Etc/GMT+5") only clutter the list; every city is there.
    names = sorted(
        tz for tz in available_timezones() if "/" in tz and not tz.startswith(("Etc/", "US/"))
    )
    return (("UTC", "UTC"), *((tz, tz.replace("_", " ")) for tz in names))


@cache
def _timezones_by_key() -> dict[str, str]:
    names = {tz for tz in available_timezones() if not tz.startswith(("posix/", "right/"))}
    return {_key(tz): tz for tz in sorted(names)}


def _key(text: str) -> str:
    return text.strip().replace(" ", "_").casefold()


def resolve_timezone(text: str) -> str:
    """The IANA name typed into the searchable field ("new york" does not name one, "america/
    new york" does), else the text as it was, for the validator to refuse."""
    return _timezones_by_key().get(_key(text), text.strip())


def _page(
    request: Request,
    user: Lifter,
    values: dict[str, str],
    errors: FormErrors | None,
    *,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "pages/settings.html",
        {
            "user": user,
            "active": "/settings",
            "title": "Settings",
            "values": values,
            "errors": errors,
            "saved": saved,
            "unit_choices": UNIT_CHOICES,
            "experience_choices": EXPERIENCE_CHOICES,
            "timezone_choices": timezone_choices(),
        },
        status_code=status_code,
    )


@router.get("/settings")
async def settings_page(request: Request, user: WebLifter, saved: bool = False) -> Response:
    """Show the profile form."""
    values = {
        "display_name": user.display_name or "",
        "units": user.units,
        "timezone": user.timezone,
        "experience": user.experience,
    }
    return _page(request, user, values, None, saved=saved)


@router.post("/settings", dependencies=[CsrfChecked])
async def save_settings(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Save the profile; the units apply to every page from now on."""
    values = await form_fields(request, "display_name", "units", "timezone", "experience")
    try:
        patch = ProfilePatch(
            display_name=values["display_name"] or None,
            units=values["units"],
            timezone=resolve_timezone(values["timezone"]),
            experience=values["experience"],
        )
    except ValidationError as exc:
        return _page(request, user, values, from_validation(exc, TIMEZONE_HINT), status_code=422)
    await service.update_profile(session=session, lifter=user, data=patch)
    return redirect(request, "/settings?saved=1")
