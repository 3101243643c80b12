"""Which weight unit an import was read in, and what in its result a lifter should check.

A file that names its unit (Hevy's ``weight_lbs``, FitNotes' ``Weight Unit``, Strong Android's
``Weight (kg)``, the 2016 Strong layouts' ``lbs`` column) is read in it. Strong's iOS export
names none: it is read in the unit the importer gives, else in the lifter's profile unit, and
the report says so with the heaviest set, so a 2.2× mistake shows before it is trusted.
Pure functions over the parsed sets; the service decides and the report carries the words.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from gravl.transfer.matching import normalise
from gravl.transfer.parsing import APP_NAMES, KG_PER_LB, CsvFormat, ImportedSet, WeightUnit
from gravl.transfer.schemas import UnitSource

# A header cell that names the weight unit: `Weight (kg)`, `Weight(kg)`, `weight_lbs`,
# `Weight Unit`, or a column headed by the unit alone (`kg`, `lbs`: Strong 2016–2018).
_UNIT_HEADER = re.compile(
    r"weight\s*\(\s*(kgs?|lbs?)\s*\)|weight_(kgs?|lbs?)|weight unit|kgs?|lbs?\.?", re.IGNORECASE
)

# World records (raw or equipped, rounded up), the heaviest a lift has ever been done with;
# a top set beyond one is a unit mistake, not a feat. Matched on the name's words, most
# specific first. Sleds and machines (leg press, hack squat) have no such ceiling.
_RECORDS_KG: tuple[tuple[frozenset[str], float], ...] = (
    (frozenset({"leg", "press"}), 0.0),
    (frozenset({"machine"}), 0.0),
    (frozenset({"sled"}), 0.0),
    (frozenset({"hack"}), 0.0),
    (frozenset({"deadlift"}), 510.0),
    (frozenset({"squat"}), 510.0),
    (frozenset({"bench", "press"}), 360.0),
    (frozenset({"overhead", "press"}), 230.0),
    (frozenset({"shoulder", "press"}), 230.0),
    (frozenset({"military", "press"}), 230.0),
    (frozenset({"dumbbell"}), 120.0),  # per dumbbell: the heaviest made are about this
    (frozenset({"curl"}), 150.0),
    (frozenset({"row"}), 360.0),
)
# Any other free-weight set: heavier than the heaviest deadlift ever is not believable.
_ANY_LIFT_KG = 510.0
MAX_RECORD_WARNINGS = 5


def names_weight_unit(header_line: str | None) -> bool:
    """Whether a CSV header line names the unit of its weights."""
    if not header_line:
        return False
    text = header_line.strip().lstrip("\ufeff")
    if len(text) > 1 and text[0] == text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1]  # a file whose every line is wrapped in quotes
    delimiter = ";" if text.count(";") > text.count(",") else ","
    try:
        cells = next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return False
    return any(_UNIT_HEADER.fullmatch(cell.strip()) for cell in cells)


def resolve_unit(*, given: WeightUnit | None, profile: str) -> tuple[WeightUnit, UnitSource]:
    """The unit for weights a file does not label: the one given, else the profile's."""
    if given is not None:
        return given, "request"
    return ("lb" if profile == "lb" else "kg"), "profile"


@dataclass(frozen=True)
class TopSet:
    exercise: str
    weight_kg: float
    reps: int | None


def in_unit(weight_kg: float, unit: WeightUnit) -> str:
    value = weight_kg / KG_PER_LB if unit == "lb" else weight_kg
    return f"{round(value, 1):g} {unit}"


def heaviest(sets: Iterable[ImportedSet]) -> TopSet | None:
    top: TopSet | None = None
    for item in sets:
        if item.weight_kg is not None and (top is None or item.weight_kg > top.weight_kg):
            top = TopSet(item.exercise_name, item.weight_kg, item.reps)
    return top


def _record_kg(exercise: str) -> float:
    words = set(normalise(exercise))
    for needed, record in _RECORDS_KG:
        if needed <= words:
            return record
    return _ANY_LIFT_KG


def beyond_records(sets: Iterable[ImportedSet]) -> list[TopSet]:
    """The heaviest set of each exercise whose weight no one has ever lifted in it."""
    worst: dict[str, TopSet] = {}
    for item in sets:
        if item.weight_kg is None or item.set_type == "warmup":
            continue
        record = _record_kg(item.exercise_name)
        if record and item.weight_kg > record:
            known = worst.get(item.exercise_name)
            if known is None or item.weight_kg > known.weight_kg:
                worst[item.exercise_name] = TopSet(item.exercise_name, item.weight_kg, item.reps)
    return sorted(worst.values(), key=lambda top: -top.weight_kg)


def _set_text(top: TopSet, unit: WeightUnit) -> str:
    reps = f" × {top.reps}" if top.reps else ""
    return f"{top.exercise} {in_unit(top.weight_kg, unit)}{reps}"


def warnings(
    sets: list[ImportedSet], *, format: CsvFormat, unit: WeightUnit, source: UnitSource
) -> list[str]:
    """What the lifter should check: the assumed unit of a unitless file, impossible weights."""
    found: list[str] = []
    other: WeightUnit = "lb" if unit == "kg" else "kg"
    if source != "file":
        why = "your profile's unit" if source == "profile" else "the unit you chose"
        line = (
            f"This {APP_NAMES[format]} file does not say which unit its weights are in; they "
            f"were read as {unit} ({why})."
        )
        top = heaviest(sets)
        if top is not None:
            line += (
                f" Heaviest set: {_set_text(top, unit)}. If your app was set to {other}, "
                f"undo this import and import the file again with unit {other}."
            )
        found.append(line)
    shown = unit if source != "file" else "kg"
    guess = other if source != "file" else "another unit"
    impossible = beyond_records(sets)
    for top in impossible[:MAX_RECORD_WARNINGS]:
        found.append(
            f"{_set_text(top, shown)} is heavier than anyone has ever lifted in it; "
            f"check the unit (were these weights in {guess}?)."
        )
    if len(impossible) > MAX_RECORD_WARNINGS:
        found.append(f"… and {len(impossible) - MAX_RECORD_WARNINGS} more exercises like it.")
    return found
