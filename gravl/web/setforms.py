"""The set rows of a logging form: read them, check them, prefill them from last time.

A row is four inputs (type, weight in the lifter's units, reps, RPE), plus minutes for timed
exercises. Errors are keyed ``set-<n>-<field>`` so each sits next to its input.
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
from gravl.logs.schemas import MAX_SETS, ZERO_REPS, SetIn
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


def prefill(
    last: Sequence[LogSet] | None, units: str, *, target_sets: int, target_reps: int | None
) -> list[SetRow]:
    """Last time's sets, padded with its last working set (not a missed attempt) up to the
    target; else the target."""
    if last:
        rows = rows_from_sets(last, units)
        working = [r for r in rows if r.set_type != "warmup"] or rows
        done = [r for r in working if not _missed(r)] or working
        while len([r for r in rows if r.set_type != "warmup"]) < target_sets:
            rows.append(next_set_like(done[-1]))
        return rows
    reps = "" if target_reps is None else str(target_reps)
    return [SetRow(reps=reps) for _ in range(max(target_sets, 1))]
