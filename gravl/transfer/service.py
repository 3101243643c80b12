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
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import muscles_of
from gravl.catalog.models import Exercise
from gravl.db import utcnow
from gravl.errors import PayloadTooLarge, ValidationFailed
from gravl.history.models import LogSet, SourceType, WorkoutLog
from gravl.history.sets import SetType
from gravl.recovery import service as recovery
from gravl.stats.e1rm import summarise_sets
from gravl.transfer import exercises, identity, imports, units
from gravl.transfer.models import Import, ImportFingerprint
from gravl.transfer.parsing import APP_NAMES, CsvFormat, ImportedSet, ImportFormatError, WeightUnit
from gravl.transfer.readers import parse
from gravl.transfer.schemas import (
    ExportedFingerprint,
    ImportReportOut,
    NameMatchOut,
    RenamedOut,
    SkippedOut,
)
from gravl.transfer.training_sessions import FileSessions, PlannedSession, insert_sessions

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
    # The set's place in its workout (identity.py); None for a Gravl restore's own identities.
    slot: str | None = None


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
    # Another app's fingerprints of this log's sets, carried by a Gravl JSON document.
    carried: list[ExportedFingerprint] = field(default_factory=list)
    # The app's name for the exercise (a CSV import), kept so the lifter can re-map it later.
    source_name: str | None = None
    # The training session the log joins (the file's workout, or a restored session).
    session: PlannedSession | None = None


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


@dataclass(frozen=True, slots=True)
class StoredPrint:
    log_id: int
    slot: str | None
    position: int | None


async def stored_prints(session: AsyncSession, user: Lifter) -> dict[str, StoredPrint]:
    """Every fingerprint the lifter's imports stored, in one range scan of the primary key."""
    rows = await session.execute(
        select(
            ImportFingerprint.fingerprint,
            ImportFingerprint.log_id,
            ImportFingerprint.slot,
            ImportFingerprint.position,
        ).where(ImportFingerprint.user_id == user.id)
    )
    return {fp: StoredPrint(log_id, slot, position) for fp, log_id, slot, position in rows}


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
    # Over every row, as before rows of nothing were skipped: a set keeps its identity, so
    # what an earlier import stored is a duplicate now.
    kept_rows = [as_stored(item) for item in imported]
    empty = [item.line for item, kept in zip(imported, kept_rows, strict=True) if kept is None]
    sets = [
        (item, kept, ident)
        for item, kept, ident in zip(
            imported, kept_rows, identity.identities(imported), strict=True
        )
        if kept is not None
    ]
    resolver = await exercises.load_resolver(session, user)
    matched = apart_in_each_workout(
        [(item.session_key, item.exercise_name) for item, _, _ in sets], resolver.match
    )
    unknown = [name for name, exercise_id in matched.items() if exercise_id is None]
    to_create = exercises.group_unmatched(unknown)

    stored = await stored_prints(session, user)
    for fingerprint in await imports.fingerprints_of(session, user, replaced):
        stored.pop(fingerprint, None)  # a dry run of a replacement: these will be gone
    by_slot = {row.slot: row for row in stored.values() if row.slot is not None}
    logs: dict[tuple[str, int | str], PlannedLog] = {}
    # Each workout with a new set becomes a session (docs/import.md).
    workouts = FileSessions(imported, APP_NAMES[format], user.timezone)
    # The apps repeat an exercise's note on each of its sets; a log keeps each note once.
    notes: dict[int, list[str]] = {}
    present: list[tuple[ImportedSet, StoredPrint]] = []
    edits: list[tuple[StoredPrint, SetRow]] = []
    for item, (set_type, reps), ident in sets:
        set_row = SetRow(
            set_type,
            reps,
            item.weight_kg,
            item.rpe,
            item.duration_s,
            item.distance_m,
            ident.content,
            ident.slot,
        )
        same = stored.get(ident.content) or stored.get(ident.legacy)
        if same is not None:
            present.append((item, same))
            continue
        if (edited := by_slot.get(ident.slot)) is not None:
            edits.append((edited, set_row))  # the app's newer version of a stored set
            continue
        exercise: int | str = (
            matched[item.exercise_name] or to_create[exercises.name_key(item.exercise_name)]
        )
        key = (item.session_key, exercise)
        if key not in logs:
            logs[key] = PlannedLog(
                exercise,
                item.performed_at,
                source_name=item.exercise_name[:120],
                session=workouts.joined(item, exercise),
            )
        planned = logs[key]
        planned.sets.append(set_row)
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
        updated_sets=len(edits),
        renamed=await renames(session, user, present, matched),
        names=name_matches([item for item, _, _ in sets], matched, resolver),
        unknown_exercises=unknown,
        created_exercises=created,
        skipped=skipped_rows(empty),
        unit=assumed,
        unit_source=source,
        warnings=units.warnings(
            [item for item, _, _ in sets], format=format, unit=assumed, source=source
        ),
        nothing_new=not logs and not edits,
        replaced_imports=replaced,
        first_at=min((item.performed_at for item, _, _ in sets), default=None),
        last_at=max((item.performed_at for item, _, _ in sets), default=None),
    )
    if dry_run or report.nothing_new:
        # Nothing new is not an import: no record, nothing to undo (answered 200).
        return report
    record = import_record(user, report, filename, reader)
    session.add(record)
    await session.flush()
    await apply_edits(session, user, edits)
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
        sessions=await workouts.described(session, created_ids),
    )
    report.import_id = record.id
    return report


def import_record(
    user: Lifter, report: ImportReportOut, filename: str | None, reader: HashingReader
) -> Import:
    """The record of an import (CSV or Gravl JSON), from its report."""
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
    sessions: Sequence[PlannedSession] = (),
) -> None:
    """Insert the planned sessions, then the logs (joining them) with their sets and
    fingerprints, then recompute recovery."""
    session.add(record)
    await session.flush()
    await insert_sessions(session, user, sessions, record.id)
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
                    {
                        "user_id": user.id,
                        "fingerprint": s.fingerprint,
                        "log_id": log_id,
                        "slot": s.slot,
                        "position": position if s.slot is not None else None,
                        "origin": "app" if s.slot is not None else "gravl",
                    }
                )
            fingerprint_rows.extend(
                {
                    "user_id": user.id,
                    "fingerprint": c.fingerprint,
                    "log_id": log_id,
                    "slot": c.slot,
                    "position": c.position,
                    "origin": "app",
                }
                for c in planned.carried
            )
        await session.execute(insert(LogSet), set_rows)
        await session.execute(insert(ImportFingerprint), fingerprint_rows)
    ids_used = {row_exercise(p, exercise_ids) for p in logs}
    touched = set(extra_muscles) | await muscles_of(session, ids_used)
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
        "source_name": planned.source_name,
        "session_id": planned.session.id if planned.session is not None else None,
        "created_at": planned.created_at or now,
        "updated_at": planned.updated_at or now,
    }


def apart_in_each_workout(
    names: Sequence[tuple[str, str]], match: Callable[[str], int | None]
) -> dict[str, int | None]:
    """Match each name to an exercise, never two names of one workout to the same one.

    Two names in one workout are two exercises in the lifter's app ("Lat Pulldown (Machine)"
    and "Lat Pulldown (Cable)"), whatever the catalog thinks: the name seen first in the file
    keeps the match, the later one stays unmatched (it becomes the lifter's own exercise).
    """
    matched: dict[str, int | None] = {}
    for _, name in names:
        if name not in matched:
            matched[name] = match(name)
    workouts: dict[str, dict[int, str]] = {}
    for session_key, name in names:
        exercise_id = matched[name]
        if exercise_id is None:
            continue
        owner = workouts.setdefault(session_key, {}).setdefault(exercise_id, name)
        if owner != name:
            matched[name] = None
    return matched


async def renames(
    session: AsyncSession,
    user: Lifter,
    present: Sequence[tuple[ImportedSet, StoredPrint]],
    matched: dict[str, int | None],
) -> list[RenamedOut]:
    """Names under which the file holds sets already stored under another exercise."""
    log_ids = {stored.log_id for _, stored in present}
    if not log_ids:
        return []
    exercise_of: dict[int, tuple[int, str]] = {}
    ordered = sorted(log_ids)
    for start in range(0, len(ordered), _BATCH):
        batch = ordered[start : start + _BATCH]
        rows = await session.execute(
            select(WorkoutLog.id, Exercise.id, Exercise.name)
            .join(Exercise, Exercise.id == WorkoutLog.exercise_id)
            .where(WorkoutLog.user_id == user.id, WorkoutLog.id.in_(batch))
        )
        exercise_of.update({log_id: (e_id, e_name) for log_id, e_id, e_name in rows})
    counts: dict[tuple[str, str], int] = {}
    for item, stored in present:
        found = exercise_of.get(stored.log_id)
        if found is None:
            continue
        exercise_id, exercise_name = found
        same = matched.get(item.exercise_name) == exercise_id or (
            exercise_name.casefold() == item.exercise_name.casefold()
        )
        if not same:
            key = (exercise_name, item.exercise_name)
            counts[key] = counts.get(key, 0) + 1
    return [
        RenamedOut(from_name=old, to_name=new, sets=count)
        for (old, new), count in sorted(counts.items())
    ]


async def apply_edits(
    session: AsyncSession, user: Lifter, edits: Sequence[tuple[StoredPrint, SetRow]]
) -> None:
    """Store the app's newer version of sets it changed, in place, and their new identity."""
    if not edits:
        return
    log_ids = set()
    for stored, row in edits:
        if stored.position is None:
            continue
        await session.execute(
            update(LogSet)
            .where(LogSet.log_id == stored.log_id, LogSet.position == stored.position)
            .values(
                set_type=row.set_type,
                reps=row.reps,
                weight_kg=row.weight_kg,
                rpe=row.rpe,
                duration_s=row.duration_s,
                distance_m=row.distance_m,
            )
        )
        await session.execute(
            update(ImportFingerprint)
            .where(ImportFingerprint.user_id == user.id, ImportFingerprint.slot == row.slot)
            .values(fingerprint=row.fingerprint)
        )
        log_ids.add(stored.log_id)
    logs = await session.scalars(
        select(WorkoutLog)
        .where(WorkoutLog.user_id == user.id, WorkoutLog.id.in_(log_ids))
        .options(selectinload(WorkoutLog.sets))
        .execution_options(populate_existing=True)
    )
    exercise_ids = set()
    for log in logs:
        log.volume_kg, log.best_e1rm_kg = summarise_sets(log.sets)
        log.updated_at = utcnow()
        exercise_ids.add(log.exercise_id)
    await session.flush()
    touched = await muscles_of(session, exercise_ids)
    if touched:
        await recovery.history_changed(session=session, user=user, muscles=touched)


def name_matches(
    sets: Sequence[ImportedSet], matched: dict[str, int | None], resolver: exercises.Resolver
) -> list[NameMatchOut]:
    """Each name of the file with the exercise it matched (or none) and its number of sets."""
    counts: dict[str, int] = {}
    for item in sets:
        counts[item.exercise_name] = counts.get(item.exercise_name, 0) + 1
    found = []
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold())):
        exercise_id = matched[name]
        exercise_name = None if exercise_id is None else resolver.name_of(exercise_id)
        found.append(
            NameMatchOut(
                name=name, exercise_id=exercise_id, exercise_name=exercise_name, sets=count
            )
        )
    return found
