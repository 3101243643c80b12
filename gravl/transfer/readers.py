"""Reading another app's CSV export: check that its header is the expected app's, then hand
its rows to that app's reader (``strong``, ``hevy``, ``fitnotes``, each built on ``parsing``).

Apart from ``parsing`` so the readers and what they share form no cycle: this module knows the
readers, the readers know only the shared parsing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from gravl.transfer import fitnotes, hevy, strong
from gravl.transfer.parsing import (
    APP_NAMES,
    CsvFormat,
    CsvTable,
    ImportedSet,
    ImportFormatError,
    WeightUnit,
    resolve_timezone,
)

_READERS = {"strong": strong.read_sets, "hevy": hevy.read_sets, "fitnotes": fitnotes.read_sets}


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
    if table.format != format:
        found = f"a {APP_NAMES[table.format]} export" if table.format else "not one we know"
        raise ImportFormatError(
            f"expected a {APP_NAMES[format]} export; this header is {found}",
            table.header_line_number,
        )
    return _READERS[format](table, unit=unit, zone=zone)
