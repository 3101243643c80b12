"""A lived-in demo account: a lifter eight weeks into a program, with a swap in the history.

The history is plausible: each lift has its own load (the deadlift heaviest, then the squat, the
bench press, and the overhead press lightest), rising a few percent a week with a deload in the
sixth week, barbell lifts warmed up, RPE on every working set, the odd missed rep, and timed
holds (the plank: 45 to 60 seconds) stored as durations.
"""

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
from gravl.catalog.models import Exercise
from gravl.corridor import unit_of_work
from gravl.db import Database
from gravl.history.models import WorkoutLog
from gravl.logs.kinds import set_kind
from gravl.logs.schemas import LogIn, SetIn
from gravl.logs.service import create_log
from gravl.training.models import Program, Workout, WorkoutExercise, WorkoutSwap
from gravl.training.schedule import enroll, local_today, program_day

DEMO_EMAIL = "demo@example.com"
# Printed by `gravl demo`, which refuses production; it passes the rule for new passwords.
DEMO_PASSWORD = "heavy-plates-every-monday"
DEMO_PROGRAM = "full-body-3x"
WEEKS = 8
# The demo lifter's working loads (kg) in the first week, for the lifts the programs name; any
# other exercise starts from its equipment (``START_BY_EQUIPMENT``). An intermediate who squats
# more than they bench, pulls the most from the floor and presses the least overhead.
START_LOAD = {
    "barbell-back-squat": 80.0,
    "barbell-front-squat": 62.5,
    "barbell-bench-press": 62.5,
    "incline-barbell-bench-press": 52.5,
    "close-grip-bench-press": 52.5,
    "barbell-deadlift": 100.0,
    "romanian-deadlift": 70.0,
    "barbell-overhead-press": 40.0,
    "barbell-row": 55.0,
    "barbell-hip-thrust": 80.0,
    "barbell-shrug": 70.0,
    "barbell-curl": 27.5,
    "ez-bar-curl": 25.0,
    "lat-pulldown": 50.0,
    "leg-press": 120.0,
    "dumbbell-lateral-raise": 8.0,
    "dumbbell-reverse-lunge": 14.0,
}
# (compound, isolation) starting loads by equipment (kg; dumbbells: each hand).
START_BY_EQUIPMENT = {
    "barbell": (50.0, 25.0),
    "dumbbell": (18.0, 10.0),
    "cable": (40.0, 20.0),
    "machine": (60.0, 35.0),
    "kettlebell": (16.0, 12.0),
    "ez_bar": (30.0, 25.0),
}
# The smallest jump each equipment loads (kg).
STEP = {"barbell": 2.5, "ez_bar": 2.5, "dumbbell": 2.0, "kettlebell": 4.0}
# Weekly progress of the working load: the big lower-body lifts move fastest.
WEEKLY_GAIN = {"lower": 0.025, "upper": 0.0175, "isolation": 0.01}
LOWER = ("squat", "deadlift", "leg-press", "hip-thrust", "lunge")
DELOAD_WEEK = 5  # the sixth week: 90% of the loads, an RPE or two easier
DELOAD = 0.9
MISSED_REP = 0.12  # the chance the last working set of a compound lift comes up a rep short
# Timed holds: (seconds in the first week, the most by the last week).
HOLDS = {"plank": (45, 60), "side-plank": (30, 45), "copenhagen-plank": (20, 30)}


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


def _round(load: float, equipment: str) -> float:
    step = STEP.get(equipment, 2.5)
    return max(step, round(load / step) * step)


def _working_load(exercise: Exercise, week: int) -> float | None:
    """This week's working load: the exercise's start, a few percent up each week, and 90% in
    the deload week; None for a lift without equipment to load."""
    equipment = exercise.equipment or ""
    start = START_LOAD.get(exercise.slug)
    if start is None:
        by_equipment = START_BY_EQUIPMENT.get(equipment)
        if by_equipment is None:
            return None
        start = by_equipment[0] if exercise.mechanic == "compound" else by_equipment[1]
    if exercise.mechanic != "compound":
        gain = WEEKLY_GAIN["isolation"]
    elif any(word in exercise.slug for word in LOWER):
        gain = WEEKLY_GAIN["lower"]
    else:
        gain = WEEKLY_GAIN["upper"]
    load = start * (1 + gain * week)
    if week == DELOAD_WEEK:
        load *= DELOAD
    return _round(load, equipment)


def _hold(exercise: Exercise, week: int, sets: int, rng: random.Random) -> list[SetIn]:
    first, most = HOLDS.get(exercise.slug, (30, 60))
    base = first + (most - first) * week / (WEEKS - 1)
    return [
        SetIn(duration_s=int(min(most, max(first, base - 5 * n + rng.choice((0, 5))))))
        for n in range(sets)
    ]


def _cardio(exercise: Exercise, week: int, sets: int, rng: random.Random) -> list[SetIn]:
    """Intervals: about two minutes each, a rowing piece 500 m, a little quicker each week."""
    seconds = 120 - 2 * week + rng.randint(-4, 4)
    distance = 500.0 if "row" in exercise.slug else None
    return [SetIn(duration_s=seconds, distance_m=distance) for _ in range(sets)]


def _warmups(load: float, equipment: str, reps: int) -> list[SetIn]:
    """Two ramp-up sets before a barbell lift: the bar (or half), then three quarters."""
    first = 20.0 if equipment == "barbell" and load >= 50 else _round(load * 0.5, equipment)
    return [
        SetIn(set_type="warmup", reps=max(reps, 5), weight_kg=first),
        SetIn(set_type="warmup", reps=max(3, reps // 2), weight_kg=_round(load * 0.75, equipment)),
    ]


def _sets(planned: WorkoutExercise, week: int, rng: random.Random) -> list[SetIn]:
    """One exercise's sets in ``week`` (from 0), as the demo lifter did them."""
    exercise = planned.exercise
    count, reps = planned.target_sets, planned.target_reps
    kind = set_kind(
        category=exercise.category,
        equipment=exercise.equipment,
        mechanic=exercise.mechanic,
        force=exercise.force,
    )
    if kind == "time":
        return _hold(exercise, week, count, rng)
    if kind == "distance_time":
        return _cardio(exercise, week, count, rng)
    load = _working_load(exercise, week) if kind == "weight_reps" else None
    deload = week == DELOAD_WEEK
    sets: list[SetIn] = []
    if load is not None and exercise.mechanic == "compound" and exercise.equipment == "barbell":
        sets += _warmups(load, exercise.equipment, reps)
    # Each block's RPE climbs as the loads do; the deload week is easy.
    base_rpe = 6.5 if deload else 7.0 + 0.5 * min(week % DELOAD_WEEK, 3) / 1.5
    for number in range(count):
        rpe = min(10.0, round((base_rpe + 0.5 * number + rng.choice((0.0, 0.5))) * 2) / 2)
        done = reps
        last = number == count - 1
        if last and exercise.mechanic == "compound" and not deload and rng.random() < MISSED_REP:
            done, rpe = reps - 1, 10.0  # the odd missed rep, on the last set
        if kind == "bodyweight" and last and rng.random() < 0.3:
            done = max(1, reps - rng.randint(1, 2))  # bodyweight sets tail off
        sets.append(SetIn(reps=done, weight_kg=load, rpe=rpe, set_type="normal"))
    return sets
