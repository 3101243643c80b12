"""What every export parser shares: records, errors, decoding, the CSV dialect, value parsing.

The parsers are pure and streaming: `gravl.transfer.readers.parse` reads one physical line at
a time from a binary stream and yields `ImportedSet` records, so memory stays flat however long
the history is. An import is all or nothing, yet errors are only known once the rows are read:
`parse` may raise `ImportFormatError` *after* yielding records, and the caller must discard
what it got.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gravl.history.sets import SetType
from gravl.transfer.matching import normalise
from gravl.validation import OUT_OF_RANGE, in_range

# The apps whose CSV exports we read; clients rely on these names, so formats are only added.
CsvFormat = Literal["strong", "hevy", "fitnotes", "fitbod"]
APP_NAMES: dict[CsvFormat, str] = {
    "strong": "Strong",
    "hevy": "Hevy",
    "fitnotes": "FitNotes",
    "fitbod": "Fitbod",
}
# Said whenever a file is none of them.
READABLE = (
    f"Gravl reads the CSV exports of {', '.join(list(APP_NAMES.values())[:-1])} and "
    f"{list(APP_NAMES.values())[-1]}, and its own JSON export (format gravl)"
)
WeightUnit = Literal["kg", "lb"]

# Exact by definition (International Yard and Pound Agreement, 1959).
KG_PER_LB = 0.45359237
METRES_PER_UNIT = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "ft": 0.3048, "yd": 0.9144}

# Enough for a user to see the pattern of what is wrong, few enough to read.
MAX_PROBLEMS = 20
# No real export row comes near this; it bounds the memory a hostile upload can claim.
MAX_LINE_BYTES = 1 << 20
# Far beyond any real weight, distance or duration in any unit; keeps every conversion finite
# and every count within PostgreSQL INTEGER.
MAX_NUMBER = 1e9

_T = TypeVar("_T")
_U = TypeVar("_U", bound=str)


@dataclass(frozen=True, slots=True)
class ImportedSet:
    """One set read from an export; weights in kg, distances in metres, durations in seconds.

    The apps write 0 in the columns a set does not use, so 0 reps, weight, distance or
    duration read as None (0 weight is bodyweight, not an empty bar). What a row without
    reps is stored as (a missed attempt, or nothing) is `service.as_stored`'s to say.
    """

    line: int
    session_key: str
    workout_name: str | None
    performed_at: datetime
    exercise_name: str
    # 0-based position among the sets of this exercise in this session, in file order.
    set_index: int
    set_type: SetType
    reps: int | None
    weight_kg: float | None
    rpe: float | None
    duration_s: int | None
    distance_m: float | None
    notes: str | None
    session_duration_s: int | None = None
    session_notes: str | None = None
    # The set's time as the file wrote it, before any timezone was applied (ISO 8601, with
    # an offset only when the file wrote one): what identity.py knows a set by.
    # (Not compared: two reads of one set are equal whatever their text said.)
    wall_clock: str | None = field(default=None, compare=False)
    # The app's superset mark of the row's exercise in its workout (Hevy's `superset_id`):
    # exercises of one workout sharing it are done as a superset. Not part of the set.
    superset: str | None = field(default=None, compare=False)

    def wall_clock_text(self) -> str:
        return self.wall_clock or self.performed_at.astimezone(UTC).isoformat()

    def fingerprint(self) -> str:
        """The identity imports stored before 0014 (identity.py): exercise name and instant."""
        tokens = normalise(self.exercise_name)
        exercise = " ".join(sorted(tokens)) if tokens else self.exercise_name.casefold()
        weight = "" if self.weight_kg is None else f"{self.weight_kg:.2f}"
        parts = (
            exercise,
            self.performed_at.astimezone(UTC).isoformat(),
            str(self.set_index),
            "" if self.reps is None else str(self.reps),
            weight,
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int
    column: str | None
    message: str


class ImportFormatError(Exception):
    """The file cannot be imported whole; `problems` lists what is wrong (line 1 = header)."""

    def __init__(
        self,
        message: str,
        line: int,
        column: str | None = None,
        *,
        problems: Sequence[ImportProblem] = (),
    ) -> None:
        self.problems = tuple(problems) or (ImportProblem(line, column, message),)
        self.message, self.line, self.column = message, line, column
        more = len(self.problems) - 1
        where = f"line {line}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}" + (f" (and {more} more)" if more else ""))

    def details(self) -> list[dict[str, str | int]]:
        """The problems in the API's error `details` shape."""
        details: list[dict[str, str | int]] = []
        for problem in self.problems:
            detail: dict[str, str | int] = {"line": problem.line, "message": problem.message}
            if problem.column:
                detail["column"] = problem.column
            details.append(detail)
        return details


class Problems:
    """Collects row problems so a user sees up to MAX_PROBLEMS of them at once."""

    def __init__(self) -> None:
        self.items: list[ImportProblem] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, line: int, column: str | None, message: str) -> None:
        self.items.append(ImportProblem(line, column, message))
        if len(self.items) >= MAX_PROBLEMS:
            raise self.error()

    def error(self) -> ImportFormatError:
        first = self.items[0]
        return ImportFormatError(first.message, first.line, first.column, problems=self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise self.error()


# Enough of a document's start to tell what it is: Gravl's JSON names its format first, Apple
# Health's export.xml its document type on the second line.
_RECOGNISED_BYTES = 512
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _Lines:
    """The decoded physical lines of a stream; `number` is that of the last line read."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.number = 0
        self._encoding = "utf-8"
        self._saw_utf8_text = False

    def __iter__(self) -> Iterator[str]:
        while raw := self._stream.readline(MAX_LINE_BYTES + 1):
            self.number += 1
            if self.number == 1:
                raw = _strip_signature(raw)
                self._refuse_other_documents(raw)
            if len(raw) > MAX_LINE_BYTES:
                raise ImportFormatError("line is longer than 1 MiB", self.number)
            text = self._decode(raw)
            if _CONTROL_CHARACTERS.search(text):
                raise ImportFormatError("binary content: this is not a CSV export", self.number)
            yield text

    def _refuse_other_documents(self, first_line: bytes) -> None:
        """Name a JSON or XML document uploaded as a CSV export (a compact JSON export is one
        line of megabytes, so this comes before the line-length check)."""
        start = first_line.lstrip()[:_RECOGNISED_BYTES]
        if not start.startswith((b"{", b"[", b"<")):
            return
        # A pretty-printed document says what it is on its second line.
        start += self._stream.readline(_RECOGNISED_BYTES)
        if start.startswith(b"<"):
            what = "an Apple Health export" if b"HealthData" in start else "an XML or HTML file"
        elif b'"gravl"' in start:
            what = "a Gravl JSON export (choose Gravl as its format to restore it)"
        else:
            what = "a JSON file"
        raise ImportFormatError(f"this is {what}, not a CSV export. {READABLE}", 1)

    def _decode(self, raw: bytes) -> str:
        try:
            text = raw.decode(self._encoding)
        except UnicodeDecodeError:
            # A CSV re-saved by Excel on Windows is cp1252; accept it only when no earlier
            # line proved the file UTF-8, since mixed encodings would garble names silently.
            if self._encoding == "cp1252" or self._saw_utf8_text:
                raise ImportFormatError(
                    f"text is not valid {self._encoding}; export the file as UTF-8", self.number
                ) from None
            self._encoding = "cp1252"
            return self._decode(raw)
        if not raw.isascii():
            self._saw_utf8_text = True
        return text


def _strip_signature(first_line: bytes) -> bytes:
    if first_line.startswith(b"\xef\xbb\xbf"):
        return first_line[3:]
    if first_line.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFormatError("the file is UTF-16; export it as UTF-8 CSV", 1)
    if first_line.startswith(b"PK\x03\x04"):
        raise ImportFormatError("this is a spreadsheet or archive; export it as CSV", 1)
    return first_line


def detect_delimiter(header_line: str) -> str:
    """`;` when the header has more semicolons than commas (European-locale exports), else `,`."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _split_header(header_line: str) -> list[str]:
    delimiter = detect_delimiter(header_line)
    try:
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [field.strip() for field in fields]


def _unwrap_header(header_line: str) -> str | None:
    """The header inside quotes that wrap it whole, as some old Strong exports wrap every line
    (`"Date,Workout Name,..."`, inner quotes doubled); None when it is not so wrapped."""
    fields = _split_header(header_line)
    if len(fields) == 1 and any(delimiter in fields[0] for delimiter in ",;"):
        return fields[0]
    return None


_WRAPPED_LINE = re.compile(r'"((?:[^"]|"")*)"')


def _unwrap_line(line: str, number: int) -> str:
    """A physical line of a wrapped file without its wrapping quotes, inner quotes undoubled."""
    body = line.rstrip("\r\n")
    if not body.strip():
        return line
    match = _WRAPPED_LINE.fullmatch(body)
    if match is None:
        raise ImportFormatError("line is not wrapped in quotes as the header is", number)
    return match[1].replace('""', '"') + line[len(body) :]


def _format_of(columns: set[str]) -> CsvFormat | None:
    if {"date", "workout name", "exercise name", "set order"} <= columns:
        return "strong"
    if {"title", "start_time", "exercise_title"} <= columns:
        return "hevy"
    if {"date", "exercise", "reps"} <= columns:
        # Fitbod's columns include FitNotes' three; these of its own tell them apart.
        return "fitbod" if columns & {"iswarmup", "multiplier"} else "fitnotes"
    return None


def detect_format(header_line: str) -> CsvFormat | None:
    """Name the app that wrote a CSV header line, or None when it is none we know."""
    header_line = header_line.lstrip("\ufeff")
    header_line = _unwrap_header(header_line) or header_line
    return _format_of({name.casefold() for name in _split_header(header_line)})


class Row:
    """One CSV record with per-column parsing that reports problems instead of raising."""

    __slots__ = ("line", "ok", "_fields", "_table", "_trial")

    def __init__(
        self, line: int, fields: list[str], table: CsvTable, *, trial: bool = False
    ) -> None:
        self.line = line
        self.ok = True
        self._fields = fields
        self._table = table
        # A trial reading (see `Rejoin`) only learns whether the row parses.
        self._trial = trial

    def text(self, column: str) -> str:
        """The stripped cell of `column`; empty when the file has no such column."""
        index = self._table.index.get(column.casefold())
        return "" if index is None else self._fields[index].strip()

    def problem(self, column: str | None, message: str) -> None:
        self.ok = False
        if not self._trial:
            self._table.problems.add(self.line, self._table.spelling(column), message)

    def value(self, column: str, parse: Callable[[str], _T]) -> _T | None:
        """Parse a cell; blank is None, unparsable is a problem (and None)."""
        text = self.text(column)
        if not text:
            return None
        try:
            return parse(text)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None

    def required(self, column: str, parse: Callable[[str], _T]) -> _T | None:
        if not self.text(column):
            self.problem(column, "a value is required")
            return None
        return self.value(column, parse)


class CsvTable:
    """An export opened for reading: its header, dialect and a stream of `Row`s."""

    def __init__(self, stream: BinaryIO) -> None:
        self._lines = _Lines(stream)
        self._line_iter = iter(self._lines)
        self.problems = Problems()
        header_line = next((line for line in self._line_iter if line.strip()), None)
        if header_line is None:
            raise ImportFormatError("the file is empty", max(self._lines.number, 1))
        self.header_line_number = self._lines.number
        unwrapped = _unwrap_header(header_line)
        if unwrapped is not None:
            header_line = unwrapped
            self._line_iter = (_unwrap_line(line, self._lines.number) for line in self._line_iter)
        self.header_line = header_line.strip()
        self.delimiter = detect_delimiter(header_line)
        self.header = _split_header(header_line)
        self.index: dict[str, int] = {}
        for position, name in enumerate(self.header):
            if name.casefold() in self.index:
                raise ImportFormatError("duplicate column", self.header_line_number, name)
            self.index[name.casefold()] = position
        self.format = _format_of(set(self.index))

    @property
    def decimal_comma(self) -> bool:
        # Locales that separate fields with `;` write decimals with `,` (60,5).
        return self.delimiter == ";"

    def has(self, column: str) -> bool:
        return column.casefold() in self.index

    def spelling(self, column: str | None) -> str | None:
        """The header's own spelling of a column, for messages that name it."""
        if column is None or not self.has(column):
            return column
        return self.header[self.index[column.casefold()]]

    def require_columns(self, *columns: str) -> None:
        missing = [column for column in columns if not self.has(column)]
        if missing:
            problems = [
                ImportProblem(self.header_line_number, column, "required column is missing")
                for column in missing
            ]
            raise ImportFormatError(
                problems[0].message, problems[0].line, problems[0].column, problems=problems
            )

    def rows(self, rejoin: Rejoin | None = None) -> Iterator[Row]:
        reader = csv.reader(self._line_iter, delimiter=self.delimiter, strict=True)
        width = len(self.header)
        while True:
            line = self._lines.number + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.problems.add(line, None, f"malformed CSV ({exc}); is the file cut short?")
                raise self.problems.error() from None
            except ImportFormatError as exc:
                self.problems.items.extend(exc.problems)
                raise self.problems.error() from None
            if not any(field.strip() for field in fields):
                continue
            if len(fields) < width:
                message = f"row has {len(fields)} fields, the header has {width}"
                self.problems.add(line, None, message + " (is the file cut short?)")
                continue
            if len(fields) > width:
                fitted = self._fit(line, fields, rejoin)
                if fitted is None:
                    continue
                fields = fitted
            yield Row(line, fields, self)

    def _fit(self, line: int, fields: list[str], rejoin: Rejoin | None) -> list[str] | None:
        """A row of more fields than the header, as the header's columns, or None (a problem).

        Trailing empty fields are harmless padding; any other extra field misaligns the
        columns, unless `rejoin` puts it back into the column it was split from.
        """
        width = len(self.header)
        padded = not any(field.strip() for field in fields[width:])
        if rejoin is None:
            if padded:
                return fields[:width]
            self.problems.add(line, None, f"row has {len(fields)} fields, the header has {width}")
            return None
        # Padding first: what a comma in a name shifts right lands in a number column.
        readings = itertools.chain(
            [fields[:width]] if padded else [], rejoin.readings(self, fields)
        )
        for reading in readings:
            if rejoin.parses(Row(line, reading, self, trial=True)):
                return reading
        columns = " or ".join(repr(self.spelling(column)) for column in rejoin.columns)
        self.problems.add(
            line,
            None,
            f"row has {len(fields)} fields, the header has {width}, and it does not read with "
            f"the extra fields taken as part of {columns} either; quote the value that holds "
            f"a {self.delimiter!r}",
        )
        return None


# No real name holds more commas than this; it bounds the readings tried of a row.
MAX_REJOINED_FIELDS = 8


@dataclass(frozen=True, slots=True)
class Rejoin:
    """Columns an app writes unquoted though they may hold the delimiter (FitNotes' exercise
    names and comments), so a row has more fields than the header.

    Such a row is read as padded (when its extra fields are empty), else with its extra
    fields joined back into these columns, the first column taking as many as it can first;
    the first reading whose row `parses` is taken.
    """

    columns: tuple[str, ...]
    parses: Callable[[Row], bool]

    def readings(self, table: CsvTable, fields: list[str]) -> Iterator[list[str]]:
        extra = len(fields) - len(table.header)
        positions = [table.index[c.casefold()] for c in self.columns if table.has(c)]
        if not positions or extra > MAX_REJOINED_FIELDS:
            return
        for shares in _shares(extra, len(positions)):
            taken = dict(zip(positions, shares, strict=True))
            reading, start = [], 0
            for position in range(len(table.header)):
                end = start + 1 + taken.get(position, 0)
                reading.append(table.delimiter.join(fields[start:end]))
                start = end
            yield reading


def _shares(extra: int, columns: int) -> Iterator[tuple[int, ...]]:
    """The ways to share `extra` fields among `columns`, the first column's largest share first."""
    if columns == 1:
        yield (extra,)
        return
    for first in range(extra, -1, -1):
        for rest in _shares(extra - first, columns - 1):
            yield (first, *rest)


# The column each app keeps a set's time in (each app's module reads it).
TIME_COLUMNS: dict[CsvFormat, str] = {
    "strong": "Date",
    "hevy": "start_time",
    "fitnotes": "Date",
    "fitbod": "Date",
}


class _Timed(Protocol):
    @property
    def performed_at(self) -> datetime: ...


_R = TypeVar("_R", bound=_Timed)


def emit_sets(
    table: CsvTable, read_row: Callable[[Row], _R | None], rejoin: Rejoin | None = None
) -> Iterator[_R]:
    """Yield what `read_row` makes of each row (None: not a set) until a problem appears.

    That is an `ImportedSet`, or a record a reader makes sets of later (Fitbod's rows, which
    make sets once their session is known).
    """
    sets = 0
    time_column = TIME_COLUMNS[table.format] if table.format else None
    for row in table.rows(rejoin):
        try:
            imported = read_row(row)
        except OverflowError:  # a time zone carried a time past year 1 or 9999
            imported = None
            row.problem(time_column, OUT_OF_RANGE)
        if imported is not None and not in_range(imported.performed_at):
            row.problem(time_column, OUT_OF_RANGE)
        if imported is not None and row.ok:
            sets += 1
            if not table.problems:
                yield imported
    table.problems.raise_if_any()
    if sets == 0:
        raise ImportFormatError("the file has a header but no sets", table.header_line_number)


class SetIndexer:
    """Numbers sets from 0 within each (session, exercise), in file order."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, str], int] = {}

    def next_index(self, session_key: str, exercise_name: str) -> int:
        key = (session_key, exercise_name)
        index = self._next.get(key, 0)
        self._next[key] = index + 1
        return index


_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def number_parser(*, decimal_comma: bool) -> Callable[[str], float]:
    """A parser of plain decimals (no exponents, NaN or thousands separators), ≥ 0."""

    def parse_number(text: str) -> float:
        normalised = text.replace(",", ".", 1) if decimal_comma and "." not in text else text
        if not _DECIMAL.fullmatch(normalised):
            raise ValueError(f"{text!r} is not a number")
        value = float(normalised)
        if not math.isfinite(value) or not 0 <= value <= MAX_NUMBER:
            raise ValueError(f"{text!r} is out of range (0 to {MAX_NUMBER:,.0f})")
        return value

    return parse_number


def count_parser(*, decimal_comma: bool) -> Callable[[str], int]:
    """A parser of whole counts; accepts `8.0` as Strong writes reps."""
    parse_number = number_parser(decimal_comma=decimal_comma)

    def parse_count(text: str) -> int:
        value = parse_number(text)
        if not value.is_integer():
            raise ValueError(f"{text!r} is not a whole number")
        return int(value)

    return parse_count


def rpe_parser(*, decimal_comma: bool) -> Callable[[str], float | None]:
    """RPE 1–10 in half steps; 0 is how apps write "not rated"."""
    parse_number = number_parser(decimal_comma=decimal_comma)

    def parse_rpe(text: str) -> float | None:
        value = parse_number(text)
        if value == 0:
            return None
        if not 1 <= value <= 10 or not (value * 2).is_integer():
            raise ValueError(f"RPE {text!r} must be between 1 and 10 in steps of 0.5")
        return value

    return parse_rpe


def pounds_to_kg(pounds: float, text: str) -> float:
    """Convert lb to kg, recovering the kg value an app stored when it wrote a conversion.

    Apps that store kg print lb with two decimals (FitNotes writes 35 kg as 77.16); a value
    within that rounding of a 0.05 kg step is taken to be that step.
    """
    kg = pounds * KG_PER_LB
    decimals = len(text.replace(",", ".").partition(".")[2])
    if decimals >= 2:
        step = round(kg / 0.05) * 0.05
        if abs(step - kg) <= 0.5 * 10**-decimals * KG_PER_LB:
            return round(step, 2)
    return round(kg, 4)


def weight_in_kg(value: float | None, text: str, unit: WeightUnit) -> float | None:
    """Blank or 0 weight is bodyweight (None), not 0 kg."""
    if not value:
        return None
    return pounds_to_kg(value, text) if unit == "lb" else value


# Unit spellings of unit columns and of units named in column headers.
WEIGHT_UNITS: dict[str, WeightUnit] = {"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb"}
DISTANCE_UNITS = {
    "m": "m",
    "meters": "m",
    "metres": "m",
    "km": "km",
    "kms": "km",
    "mi": "mi",
    "mile": "mi",
    "miles": "mi",
    "ft": "ft",
    "feet": "ft",
    "yd": "yd",
    "yds": "yd",
}


def unit_key(text: str) -> str:
    """A unit's spelling as WEIGHT_UNITS and DISTANCE_UNITS hold it; Strong writes `mi.`, `lbs.`."""
    return text.strip().lower().removesuffix(".")


def unit_in_header(table: CsvTable, stem: str, units: dict[str, _U]) -> tuple[str, _U] | None:
    """The `Weight (kg)`-style column of `stem` and the unit its header names."""
    for name in table.header:
        match = re.fullmatch(rf"{stem}\s*\(([\w.]+)\)", name, re.IGNORECASE)
        if match and unit_key(match[1]) in units:
            return name, units[unit_key(match[1])]
    return None


def unit_as_header(table: CsvTable, units: dict[str, _U]) -> tuple[str, _U] | None:
    """The column headed by a unit alone (`kg`, `mi.`) and that unit."""
    for name in table.header:
        if unit_key(name) in units:
            return name, units[unit_key(name)]
    return None


def unit_parser(units: dict[str, _U]) -> Callable[[str], _U]:
    def parse_unit(text: str) -> _U:
        try:
            return units[unit_key(text)]
        except KeyError:
            raise ValueError(f"unknown unit {text!r}") from None

    return parse_unit


def metres(value: float | None, unit: str) -> float | None:
    if not value:
        return None
    return round(value * METRES_PER_UNIT[unit], 3)


def seconds_parser(*, decimal_comma: bool) -> Callable[[str], int | None]:
    """Whole seconds from a number of seconds; 0 is how apps write "not timed"."""
    parse_number = number_parser(decimal_comma=decimal_comma)

    def parse_seconds(text: str) -> int | None:
        return round(parse_number(text)) or None

    return parse_seconds


def local_to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    """Read a wall-clock time in `zone` (the first of repeated DST hours) as UTC."""
    return naive.replace(tzinfo=zone).astimezone(UTC)


def resolve_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {name!r}") from None
