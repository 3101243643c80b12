"""Browse what Gravl ships: programs, workouts and the exercise catalog."""

from __future__ import annotations

from typing import Annotated, get_args

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from gravl.catalog import service as catalog
from gravl.corridor import SessionDep
from gravl.training import custom, schedule
from gravl.training import service as training
from gravl.vocabulary import MUSCLE_GROUPS, MUSCLE_NAMES, Equipment
from gravl.web.forms import id_or_404
from gravl.web.pages.today import log_links
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

EXERCISES_PER_PAGE = 30
EQUIPMENT_CHOICES: tuple[str, ...] = get_args(Equipment)


@router.get("/programs")
async def programs(request: Request, session: SessionDep, user: WebLifter) -> Response:
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
async def enroll(
    program_id: str, request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Follow a program from today; any current one ends."""
    await schedule.enroll(
        session=session, user=user, program_id=id_or_404(program_id, "program"), start_date=None
    )
    return redirect(request, "/today")


@router.get("/workouts")
async def workouts(
    request: Request, session: SessionDep, user: WebLifter, saved: str = ""
) -> Response:
    """The lifter's own workouts, then the library, then the programs' workouts."""
    all_workouts = [training.workout_out(w) for w in await training.list_workouts(session=session)]
    owned = await custom.list_custom_workouts(session=session, user=user)
    mine = [custom.custom_workout_out(w) for w in owned]
    starts = {w.id: log_links(training.custom_as_workout(w))[:1] for w in owned}
    return render(
        request,
        "pages/workouts.html",
        {
            "user": user,
            "active": "/workouts",
            "title": "Workouts",
            "library": [w for w in all_workouts if w.kind == "library"],
            "program_workouts": [w for w in all_workouts if w.kind == "program"],
            "custom_workouts": mine,
            "start_links": starts,
            "saved": bool(saved),
            "muscle_names": MUSCLE_NAMES,
        },
    )


@router.get("/workouts/{workout_id}")
async def workout_detail(
    workout_id: str, request: Request, session: SessionDep, user: WebLifter
) -> Response:
    """One workout's exercises, targets and the muscles it trains."""
    workout = training.workout_out(
        await training.get_workout(session=session, workout_id=id_or_404(workout_id, "workout"))
    )
    return render(
        request,
        "pages/workout.html",
        {
            "user": user,
            "active": "/workouts",
            "title": workout.name,
            "workout": workout,
            "start_link": log_links(workout)[0] if workout.exercises else None,
            "muscle_names": MUSCLE_NAMES,
        },
    )


@router.get("/exercises")
async def exercises(
    request: Request,
    session: SessionDep,
    user: WebLifter,
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
