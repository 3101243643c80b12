"""Deleting from the history with Undo.

A delete moves what it removes (a log with its sets, or a session with all its logs) into one
``deleted_training`` row as plain JSON and deletes the rows for real; Undo inserts them again,
with their ids, and recovery is recomputed both times the way any edit of the history does.
A soft delete (a ``deleted_at`` on the logs) would have had every read of the logs, in every
package, skip the deleted ones; this way nothing else knows. A deleted item can be undone for
``UNDO_WINDOW``; older ones are purged by the lifter's next delete.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import muscles_of
from gravl.catalog.models import Exercise
from gravl.db import utcnow
from gravl.errors import Conflict, NotFound
from gravl.history.models import DeletedTraining, LogSet, TrainingSession, WorkoutLog
from gravl.recovery import service as recovery
from gravl.training.models import CustomWorkoutExercise

UNDO_WINDOW = timedelta(hours=24)
# How many recent deletes the history lists with their Undo.
RECENT_SHOWN = 5

_LOGS = cast(Table, WorkoutLog.__table__)
_SETS = cast(Table, LogSet.__table__)
_SESSIONS = cast(Table, TrainingSession.__table__)
_LOADED = (joinedload(WorkoutLog.exercise), selectinload(WorkoutLog.sets))


@dataclass(frozen=True)
class Deleted:
    token: str
    label: str
    deleted_at: datetime


def _encode(row: object, table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, datetime | date) else value
    return out


def _decode(data: dict[str, Any], table: Table) -> dict[str, Any]:
    """A stored row's columns back as the table takes them (dates and instants parsed)."""
    out: dict[str, Any] = {}
    for column in table.columns:
        value = data.get(column.key)
        if isinstance(value, str) and column.key.endswith("_at"):
            value = datetime.fromisoformat(value)
        elif isinstance(value, str) and column.key == "date":
            value = date.fromisoformat(value)
        out[column.key] = value
    return out


def _log_payload(log: WorkoutLog) -> dict[str, Any]:
    return _encode(log, _LOGS) | {"sets": [_encode(s, _SETS) for s in log.sets]}


def _day_label(moment: datetime, user: Lifter) -> str:
    return moment.astimezone(ZoneInfo(user.timezone)).strftime("%a %d %b")


async def _keep(
    session: AsyncSession,
    user: Lifter,
    label: str,
    training: TrainingSession | None,
    logs: Sequence[WorkoutLog],
) -> Deleted:
    """Store what is about to go, purge this lifter's expired deletes."""
    now = utcnow()
    await session.execute(
        delete(DeletedTraining).where(
            DeletedTraining.user_id == user.id, DeletedTraining.deleted_at < now - UNDO_WINDOW
        )
    )
    token = secrets.token_urlsafe(24)
    payload = {
        "session": _encode(training, _SESSIONS) if training is not None else None,
        "logs": [_log_payload(log) for log in logs],
    }
    session.add(
        DeletedTraining(
            user_id=user.id, token=token, label=label[:200], payload=payload, deleted_at=now
        )
    )
    return Deleted(token, label, now)


async def _recompute(session: AsyncSession, user: Lifter, exercise_ids: Iterable[int]) -> None:
    await session.flush()
    touched = await muscles_of(session, set(exercise_ids))
    await recovery.history_changed(session=session, user=user, muscles=touched)


async def delete_log(*, session: AsyncSession, user: Lifter, log_id: int) -> Deleted:
    """Delete one log (the lifter's own, else NotFound), keeping it for Undo."""
    log = await session.scalar(
        select(WorkoutLog)
        .where(WorkoutLog.id == log_id, WorkoutLog.user_id == user.id)
        .options(*_LOADED)
    )
    if log is None:
        raise NotFound(f"log {log_id} not found")
    label = f"{log.exercise.name}, {_day_label(log.performed_at, user)}"
    deleted = await _keep(session, user, label, None, [log])
    await session.delete(log)
    await _recompute(session, user, {log.exercise_id})
    return deleted


async def delete_session(*, session: AsyncSession, user: Lifter, session_id: int) -> Deleted:
    """Delete a session and every log done in it, keeping them for Undo."""
    row = await session.scalar(
        select(TrainingSession).where(
            TrainingSession.id == session_id, TrainingSession.user_id == user.id
        )
    )
    if row is None:
        raise NotFound(f"session {session_id} not found")
    logs = list(
        (
            await session.scalars(
                select(WorkoutLog)
                .where(WorkoutLog.user_id == user.id, WorkoutLog.session_id == row.id)
                .options(*_LOADED)
                .order_by(WorkoutLog.performed_at, WorkoutLog.id)
            )
        ).all()
    )
    label = f"{row.title}, {_day_label(row.started_at, user)}"
    deleted = await _keep(session, user, label, row, logs)
    for log in logs:
        await session.delete(log)
    await session.delete(row)
    await _recompute(session, user, {log.exercise_id for log in logs})
    return deleted


async def recent(*, session: AsyncSession, user: Lifter) -> list[Deleted]:
    """The lifter's deletes that can still be undone, newest first."""
    rows = await session.execute(
        select(DeletedTraining.token, DeletedTraining.label, DeletedTraining.deleted_at)
        .where(
            DeletedTraining.user_id == user.id,
            DeletedTraining.deleted_at >= utcnow() - UNDO_WINDOW,
        )
        .order_by(DeletedTraining.deleted_at.desc(), DeletedTraining.id.desc())
        .limit(RECENT_SHOWN)
    )
    return [Deleted(*row) for row in rows]


async def _existing(session: AsyncSession, column: Any, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(await session.scalars(select(column).where(column.in_(ids))))


async def undo(*, session: AsyncSession, user: Lifter, token: str) -> str:
    """Put back what a delete took away; its label. NotFound once expired or undone."""
    kept = await session.scalar(
        select(DeletedTraining).where(
            DeletedTraining.user_id == user.id,
            DeletedTraining.token == token,
            DeletedTraining.deleted_at >= utcnow() - UNDO_WINDOW,
        )
    )
    if kept is None:
        raise NotFound("nothing to undo: it was undone already, or it is too old")
    training = kept.payload.get("session")
    logs: list[dict[str, Any]] = kept.payload.get("logs", [])
    exercise_ids = {int(log["exercise_id"]) for log in logs}
    missing = exercise_ids - await _existing(session, Exercise.id, exercise_ids)
    if missing:
        raise Conflict(f"cannot undo: the exercise it logged (id {min(missing)}) is gone")
    if training is not None:
        await session.execute(insert(_SESSIONS), [_decode(training, _SESSIONS)])
    # What the logs pointed at may have gone meanwhile: they keep what is still there.
    sessions = await _existing(
        session, TrainingSession.id, {int(x["session_id"]) for x in logs if x.get("session_id")}
    )
    planned = await _existing(
        session,
        CustomWorkoutExercise.id,
        {int(x["custom_workout_exercise_id"]) for x in logs if x.get("custom_workout_exercise_id")},
    )
    keys = await _existing_keys(session, user, {x["idempotency_key"] for x in logs})
    for log in logs:
        row = _decode(log, _LOGS)
        if row["session_id"] not in sessions:
            row["session_id"] = None
        if row["custom_workout_exercise_id"] not in planned:
            row["custom_workout_exercise_id"] = None
        if row["idempotency_key"] in keys:  # a retry has used it since
            row["idempotency_key"] = row["request_hash"] = None
        await session.execute(insert(_LOGS), [row])
        sets = [_decode(s, _SETS) for s in log.get("sets", [])]
        if sets:
            await session.execute(insert(_SETS), sets)
    await session.delete(kept)
    await _recompute(session, user, exercise_ids)
    return kept.label


async def _existing_keys(session: AsyncSession, user: Lifter, keys: set[str | None]) -> set[str]:
    wanted = {k for k in keys if k}
    if not wanted:
        return set()
    return set(
        await session.scalars(
            select(WorkoutLog.idempotency_key).where(
                WorkoutLog.user_id == user.id, WorkoutLog.idempotency_key.in_(wanted)
            )
        )
    )
