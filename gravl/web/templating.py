"""The Jinja2 environment and the filters pages share (units and local times)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from starlette.templating import Jinja2Templates

TEMPLATE_DIR = Path(__file__).parent / "templates"

# NIST SP 811: 1 lb = 0.45359237 kg exactly.
KG_PER_LB = 0.45359237


def weight(kilograms: float | None, units: str = "kg") -> str:
    """A stored weight (kg) shown in the lifter's units, e.g. ``"102.5 lb"``."""
    if kilograms is None:
        return "–"
    value = kilograms / KG_PER_LB if units == "lb" else kilograms
    return f"{value:.1f}".removesuffix(".0") + f" {units}"


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


templates = Jinja2Templates(directory=TEMPLATE_DIR)
templates.env.filters.update(weight=weight, local_time=local_time, machine_time=machine_time)
