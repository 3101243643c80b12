"""A lifter's own workouts: create, read, replace and delete (soft, so logs keep them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import loads_of
from gravl.catalog.models import Exercise
from gravl.catalog.service import visible_exercises
from gravl.db import utcnow
from gravl.errors import NotFound
from gravl.training.models import CustomWorkout, CustomWorkoutExercise
from gravl.training.schemas import (
    CustomExerciseOut,
    CustomWorkoutIn,
    CustomWorkoutOut,
    target_muscles_out,
)
from gravl.training.targets import PlannedExercise, estimated_minutes, target_muscles

_WITH_EXERCISES = selectinload(CustomWorkout.exercises).options(
    selectinload(CustomWorkoutExercise.exercise).selectinload(Exercise.muscles)
)


def current_exercises(workout: CustomWorkout) -> list[CustomWorkoutExercise]:
    return [e for e in workout.exercises if e.removed_at is None]


def planned_of(sets: int, exercise: Exercise, *, tracked: bool = False) -> PlannedExercise:
    """An exercise's planned sets and the muscles they load: groups, or as the recovery model
    tracks them (shoulders as the heads the exercise loads) when ``tracked``."""
    muscles = (tuple(exercise.primary_muscles), tuple(exercise.secondary_muscles))
    primary, secondary = loads_of(muscles, exercise.shoulder_heads) if tracked else muscles
    return PlannedExercise(sets=sets, primary=primary, secondary=secondary)


def planned(workout: CustomWorkout, *, tracked: bool = False) -> list[PlannedExercise]:
    return [
        planned_of(e.target_sets, e.exercise, tracked=tracked) for e in current_exercises(workout)
    ]


def custom_workout_out(workout: CustomWorkout) -> CustomWorkoutOut:
    plan = planned(workout)
    return CustomWorkoutOut(
        id=workout.id,
        name=workout.name,
        description=workout.description,
        exercises=[
            CustomExerciseOut(
                id=e.id,
                exercise_id=e.exercise_id,
                exercise_name=e.exercise.name,
                order=e.position,
                target_sets=e.target_sets,
                target_reps=e.target_reps,
                rest_seconds=e.rest_seconds,
                notes=e.notes,
            )
            for e in current_exercises(workout)
        ],
        target_muscles=target_muscles_out(
            target_muscles(plan), target_muscles(planned(workout, tracked=True))
        ),
        estimated_minutes=estimated_minutes(
            (e.target_sets, e.rest_seconds) for e in current_exercises(workout)
        ),
        created_at=workout.created_at,
        updated_at=workout.updated_at,
    )


async def list_custom_workouts(*, session: AsyncSession, user: Lifter) -> Sequence[CustomWorkout]:
    return (
        await session.scalars(
            select(CustomWorkout)
            .where(CustomWorkout.user_id == user.id, CustomWorkout.deleted_at.is_(None))
            .options(_WITH_EXERCISES)
            .order_by(CustomWorkout.id)
        )
    ).all()


async def get_custom_workout(
    *, session: AsyncSession, user: Lifter, workout_id: int, include_deleted: bool = False
) -> CustomWorkout:
    """The user's custom workout, or ``NotFound`` (also for another lifter's)."""
    query = select(CustomWorkout).where(
        CustomWorkout.id == workout_id, CustomWorkout.user_id == user.id
    )
    if not include_deleted:
        query = query.where(CustomWorkout.deleted_at.is_(None))
    workout = await session.scalar(query.options(_WITH_EXERCISES))
    if workout is None:
        raise NotFound(f"custom workout {workout_id} not found")
    return workout


async def create_custom_workout(
    *, session: AsyncSession, user: Lifter, data: CustomWorkoutIn
) -> CustomWorkout:
    """Save a new workout template of the user's own."""
    now = utcnow()
    workout = CustomWorkout(
        user_id=user.id,
        name=data.name,
        description=data.description,
        created_at=now,
        updated_at=now,
    )
    workout.exercises = await _exercise_rows(session=session, user=user, data=data)
    session.add(workout)
    await session.flush()
    return await get_custom_workout(session=session, user=user, workout_id=workout.id)


async def replace_custom_workout(
    *, session: AsyncSession, user: Lifter, workout_id: int, data: CustomWorkoutIn
) -> CustomWorkout:
    """Replace name, description and exercises; old exercise rows stay for the logs."""
    workout = await get_custom_workout(session=session, user=user, workout_id=workout_id)
    now = utcnow()
    for row in current_exercises(workout):
        row.removed_at = now
    workout.exercises.extend(await _exercise_rows(session=session, user=user, data=data))
    workout.name = data.name
    workout.description = data.description
    workout.updated_at = now
    await session.flush()
    session.expire(workout)
    return await get_custom_workout(session=session, user=user, workout_id=workout_id)


async def delete_custom_workout(*, session: AsyncSession, user: Lifter, workout_id: int) -> None:
    """Hide the workout; logs made with it keep pointing at it."""
    workout = await get_custom_workout(session=session, user=user, workout_id=workout_id)
    workout.deleted_at = utcnow()
    await session.flush()


async def _exercise_rows(
    *, session: AsyncSession, user: Lifter, data: CustomWorkoutIn
) -> list[CustomWorkoutExercise]:
    wanted = {e.exercise_id for e in data.exercises}
    found = set(
        await session.scalars(visible_exercises(user, Exercise.id).where(Exercise.id.in_(wanted)))
    )
    missing = sorted(wanted - found)
    if missing:
        raise NotFound(f"exercise {missing[0]} not found")
    # Explicit ``order`` values sort the list; unordered entries keep their place after them.
    ordered = sorted(enumerate(data.exercises), key=lambda pair: (pair[1].order or 10_000, pair[0]))
    return [
        CustomWorkoutExercise(
            exercise_id=item.exercise_id,
            position=position,
            target_sets=item.target_sets,
            target_reps=item.target_reps,
            rest_seconds=item.rest_seconds,
            notes=item.notes,
        )
        for position, (_, item) in enumerate(ordered, start=1)
    ]
