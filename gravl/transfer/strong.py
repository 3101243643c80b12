"""Strong (iOS and Android) CSV exports, in four header layouts (FORMATS.md has the first three).

- iOS: `Weight` and `Distance` in the app's units, which the file does not name: weight in
  the caller's `unit`, distance in km for kg users and miles for lb users (Strong pairs them
  that way by default).
- Android: units in the headers, `Weight (kg)`, `Distance (meters)`, `Duration (sec)`.
- Legacy: `Weight Unit` and `Distance Unit` columns on every row (`kg`, `lbs`, `mi.`...).
- 2016–2018: the weight and distance columns headed by their unit alone, in any order:
  `Date,Workout Name,Exercise Name,Set Order,kg,Reps,km,Seconds,Notes,Workout Notes`.
  Some of these files have every line wrapped whole in quotes; `parsing.CsvTable` unwraps them.

A workout is all rows sharing `Date` + `Workout Name`; `Date` is the workout's start, so every
set of a workout is performed_at that instant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from gravl.history.sets import SetType
from gravl.transfer.parsing import (
    DISTANCE_UNITS,
    WEIGHT_UNITS,
    CsvTable,
    ImportedSet,
    Row,
    SetIndexer,
    WeightUnit,
    count_parser,
    emit_sets,
    local_to_utc,
    metres,
    number_parser,
    rpe_parser,
    seconds_parser,
    unit_as_header,
    unit_in_header,
    unit_parser,
    weight_in_kg,
)

_SET_TYPES: dict[str, SetType] = {"w": "warmup", "f": "failure", "d": "drop"}
# Rows Strong writes between sets that are not sets.
_NOT_SETS = frozenset({"rest timer", "note"})
_NOTE = "note"


@dataclass(frozen=True, slots=True)
class _Note:
    """A `Note` row: the lifter's note on an exercise of a workout, kept with its log."""

    performed_at: datetime
    session_key: str
    exercise_name: str
    text: str


# `2025-03-04 18:05:12`, or 12-hour `2025-03-04 6:05:12 pm` with U+202F or a space before pm.
_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:[\s\u202f]*([ap])\.?m\.?)?",
    re.IGNORECASE,
)
_DURATION = re.compile(r"(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?", re.IGNORECASE)


def parse_date(text: str) -> datetime:
    """A naive wall-clock datetime from Strong's `Date`."""
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a date like 2025-03-04 18:05:12")
    year, month, day, hour, minute = (int(match[i]) for i in range(1, 6))
    second = int(match[6] or 0)
    if meridiem := match[7]:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r} is not a date: the hour is not on a 12-hour clock")
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid date") from None


def parse_duration(text: str) -> int:
    """Seconds from `52m`, `1h 4m`, `45s` or a plain number of seconds."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return round(float(text))
    match = _DURATION.fullmatch(text.strip())
    if not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration like 52m or 1h 4m")
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


class _StrongReader:
    def __init__(self, table: CsvTable, unit: WeightUnit, zone: ZoneInfo) -> None:
        self._zone = zone
        self._indexer = SetIndexer()
        self._number = number_parser(decimal_comma=table.decimal_comma)
        self._count = count_parser(decimal_comma=table.decimal_comma)
        self._rpe = rpe_parser(decimal_comma=table.decimal_comma)
        self._seconds = seconds_parser(decimal_comma=table.decimal_comma)
        self._last_date: tuple[str, datetime, str] | None = None

        table.require_columns("Date", "Workout Name", "Exercise Name", "Set Order", "Reps")
        self._legacy = table.has("Weight Unit")
        weight = unit_in_header(table, "Weight", WEIGHT_UNITS) or unit_as_header(
            table, WEIGHT_UNITS
        )
        distance = unit_in_header(table, "Distance", DISTANCE_UNITS) or unit_as_header(
            table, DISTANCE_UNITS
        )
        if self._legacy:
            table.require_columns("Weight")
            self._weight_column, self._weight_unit = "Weight", unit
            self._distance_column, self._distance_unit = "Distance", "km"
        elif weight is not None:  # Android, 2016–2018
            self._weight_column, self._weight_unit = weight
            self._distance_column, self._distance_unit = distance or ("Distance", "m")
        else:  # iOS
            table.require_columns("Weight")
            self._weight_column, self._weight_unit = "Weight", unit
            self._distance_column = "Distance"
            self._distance_unit = "km" if unit == "kg" else "mi"
        self._duration_column = "Duration (sec)" if table.has("Duration (sec)") else "Duration"

    def _performed_at(self, row: Row) -> tuple[datetime, str] | None:
        """The workout's start as an instant, and as the file's wall-clock time."""
        # Every set of a workout repeats its Date; parse each distinct one once.
        text = row.text("Date")
        if self._last_date is not None and self._last_date[0] == text:
            return self._last_date[1], self._last_date[2]
        naive = row.required("Date", parse_date)
        if naive is None:
            return None
        performed_at = local_to_utc(naive, self._zone)
        self._last_date = (text, performed_at, naive.isoformat())
        return performed_at, naive.isoformat()

    def _set_type(self, row: Row) -> SetType | None:
        order = row.text("Set Order").lower()
        if order in _SET_TYPES:
            return _SET_TYPES[order]
        if re.fullmatch(r"\d+(?:\.0*)?", order):
            return "normal"
        row.problem("Set Order", f"{row.text('Set Order')!r} is not a set number, W, F or D")
        return None

    def _weight_kg(self, row: Row) -> float | None:
        unit = self._weight_unit
        if self._legacy and row.text("Weight Unit"):
            unit = row.value("Weight Unit", unit_parser(WEIGHT_UNITS)) or unit
        text = row.text(self._weight_column)
        return weight_in_kg(row.value(self._weight_column, self._number), text, unit)

    def _distance_m(self, row: Row) -> float | None:
        unit = self._distance_unit
        if self._legacy and row.text("Distance Unit"):
            unit = row.value("Distance Unit", unit_parser(DISTANCE_UNITS)) or unit
        return metres(row.value(self._distance_column, self._number), unit)

    def _note(self, row: Row) -> _Note | None:
        text, when = row.text("Notes"), self._performed_at(row)
        if not text or when is None or not row.ok:
            return None
        session_key = f"{when[0].isoformat()}|{row.text('Workout Name')}"
        return _Note(when[0], session_key, row.text("Exercise Name"), text)

    def read_row(self, row: Row) -> ImportedSet | _Note | None:
        order = row.text("Set Order").lower()
        if order == _NOTE:
            return self._note(row)
        if order in _NOT_SETS:
            return None
        set_type = self._set_type(row)
        when = self._performed_at(row)
        exercise_name = row.text("Exercise Name")
        if not exercise_name:
            row.problem("Exercise Name", "a value is required")
        workout_name = row.text("Workout Name") or None
        reps = row.value("Reps", self._count)
        weight_kg = self._weight_kg(row)
        rpe = row.value("RPE", self._rpe)
        duration_s = row.value("Seconds", self._seconds)
        distance_m = self._distance_m(row)
        session_duration_s = row.value(self._duration_column, parse_duration)
        if set_type is None or when is None or not row.ok:
            return None
        performed_at, wall_clock = when
        session_key = f"{performed_at.isoformat()}|{workout_name or ''}"
        return ImportedSet(
            line=row.line,
            session_key=session_key,
            workout_name=workout_name,
            performed_at=performed_at,
            exercise_name=exercise_name,
            set_index=self._indexer.next_index(session_key, exercise_name),
            set_type=set_type,
            reps=reps or None,
            weight_kg=weight_kg,
            rpe=rpe,
            duration_s=duration_s,
            distance_m=distance_m,
            notes=row.text("Notes") or None,
            session_duration_s=session_duration_s,
            session_notes=row.text("Workout Notes") or None,
            wall_clock=wall_clock,
        )


def _with_notes(records: Iterator[ImportedSet | _Note]) -> Iterator[ImportedSet]:
    """Each workout's sets (its rows are together in the file), the text of its `Note` rows
    added to the notes of the first set of their exercise, so the exercise's log keeps it."""
    workout: list[ImportedSet] = []
    notes: dict[str, list[str]] = {}

    def flush() -> Iterator[ImportedSet]:
        noted: set[str] = set()
        for item in workout:
            extra = notes.get(item.exercise_name)
            if extra and item.exercise_name not in noted:
                noted.add(item.exercise_name)
                texts = [t for t in [*(item.notes or "").split("\n"), *extra] if t]
                item = replace(item, notes="\n".join(dict.fromkeys(texts)))
            yield item
        workout.clear()
        notes.clear()

    key: str | None = None
    for record in records:
        if record.session_key != key:
            yield from flush()
            key = record.session_key
        if isinstance(record, _Note):
            notes.setdefault(record.exercise_name, []).append(record.text)
        else:
            workout.append(record)
    yield from flush()


def read_sets(table: CsvTable, *, unit: WeightUnit, zone: ZoneInfo) -> Iterator[ImportedSet]:
    """The sets of a Strong export whose header `table` has read."""
    return _with_notes(emit_sets(table, _StrongReader(table, unit, zone).read_row))
