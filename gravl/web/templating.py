"""The Jinja2 environment and the filters pages share (units and local times)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from gravl.web.assets import ASSETS

TEMPLATE_DIR = Path(__file__).parent / "templates"

# NIST SP 811: 1 lb = 0.45359237 kg exactly.
KG_PER_LB = 0.45359237


def weight(kilograms: float | None, units: str = "kg") -> str:
    """A stored weight (kg) shown in the lifter's units, e.g. ``"102.5 lb"``."""
    if kilograms is None:
        return "–"
    value = kilograms / KG_PER_LB if units == "lb" else kilograms
    return f"{value:.1f}".removesuffix(".0") + f" {units}"


def weight_input(kilograms: float | None, units: str = "kg") -> str:
    """A stored weight as an input's value in the lifter's units, without the unit."""
    if kilograms is None:
        return ""
    value = kilograms / KG_PER_LB if units == "lb" else kilograms
    return f"{value:.2f}".rstrip("0").rstrip(".")


def to_kg(value: float, units: str) -> float:
    """A weight typed in the lifter's units, stored in kilograms (DESIGN.md)."""
    return round(value * KG_PER_LB, 4) if units == "lb" else value


def local_date(moment: datetime, timezone: str = "UTC") -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%a %d %b")


def local_time(moment: datetime | str | None, timezone: str = "UTC") -> str:
    """An instant in the lifter's timezone, short enough for a phone: ``"Thu 27 Nov, 14:05"``."""
    if moment is None:
        return "–"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%a %d %b, %H:%M")


def machine_time(moment: datetime | str | None) -> str:
    """ISO 8601 for ``<time datetime=...>``."""
    if moment is None:
        return ""
    return moment if isinstance(moment, str) else moment.isoformat()


# The lifter's choice of theme (the theme toggle, js/theme.js, keeps it in this cookie); without
# it, or with anything else in it, the page follows the system's light or dark preference.
THEME_COOKIE = "gravl_theme"
THEMES = ("light", "dark")


def theme(request: Request) -> str:
    """``"light"`` or ``"dark"`` when the lifter chose one, ``""`` to follow the system."""
    chosen = request.cookies.get(THEME_COOKIE, "")
    return chosen if chosen in THEMES else ""


templates = Jinja2Templates(directory=TEMPLATE_DIR)
templates.env.filters.update(
    weight=weight,
    weight_input=weight_input,
    local_time=local_time,
    local_date=local_date,
    machine_time=machine_time,
)
templates.env.globals.update(static_url=ASSETS.url, theme=theme)
