"""Imports as objects the lifter manages: list them, undo one, replace one with a new file.

Undoing an import removes what it added — its logs (their sets and fingerprints go with them),
the training sessions it filled, the custom exercises it created that nothing else uses —
recomputes recovery for the muscles those logs loaded, and keeps the import's record, marked
undone, so the history of imports stays readable. Logs the lifter edited after the import are
its logs still and go too.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import muscles_of
from gravl.catalog.models import Exercise
from gravl.db import utcnow
from gravl.errors import NotFound
from gravl.history.models import LogSet, TrainingSession, WorkoutLog
from gravl.recovery import service as recovery
from gravl.training.models import CustomWorkoutExercise, WorkoutExercise
from gravl.transfer.models import Import, ImportFingerprint, ImportNameMap
from gravl.transfer.schemas import ImportOut, UndoneOut

MAX_LISTED = 200


async def active_ids(session: AsyncSession, user: Lifter, format: str) -> list[int]:
    """The lifter's imports of ``format`` that are not undone, oldest first."""
    found = await session.scalars(
        select(Import.id)
        .where(Import.user_id == user.id, Import.format == format, Import.undone_at.is_(None))
        .order_by(Import.id)
    )
    return list(found)


async def fingerprints_of(
    session: AsyncSession, user: Lifter, import_ids: Sequence[int]
) -> set[str]:
    """The set fingerprints stored by these imports' logs."""
    if not import_ids:
        return set()
    found = await session.scalars(
        select(ImportFingerprint.fingerprint)
        .join(WorkoutLog, WorkoutLog.id == ImportFingerprint.log_id)
        .where(
            ImportFingerprint.user_id == user.id,
            WorkoutLog.user_id == user.id,
            WorkoutLog.import_id.in_(import_ids),
        )
    )
    return set(found)


async def _remaining(
    session: AsyncSession, user: Lifter, import_ids: Sequence[int]
) -> dict[int, int]:
    if not import_ids:
        return {}
    rows = await session.execute(
        select(WorkoutLog.import_id, func.count())
        .where(WorkoutLog.user_id == user.id, WorkoutLog.import_id.in_(import_ids))
        .group_by(WorkoutLog.import_id)
    )
    return {import_id: count for import_id, count in rows if import_id is not None}


def _out(record: Import, remaining: int) -> ImportOut:
    return ImportOut(
        id=record.id,
        format=record.format,
        filename=record.filename,
        created_at=record.created_at,
        sessions=record.sessions,
        logs=record.logs,
        sets=record.sets,
        duplicates_skipped=record.duplicates_skipped,
        created_exercises=record.created_exercises,
        unit=record.unit,
        unit_source=record.unit_source,
        undone_at=record.undone_at,
        logs_remaining=remaining,
    )


async def list_imports(*, session: AsyncSession, user: Lifter) -> list[ImportOut]:
    """The lifter's imports, newest first (the last MAX_LISTED)."""
    records = (
        await session.scalars(
            select(Import)
            .where(Import.user_id == user.id)
            .order_by(Import.id.desc())
            .limit(MAX_LISTED)
        )
    ).all()
    remaining = await _remaining(session, user, [r.id for r in records])
    return [_out(r, remaining.get(r.id, 0)) for r in records]


async def _record(session: AsyncSession, user: Lifter, import_id: int) -> Import:
    record = await session.scalar(
        select(Import).where(Import.id == import_id, Import.user_id == user.id)
    )
    if record is None:
        raise NotFound("import not found")
    return record


async def get_import(*, session: AsyncSession, user: Lifter, import_id: int) -> ImportOut:
    record = await _record(session, user, import_id)
    remaining = await _remaining(session, user, [record.id])
    return _out(record, remaining.get(record.id, 0))


async def undo(*, session: AsyncSession, user: Lifter, import_id: int) -> UndoneOut:
    """Remove what an import added; undoing it again changes nothing."""
    record = await _record(session, user, import_id)
    mine = (WorkoutLog.user_id == user.id, WorkoutLog.import_id == record.id)
    exercise_ids = set(
        await session.scalars(select(WorkoutLog.exercise_id).where(*mine).distinct())
    )
    removed_sets = await session.scalar(
        select(func.count()).select_from(LogSet).join(WorkoutLog).where(*mine)
    )
    touched = await muscles_of(session, exercise_ids)
    removed_logs = await session.scalar(select(func.count()).select_from(WorkoutLog).where(*mine))
    await session.execute(delete(WorkoutLog).where(*mine))
    # The sessions it filled; logs the lifter added to one since stay, in no session.
    await session.execute(
        delete(TrainingSession).where(
            TrainingSession.user_id == user.id, TrainingSession.import_id == record.id
        )
    )
    removed_exercises = await remove_unused_exercises(
        session, user, Exercise.import_id == record.id
    )
    if touched:
        await recovery.history_changed(session=session, user=user, muscles=touched)
    if record.undone_at is None:
        record.undone_at = utcnow()
    await session.flush()
    return UndoneOut(
        import_=_out(record, 0),
        removed_logs=removed_logs or 0,
        removed_sets=removed_sets or 0,
        removed_exercises=removed_exercises,
    )


async def _planned_exercise_ids(session: AsyncSession, user: Lifter) -> set[int]:
    """The exercises the lifter's session plans name (a plan is JSON, without keys)."""
    found: set[int] = set()
    for plan in await session.scalars(
        select(TrainingSession.plan).where(TrainingSession.user_id == user.id)
    ):
        for entry in plan or ():
            found.update(i for i in (entry.get("exercise_id"), entry.get("replaced")) if i)
    return found


async def remove_unused_exercises(
    session: AsyncSession, user: Lifter, which: ColumnElement[bool]
) -> list[str]:
    """Delete the lifter's import-made custom exercises (``which`` of them) that nothing uses
    now: no log, no workout, no name the lifter mapped to it, no session plan."""
    unused = (
        await session.scalars(
            select(Exercise)
            .options(selectinload(Exercise.muscles))
            .where(
                which,
                Exercise.owner_id == user.id,
                Exercise.import_id.is_not(None),
                ~exists().where(WorkoutLog.exercise_id == Exercise.id),
                ~exists().where(CustomWorkoutExercise.exercise_id == Exercise.id),
                ~exists().where(WorkoutExercise.exercise_id == Exercise.id),
                ~exists().where(ImportNameMap.exercise_id == Exercise.id),
            )
        )
    ).all()
    if not unused:
        return []
    planned = await _planned_exercise_ids(session, user)
    names = []
    for exercise in unused:
        if exercise.id in planned:
            continue
        names.append(exercise.name)
        await session.delete(exercise)
    return names
