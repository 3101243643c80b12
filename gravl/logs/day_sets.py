"""Logging an exercise set by set outside a session: set ``n`` of today's entry for an exercise.

Today's entry is the lifter's log of that exercise on their local day, in the same workout
context (the workout or custom workout it was logged under, or neither), not part of a started
session. The first set of the day creates it; later sets are added to it. Writing set ``n``
again replaces it, so a retry or a double tap stores it once and a correction is the same call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.errors import ValidationFailed
from gravl.history.models import WorkoutLog
from gravl.logs import service
from gravl.logs.schemas import MAX_SETS, LogIn, LogPatch, SetIn


@dataclass(frozen=True)
class Entry:
    """Where today's entry lives: an exercise on a day, in one workout context."""

    exercise_id: int
    day: date
    workout_id: int | None = None
    custom_workout_id: int | None = None


def _day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, zone)


async def find(*, session: AsyncSession, user: Lifter, entry: Entry) -> WorkoutLog | None:
    """Today's log of the exercise in this context, with its sets; None before the first set."""
    start, end = _day_bounds(entry.day, user.timezone)
    log_id = await session.scalar(
        select(WorkoutLog.id)
        .where(
            WorkoutLog.user_id == user.id,
            WorkoutLog.exercise_id == entry.exercise_id,
            WorkoutLog.session_id.is_(None),
            WorkoutLog.workout_id.is_(None)
            if entry.workout_id is None
            else WorkoutLog.workout_id == entry.workout_id,
            WorkoutLog.custom_workout_id.is_(None)
            if entry.custom_workout_id is None
            else WorkoutLog.custom_workout_id == entry.custom_workout_id,
            WorkoutLog.performed_at >= start,
            WorkoutLog.performed_at < end,
        )
        .order_by(WorkoutLog.performed_at, WorkoutLog.id)
        .limit(1)
    )
    if log_id is None:
        return None
    return await service.get_log(session=session, user=user, log_id=log_id)


async def put_set(
    *, session: AsyncSession, user: Lifter, entry: Entry, position: int, data: SetIn
) -> WorkoutLog:
    """Write set ``position`` (from 1) of today's entry: the first creates the log, the next
    one appends, an existing one is replaced."""
    log = await find(session=session, user=user, entry=entry)
    if log is None:
        _check_position(position, 0)
        created = await service.create_log(
            session=session,
            user=user,
            data=LogIn(
                exercise_id=entry.exercise_id,
                sets=[data],
                workout_id=entry.workout_id,
                custom_workout_id=entry.custom_workout_id,
            ),
        )
        return created.log
    sets = [SetIn.model_validate(s, from_attributes=True) for s in log.sets]
    _check_position(position, len(sets))
    if position <= len(sets):
        if sets[position - 1] == data:
            return log  # a retry of a stored set: nothing to change
        sets[position - 1] = data
    else:
        sets.append(data)
    return await service.update_log(
        session=session, user=user, log_id=log.id, data=LogPatch(sets=sets)
    )


def _check_position(position: int, done: int) -> None:
    if not 1 <= position <= min(done + 1, MAX_SETS):
        raise ValidationFailed(
            f"set {position} cannot be written: {done} set(s) logged so far",
            details=[{"field": "position", "message": f"from 1 to {done + 1}"}],
        )
