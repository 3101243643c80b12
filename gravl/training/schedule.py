"""Enrollment in a program and what it schedules on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter
from gravl.db import utcnow
from gravl.errors import NotFound
from gravl.training.cache import program_mode, program_schedule
from gravl.training.models import Enrollment, Program, WorkoutSwap


class Zoned(Protocol):
    @property
    def timezone(self) -> str: ...


def local_today(user: Zoned, now: datetime | None = None) -> date:
    """The lifter's calendar date: what "today" means is set by their timezone."""
    return (now or utcnow()).astimezone(ZoneInfo(user.timezone)).date()


@dataclass(frozen=True)
class Plan:
    """What a day holds: the program's workout, and the active swap replacing it, if any."""

    on: date
    enrollment: Enrollment | None
    program: Program | None
    scheduled_workout_id: int | None
    swap: WorkoutSwap | None


def program_day(program: Program, start: date, on: date) -> int | None:
    """Index into the repeating schedule (API.md: ``(D − start_date) mod len(schedule)``)."""
    if on < start or not program.days:
        return None
    return (on - start).days % len(program.days)


async def enroll(
    *, session: AsyncSession, user: Lifter, program_id: int, start_date: date | None
) -> tuple[Enrollment, Program]:
    """Start following a program; any current enrollment ends now."""
    program = await session.scalar(
        select(Program).where(Program.id == program_id).options(selectinload(Program.days))
    )
    if program is None:
        raise NotFound(f"program {program_id} not found")
    now = utcnow()
    await session.execute(
        update(Enrollment)
        .where(Enrollment.user_id == user.id, Enrollment.ended_at.is_(None))
        .values(ended_at=now)
    )
    enrollment = Enrollment(
        user_id=user.id,
        program_id=program.id,
        start_date=start_date or local_today(user, now),
        created_at=now,
    )
    session.add(enrollment)
    await session.flush()
    return enrollment, program


async def active_enrollment(
    *, session: AsyncSession, user: Lifter
) -> tuple[Enrollment, Program] | None:
    row = (
        await session.execute(
            select(Enrollment, Program)
            .join(Program, Program.id == Enrollment.program_id)
            .where(Enrollment.user_id == user.id, Enrollment.ended_at.is_(None))
            .options(selectinload(Program.days))
            .order_by(Enrollment.created_at.desc(), Enrollment.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def active_swap(*, session: AsyncSession, user: Lifter, on: date) -> WorkoutSwap | None:
    return await session.scalar(
        select(WorkoutSwap).where(
            WorkoutSwap.user_id == user.id,
            WorkoutSwap.date == on,
            WorkoutSwap.reverted_at.is_(None),
        )
    )


async def plan_for(*, session: AsyncSession, user: Lifter, on: date) -> Plan:
    current = await active_enrollment(session=session, user=user)
    enrollment, program = current if current else (None, None)
    scheduled: int | None = None
    if enrollment is not None and program is not None:
        index = program_day(program, enrollment.start_date, on)
        scheduled = program.days[index].workout_id if index is not None else None
    swap = await active_swap(session=session, user=user, on=on)
    return Plan(on, enrollment, program, scheduled, swap)


@dataclass(frozen=True)
class DayPlan:
    """A day's plan as plain ids, for the hot read paths (recommendations)."""

    on: date
    program_id: int | None
    scheduled_workout_id: int | None
    # The active swap's replacement, if any (exactly one of the two is set on a swap).
    swap_workout_id: int | None
    swap_custom_workout_id: int | None
    # The program as followed: its first day, the workout of each day of its cycle, and how
    # it advances (``calendar`` or ``rotation``, with at most this many training days in a row).
    start_date: date | None = None
    days: tuple[int | None, ...] = ()
    mode: str = "calendar"
    max_consecutive: int | None = None


def _day_plan_statement() -> Select[Any]:
    enrollment = (
        select(Enrollment)
        .where(Enrollment.user_id == bindparam("user_id"), Enrollment.ended_at.is_(None))
        .order_by(Enrollment.created_at.desc(), Enrollment.id.desc())
        .limit(1)
        .subquery()
    )
    swap = (
        select(WorkoutSwap)
        .where(
            WorkoutSwap.user_id == bindparam("user_id"),
            WorkoutSwap.date == bindparam("on"),
            WorkoutSwap.reverted_at.is_(None),
        )
        .subquery()
    )
    # One round trip for two unrelated rows: each column is a scalar subquery.
    return select(
        select(enrollment.c.program_id).scalar_subquery(),
        select(enrollment.c.start_date).scalar_subquery(),
        select(swap.c.replacement_workout_id).scalar_subquery(),
        select(swap.c.replacement_custom_workout_id).scalar_subquery(),
    )


# Built once: constructing it and its cache key costs more than running it.
_DAY_PLAN = _day_plan_statement()


async def day_plan(*, session: AsyncSession, user: Lifter, on: date) -> DayPlan:
    """What ``plan_for`` answers, read in one round trip; the program's days from the cache."""
    row = (await session.execute(_DAY_PLAN, {"user_id": user.id, "on": on})).one()
    program_id, start_date, swap_workout_id, swap_custom_workout_id = row
    scheduled: int | None = None
    days: tuple[int | None, ...] = ()
    mode, most = "calendar", None
    if program_id is not None and start_date is not None:
        days = await program_schedule(session, program_id)
        mode, most = await program_mode(session, program_id)
        if on >= start_date and days:
            scheduled = days[(on - start_date).days % len(days)]
    return DayPlan(
        on,
        program_id,
        scheduled,
        swap_workout_id,
        swap_custom_workout_id,
        start_date,
        days,
        mode,
        most,
    )
