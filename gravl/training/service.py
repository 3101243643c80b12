"""Built-in workouts and programs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.models import Exercise
from gravl.errors import NotFound
from gravl.training.custom import custom_workout_out, get_custom_workout, planned_of
from gravl.training.models import CustomWorkout, Enrollment, Program, Workout, WorkoutExercise
from gravl.training.schedule import plan_for, program_day
from gravl.training.schemas import (
    EnrollmentOut,
    ProgramOut,
    ScheduleDay,
    ScheduleToday,
    WorkoutExerciseOut,
    WorkoutOut,
    target_muscles_out,
)
from gravl.training.targets import PlannedExercise, estimated_minutes, target_muscles

_WITH_EXERCISES = selectinload(Workout.exercises).options(
    selectinload(WorkoutExercise.exercise).selectinload(Exercise.muscles)
)


def planned(workout: Workout, *, tracked: bool = False) -> list[PlannedExercise]:
    return [planned_of(we.target_sets, we.exercise, tracked=tracked) for we in workout.exercises]


def workout_out(workout: Workout) -> WorkoutOut:
    plan = planned(workout)
    return WorkoutOut(
        id=workout.id,
        name=workout.name,
        description=workout.description,
        kind=workout.kind,
        exercises=[
            WorkoutExerciseOut(
                exercise_id=we.exercise_id,
                exercise_name=we.exercise.name,
                order=we.position,
                target_sets=we.target_sets,
                target_reps=we.target_reps,
                rest_seconds=we.rest_seconds,
            )
            for we in workout.exercises
        ],
        target_muscles=target_muscles_out(
            target_muscles(plan), target_muscles(planned(workout, tracked=True))
        ),
        estimated_minutes=estimated_minutes(
            (we.target_sets, we.rest_seconds) for we in workout.exercises
        ),
    )


async def list_workouts(*, session: AsyncSession) -> Sequence[Workout]:
    return (
        await session.scalars(select(Workout).options(_WITH_EXERCISES).order_by(Workout.id))
    ).all()


async def get_workout(*, session: AsyncSession, workout_id: int) -> Workout:
    workout = await session.scalar(
        select(Workout).where(Workout.id == workout_id).options(_WITH_EXERCISES)
    )
    if workout is None:
        raise NotFound(f"workout {workout_id} not found")
    return workout


async def list_programs(*, session: AsyncSession) -> list[ProgramOut]:
    programs = await session.scalars(
        select(Program).options(selectinload(Program.days)).order_by(Program.id)
    )
    return [
        ProgramOut(
            id=p.id,
            name=p.name,
            description=p.description,
            days_per_week=p.days_per_week,
            weeks=p.weeks,
            schedule=[ScheduleDay(day=d.day, workout_id=d.workout_id) for d in p.days],
            schedule_mode="rotation" if p.schedule_mode == "rotation" else "calendar",
            max_consecutive_days=p.max_consecutive_days,
        )
        for p in programs
    ]


def enrollment_out(enrollment: Enrollment, program: Program, *, today: date) -> EnrollmentOut:
    day = program_day(program, enrollment.start_date, today)
    return EnrollmentOut(
        id=enrollment.id,
        program_id=program.id,
        program_name=program.name,
        start_date=enrollment.start_date,
        created_at=enrollment.created_at,
        today_day=day,
        today_workout_id=program.days[day].workout_id if day is not None else None,
    )


async def schedule_day(*, session: AsyncSession, user: Lifter, on: date) -> ScheduleToday:
    """The workout a day holds: a swapped-in one, else the program's, else none (rest)."""
    plan = await plan_for(session=session, user=user, on=on)
    if plan.swap is not None:
        swap = plan.swap
        if swap.replacement_custom_workout_id is not None:
            replacement = await get_custom_workout(
                session=session,
                user=user,
                workout_id=swap.replacement_custom_workout_id,
                include_deleted=True,
            )
            workout = custom_as_workout(replacement)
        else:
            assert swap.replacement_workout_id is not None
            workout = workout_out(
                await get_workout(session=session, workout_id=swap.replacement_workout_id)
            )
        return ScheduleToday(date=on, workout=workout, source="swap", swap_id=swap.id)
    if plan.scheduled_workout_id is None:
        return ScheduleToday(date=on, workout=None, source="none", swap_id=None)
    workout = workout_out(await get_workout(session=session, workout_id=plan.scheduled_workout_id))
    return ScheduleToday(date=on, workout=workout, source="program", swap_id=None)


def custom_as_workout(workout: CustomWorkout) -> WorkoutOut:
    """A custom workout in the shape of a built-in one (``kind`` = custom)."""
    out = custom_workout_out(workout)
    return WorkoutOut(
        id=out.id,
        name=out.name,
        description=out.description,
        kind="custom",
        exercises=[
            WorkoutExerciseOut(
                exercise_id=e.exercise_id,
                exercise_name=e.exercise_name,
                order=e.order,
                target_sets=e.target_sets,
                target_reps=e.target_reps,
                rest_seconds=e.rest_seconds,
            )
            for e in out.exercises
        ],
        target_muscles=out.target_muscles,
        estimated_minutes=out.estimated_minutes,
    )
