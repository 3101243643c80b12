"""Adding a session after the fact: a finished training session on its day, its exercises
logged through ``gravl.logs`` (so recovery and stats follow as for any log), in the order
given, spread over the session's duration."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.catalog.models import Exercise
from gravl.catalog.service import visible_exercises
from gravl.db import utcnow
from gravl.errors import NotFound, ValidationFailed
from gravl.history.models import TrainingSession
from gravl.logbook.entries import time_of_day_name
from gravl.logs import service as logs
from gravl.logs.schemas import LogIn, SetIn
from gravl.training.models import CustomWorkout, CustomWorkoutExercise, Workout

DEFAULT_MINUTES = 60
MAX_MINUTES = 6 * 60
MAX_TITLE = 120  # TrainingSession.title's length


@dataclass(frozen=True)
class PastExercise:
    exercise_id: int
    sets: Sequence[SetIn]
    notes: str | None = None


@dataclass(frozen=True)
class PastSession:
    day: date
    at: time
    minutes: int
    title: str
    exercises: Sequence[PastExercise]
    workout_id: int | None = None
    custom_workout_id: int | None = None
    notes: str | None = None


def zone(user: Lifter) -> ZoneInfo:
    return ZoneInfo(user.timezone)


def started_at(user: Lifter, day: date, at: time) -> datetime:
    """The session's start as an instant, refused when it is still ahead."""
    moment = datetime.combine(day, at, ZoneInfo(user.timezone))
    if moment > utcnow():
        raise ValidationFailed(
            "that start is still ahead: add a session once it is done",
            details=[{"field": "date", "message": "is in the future"}],
        )
    return moment


async def add(*, session: AsyncSession, user: Lifter, past: PastSession) -> TrainingSession:
    """Store the session, finished, with its exercises as logs; the session row."""
    if not past.exercises:
        raise ValidationFailed(
            "add at least one exercise with a set",
            details=[{"field": "exercises", "message": "has no sets"}],
        )
    start = started_at(user, past.day, past.at)
    end = min(start + timedelta(minutes=past.minutes), utcnow())
    now = utcnow()
    title = past.title or await _name(session, user, past) or time_of_day_name(start)
    row = TrainingSession(
        user_id=user.id,
        date=past.day,
        title=title[:MAX_TITLE],
        workout_id=past.workout_id,
        custom_workout_id=past.custom_workout_id,
        started_at=start,
        ended_at=end,
        notes=past.notes,
        plan=[],
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    step = (end - start) / len(past.exercises)
    for i, exercise in enumerate(past.exercises):
        await logs.create_log(
            session=session,
            user=user,
            data=LogIn(
                exercise_id=exercise.exercise_id,
                performed_at=start + step * i,
                sets=list(exercise.sets),
                workout_id=past.workout_id,
                custom_workout_id=past.custom_workout_id,
                session_id=row.id,
                notes=exercise.notes,
            ),
        )
    return row


async def _name(session: AsyncSession, user: Lifter, past: PastSession) -> str | None:
    if past.workout_id is not None:
        return await session.scalar(select(Workout.name).where(Workout.id == past.workout_id))
    if past.custom_workout_id is not None:
        return await session.scalar(
            select(CustomWorkout.name).where(
                CustomWorkout.id == past.custom_workout_id, CustomWorkout.user_id == user.id
            )
        )
    return None


async def custom_exercise_ids(*, session: AsyncSession, user: Lifter, workout_id: int) -> list[int]:
    """The exercises of one of the lifter's custom workouts, in order (NotFound: not theirs)."""
    owned = await session.scalar(
        select(CustomWorkout.id).where(
            CustomWorkout.id == workout_id, CustomWorkout.user_id == user.id
        )
    )
    if owned is None:
        raise NotFound(f"custom workout {workout_id} not found")
    return list(
        await session.scalars(
            select(CustomWorkoutExercise.exercise_id)
            .where(CustomWorkoutExercise.custom_workout_id == workout_id)
            .order_by(CustomWorkoutExercise.position)
        )
    )


async def exercise_choices(*, session: AsyncSession, user: Lifter) -> list[tuple[int, str]]:
    """The exercises the lifter may log (built-ins and their own), by name."""
    rows = await session.execute(
        visible_exercises(user, Exercise.id, Exercise.name).order_by(Exercise.name, Exercise.id)
    )
    return [(ident, name) for ident, name in rows]
