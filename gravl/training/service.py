"""Built-in workouts and programs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.catalog.models import Exercise
from gravl.errors import NotFound
from gravl.training.models import Program, Workout, WorkoutExercise
from gravl.training.schemas import (
    ProgramOut,
    ScheduleDay,
    TargetMuscle,
    WorkoutExerciseOut,
    WorkoutOut,
)
from gravl.training.targets import PlannedExercise, estimated_minutes, target_muscles

_WITH_EXERCISES = selectinload(Workout.exercises).options(
    selectinload(WorkoutExercise.exercise).selectinload(Exercise.muscles)
)


def planned(workout: Workout) -> list[PlannedExercise]:
    return [
        PlannedExercise(
            sets=we.target_sets,
            rest_seconds=we.rest_seconds,
            primary=tuple(we.exercise.primary_muscles),
            secondary=tuple(we.exercise.secondary_muscles),
        )
        for we in workout.exercises
    ]


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
        target_muscles=[
            TargetMuscle(muscle_group=t.muscle_group, role=t.role, sets=t.sets)
            for t in target_muscles(plan)
        ],
        estimated_minutes=estimated_minutes(plan),
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
        )
        for p in programs
    ]
