"""Logging a training session set by set (issue 18): set ``n`` of an exercise of the session
is written into that exercise's log in the session, made on the first set. Writing set ``n``
again replaces it, so a retry never adds a set and a correction is the same call."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.errors import NotFound, ValidationFailed
from gravl.history.models import TrainingSession, WorkoutLog
from gravl.logs import service
from gravl.logs.schemas import LogIn, LogPatch, SetIn


async def put_set(
    *,
    session: AsyncSession,
    user: Lifter,
    training: TrainingSession,
    index: int,
    position: int,
    data: SetIn,
) -> WorkoutLog:
    """Write set ``position`` (from 1) of the session's ``index``-th exercise (from 0)."""
    if not 0 <= index < len(training.plan):
        raise NotFound(f"exercise {index} of session {training.id} not found")
    exercise_id = training.plan[index]["exercise_id"]
    log_id = await session.scalar(
        select(WorkoutLog.id)
        .where(
            WorkoutLog.user_id == user.id,
            WorkoutLog.session_id == training.id,
            WorkoutLog.exercise_id == exercise_id,
        )
        .order_by(WorkoutLog.id)
        .limit(1)
    )
    if log_id is None:
        _check_position(position, 0)
        created = await service.create_log(
            session=session,
            user=user,
            data=LogIn(
                exercise_id=exercise_id,
                sets=[data],
                workout_id=training.workout_id,
                custom_workout_id=training.custom_workout_id,
                session_id=training.id,
            ),
        )
        return created.log
    log = await service.get_log(session=session, user=user, log_id=log_id)
    sets = [SetIn.model_validate(s, from_attributes=True) for s in log.sets]
    _check_position(position, len(sets))
    if position <= len(sets):
        sets[position - 1] = data
    else:
        sets.append(data)
    return await service.update_log(
        session=session, user=user, log_id=log_id, data=LogPatch(sets=sets)
    )


def _check_position(position: int, done: int) -> None:
    if not 1 <= position <= done + 1:
        raise ValidationFailed(
            f"set {position} cannot be written: {done} set(s) logged so far",
            details=[{"field": "position", "message": f"from 1 to {done + 1}"}],
        )
