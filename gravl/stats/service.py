"""Progress read from the logs: personal records, per-day history and weekly muscle volume.

Warm-ups never count (FORMATS.md). Every query is bounded by the user, and history and
volume also by the exercise or the week window; the arithmetic lives in the pure modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import exercise_muscles
from gravl.catalog.models import Exercise
from gravl.catalog.service import get_exercise
from gravl.db import utcnow
from gravl.history.models import LogSet, WorkoutLog
from gravl.history.sets import SetType
from gravl.stats.e1rm import estimate_1rm, set_volume
from gravl.stats.records import PersonalRecord, WorkingSet, personal_records

# FORMATS.md / API.md: a secondary muscle gets half a set's credit.
SECONDARY_SET_CREDIT = 0.5


@dataclass(frozen=True, slots=True)
class HistoryDay:
    date: date
    best_e1rm_kg: float | None
    top_weight_kg: float | None
    volume_kg: float
    sets: int


@dataclass(frozen=True, slots=True)
class WeeklyVolume:
    week_start: date
    muscle_group: str
    sets: float


async def records(*, session: AsyncSession, user: Lifter) -> list[tuple[PersonalRecord, str]]:
    """Current personal records with their exercise names."""
    rows = await session.execute(
        select(
            WorkoutLog.exercise_id,
            WorkoutLog.id,
            WorkoutLog.performed_at,
            LogSet.reps,
            LogSet.weight_kg,
            LogSet.rpe,
            LogSet.set_type,
        )
        .join(LogSet, LogSet.log_id == WorkoutLog.id)
        .where(WorkoutLog.user_id == user.id, LogSet.set_type != "warmup")
        # Chronological, so on a tie the first lift keeps the record.
        .order_by(WorkoutLog.performed_at, WorkoutLog.id, LogSet.position)
    )
    found = personal_records(WorkingSet(*row) for row in rows)
    names = dict(
        (
            await session.execute(
                select(Exercise.id, Exercise.name).where(
                    Exercise.id.in_({r.exercise_id for r in found})
                )
            )
        ).all()
    )
    return [(record, names[record.exercise_id]) for record in found]


def _midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(ZoneInfo("UTC"))


async def exercise_history(
    *,
    session: AsyncSession,
    user: Lifter,
    exercise_id: int,
    start: date | None = None,
    end: date | None = None,
) -> list[HistoryDay]:
    """One row per day (in the user's timezone) on which the exercise had working sets."""
    await get_exercise(session=session, user=user, exercise_id=exercise_id)
    zone = ZoneInfo(user.timezone)
    query = (
        select(
            WorkoutLog.performed_at,
            LogSet.reps,
            LogSet.weight_kg,
            LogSet.rpe,
            LogSet.set_type,
        )
        .join(LogSet, LogSet.log_id == WorkoutLog.id)
        .where(
            WorkoutLog.user_id == user.id,
            WorkoutLog.exercise_id == exercise_id,
            LogSet.set_type != "warmup",
        )
        .order_by(WorkoutLog.performed_at)
    )
    if start is not None:
        query = query.where(WorkoutLog.performed_at >= _midnight_utc(start, zone))
    if end is not None:
        query = query.where(WorkoutLog.performed_at < _midnight_utc(end + timedelta(days=1), zone))
    days: dict[date, list[tuple[int | None, float | None, float | None, SetType]]] = {}
    for performed_at, reps, weight, rpe, set_type in await session.execute(query):
        days.setdefault(performed_at.astimezone(zone).date(), []).append(
            (reps, weight, rpe, set_type)
        )
    history = []
    for day, sets in days.items():
        estimates = [estimate_1rm(w, r, rpe, set_type=t) for r, w, rpe, t in sets]
        best = max((e for e in estimates if e is not None), default=None)
        top = max((w for _, w, _, _ in sets if w), default=None)
        history.append(
            HistoryDay(
                date=day,
                best_e1rm_kg=None if best is None else round(best, 2),
                top_weight_kg=top,
                volume_kg=round(sum(set_volume(w, r, set_type=t) for r, w, _, t in sets), 3),
                sets=len(sets),
            )
        )
    return history


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def weekly_volume(
    *, session: AsyncSession, user: Lifter, weeks: int, today: date | None = None
) -> list[WeeklyVolume]:
    """Working sets per muscle and week (Monday-based, user's timezone), oldest week first."""
    zone = ZoneInfo(user.timezone)
    first_week = week_start(today or utcnow().astimezone(zone).date()) - timedelta(weeks=weeks - 1)
    rows = await session.execute(
        select(WorkoutLog.exercise_id, WorkoutLog.performed_at, func.count(LogSet.id))
        .join(LogSet, LogSet.log_id == WorkoutLog.id)
        .where(
            WorkoutLog.user_id == user.id,
            WorkoutLog.performed_at >= _midnight_utc(first_week, zone),
            WorkoutLog.performed_at < _midnight_utc(first_week + timedelta(weeks=weeks), zone),
            LogSet.set_type != "warmup",
        )
        .group_by(WorkoutLog.id, WorkoutLog.exercise_id, WorkoutLog.performed_at)
    )
    counted = rows.all()
    muscles = await exercise_muscles(session, {exercise_id for exercise_id, _, _ in counted})
    totals: dict[tuple[date, str], float] = {}
    for exercise_id, performed_at, sets in counted:
        week = week_start(performed_at.astimezone(zone).date())
        primary, secondary = muscles[exercise_id]
        for muscle in primary:
            totals[week, muscle] = totals.get((week, muscle), 0.0) + sets
        for muscle in secondary:
            credit = sets * SECONDARY_SET_CREDIT
            totals[week, muscle] = totals.get((week, muscle), 0.0) + credit
    return [
        WeeklyVolume(week_start=week, muscle_group=muscle, sets=total)
        for (week, muscle), total in sorted(totals.items())
    ]
