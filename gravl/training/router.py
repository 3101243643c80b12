"""Workout and program endpoints."""

from __future__ import annotations

from fastapi import APIRouter

from gravl.auth.dependencies import CurrentUser
from gravl.db import SessionDep
from gravl.training import service
from gravl.training.schemas import ProgramOut, WorkoutOut

router = APIRouter(prefix="/api", tags=["training"])


@router.get("/workouts", response_model=list[WorkoutOut])
async def list_workouts(session: SessionDep, user: CurrentUser) -> list[WorkoutOut]:
    """The built-in workout templates."""
    return [service.workout_out(w) for w in await service.list_workouts(session=session)]


@router.get("/workouts/{workout_id}", response_model=WorkoutOut)
async def get_workout(workout_id: int, session: SessionDep, user: CurrentUser) -> WorkoutOut:
    """One workout template with its exercises and target muscles."""
    return service.workout_out(await service.get_workout(session=session, workout_id=workout_id))


@router.get("/programs", response_model=list[ProgramOut])
async def list_programs(session: SessionDep, user: CurrentUser) -> list[ProgramOut]:
    """The built-in programs and their repeating schedules."""
    return await service.list_programs(session=session)
