"""Reading training history as the recovery model's plain records (bounded time windows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.catalog.cache import exercise_muscles
from gravl.history.models import LogSet, WorkoutLog
from gravl.recovery.model import DEFAULT_CONSTANTS, CheckIn, SetRecord, mark_novelty
from gravl.recovery.models import RecoveryCheckIn

# Built once: constructing a statement and its cache key costs more Python than running it,
# and these run on every recovery read and every log. On the tables, not the entities:
# plain-column reads need no ORM compilation.
_LOGS = cast(Table, WorkoutLog.__table__)
_SETS = cast(Table, LogSet.__table__)
_PREVIOUS_DONE = (
    select(_LOGS.c.exercise_id, func.max(_LOGS.c.performed_at))
    .where(
        _LOGS.c.user_id == bindparam("user_id"),
        _LOGS.c.exercise_id.in_(bindparam("exercise_ids", expanding=True)),
        _LOGS.c.performed_at < bindparam("before"),
        _LOGS.c.performed_at >= bindparam("since"),
    )
    .group_by(_LOGS.c.exercise_id)
)
_SETS_BETWEEN = (
    select(
        _LOGS.c.id,
        _LOGS.c.exercise_id,
        _LOGS.c.performed_at,
        _SETS.c.reps,
        _SETS.c.rpe,
        _SETS.c.set_type,
        _SETS.c.duration_s,
    )
    .join(_SETS, _SETS.c.log_id == _LOGS.c.id)
    .where(
        _LOGS.c.user_id == bindparam("user_id"),
        _LOGS.c.performed_at > bindparam("start"),
        _LOGS.c.performed_at <= bindparam("end"),
    )
    .order_by(_LOGS.c.performed_at, _LOGS.c.id, _SETS.c.position)
)


async def previous_done(
    session: AsyncSession, user_id: int, exercise_ids: Iterable[int], before: datetime
) -> dict[int, datetime]:
    """Each exercise's latest performance in the novelty window before ``before``."""
    ids = sorted(set(exercise_ids))
    if not ids:
        return {}
    rows = await session.execute(
        _PREVIOUS_DONE,
        {
            "user_id": user_id,
            "exercise_ids": ids,
            "before": before,
            "since": before - DEFAULT_CONSTANTS.novelty_window,
        },
    )
    return {exercise_id: at for exercise_id, at in rows if at is not None}


async def sets_between(
    session: AsyncSession,
    user_id: int,
    start: datetime,
    end: datetime,
    *,
    with_novelty: bool = True,
) -> list[SetRecord]:
    """The user's sets performed in ``(start, end]``, chronologically, as model records."""
    params = {"user_id": user_id, "start": start, "end": end}
    rows = (await session.execute(_SETS_BETWEEN, params)).all()
    muscles = await exercise_muscles(session, {r[1] for r in rows})
    # Plain tuples, unpacked: a week of sets is a hundred rows on every recovery read.
    records = [
        SetRecord(
            performed_at=performed_at,
            exercise_id=exercise_id,
            primary=muscles[exercise_id][0],
            secondary=muscles[exercise_id][1],
            reps=reps,
            rpe=rpe,
            set_type=set_type,
            duration_s=duration_s,
            novel=False,
            log_id=log_id,
        )
        for log_id, exercise_id, performed_at, reps, rpe, set_type, duration_s in rows
    ]
    if not with_novelty or not records:
        return records
    earlier = await previous_done(session, user_id, muscles, start)
    return mark_novelty(records, earlier)


async def checkins_between(
    session: AsyncSession, user_id: int, start: datetime, end: datetime
) -> Sequence[RecoveryCheckIn]:
    return (
        await session.scalars(
            select(RecoveryCheckIn)
            .where(
                RecoveryCheckIn.user_id == user_id,
                RecoveryCheckIn.at > start,
                RecoveryCheckIn.at <= end,
            )
            .order_by(RecoveryCheckIn.at, RecoveryCheckIn.id)
        )
    ).all()


def as_events(checkins: Iterable[RecoveryCheckIn]) -> list[CheckIn]:
    return [CheckIn(at=c.at, muscle=c.muscle_group, soreness=c.soreness) for c in checkins]
