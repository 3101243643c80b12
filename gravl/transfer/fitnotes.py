"""FitNotes (Android) CSV exports: `Weight` + `Weight Unit` (`kgs`/`lbs`) or the older
`Weight (kgs)` column, distances with a `Distance Unit`, times as `H:MM:SS` (FORMATS.md).

FitNotes does not quote an exercise name or comment holding a comma, so such a row has more
fields than the header: it is read with the extra fields joined back into `Exercise` (else
`Comment`), whichever way makes the rest of the row parse (`parsing.Rejoin`).

FitNotes records the day but not the time of a workout: all sets of a day are one session,
performed at 12:00 in the caller's timezone. Noon keeps the day the lifter sees unchanged
wherever their zone is, and the sets keep their file order through `set_index`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from gravl.transfer.parsing import (
    DISTANCE_UNITS,
    WEIGHT_UNITS,
    CsvTable,
    ImportedSet,
    Rejoin,
    Row,
    SetIndexer,
    WeightUnit,
    count_parser,
    emit_sets,
    local_to_utc,
    metres,
    number_parser,
    unit_in_header,
    unit_parser,
    weight_in_kg,
)

SESSION_TIME = time(12, 0)
# FitNotes writes these unquoted even when they hold a comma (`Row, Seated Cable`); the
# exercise name is the likelier, so it takes a row's extra fields first.
_UNQUOTED_COLUMNS = ("Exercise", "Comment")
_DURATION = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})")


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2025-03-04") from None


def parse_duration(text: str) -> int | None:
    """Seconds from `H:MM:SS` (or `M:SS`); `0:00:00` means untimed."""
    match = _DURATION.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a time like 0:45:00")
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds or None


class _FitNotesReader:
    def __init__(self, table: CsvTable, unit: WeightUnit, zone: ZoneInfo) -> None:
        table.require_columns("Date", "Exercise", "Reps")
        header_unit = unit_in_header(table, "Weight", WEIGHT_UNITS)
        if header_unit is None:
            table.require_columns("Weight")
        self._weight_column, self._weight_unit = header_unit or ("Weight", unit)
        self._zone = zone
        self._indexer = SetIndexer()
        self._number = number_parser(decimal_comma=table.decimal_comma)
        self._count = count_parser(decimal_comma=table.decimal_comma)
        self._last_day: tuple[str, datetime] | None = None

    def _performed_at(self, row: Row) -> datetime | None:
        text = row.text("Date")
        if self._last_day is not None and self._last_day[0] == text:
            return self._last_day[1]
        day = row.required("Date", parse_day)
        if day is None:
            return None
        performed_at = local_to_utc(datetime.combine(day, SESSION_TIME), self._zone)
        self._last_day = (text, performed_at)
        return performed_at

    def _weight_kg(self, row: Row) -> float | None:
        unit = self._weight_unit
        if row.text("Weight Unit"):
            unit = row.value("Weight Unit", unit_parser(WEIGHT_UNITS)) or unit
        text = row.text(self._weight_column)
        return weight_in_kg(row.value(self._weight_column, self._number), text, unit)

    def _distance_m(self, row: Row) -> float | None:
        distance = row.value("Distance", self._number)
        if not distance:
            return None
        unit = row.value("Distance Unit", unit_parser(DISTANCE_UNITS))
        if unit is None:
            row.problem("Distance Unit", "a unit is required when a distance is given")
            return None
        return metres(distance, unit)

    def _cells(
        self, row: Row
    ) -> tuple[datetime | None, str, float | None, int | None, float | None, int | None]:
        performed_at = self._performed_at(row)
        exercise_name = row.text("Exercise")
        if not exercise_name:
            row.problem("Exercise", "a value is required")
        weight_kg = self._weight_kg(row)
        reps = row.value("Reps", self._count)
        distance_m = self._distance_m(row)
        duration_s = row.value("Time", parse_duration)
        return performed_at, exercise_name, weight_kg, reps, distance_m, duration_s

    def parses(self, row: Row) -> bool:
        """Whether a reading of a row parses, without taking it as a set (`Rejoin`'s test)."""
        self._cells(row)
        return row.ok

    def read_row(self, row: Row) -> ImportedSet | None:
        performed_at, exercise_name, weight_kg, reps, distance_m, duration_s = self._cells(row)
        if performed_at is None or not row.ok:
            return None
        session_key = performed_at.isoformat()
        return ImportedSet(
            line=row.line,
            session_key=session_key,
            workout_name=None,
            performed_at=performed_at,
            exercise_name=exercise_name,
            set_index=self._indexer.next_index(session_key, exercise_name),
            set_type="normal",
            reps=reps or None,
            weight_kg=weight_kg,
            rpe=None,
            duration_s=duration_s,
            distance_m=distance_m,
            notes=row.text("Comment") or None,
            wall_clock=row.text("Date"),  # FitNotes knows the day only
        )


def read_sets(table: CsvTable, *, unit: WeightUnit, zone: ZoneInfo) -> Iterator[ImportedSet]:
    """The sets of a FitNotes export whose header `table` has read."""
    reader = _FitNotesReader(table, unit, zone)
    return emit_sets(table, reader.read_row, Rejoin(_UNQUOTED_COLUMNS, reader.parses))
