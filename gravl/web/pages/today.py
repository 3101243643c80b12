"""Today: the scheduled workout (or a rest day), swapping it, recommendations, the body map."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.cache import Caches
from gravl.catalog.muscles import MUSCLE_NAMES
from gravl.corridor import CachesDep, SessionDep
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.logs import service as logs
from gravl.recommendations import service as recommendations
from gravl.training import candidates, schedule, swaps
from gravl.training import service as training
from gravl.training.schemas import SwapIn, WorkoutOut
from gravl.web.forms import FormErrors, form_fields, id_or_404, sentence, undo_unless_kept
from gravl.web.recovery import from_snapshot
from gravl.web.routing import WebRoute, redirect, render, safe_next
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

RECOMMENDATIONS_SHOWN = 3  # ORIGIN.md: the top 3 with context and reasons


def log_links(workout: WorkoutOut) -> list[str]:
    """Each exercise's logging page; saving one moves on to the workout's next exercise."""
    key = "custom_workout_id" if workout.kind == "custom" else "workout_id"
    return [
        "/log?" + urlencode({"exercise_id": e.exercise_id, key: workout.id})
        for e in workout.exercises
    ]


async def _logged_today(*, session: AsyncSession, user: Lifter) -> set[int]:
    today = schedule.local_today(user)
    since = datetime.combine(today, time(), ZoneInfo(user.timezone))
    found, _ = await logs.list_logs(
        session=session, user=user, start=since, end=None, exercise_id=None, limit=100, cursor=None
    )
    return {log.exercise_id for log in found}


async def today_context(*, session: AsyncSession, user: Lifter, caches: Caches) -> dict[str, Any]:
    on = schedule.local_today(user)
    enrollment = await schedule.active_enrollment(session=session, user=user)
    day = await training.schedule_day(session=session, user=user, on=on)
    # The same cached recommendation the API serves (gravl.cache).
    snapshot, ranking = await recommendations.recommend(
        session=session, user=user, caches=caches, limit=RECOMMENDATIONS_SHOWN
    )
    swapped_from = None
    if day.source == "swap":
        plan = await schedule.plan_for(session=session, user=user, on=on)
        if plan.swap is not None:
            original = await training.get_workout(
                session=session, workout_id=plan.swap.original_workout_id
            )
            swapped_from = original.name
    options = []
    if day.source == "program":
        options = [
            (candidate, fit)
            for candidate, fit, scheduled in await candidates.available(
                session=session, user=user, on=on
            )
            if not scheduled
        ]
    return {
        "user": user,
        "active": "/today",
        "title": "Today",
        "day": day,
        "log_links": log_links(day.workout) if day.workout else [],
        "logged": await _logged_today(session=session, user=user),
        "swapped_from": swapped_from,
        "swap_options": options,
        "swap_errors": None,
        "program": enrollment[1] if enrollment else None,
        "recommendations": ranking.recommendations,
        "muscles": from_snapshot(snapshot),
        "muscle_names": MUSCLE_NAMES,
    }


@router.get("/today")
async def today(
    request: Request, session: SessionDep, caches: CachesDep, user: WebLifter
) -> Response:
    """Today's workout, what else would suit today, and the recovery body map."""
    context = await today_context(session=session, user=user, caches=caches)
    return render(request, "pages/today.html", context)


@router.post("/today/swap", dependencies=[CsrfChecked])
async def swap_today(
    request: Request, session: SessionDep, caches: CachesDep, user: WritingWebLifter
) -> Response:
    """Replace today's scheduled workout with the one picked; revert puts it back."""
    form = await form_fields(request, "replacement", "reason")
    kind, _, raw_id = form["replacement"].partition(":")
    errors = FormErrors()
    plan = await schedule.plan_for(session=session, user=user, on=schedule.local_today(user))
    try:
        if not raw_id.isdigit() or kind not in ("workout", "custom"):
            errors.fields["replacement"] = "Choose the workout to do instead."
        elif plan.scheduled_workout_id is None:
            errors.form = "Nothing is scheduled today, so there is nothing to swap."
        else:
            replacement = int(raw_id)
            data = SwapIn(
                replacement_workout_id=replacement if kind == "workout" else None,
                replacement_custom_workout_id=replacement if kind == "custom" else None,
                reason=form["reason"] or None,
            )
            await swaps.swap_workout(
                session=session, user=user, workout_id=plan.scheduled_workout_id, data=data
            )
            return redirect(request, "/today")
    except ValidationError:
        errors.fields["reason"] = "Keep the reason under 500 characters."
    except (Conflict, NotFound, ValidationFailed) as exc:
        await undo_unless_kept(session, exc)
        errors.form = sentence(exc.message)
    context = await today_context(session=session, user=user, caches=caches)
    return render(request, "pages/today.html", {**context, "swap_errors": errors}, status_code=422)


@router.post("/swaps/{swap_id}/revert", dependencies=[CsrfChecked])
async def revert(
    swap_id: str, request: Request, session: SessionDep, user: WritingWebLifter
) -> Response:
    """Give the day back its scheduled workout; the swap stays in the history."""
    form = await form_fields(request, "next")
    try:
        await swaps.revert_swap(session=session, user=user, swap_id=id_or_404(swap_id, "swap"))
    except Conflict as exc:
        await undo_unless_kept(session, exc)  # already reverted: the page shows it so
    return redirect(request, safe_next(form["next"]))
