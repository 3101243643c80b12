"""Importing another app's history: parse, match, deduplicate, then write in bulk.

An import is all or nothing. The whole file is parsed first (the parser may find a problem
after many good rows), and only then written, in the caller's transaction: logs, sets and
fingerprints each in one multi-row INSERT rather than one ORM flush per set, and recovery
recomputed once at the end for every muscle touched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import anyio
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import exercise_muscles
from gravl.db import utcnow
from gravl.errors import PayloadTooLarge, ValidationFailed
from gravl.history.models import LogSet, SourceType, WorkoutLog
from gravl.history.sets import SetType
from gravl.recovery import service as recovery
from gravl.stats.e1rm import summarise_sets
from gravl.transfer import exercises, imports, units
from gravl.transfer.models import Import, ImportFingerprint
from gravl.transfer.parsing import APP_NAMES, CsvFormat, ImportedSet, ImportFormatError, WeightUnit
from gravl.transfer.readers import parse
from gravl.transfer.schemas import ImportReportOut, SkippedOut

# Logs per INSERT batch: far under both databases' parameter limits.
_BATCH = 500
# Rows of nothing listed one by one in a report's ``skipped``; any more are summed up in one
# last entry, so a file of empty rows cannot make a report of megabytes.
MAX_SKIPPED_LISTED = 100
EMPTY_ROW = "0 reps and no weight, time or distance: nothing to import"


class HashingReader:
    """A binary stream's reader that hashes what it reads, reports progress in bytes and
    refuses to read past ``max_bytes`` (the upload limit, whatever the headers claimed)."""

    def __init__(
        self,
        stream: IO[bytes],
        on_read: Callable[[int], None] | None = None,
        *,
        max_bytes: int | None = None,
    ) -> None:
        self._stream = stream
        self._on_read = on_read
        self._max_bytes = max_bytes
        self.size = 0
        self.sha256 = hashlib.sha256()
        # The first line with text: a CSV's header, read again to tell whether it names units.
        self.first_line: str | None = None

    def _seen(self, data: bytes) -> bytes:
        self.size += len(data)
        if self._max_bytes is not None and self.size > self._max_bytes:
            raise PayloadTooLarge(f"the file is larger than the {self._max_bytes}-byte limit")
        self.sha256.update(data)
        if self._on_read is not None:
            self._on_read(len(data))
        return data

    def readline(self, size: int = -1) -> bytes:
        line = self._seen(self._stream.readline(size))
        if self.first_line is None and line.strip():
            self.first_line = line.decode("utf-8", errors="replace")
        return line

    def read(self, size: int = -1) -> bytes:
        return self._seen(self._stream.read(size))


@dataclass
class SetRow:
    set_type: SetType
    reps: int | None
    weight_kg: float | None
    rpe: float | None
    duration_s: int | None
    distance_m: float | None
    fingerprint: str


@dataclass
class PlannedLog:
    """A log to write; ``exercise`` is an exercise id or a key of an exercise to create."""

    exercise: int | str
    performed_at: datetime
    sets: list[SetRow] = field(default_factory=list)
    notes: str | None = None
    source_type: SourceType = "import"
    workout_id: int | None = None
    custom_workout_id: int | None = None
    custom_workout_exercise_id: int | None = None
    swapped_from_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


def as_stored(item: ImportedSet) -> tuple[SetType, int | None] | None:
    """The set type and reps a row is stored with, or None for a row that carries nothing.

    The apps write 0 in the columns a set does not use, and the parsers read 0 and blank
    alike as None. A set of 0 reps is valid only as a failure set (a missed attempt, as the
    API takes it), so a row without reps, time or distance:

    - with a weight is a missed attempt at it: a failure set of 0 reps;
    - marked failure without a weight is a missed bodyweight rep (a failed pull-up): the same;
    - else carries nothing (an unfilled row): skipped, and listed in the report.

    A row with a time or a distance keeps its own type and no reps (a timed or cardio set).
    """
    if item.reps is not None or item.duration_s is not None or item.distance_m is not None:
        return item.set_type, item.reps
    if item.weight_kg is not None or item.set_type == "failure":
        return "failure", 0
    return None


def skipped_rows(lines: Sequence[int]) -> list[SkippedOut]:
    """The report's entries for rows of nothing: one each, up to MAX_SKIPPED_LISTED."""
    if len(lines) <= MAX_SKIPPED_LISTED:
        return [SkippedOut(line=line, message=f"line {line}: {EMPTY_ROW}") for line in lines]
    head = skipped_rows(lines[: MAX_SKIPPED_LISTED - 1])
    first, more = lines[MAX_SKIPPED_LISTED - 1], len(lines) - MAX_SKIPPED_LISTED
    return [*head, SkippedOut(line=first, message=f"line {first} and {more} more: {EMPTY_ROW}")]


def unique_fingerprints(fingerprints: Iterable[str]) -> list[str]:
    """Keep fingerprints distinct within one file: a repeat gets its occurrence number.

    Two sets of a file can look alike (same exercise, time, position, reps and weight under
    two workout names); both are real, and the same file read again numbers them alike.
    """
    seen: dict[str, int] = {}
    unique = []
    for fingerprint in fingerprints:
        count = seen.get(fingerprint, 0)
        seen[fingerprint] = count + 1
        if count:
            fingerprint = hashlib.sha256(f"{fingerprint}#{count}".encode()).hexdigest()
        unique.append(fingerprint)
    return unique


async def existing_fingerprints(
    session: AsyncSession, user: Lifter, fingerprints: Sequence[str]
) -> set[str]:
    """Which of these sets the lifter already has.

    One range scan of the lifter's fingerprints (the primary key's prefix) rather than
    batches of ``IN (...)``: on PostgreSQL those measured 0.4 s each against 50,000 stored
    fingerprints (bench/import_bench.py), the range scan well under a second in all.
    """
    stored = await session.scalars(
        select(ImportFingerprint.fingerprint).where(ImportFingerprint.user_id == user.id)
    )
    return set(stored).intersection(fingerprints)


def invalid_file(exc: ImportFormatError) -> ValidationFailed:
    return ValidationFailed(f"the file cannot be imported: {exc}", details=exc.details())


async def read_sets(
    stream: HashingReader, format: CsvFormat, *, unit: WeightUnit, timezone: str
) -> list[ImportedSet]:
    """Every set of the file, parsed off the event loop; a bad file is a ValidationFailed."""

    def read() -> list[ImportedSet]:
        return list(parse(stream, format, unit=unit, timezone=timezone))  # type: ignore[arg-type]

    try:
        return await anyio.to_thread.run_sync(read)
    except ImportFormatError as exc:
        raise invalid_file(exc) from None
    except ValueError as exc:  # an unknown timezone
        detail = {"field": "timezone", "message": str(exc)}
        raise ValidationFailed(str(exc), details=[detail]) from None


async def import_history(
    *,
    session: AsyncSession,
    user: Lifter,
    stream: IO[bytes],
    format: CsvFormat,
    unit: WeightUnit | None = None,
    timezone: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
    filename: str | None = None,
    on_read: Callable[[int], None] | None = None,
    max_bytes: int | None = None,
) -> ImportReportOut:
    """Import a Strong, Hevy or FitNotes export into the lifter's history.

    ``unit`` is for a file that names none; without it the lifter's profile unit is taken, and
    the report says which. ``replace`` undoes every earlier import of this format first (the
    file is taken to be the app's whole history, read again, e.g. in the right unit).
    """
    reader = HashingReader(stream, on_read, max_bytes=max_bytes)
    assumed, source = units.resolve_unit(given=unit, profile=user.units)
    imported = await read_sets(reader, format, unit=assumed, timezone=timezone or user.timezone)
    if units.names_weight_unit(reader.first_line):
        source = "file"
    replaced = await imports.active_ids(session, user, format) if replace else []
    if not dry_run:
        # Undone before names are matched: an exercise only the replaced import used is gone.
        for import_id in replaced:
            await imports.undo(session=session, user=user, import_id=import_id)
    # Over every row, as before rows of nothing were skipped: a set keeps its fingerprint,
    # so what an earlier import stored is a duplicate now.
    fingerprints = unique_fingerprints(item.fingerprint() for item in imported)
    stored = [as_stored(item) for item in imported]
    empty = [item.line for item, kept in zip(imported, stored, strict=True) if kept is None]
    sets = [
        (item, kept, fingerprint)
        for item, kept, fingerprint in zip(imported, stored, fingerprints, strict=True)
        if kept is not None
    ]
    resolver = await exercises.load_resolver(session, user)
    matched: dict[str, int | None] = {}
    for item, _, _ in sets:
        if item.exercise_name not in matched:
            matched[item.exercise_name] = resolver.match(item.exercise_name)
    unknown = [name for name, exercise_id in matched.items() if exercise_id is None]
    to_create = exercises.group_unmatched(unknown)

    present = await existing_fingerprints(session, user, [f for _, _, f in sets])
    # A dry run of a replacement: what the replaced imports hold will be gone.
    present -= await imports.fingerprints_of(session, user, replaced)
    logs: dict[tuple[str, int | str], PlannedLog] = {}
    # The apps repeat an exercise's note on each of its sets; a log keeps each note once.
    notes: dict[int, list[str]] = {}
    for item, (set_type, reps), fingerprint in sets:
        if fingerprint in present:
            continue
        exercise: int | str = (
            matched[item.exercise_name] or to_create[exercises.name_key(item.exercise_name)]
        )
        planned = logs.setdefault(
            (item.session_key, exercise), PlannedLog(exercise, item.performed_at)
        )
        planned.sets.append(
            SetRow(
                set_type,
                reps,
                item.weight_kg,
                item.rpe,
                item.duration_s,
                item.distance_m,
                fingerprint,
            )
        )
        if item.notes and item.notes not in notes.setdefault(id(planned), []):
            notes[id(planned)].append(item.notes)
            planned.notes = "\n".join(notes[id(planned)])
    needed = {p.exercise for p in logs.values() if isinstance(p.exercise, str)}
    created = [name for name in to_create.values() if name in needed]
    report = ImportReportOut(
        format=format,
        dry_run=dry_run,
        sessions=len({item.session_key for item, _, _ in sets}),
        logs=len(logs),
        sets=len(sets),
        duplicates_skipped=len(present),
        unknown_exercises=unknown,
        created_exercises=created,
        skipped=skipped_rows(empty),
        unit=assumed,
        unit_source=source,
        warnings=units.warnings(
            [item for item, _, _ in sets], format=format, unit=assumed, source=source
        ),
        nothing_new=not logs,
        replaced_imports=replaced,
    )
    if dry_run or not logs:
        # Nothing new is not an import: no record, nothing to undo (answered 200).
        return report
    record = _record(user, report, filename, reader)
    session.add(record)
    await session.flush()
    created_ids: dict[str, int] = {}
    for name in created:
        row = await exercises.create_imported_exercise(
            session=session, user=user, resolver=resolver, name=name, source=APP_NAMES[format]
        )
        row.import_id = record.id
        await session.flush()
        created_ids[name] = row.id
    await write(
        session=session,
        user=user,
        logs=list(logs.values()),
        exercise_ids=created_ids,
        record=record,
    )
    report.import_id = record.id
    return report


def _record(
    user: Lifter, report: ImportReportOut, filename: str | None, reader: HashingReader
) -> Import:
    return Import(
        user_id=user.id,
        format=report.format,
        filename=filename[:255] if filename else None,
        file_sha256=reader.sha256.hexdigest(),
        sessions=report.sessions,
        logs=report.logs,
        sets=report.sets,
        duplicates_skipped=report.duplicates_skipped,
        created_exercises=len(report.created_exercises),
        unit=report.unit,
        unit_source=report.unit_source,
    )


async def write(
    *,
    session: AsyncSession,
    user: Lifter,
    logs: list[PlannedLog],
    exercise_ids: dict[str, int],
    record: Import,
    extra_muscles: Iterable[str] = (),
) -> None:
    """Insert the planned logs with their sets and fingerprints, then recompute recovery."""
    session.add(record)
    await session.flush()
    now = utcnow()
    for start in range(0, len(logs), _BATCH):
        batch = logs[start : start + _BATCH]
        rows = [_log_row(user, record.id, planned, exercise_ids, now) for planned in batch]
        ids = (
            await session.scalars(
                insert(WorkoutLog).returning(WorkoutLog.id, sort_by_parameter_order=True), rows
            )
        ).all()
        set_rows: list[dict[str, Any]] = []
        fingerprint_rows: list[dict[str, Any]] = []
        for log_id, planned in zip(ids, batch, strict=True):
            for position, s in enumerate(planned.sets, start=1):
                set_rows.append(
                    {
                        "log_id": log_id,
                        "position": position,
                        "set_type": s.set_type,
                        "reps": s.reps,
                        "weight_kg": s.weight_kg,
                        "rpe": s.rpe,
                        "duration_s": s.duration_s,
                        "distance_m": s.distance_m,
                    }
                )
                fingerprint_rows.append(
                    {"user_id": user.id, "fingerprint": s.fingerprint, "log_id": log_id}
                )
        await session.execute(insert(LogSet), set_rows)
        await session.execute(insert(ImportFingerprint), fingerprint_rows)
    touched = set(extra_muscles)
    ids_used = {row_exercise(p, exercise_ids) for p in logs}
    for primary, secondary in (await exercise_muscles(session, ids_used)).values():
        touched.update(primary, secondary)
    if touched:
        await recovery.history_changed(session=session, user=user, muscles=touched)


def row_exercise(planned: PlannedLog, exercise_ids: dict[str, int]) -> int:
    return planned.exercise if isinstance(planned.exercise, int) else exercise_ids[planned.exercise]


def _log_row(
    user: Lifter, import_id: int, planned: PlannedLog, exercise_ids: dict[str, int], now: datetime
) -> dict[str, Any]:
    # The same summary logs.service stores, without building ORM objects for 50,000 sets.
    volume, best = summarise_sets(planned.sets)
    return {
        "user_id": user.id,
        "exercise_id": row_exercise(planned, exercise_ids),
        "performed_at": planned.performed_at,
        "source_type": planned.source_type,
        "workout_id": planned.workout_id,
        "custom_workout_id": planned.custom_workout_id,
        "custom_workout_exercise_id": planned.custom_workout_exercise_id,
        "swapped_from_id": planned.swapped_from_id,
        "notes": planned.notes,
        "volume_kg": volume,
        "best_e1rm_kg": best,
        "import_id": import_id,
        "created_at": planned.created_at or now,
        "updated_at": planned.updated_at or now,
    }
