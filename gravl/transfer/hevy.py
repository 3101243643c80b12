"""Hevy CSV exports, metric (`weight_kg`, `distance_km`) or imperial (`weight_lbs`,
`distance_miles`) (FORMATS.md). A workout is all rows sharing `title` + `start_time`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from gravl.history.sets import SetType
from gravl.transfer.parsing import (
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
    weight_in_kg,
)

_SET_TYPES: dict[str, SetType] = {
    "normal": "normal",
    "warmup": "warmup",
    "failure": "failure",
    "dropset": "drop",
}
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# `15 Sep 2025, 07:48`; month names are matched here rather than with strptime's %b, which
# follows the server's locale. Some English locales write `Sept`.
_DATE = re.compile(r"(\d{1,2}) ([A-Za-z]{3,9})\.? (\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?")


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """A UTC instant from Hevy's `15 Sep 2025, 07:48` (or ISO 8601), local times in `zone`."""
    parsed = parse_wall_clock(text)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    return local_to_utc(parsed, zone)


def parse_wall_clock(text: str) -> datetime:
    """The time as written: naive, or aware when the text carries an offset (ISO 8601)."""
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            parsed = datetime.fromisoformat(text)
        else:
            word = match[2].lower()
            month = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(word))
            day, year, hour, minute = int(match[1]), int(match[3]), int(match[4]), int(match[5])
            parsed = datetime(year, month, day, hour, minute, int(match[6] or 0))
    except (ValueError, StopIteration):
        raise ValueError(f"{text!r} is not a time like 15 Sep 2025, 07:48") from None
    return parsed


def _parse_set_type(text: str) -> SetType:
    try:
        return _SET_TYPES[text.lower()]
    except KeyError:
        raise ValueError(f"{text!r} is not normal, warmup, failure or dropset") from None


class _HevyReader:
    def __init__(self, table: CsvTable, zone: ZoneInfo) -> None:
        table.require_columns("title", "start_time", "exercise_title", "set_type", "reps")
        imperial = table.has("weight_lbs")
        if not imperial:
            table.require_columns("weight_kg")
        self._weight_column = "weight_lbs" if imperial else "weight_kg"
        self._weight_unit: WeightUnit = "lb" if imperial else "kg"
        miles = table.has("distance_miles")
        self._distance_column = "distance_miles" if miles else "distance_km"
        self._distance_unit = "mi" if miles else "km"
        self._zone = zone
        self._indexer = SetIndexer()
        self._number = number_parser(decimal_comma=table.decimal_comma)
        self._count = count_parser(decimal_comma=table.decimal_comma)
        self._rpe = rpe_parser(decimal_comma=table.decimal_comma)
        self._seconds = seconds_parser(decimal_comma=table.decimal_comma)

    def _time(self, text: str) -> datetime:
        return parse_time(text, self._zone)

    def read_row(self, row: Row) -> ImportedSet | None:
        started_at = row.required("start_time", self._time)
        ended_at = row.value("end_time", self._time)
        title = row.text("title")
        exercise_name = row.text("exercise_title")
        if not exercise_name:
            row.problem("exercise_title", "a value is required")
        # Hevy numbers sets itself; only a malformed number matters, the order is the file's.
        row.value("set_index", self._count)
        set_type = row.value("set_type", _parse_set_type) or "normal"
        weight_text = row.text(self._weight_column)
        weight_kg = weight_in_kg(
            row.value(self._weight_column, self._number), weight_text, self._weight_unit
        )
        reps = row.value("reps", self._count)
        distance_m = metres(row.value(self._distance_column, self._number), self._distance_unit)
        duration_s = row.value("duration_seconds", self._seconds)
        rpe = row.value("rpe", self._rpe)
        if started_at is None or not row.ok:
            return None
        session_duration_s = None
        if ended_at is not None and ended_at >= started_at:
            session_duration_s = round((ended_at - started_at).total_seconds())
        session_key = f"{started_at.isoformat()}|{title}"
        return ImportedSet(
            line=row.line,
            session_key=session_key,
            workout_name=title or None,
            performed_at=started_at,
            exercise_name=exercise_name,
            set_index=self._indexer.next_index(session_key, exercise_name),
            set_type=set_type,
            reps=reps or None,
            weight_kg=weight_kg,
            rpe=rpe,
            duration_s=duration_s,
            distance_m=distance_m,
            notes=row.text("exercise_notes") or None,
            session_duration_s=session_duration_s,
            session_notes=row.text("description") or None,
            wall_clock=parse_wall_clock(row.text("start_time")).isoformat(),
            superset=row.text("superset_id") or None,
        )


def read_sets(table: CsvTable, *, unit: WeightUnit, zone: ZoneInfo) -> Iterator[ImportedSet]:
    """The sets of a Hevy export whose header `table` has read (its columns name the unit)."""
    return emit_sets(table, _HevyReader(table, zone).read_row)
