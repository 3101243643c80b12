"""A lived-in demo account: a lifter eight weeks into a program, with a swap in the history."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter, lifter_by_email
from gravl.auth.models import User
from gravl.auth.schemas import RegisterIn
from gravl.auth.service import create_user
from gravl.cache import Caches
from gravl.corridor import unit_of_work
from gravl.db import Database
from gravl.history.models import WorkoutLog
from gravl.logs.schemas import LogIn, SetIn
from gravl.logs.service import create_log
from gravl.training.models import Program, Workout, WorkoutExercise, WorkoutSwap
from gravl.training.schedule import enroll, local_today, program_day

DEMO_EMAIL = "demo@example.com"
# Printed by `gravl demo`, which refuses production; it passes the rule for new passwords.
DEMO_PASSWORD = "heavy-plates-every-monday"
DEMO_PROGRAM = "full-body-3x"
WEEKS = 8
# Starting loads by equipment (kg), before each exercise's own progression.
START_LOAD = {
    "barbell": 50.0,
    "dumbbell": 16.0,
    "cable": 25.0,
    "machine": 40.0,
    "kettlebell": 16.0,
    "ez_bar": 25.0,
}


async def create_demo(*, database: Database, today: date | None = None) -> tuple[Lifter, bool]:
    """Create the demo lifter with history; ``(lifter, False)`` when it already has one.

    Two units of work: the account first, then its history for the lifter claimed like any
    other write (a failed history leaves an account the next run fills).
    """
    caches = Caches()
    async with unit_of_work(database, caches) as work:
        user_id = await work.session.scalar(select(User.id).where(User.email == DEMO_EMAIL))
        if user_id is None:
            await create_user(
                session=work.session,
                data=RegisterIn(
                    email=DEMO_EMAIL, password=DEMO_PASSWORD, display_name="Demo Lifter"
                ),
            )
        logged = user_id is not None and await work.session.scalar(
            select(WorkoutLog.id).where(WorkoutLog.user_id == user_id).limit(1)
        )
    # Only a history to write claims the lifter; one already there is left as it is.
    fill = not logged
    async with unit_of_work(database, caches, writes=fill) as work:
        lifter = await lifter_by_email(work, DEMO_EMAIL, writes=fill)
        assert lifter is not None  # created above
        if fill:
            await _history(session=work.session, user=lifter, today=today or local_today(lifter))
        return lifter, fill


async def _history(*, session: AsyncSession, user: Lifter, today: date) -> None:
    program = await session.scalar(
        select(Program).where(Program.slug == DEMO_PROGRAM).options(selectinload(Program.days))
    )
    if program is None:
        raise RuntimeError("built-in content is missing: run `gravl seed` first")
    start = today - timedelta(weeks=WEEKS)
    enrollment, program = await enroll(
        session=session, user=user, program_id=program.id, start_date=start
    )
    workouts = {
        w.id: w
        for w in await session.scalars(
            select(Workout).options(
                selectinload(Workout.exercises).selectinload(WorkoutExercise.exercise)
            )
        )
    }
    library = sorted(w.id for w in workouts.values() if w.kind == "library")
    rng = random.Random(20261127)
    zone = ZoneInfo(user.timezone)
    swap_day = today - timedelta(days=10)
    for offset in range((today - start).days):
        day = start + timedelta(days=offset)
        index = program_day(program, enrollment.start_date, day)
        workout_id = program.days[index].workout_id if index is not None else None
        if workout_id is None or rng.random() < 0.08:  # rest day, or a missed session
            continue
        swapped_from = None
        if day >= swap_day and library and not await _swapped(session, user):
            swap = WorkoutSwap(
                user_id=user.id,
                date=day,
                original_workout_id=workout_id,
                replacement_workout_id=library[0],
                reason="Gym was packed; did a short session",
                created_at=datetime.combine(day, time(7, 0), zone).astimezone(UTC),
            )
            session.add(swap)
            await session.flush()
            swapped_from, workout_id = workout_id, library[0]
        at = datetime.combine(day, time(18, 0), zone).astimezone(UTC)
        week = offset // 7
        for position, planned in enumerate(workouts[workout_id].exercises):
            performed = at + timedelta(minutes=8 * position)
            await create_log(
                session=session,
                user=user,
                data=LogIn(
                    exercise_id=planned.exercise_id,
                    performed_at=performed,
                    workout_id=workout_id,
                    swapped_from_id=swapped_from,
                    sets=_sets(planned, week, rng),
                ),
            )


async def _swapped(session: AsyncSession, user: Lifter) -> bool:
    found = await session.scalar(select(WorkoutSwap.id).where(WorkoutSwap.user_id == user.id))
    return found is not None


def _sets(planned: WorkoutExercise, week: int, rng: random.Random) -> list[SetIn]:
    base = START_LOAD.get(planned.exercise.equipment or "")
    if planned.exercise.category in ("cardio", "stretching"):
        return [SetIn(duration_s=60 * 10, set_type="normal") for _ in range(planned.target_sets)]
    load = round(base * (1 + 0.025 * week) / 2.5) * 2.5 if base else None
    sets = (
        [
            SetIn(
                reps=planned.target_reps, weight_kg=load and round(load * 0.5, 1), set_type="warmup"
            )
        ]
        if load and planned.exercise.mechanic == "compound"
        else []
    )
    for number in range(planned.target_sets):
        rpe = min(10.0, 7.0 + number * 0.5 + rng.choice((0.0, 0.5)))
        sets.append(SetIn(reps=planned.target_reps, weight_kg=load, rpe=rpe, set_type="normal"))
    return sets
