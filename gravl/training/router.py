"""Workouts, programs, the schedule, swaps and custom workouts."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from gravl.auth.lifter import CurrentLifter, WritingLifter
from gravl.corridor import CachesDep, CorridorRoute, SessionDep
from gravl.errors import NotFound
from gravl.ids import IdPath
from gravl.observability.metrics import SWAPS
from gravl.training import candidates, custom, schedule, service, swaps
from gravl.training.schemas import (
    AvailableWorkout,
    CustomWorkoutIn,
    CustomWorkoutOut,
    EnrollIn,
    EnrollmentOut,
    ProgramOut,
    RevertIn,
    ScheduleToday,
    SwapIn,
    SwapOut,
    WorkoutOut,
    WorkoutRef,
    target_muscles_out,
)
from gravl.validation import Day as ValidDay

router = APIRouter(prefix="/api", tags=["training"], route_class=CorridorRoute)
# A day the client names; bounded (gravl.validation) so its moments stay computable.
Day = Annotated[
    ValidDay | None, Query(alias="date", description="ISO date; default: today in your timezone")
]


@router.get("/workouts", response_model=list[WorkoutOut])
async def list_workouts(session: SessionDep, user: CurrentLifter) -> list[WorkoutOut]:
    """The built-in workout templates."""
    return [service.workout_out(w) for w in await service.list_workouts(session=session)]


@router.get("/workouts/available", response_model=list[AvailableWorkout])
async def available_workouts(
    session: SessionDep,
    caches: CachesDep,
    user: CurrentLifter,
    on: Day = None,
) -> list[AvailableWorkout]:
    """Workouts that can replace the day's scheduled one, with how recovered their muscles are.

    ``recovery_fit`` is the recovery at the moment the lifter trains that day: their usual
    time (the median local time of day of their logs in the last 28 days, given three or
    more), else 18:00 in their timezone; on today's date once that time has passed, now. So a
    lifter can plan tomorrow with tomorrow's recovery.
    """
    rows = await candidates.available(
        session=session, user=user, caches=caches, on=on or schedule.local_today(user)
    )
    return [
        AvailableWorkout(
            workout=WorkoutRef(id=c.workout.id, name=c.workout.name, kind=c.workout.kind),
            target_muscles=target_muscles_out(c.targets, c.tracked),
            recovery_fit=round(fit, 1),
            scheduled=is_scheduled,
        )
        for c, fit, is_scheduled in rows
    ]


@router.get("/workouts/swaps", response_model=list[SwapOut])
async def list_swaps(
    session: SessionDep,
    user: CurrentLifter,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> list[SwapOut]:
    """The swap audit trail, reverted swaps included, newest first."""
    rows = await swaps.list_swaps(session=session, user=user, start=start, end=end)
    return [SwapOut.model_validate(s) for s in rows]


@router.post("/workouts/swaps/{swap_id}/revert", response_model=SwapOut)
async def revert_swap(
    swap_id: IdPath, session: SessionDep, user: WritingLifter, data: RevertIn | None = None
) -> SwapOut:
    """Undo a swap, optionally saying why: the day gets its plan back; the swap stays."""
    swap = await swaps.revert_swap(
        session=session, user=user, swap_id=swap_id, reason=data.reason if data else None
    )
    SWAPS.labels(action="revert").inc()
    return SwapOut.model_validate(swap)


@router.get("/workouts/{workout_id}", response_model=WorkoutOut)
async def get_workout(workout_id: IdPath, session: SessionDep, user: CurrentLifter) -> WorkoutOut:
    """One workout template with its exercises and target muscles."""
    return service.workout_out(await service.get_workout(session=session, workout_id=workout_id))


@router.post(
    "/workouts/{workout_id}/swap", status_code=status.HTTP_201_CREATED, response_model=SwapOut
)
async def swap_workout(
    workout_id: IdPath, data: SwapIn, session: SessionDep, user: WritingLifter
) -> SwapOut:
    """Replace the workout scheduled on a day with another, or give a rest day a workout.

    ``{workout_id}`` is the workout scheduled that day; on a rest day, the one to train (then
    also the ``replacement_workout_id``, and ``original_workout_id`` is null). A day with
    working sets logged is not swapped: 409 whose details list those logs' ids.
    """
    swap = await swaps.swap_workout(session=session, user=user, workout_id=workout_id, data=data)
    SWAPS.labels(action="swap").inc()
    return SwapOut.model_validate(swap)


@router.get("/programs", response_model=list[ProgramOut])
async def list_programs(session: SessionDep, user: CurrentLifter) -> list[ProgramOut]:
    """The built-in programs and their repeating schedules."""
    return await service.list_programs(session=session)


@router.get("/programs/current", response_model=EnrollmentOut)
async def current_program(session: SessionDep, user: CurrentLifter) -> EnrollmentOut:
    """The program you follow now."""
    current = await schedule.active_enrollment(session=session, user=user)
    if current is None:
        raise NotFound("you are not enrolled in a program")
    return service.enrollment_out(*current, today=schedule.local_today(user))


@router.post(
    "/programs/{program_id}/enroll",
    status_code=status.HTTP_201_CREATED,
    response_model=EnrollmentOut,
)
async def enroll(
    program_id: IdPath, session: SessionDep, user: WritingLifter, data: EnrollIn | None = None
) -> EnrollmentOut:
    """Follow a program from a start date (default today); any current one ends."""
    enrollment, program = await schedule.enroll(
        session=session,
        user=user,
        program_id=program_id,
        start_date=data.start_date if data else None,
    )
    return service.enrollment_out(enrollment, program, today=schedule.local_today(user))


@router.get("/schedule/today", response_model=ScheduleToday)
async def today(
    session: SessionDep, user: CurrentLifter, on: Annotated[date | None, Query(alias="date")] = None
) -> ScheduleToday:
    """What the day holds: the program's workout, a swapped-in one, or rest."""
    return await service.schedule_day(
        session=session, user=user, on=on or schedule.local_today(user)
    )


@router.get("/custom-workouts", response_model=list[CustomWorkoutOut])
async def list_custom_workouts(session: SessionDep, user: CurrentLifter) -> list[CustomWorkoutOut]:
    """Your own workouts."""
    rows = await custom.list_custom_workouts(session=session, user=user)
    return [custom.custom_workout_out(w) for w in rows]


@router.post(
    "/custom-workouts", status_code=status.HTTP_201_CREATED, response_model=CustomWorkoutOut
)
async def create_custom_workout(
    data: CustomWorkoutIn, session: SessionDep, user: WritingLifter
) -> CustomWorkoutOut:
    """Build a workout of your own from catalog or custom exercises."""
    workout = await custom.create_custom_workout(session=session, user=user, data=data)
    return custom.custom_workout_out(workout)


@router.get("/custom-workouts/{workout_id}", response_model=CustomWorkoutOut)
async def get_custom_workout(
    workout_id: IdPath, session: SessionDep, user: CurrentLifter
) -> CustomWorkoutOut:
    """One of your workouts."""
    workout = await custom.get_custom_workout(session=session, user=user, workout_id=workout_id)
    return custom.custom_workout_out(workout)


@router.put("/custom-workouts/{workout_id}", response_model=CustomWorkoutOut)
async def replace_custom_workout(
    workout_id: IdPath, data: CustomWorkoutIn, session: SessionDep, user: WritingLifter
) -> CustomWorkoutOut:
    """Replace a workout's name, description and exercises."""
    workout = await custom.replace_custom_workout(
        session=session, user=user, workout_id=workout_id, data=data
    )
    return custom.custom_workout_out(workout)


@router.delete(
    "/custom-workouts/{workout_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def delete_custom_workout(
    workout_id: IdPath, session: SessionDep, user: WritingLifter
) -> Response:
    """Delete a workout; logs made with it are kept."""
    await custom.delete_custom_workout(session=session, user=user, workout_id=workout_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
