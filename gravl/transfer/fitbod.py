"""Fitbod CSV exports: a row per set, or per `Sets` identical sets where there is that column.

`Date,Exercise,Reps,Weight(kg),Duration(s),Distance(m),Incline,Resistance,isWarmup,Note,multiplier`

- `Date` is the set's own time, `2021-03-28 17:31:41 +0000`; without an offset it is wall-clock
  time in the import's timezone.
- Weights are in the unit the header names: kg, even for lifters who log pounds. A negative
  weight is an assisted set (an assisted pull-up): a bodyweight set whose notes keep the
  assistance (`assisted: 20 kg`).
- `isWarmup` `true` is a warm-up set. `Incline` and `Resistance` (cardio machine settings) and
  `multiplier` (whose meaning no source documents) are not read.

Fitbod names no workouts. A session is a run of consecutive rows (in file order, oldest or
newest first alike) on one local day, the date in the import's timezone (Fitbod writes UTC
times, whose date is not the lifter's), with at most SESSION_GAP between a row and the next.
Its sets are numbered in time order and each keeps its own time, so an exercise's log is at
its first set. Its key is its first set's instant, so reading the file again gives the same
sessions. Only one session's rows are held at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from operator import attrgetter
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
    seconds_parser,
    unit_in_header,
    weight_in_kg,
)

# Longer than any rest between sets, shorter than the break between a morning's and an
# evening's workout.
SESSION_GAP = timedelta(hours=3)
# Beyond any real row (ten sets of ten is about the most anyone programs); it bounds the sets
# one short row can stand for.
MAX_SETS_PER_ROW = 20

_TIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?:\s*(?:(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})|(?P<utc>Z|UTC)))?",
    re.IGNORECASE,
)
_WARM_UP = {"true": True, "false": False}


def parse_time(text: str) -> tuple[datetime, timezone | None]:
    """The wall-clock time of Fitbod's `Date` and the UTC offset it names, if any."""
    match = _TIME.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a time like 2021-03-28 17:31:41 +0000")
    try:
        year, month, day, hour, minute, second = (int(match[i] or 0) for i in range(1, 7))
        wall_clock = datetime(year, month, day, hour, minute, second)
        if match["utc"]:
            return wall_clock, UTC
        if match["sign"]:
            offset = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"]))
            return wall_clock, timezone(-offset if match["sign"] == "-" else offset)
    except ValueError:
        raise ValueError(f"{text!r} is not a valid time") from None
    return wall_clock, None


def _parse_warm_up(text: str) -> bool:
    try:
        return _WARM_UP[text.lower()]
    except KeyError:
        raise ValueError(f"{text!r} is not true or false") from None


@dataclass(frozen=True, slots=True)
class _FitbodRow:
    """A row read, before its session (and so its set numbers) is known."""

    line: int
    performed_at: datetime
    wall_clock: str  # as written (identity.py)
    day: date
    exercise_name: str
    set_type: SetType
    sets: int
    reps: int | None
    weight_kg: float | None
    duration_s: int | None
    distance_m: float | None
    notes: str | None


class _FitbodReader:
    def __init__(self, table: CsvTable, zone: ZoneInfo) -> None:
        table.require_columns("Date", "Exercise", "Reps")
        weight = unit_in_header(table, "Weight", WEIGHT_UNITS)
        if weight is None:
            table.require_columns("Weight(kg)")
        self._weight_column, self._weight_unit = weight or ("Weight(kg)", "kg")
        distance = unit_in_header(table, "Distance", DISTANCE_UNITS)
        self._distance_column, self._distance_unit = distance or ("Distance(m)", "m")
        self._zone = zone
        self._number = number_parser(decimal_comma=table.decimal_comma)
        self._count = count_parser(decimal_comma=table.decimal_comma)
        self._seconds = seconds_parser(decimal_comma=table.decimal_comma)

    def _sets(self, text: str) -> int:
        sets = self._count(text)
        if sets > MAX_SETS_PER_ROW:
            raise ValueError(f"{text!r} is more sets than one row stands for ({MAX_SETS_PER_ROW})")
        return sets

    def _weight(self, row: Row) -> tuple[float | None, str | None]:
        """The weight in kg, or for an assisted set (a negative weight) None and a note."""
        text = row.text(self._weight_column)
        magnitude = text.removeprefix("-")
        value = row.value(self._weight_column, lambda text: self._number(text.removeprefix("-")))
        weight_kg = weight_in_kg(value, magnitude, self._weight_unit)
        if magnitude == text or weight_kg is None:
            return weight_kg, None
        return None, f"assisted: {round(weight_kg, 2):g} kg"

    def read_row(self, row: Row) -> _FitbodRow | None:
        time = row.required("Date", parse_time)
        exercise_name = row.text("Exercise")
        if not exercise_name:
            row.problem("Exercise", "a value is required")
        sets = row.value("Sets", self._sets)
        reps = row.value("Reps", self._count)
        weight_kg, assistance = self._weight(row)
        duration_s = row.value("Duration(s)", self._seconds)
        distance_m = metres(row.value(self._distance_column, self._number), self._distance_unit)
        warm_up = row.value("isWarmup", _parse_warm_up)
        if time is None or not row.ok or sets == 0:
            return None
        wall_clock, offset = time
        if offset is None:
            performed_at = local_to_utc(wall_clock, self._zone)
        else:
            performed_at = wall_clock.replace(tzinfo=offset).astimezone(UTC)
        notes = "; ".join(note for note in (assistance, row.text("Note")) if note)
        return _FitbodRow(
            line=row.line,
            performed_at=performed_at,
            wall_clock=wall_clock.replace(tzinfo=offset).isoformat(),
            day=performed_at.astimezone(self._zone).date(),
            exercise_name=exercise_name,
            set_type="warmup" if warm_up else "normal",
            sets=1 if sets is None else sets,
            reps=reps or None,
            weight_kg=weight_kg,
            duration_s=duration_s,
            distance_m=distance_m,
            notes=notes or None,
        )


def _starts_session(previous: _FitbodRow, row: _FitbodRow) -> bool:
    return row.day != previous.day or abs(row.performed_at - previous.performed_at) > SESSION_GAP


def _session_sets(rows: list[_FitbodRow]) -> Iterator[ImportedSet]:
    rows.sort(key=attrgetter("performed_at"))  # stable: sets of one time keep the file's order
    session_key = rows[0].performed_at.isoformat()
    indexer = SetIndexer()
    for row in rows:
        for _ in range(row.sets):
            yield ImportedSet(
                line=row.line,
                session_key=session_key,
                workout_name=None,
                performed_at=row.performed_at,
                exercise_name=row.exercise_name,
                set_index=indexer.next_index(session_key, row.exercise_name),
                set_type=row.set_type,
                reps=row.reps,
                weight_kg=row.weight_kg,
                rpe=None,
                duration_s=row.duration_s,
                distance_m=row.distance_m,
                notes=row.notes,
                wall_clock=row.wall_clock,
            )


def _sessions(rows: Iterator[_FitbodRow]) -> Iterator[ImportedSet]:
    session: list[_FitbodRow] = []
    for row in rows:
        if session and _starts_session(session[-1], row):
            yield from _session_sets(session)
            session = []
        session.append(row)
    if session:
        yield from _session_sets(session)


def read_sets(table: CsvTable, *, unit: WeightUnit, zone: ZoneInfo) -> Iterator[ImportedSet]:
    """The sets of a Fitbod export whose header `table` has read (its header names the unit)."""
    return _sessions(emit_sets(table, _FitbodReader(table, zone).read_row))
