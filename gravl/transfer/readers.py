"""Reading another app's CSV export: check that its header is the expected app's, then hand
its rows to that app's reader (``strong``, ``hevy``, ``fitnotes``, ``fitbod``, each built on
``parsing``). A header of none of them is named, when it is recognisable, for what it is.

Apart from ``parsing`` so the readers and what they share form no cycle: this module knows the
readers, the readers know only the shared parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from gravl.transfer import fitbod, fitnotes, hevy, strong
from gravl.transfer.export import CSV_COLUMNS
from gravl.transfer.parsing import (
    APP_NAMES,
    READABLE,
    CsvFormat,
    CsvTable,
    ImportedSet,
    ImportFormatError,
    WeightUnit,
    resolve_timezone,
)

_READERS = {
    "strong": strong.read_sets,
    "hevy": hevy.read_sets,
    "fitnotes": fitnotes.read_sets,
    "fitbod": fitbod.read_sets,
}

# JEFIT's export is sections of tables, each under a line like `### WORKOUT SESSIONS ###`.
_JEFIT_SECTION = re.compile(r"#{2,}\s*(?:SETTING|ROUTINES|WORKOUT SESSIONS|EXERCISE LOGS)\b")
# Alpha Progression's starts with a workout: `"Legs · Day 2 · Week 4";"2026-02-19 4:54 h";...`.
_ALPHA_PROGRESSION_WORKOUT = re.compile(r"[^;]*·[^;]*;\"?\d{4}-\d{2}-\d{2} ")


def _looks_like(table: CsvTable) -> str | None:
    """What wrote a header that none of the readers reads, when that is recognisable (Gravl's
    own CSV export has FitNotes' `date`, `exercise` and `reps` columns, but is not one)."""
    if _JEFIT_SECTION.match(table.header_line):
        return "a JEFIT export"
    if _ALPHA_PROGRESSION_WORKOUT.match(table.header_line):
        return "an Alpha Progression export"
    if tuple(name.casefold() for name in table.header) == CSV_COLUMNS:
        return "Gravl's own CSV export, which is for spreadsheets (restore the JSON export)"
    return None


def parse(
    stream: BinaryIO, format: CsvFormat, *, unit: WeightUnit = "kg", timezone: str = "UTC"
) -> Iterator[ImportedSet]:
    """Read an export of `format`, yielding its sets; header problems raise at once.

    `unit` is the weight unit of files that do not name one; `timezone` (IANA) is the zone
    of the wall-clock times the apps write. Bad arguments raise ValueError, bad files
    ImportFormatError.
    """
    if format not in _READERS:
        raise ValueError(f"unknown format {format!r}")
    if unit not in ("kg", "lb"):
        raise ValueError(f"unknown unit {unit!r}")
    zone = resolve_timezone(timezone)
    table = CsvTable(stream)
    looks_like = _looks_like(table)
    if looks_like or table.format != format:
        expected = f"expected a {APP_NAMES[format]} export; this header is"
        if looks_like:
            message = f"{expected} {looks_like}. {READABLE}"
        elif table.format:
            message = f"{expected} a {APP_NAMES[table.format]} export"
        else:
            message = f"{expected} not one we know. {READABLE}"
        raise ImportFormatError(message, table.header_line_number)
    return _READERS[format](table, unit=unit, zone=zone)
