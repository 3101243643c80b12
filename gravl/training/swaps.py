"""Swapping a day's scheduled workout for another, reversibly, with an audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.db import utcnow
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.history.models import LogSet, WorkoutLog
from gravl.training.custom import get_custom_workout
from gravl.training.models import Workout, WorkoutSwap
from gravl.training.schedule import local_today, plan_for
from gravl.training.schemas import SwapIn

# Logs of one day with at least one working set (warm-ups alone are not training).
_TRAINED_LOGS = (
    select(WorkoutLog.id)
    .where(
        WorkoutLog.user_id == bindparam("user_id"),
        WorkoutLog.performed_at >= bindparam("start"),
        WorkoutLog.performed_at < bindparam("end"),
        select(LogSet.id)
        .where(LogSet.log_id == WorkoutLog.id, LogSet.set_type != "warmup")
        .exists(),
    )
    .order_by(WorkoutLog.id)
)


async def _trained_logs(session: AsyncSession, user: Lifter, on: date) -> list[int]:
    """The ids of the logs with working sets on the lifter's date ``on`` (their timezone)."""
    zone = ZoneInfo(user.timezone)
    params = {
        "user_id": user.id,
        "start": datetime.combine(on, time(), zone),
        "end": datetime.combine(on + timedelta(days=1), time(), zone),
    }
    return list(await session.scalars(_TRAINED_LOGS, params))


async def swap_workout(
    *, session: AsyncSession, user: Lifter, workout_id: int, data: SwapIn
) -> WorkoutSwap:
    """Replace the workout scheduled on a day (default: the lifter's today) with another, or
    give a rest day a workout.

    A day with working sets logged is not swapped: its plan already happened, and a swap
    would rewrite what the recommendations and the logs say was planned (issue 16). On a rest
    day nothing is scheduled for ``workout_id`` to name, so it names the workout put on the
    day and must be the ``replacement_workout_id``; the swap then replaces nothing.
    """
    on = data.date or local_today(user)
    if await session.get(Workout, workout_id) is None:
        raise NotFound(f"workout {workout_id} not found")
    trained = await _trained_logs(session, user, on)
    if trained:
        message = f"{on} was already trained; a day is swapped before it is trained"
        raise Conflict(message, details=[{"field": "date", "message": message, "log_ids": trained}])
    plan = await plan_for(session=session, user=user, on=on)
    if plan.swap is not None:
        raise Conflict(f"{on} is already swapped (swap {plan.swap.id}); revert it first")
    original = plan.scheduled_workout_id
    if original is None:
        if data.replacement_workout_id != workout_id:
            raise Conflict(
                f"nothing is scheduled on {on}: to train on a rest day, name a built-in "
                "workout both in the path and as replacement_workout_id"
            )
    elif original != workout_id:
        raise Conflict(f"workout {workout_id} is not scheduled on {on}")
    if data.replacement_workout_id is not None:
        if await session.get(Workout, data.replacement_workout_id) is None:
            raise NotFound(f"workout {data.replacement_workout_id} not found")
        if data.replacement_workout_id == original:
            raise ValidationFailed("the replacement must differ from the scheduled workout")
    else:
        assert data.replacement_custom_workout_id is not None
        await get_custom_workout(
            session=session, user=user, workout_id=data.replacement_custom_workout_id
        )
    swap = WorkoutSwap(
        user_id=user.id,
        date=on,
        original_workout_id=original,
        replacement_workout_id=data.replacement_workout_id,
        replacement_custom_workout_id=data.replacement_custom_workout_id,
        reason=data.reason,
        created_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(swap)
            await session.flush()
    except IntegrityError as exc:  # a parallel swap of the same day committed first
        raise Conflict(f"{on} is already swapped; revert it first") from exc
    return swap


async def revert_swap(
    *, session: AsyncSession, user: Lifter, swap_id: int, reason: str | None = None
) -> WorkoutSwap:
    """Give the day back its scheduled workout (or its rest); the swap row stays, stamped
    ``reverted_at`` and with the lifter's reason, so the audit trail says why too."""
    swap = await session.scalar(
        select(WorkoutSwap)
        .where(WorkoutSwap.id == swap_id, WorkoutSwap.user_id == user.id)
        .with_for_update()
    )
    if swap is None:
        raise NotFound(f"swap {swap_id} not found")
    if swap.reverted_at is not None:
        raise Conflict(f"swap {swap_id} was already reverted at {swap.reverted_at.isoformat()}")
    swap.reverted_at = utcnow()
    swap.revert_reason = reason
    await session.flush()
    return swap


async def list_swaps(
    *, session: AsyncSession, user: Lifter, start: date | None, end: date | None
) -> Sequence[WorkoutSwap]:
    """The audit trail, reverted swaps included, newest first."""
    query = select(WorkoutSwap).where(WorkoutSwap.user_id == user.id)
    if start is not None:
        query = query.where(WorkoutSwap.date >= start)
    if end is not None:
        query = query.where(WorkoutSwap.date <= end)
    return (
        await session.scalars(query.order_by(WorkoutSwap.created_at.desc(), WorkoutSwap.id.desc()))
    ).all()
