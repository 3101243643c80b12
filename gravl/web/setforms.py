"""The set rows of the logging forms: read them, check them, plan them from last time.

The edit form (a logged exercise corrected from the history) posts every row, each four inputs
(type, weight in the lifter's units, reps, RPE) plus minutes for timed exercises. The live form
(``/log``) stores one set per ✓: its rows are named ``<field>-<n>``, ask only for what the
exercise's kind of set takes (gravl.logs.kinds), and show the plan as placeholders. Errors are
keyed ``set-<n>-<field>`` so each sits next to its input.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import get_args

from pydantic import ValidationError
from starlette.datastructures import FormData

from gravl.history.models import LogSet
from gravl.history.sets import SetType
from gravl.logs.kinds import SetKind
from gravl.logs.schemas import MAX_SETS, ZERO_REPS, SetIn
from gravl.logs.service import ListedSet
from gravl.web.forms import FormErrors
from gravl.web.templating import to_kg, weight_input

SET_TYPES: tuple[str, ...] = get_args(SetType)
SET_TYPE_LABELS = {
    "normal": "Working",
    "warmup": "Warm-up",
    "failure": "To failure",
    "drop": "Drop set",
}
# RPE 1-10 in half steps (logs.schemas.SetIn accepts multiples of 0.5).
RPE_CHOICES: tuple[str, ...] = tuple(f"{n / 2:g}" for n in range(2, 21))
_FIELDS = ("set_type", "weight", "reps", "rpe", "minutes")
# Our input names for the schema's fields, so a schema error lands on the right input.
_SCHEMA_FIELD = {"weight_kg": "weight", "duration_s": "minutes", "reps": "reps", "rpe": "rpe"}
# logs.schemas.ZERO_REPS in the form's words (its type menu says "To failure").
ZERO_REPS_MESSAGE = (
    f"Enter at least 1 rep. For a missed attempt, choose {SET_TYPE_LABELS['failure']} and enter 0."
)


@dataclass(frozen=True)
class SetRow:
    """One row as typed (strings), so a form with an error comes back exactly as sent."""

    set_type: str = "normal"
    weight: str = ""
    reps: str = ""
    rpe: str = ""
    minutes: str = ""

    def is_empty(self) -> bool:
        return not (self.weight or self.reps or self.minutes)


def rows_from_form(form: FormData) -> list[SetRow]:
    """The rows in the order they were posted (each field repeats once per row)."""
    columns = {name: [str(v).strip() for v in form.getlist(name)] for name in _FIELDS}
    count = min(max((len(c) for c in columns.values()), default=0), MAX_SETS)
    return [
        SetRow(**{name: values[i] if i < len(values) else "" for name, values in columns.items()})
        for i in range(count)
    ]


def typed_number(text: str) -> float:
    """A typed decimal; "inf", "nan" and numbers too large for a float are not numbers here."""
    number = float(text.replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {text!r}")
    return number


def parse_rows(rows: Sequence[SetRow], units: str) -> tuple[list[SetIn], FormErrors]:
    """The sets to store, in kilograms; empty rows are dropped, every problem is a message."""
    errors = FormErrors()
    sets: list[SetIn] = []
    for number, row in enumerate(rows, start=1):
        if row.is_empty():
            continue
        key = f"set-{number}-"
        values: dict[str, float | int | str | None] = {
            "set_type": row.set_type if row.set_type in SET_TYPES else "normal"
        }
        try:
            values["reps"] = int(row.reps) if row.reps else None
        except ValueError:
            errors.fields[key + "reps"] = "Enter whole reps, like 8."
        try:
            values["weight_kg"] = to_kg(typed_number(row.weight), units) if row.weight else None
        except ValueError:
            errors.fields[key + "weight"] = f"Enter a weight in {units}, like 60 or 62.5."
        try:
            values["duration_s"] = round(typed_number(row.minutes) * 60) if row.minutes else None
        except ValueError:
            errors.fields[key + "minutes"] = "Enter minutes, like 10."
        values["rpe"] = typed_number(row.rpe) if row.rpe in RPE_CHOICES else None
        if any(name.startswith(key) for name in errors.fields):
            continue
        try:
            sets.append(SetIn.model_validate(values))
        except ValidationError as exc:
            for item in exc.errors():
                field = _SCHEMA_FIELD.get(str(item["loc"][0]) if item["loc"] else "", "reps")
                message = str(item["msg"]).removeprefix("Value error, ")
                if "a set needs" in message:
                    message = "Enter the reps (or minutes) you did."
                elif message == ZERO_REPS:
                    message = ZERO_REPS_MESSAGE
                elif item["type"].startswith(("greater_than", "less_than")):
                    message = "That number is out of range."
                errors.fields.setdefault(key + field, message[:1].upper() + message[1:])
    if not sets and not errors:
        errors.form = "Enter at least one set: the reps, and the weight if there was one."
    return sets, errors


def rows_from_sets(sets: Sequence[LogSet], units: str) -> list[SetRow]:
    """A stored log as form rows, for editing it or for repeating it next time."""
    return [
        SetRow(
            set_type=s.set_type,
            weight=weight_input(s.weight_kg, units),
            reps="" if s.reps is None else str(s.reps),
            rpe="" if s.rpe is None else f"{s.rpe:g}",
            minutes="" if s.duration_s is None else f"{s.duration_s / 60:g}",
        )
        for s in sets
    ]


def _missed(row: SetRow) -> bool:
    """A row of 0 reps: a missed attempt (valid only as a failure set)."""
    return bool(row.reps) and not row.reps.strip("0")


def next_set_like(row: SetRow) -> SetRow:
    """A working set like ``row``, the usual next one; a missed attempt's 0 reps are not
    copied (0 is valid only in a failure set), so the lifter types what they did."""
    return replace(row, set_type="normal", reps="" if _missed(row) else row.reps)


# --- The live form: each set confirmed on its own (pages/logging.py) ------------------------

# A row's inputs, posted as ``<field>-<n>`` so a ✓ names its row's values alone.
LIVE_FIELDS = ("set_type", "weight", "reps", "seconds", "distance", "minutes", "rpe")
# The inputs each kind of set asks for, in the order shown (set type and RPE come after).
KIND_INPUTS: dict[SetKind, tuple[str, ...]] = {
    "weight_reps": ("weight", "reps"),
    "bodyweight": ("reps", "weight"),
    "time": ("seconds", "weight"),
    "distance_time": ("distance", "minutes"),
}
# A hold with no history and no target time: a plausible first plank.
FIRST_HOLD_S = 30
METRES_PER_MILE = 1609.344
_LIVE_SCHEMA_FIELD = {"weight_kg": "weight", "reps": "reps", "rpe": "rpe", "distance_m": "distance"}


@dataclass(frozen=True)
class LiveSet:
    """One set of the live form as typed (strings): a row's values or its placeholders."""

    set_type: str = "normal"
    weight: str = ""
    reps: str = ""
    seconds: str = ""
    distance: str = ""
    minutes: str = ""
    rpe: str = ""


def distance_unit(units: str) -> str:
    return "mi" if units == "lb" else "km"


def _clock(seconds: int) -> str:
    """45 → "45", 90 → "1:30": as a lifter reads a hold or a run's time."""
    if seconds < 60:
        return str(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def typed_seconds(text: str, *, unit_s: int) -> int:
    """A typed time: "45" in ``unit_s`` units (1 for seconds, 60 for minutes), or a clock
    reading "1:30" (minutes:seconds) or "1:05:00" (hours:minutes:seconds)."""
    parts = text.replace(".", ":").split(":") if ":" in text else None
    if parts is None:
        return round(typed_number(text) * unit_s)
    if len(parts) > 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a time: {text!r}")
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total


def live_from_set(s: LogSet | SetIn | ListedSet, units: str) -> LiveSet:
    """A stored set as the live form shows it."""
    distance = ""
    if s.distance_m is not None:
        per_unit = METRES_PER_MILE if units == "lb" else 1000
        distance = f"{s.distance_m / per_unit:.2f}".rstrip("0").rstrip(".")
    duration = s.duration_s
    return LiveSet(
        set_type=s.set_type,
        weight=weight_input(s.weight_kg, units) if s.weight_kg else "",
        reps="" if s.reps is None else str(s.reps),
        seconds="" if duration is None else _clock(duration),
        minutes="" if duration is None else _clock(duration),
        distance=distance,
        rpe="" if s.rpe is None else f"{s.rpe:g}",
    )


def live_like(row: LiveSet) -> LiveSet:
    """The usual next set after ``row``: a working set, a missed attempt's 0 not copied."""
    return replace(row, set_type="normal", rpe="", reps="" if row.reps == "0" else row.reps)


def live_plan(
    last: Sequence[LogSet | ListedSet] | None,
    kind: SetKind,
    units: str,
    *,
    target_sets: int,
    target_reps: int | None,
) -> list[LiveSet]:
    """The placeholders: last time's sets (warm-ups included), padded with its last working set
    up to the target; else the target. Last time's RPE is not carried over."""
    if last:
        rows = [replace(live_from_set(s, units), rpe="") for s in last]
        working = [r for r in rows if r.set_type != "warmup"] or rows
        done = [r for r in working if r.reps != "0"] or working
        while len([r for r in rows if r.set_type != "warmup"]) < target_sets:
            rows.append(live_like(done[-1]))
        return rows
    first = LiveSet()
    if kind == "time":
        first = LiveSet(seconds=str(FIRST_HOLD_S))
    elif kind != "distance_time" and target_reps is not None:
        first = LiveSet(reps=str(target_reps))
    return [first for _ in range(max(target_sets, 1))]


def placeholder(plan: Sequence[LiveSet], number: int) -> LiveSet:
    """Row ``number``'s placeholders: the plan's, or a set like its last beyond it."""
    if number <= len(plan):
        return plan[number - 1]
    return live_like(plan[-1]) if plan else LiveSet()


def posted_set(form: FormData, number: int) -> LiveSet:
    """Row ``number``'s inputs as posted."""
    values = {name: str(form.get(f"{name}-{number}") or "").strip()[:50] for name in LIVE_FIELDS}
    return LiveSet(**values)


def as_planned(typed: LiveSet, planned: LiveSet, kind: SetKind) -> LiveSet:
    """The set a ✓ stores: every input of the kind left empty takes its placeholder."""
    filled = {name: getattr(typed, name) or getattr(planned, name) for name in KIND_INPUTS[kind]}
    return replace(typed, **filled)


def parse_live(
    row: LiveSet, kind: SetKind, units: str, number: int
) -> tuple[SetIn | None, FormErrors]:
    """The set to store from a confirmed row (kilograms, seconds, metres), or its errors."""
    errors = FormErrors()
    key = f"set-{number}-"
    inputs = KIND_INPUTS[kind]
    values: dict[str, float | int | str | None] = {
        "set_type": row.set_type if row.set_type in SET_TYPES else "normal"
    }
    if "reps" in inputs:
        try:
            values["reps"] = int(row.reps) if row.reps else None
        except ValueError:
            errors.fields[key + "reps"] = "Enter whole reps, like 8."
    try:
        values["weight_kg"] = to_kg(typed_number(row.weight), units) if row.weight else None
    except ValueError:
        errors.fields[key + "weight"] = f"Enter a weight in {units}, like 60 or 62.5."
    for field, unit_s, example in (("seconds", 1, "45 or 1:30"), ("minutes", 60, "25 or 25:30")):
        if field not in inputs:
            continue
        try:
            text = getattr(row, field)
            values["duration_s"] = typed_seconds(text, unit_s=unit_s) if text else None
        except ValueError:
            errors.fields[key + field] = f"Enter the {field}, like {example}."
    if "distance" in inputs:
        try:
            per_unit = METRES_PER_MILE if units == "lb" else 1000
            values["distance_m"] = (
                round(typed_number(row.distance) * per_unit, 1) if row.distance else None
            )
        except ValueError:
            errors.fields[key + "distance"] = f"Enter a distance in {distance_unit(units)}, like 5."
    values["rpe"] = typed_number(row.rpe) if row.rpe in RPE_CHOICES else None
    if errors:
        return None, errors
    time_field = "seconds" if kind == "time" else "minutes"
    try:
        return SetIn.model_validate(values), errors
    except ValidationError as exc:
        for item in exc.errors():
            loc = str(item["loc"][0]) if item["loc"] else ""
            main = {"time": "seconds", "distance_time": "minutes"}.get(kind, "reps")
            field = time_field if loc == "duration_s" else _LIVE_SCHEMA_FIELD.get(loc, main)
            message = str(item["msg"]).removeprefix("Value error, ")
            if "a set needs" in message:
                message = {
                    "weight_reps": "Enter the reps you did.",
                    "bodyweight": "Enter the reps you did.",
                    "time": "Enter the seconds you held.",
                    "distance_time": "Enter the time or the distance.",
                }[kind]
            elif message == ZERO_REPS:
                message = ZERO_REPS_MESSAGE
            elif item["type"].startswith(("greater_than", "less_than")):
                message = "That number is out of range."
            errors.fields.setdefault(key + field, message[:1].upper() + message[1:])
        return None, errors


def live_text(s: LiveSet, kind: SetKind, units: str) -> str:
    """A done set in a few words: "60 kg × 8", "8 reps + 10 kg", "45 s", "5 km in 25:00"."""
    if kind == "distance_time":
        parts = [f"{s.distance} {distance_unit(units)}" if s.distance else "", s.minutes]
        return " in ".join(p for p in parts if p) or "–"
    if kind == "time":
        held = f"{s.seconds} s" if s.seconds and ":" not in s.seconds else s.seconds
        return held + (f" + {s.weight} {units}" if s.weight else "")
    reps = f"{s.reps} rep{'' if s.reps == '1' else 's'}"
    if kind == "bodyweight":
        return reps + (f" + {s.weight} {units}" if s.weight else "")
    return f"{s.weight} {units} × {s.reps}" if s.weight else reps
