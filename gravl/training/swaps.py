"""Swapping a day's scheduled workout for another, reversibly, with an audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.db import utcnow
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.training.custom import get_custom_workout
from gravl.training.models import Workout, WorkoutSwap
from gravl.training.schedule import local_today, plan_for
from gravl.training.schemas import SwapIn


async def swap_workout(
    *, session: AsyncSession, user: Lifter, workout_id: int, data: SwapIn
) -> WorkoutSwap:
    """Replace the workout scheduled on a day (default: the lifter's today) with another."""
    on = data.date or local_today(user)
    if await session.get(Workout, workout_id) is None:
        raise NotFound(f"workout {workout_id} not found")
    plan = await plan_for(session=session, user=user, on=on)
    if plan.swap is not None:
        raise Conflict(f"{on} is already swapped (swap {plan.swap.id}); revert it first")
    if plan.scheduled_workout_id != workout_id:
        raise Conflict(f"workout {workout_id} is not scheduled on {on}")
    if data.replacement_workout_id is not None:
        if await session.get(Workout, data.replacement_workout_id) is None:
            raise NotFound(f"workout {data.replacement_workout_id} not found")
        if data.replacement_workout_id == workout_id:
            raise ValidationFailed("the replacement must differ from the scheduled workout")
    else:
        assert data.replacement_custom_workout_id is not None
        await get_custom_workout(
            session=session, user=user, workout_id=data.replacement_custom_workout_id
        )
    swap = WorkoutSwap(
        user_id=user.id,
        date=on,
        original_workout_id=workout_id,
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


async def revert_swap(*, session: AsyncSession, user: Lifter, swap_id: int) -> WorkoutSwap:
    """Give the day back its scheduled workout; the swap row stays, stamped ``reverted_at``."""
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
