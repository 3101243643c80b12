"""Browse what Gravl ships: programs, workouts and the exercise catalog."""

from __future__ import annotations

from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from gravl.catalog import service as catalog
from gravl.catalog.muscles import MUSCLE_GROUPS, MUSCLE_NAMES
from gravl.catalog.schemas import Equipment
from gravl.db import SessionDep
from gravl.training import schedule
from gravl.training import service as training
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebUser

router = APIRouter(route_class=WebRoute, include_in_schema=False)

EXERCISES_PER_PAGE = 30
EQUIPMENT_CHOICES: tuple[str, ...] = get_args(Equipment)


@router.get("/programs")
async def programs(request: Request, session: SessionDep, user: WebUser) -> Response:
    """The built-in programs with their weekly schedule."""
    program_list = await training.list_programs(session=session)
    workout_names = {w.id: w.name for w in await training.list_workouts(session=session)}
    current = await schedule.active_enrollment(session=session, user=user)
    return render(
        request,
        "pages/programs.html",
        {
            "user": user,
            "active": "/programs",
            "title": "Programs",
            "programs": program_list,
            "workout_names": workout_names,
            "current_program_id": current[1].id if current else None,
        },
    )


@router.post("/programs/{program_id}/enroll", dependencies=[CsrfChecked])
async def enroll(program_id: int, request: Request, session: SessionDep, user: WebUser) -> Response:
    """Follow a program from today; any current one ends."""
    await schedule.enroll(session=session, user=user, program_id=program_id, start_date=None)
    return redirect(request, "/today")


@router.get("/workouts")
async def workouts(request: Request, session: SessionDep, user: WebUser) -> Response:
    """The workout templates, library ones first."""
    all_workouts = [training.workout_out(w) for w in await training.list_workouts(session=session)]
    return render(
        request,
        "pages/workouts.html",
        {
            "user": user,
            "active": "/workouts",
            "title": "Workouts",
            "library": [w for w in all_workouts if w.kind == "library"],
            "program_workouts": [w for w in all_workouts if w.kind == "program"],
            "muscle_names": MUSCLE_NAMES,
        },
    )


@router.get("/workouts/{workout_id}")
async def workout_detail(
    workout_id: int, request: Request, session: SessionDep, user: WebUser
) -> Response:
    """One workout's exercises, targets and the muscles it trains."""
    workout = training.workout_out(
        await training.get_workout(session=session, workout_id=workout_id)
    )
    return render(
        request,
        "pages/workout.html",
        {
            "user": user,
            "active": "/workouts",
            "title": workout.name,
            "workout": workout,
            "muscle_names": MUSCLE_NAMES,
        },
    )


@router.get("/exercises")
async def exercises(
    request: Request,
    session: SessionDep,
    user: WebUser,
    q: Annotated[str, Query(max_length=100)] = "",
    muscle: str = "",
    equipment: str = "",
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> Response:
    """Search the catalog; htmx asks for just the results as the lifter types."""
    muscle = muscle if muscle in MUSCLE_NAMES else ""
    equipment = equipment if equipment in EQUIPMENT_CHOICES else ""
    items, total = await catalog.list_exercises(
        session=session,
        user=user,
        q=q or None,
        muscle=muscle or None,
        equipment=equipment or None,
        limit=EXERCISES_PER_PAGE,
        offset=(page - 1) * EXERCISES_PER_PAGE,
    )
    context = {
        "user": user,
        "active": "/workouts",
        "title": "Exercises",
        "exercises": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // EXERCISES_PER_PAGE)),
        "q": q,
        "muscle": muscle,
        "equipment": equipment,
        "muscle_groups": MUSCLE_GROUPS,
        "equipment_choices": EQUIPMENT_CHOICES,
        "muscle_names": MUSCLE_NAMES,
    }
    partial = request.headers.get("hx-request") and request.headers.get("hx-target") == "results"
    template = "pages/exercise_results.html" if partial else "pages/exercises.html"
    return render(request, template, context, headers={"Vary": "HX-Request"})


@router.get("/exercises/{exercise_id}")
async def exercise_detail(
    exercise_id: int, request: Request, session: SessionDep, user: WebUser
) -> Response:
    """What an exercise trains and how."""
    exercise = await catalog.get_exercise(session=session, user=user, exercise_id=exercise_id)
    return render(
        request,
        "pages/exercise.html",
        {
            "user": user,
            "active": "/workouts",
            "title": exercise.name,
            "exercise": exercise,
            "muscle_names": MUSCLE_NAMES,
        },
    )
