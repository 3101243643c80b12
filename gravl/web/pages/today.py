"""Today: where the lifter stands in their plan first (the day's workout, a rest day, a session
done, one to catch up), then swapping it, what else suits today, and the body map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.cache import Caches
from gravl.corridor import CachesDep, SessionDep
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.logbook import entries as logbook
from gravl.logs import service as logs
from gravl.recommendations import service as recommendations
from gravl.recommendations.plan import PlanStateName
from gravl.training import candidates, schedule, swaps
from gravl.training import service as training
from gravl.training.custom import get_custom_workout
from gravl.training.schemas import ScheduleToday, SwapIn, WorkoutOut
from gravl.training.targets import WorkoutKey
from gravl.validation import in_range
from gravl.vocabulary import MUSCLE_NAMES
from gravl.web.forms import FormErrors, form_fields, id_or_404, sentence, undo_unless_kept
from gravl.web.pages.session import render_day
from gravl.web.recovery import from_snapshot
from gravl.web.routing import WebRoute, redirect, render, safe_next
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter
from gravl.web.session_plan import planned_day

router = APIRouter(route_class=WebRoute, include_in_schema=False)

RECOMMENDATIONS_SHOWN = 3  # ORIGIN.md: the top 3 with context and reasons


def log_links(workout: WorkoutOut) -> list[str]:
    """Each exercise's logging page; saving one moves on to the workout's next exercise."""
    key = "custom_workout_id" if workout.kind == "custom" else "workout_id"
    return [
        "/log?" + urlencode({"exercise_id": e.exercise_id, key: workout.id})
        for e in workout.exercises
    ]


def workout_href(key: WorkoutKey) -> str:
    """A workout's own page: the library's for a built-in one, the editor for a custom one."""
    kind, ident = key
    return f"/workouts/custom/{ident}/edit" if kind == "custom" else f"/workouts/{ident}"


def when_phrase(on: date, day: date) -> str:
    """How a later day reads from ``on``: "tomorrow", "on Thursday", "on Thursday 12 June"."""
    ahead = (day - on).days
    if ahead == 1:
        return "tomorrow"
    if 1 < ahead < 7:
        return f"on {day:%A}"
    return f"on {day:%A} {day.day} {day:%B}"


@dataclass(frozen=True)
class NextSession:
    key: WorkoutKey
    name: str
    href: str
    on: date
    when: str  # "tomorrow", "on Thursday"

    @property
    def replacement(self) -> str:
        """The swap form's value that puts this session on today ("train anyway")."""
        return f"{self.key[0]}:{self.key[1]}"


@dataclass(frozen=True)
class DoneSession:
    """A session logged today: what (None: logs tagged with no workout) and when, local time."""

    name: str | None
    working_sets: int
    started_at: datetime
    ended_at: datetime


@dataclass(frozen=True)
class TodayPlan:
    """The plan's state of the day as the Today page's first card shows it."""

    state: PlanStateName
    message: str  # the API's ``plan.message``
    workout: WorkoutOut | None  # scheduled (after swaps), to catch up, or done
    href: str | None  # the workout's page (built-in) or editor (custom)
    log_links: list[str]  # one per exercise of ``workout``
    next: NextSession | None
    missed_on: date | None  # catch_up: the day the session was planned for
    done: DoneSession | None  # trained_today


def _key(workout: WorkoutOut) -> WorkoutKey:
    return ("custom" if workout.kind == "custom" else "workout", workout.id)


async def _load_workout(
    *, session: AsyncSession, user: Lifter, key: WorkoutKey, day: ScheduleToday
) -> WorkoutOut | None:
    """A workout of the plan in the page's shape; the day's one is loaded already."""
    if day.workout is not None and _key(day.workout) == key:
        return day.workout
    kind, ident = key
    try:
        if kind == "custom":
            custom = await get_custom_workout(
                session=session, user=user, workout_id=ident, include_deleted=True
            )
            return training.custom_as_workout(custom)
        return training.workout_out(await training.get_workout(session=session, workout_id=ident))
    except NotFound:
        return None


async def plan_card(
    *,
    session: AsyncSession,
    user: Lifter,
    recommended: recommendations.Recommended,
    day: ScheduleToday,
) -> TodayPlan:
    """What the first card says: the recommendation's plan state with names, links, dates."""
    state, workouts = recommended.day, recommended.workouts
    zone = ZoneInfo(recommended.timezone)
    on = recommended.snapshot.computed_at.astimezone(zone).date()  # as the API's message
    # The day's workout: the one done when trained, else the scheduled or missed one.
    key = state.done.key if state.done is not None else state.workout
    workout = (
        await _load_workout(session=session, user=user, key=key, day=day)
        if key is not None
        else None
    )
    following = None
    if state.next is not None:
        next_key, next_on = state.next
        known = workouts.get(next_key)
        loaded = (
            None
            if known is not None
            else await _load_workout(session=session, user=user, key=next_key, day=day)
        )
        name = known.name if known is not None else loaded.name if loaded is not None else None
        if name is not None:
            following = NextSession(
                next_key, name, workout_href(next_key), next_on, when_phrase(on, next_on)
            )
    done = None
    if state.done is not None:
        done = DoneSession(
            name=workout.name if workout is not None else None,
            working_sets=state.done.working_sets,
            started_at=state.done.started_at.astimezone(zone),
            ended_at=state.done.ended_at.astimezone(zone),
        )
    return TodayPlan(
        state=state.state,
        message=recommendations.plan_message(recommended, on),
        workout=workout,
        href=workout_href(key) if key is not None and workout is not None else None,
        log_links=log_links(workout) if workout is not None else [],
        next=following,
        missed_on=state.missed_on,
        done=done,
    )


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
    recommended = await recommendations.recommend(
        session=session, user=user, caches=caches, limit=RECOMMENDATIONS_SHOWN
    )
    snapshot, ranking = recommended.snapshot, recommended.ranking
    swapped_from = None
    if day.source == "swap":
        plan = await schedule.plan_for(session=session, user=user, on=on)
        if plan.swap is not None:
            original_id = plan.swap.original_workout_id
            if original_id is None:  # a rest day given a workout
                swapped_from = "a rest day"
            else:
                original = await training.get_workout(session=session, workout_id=original_id)
                swapped_from = original.name
    card = await plan_card(session=session, user=user, recommended=recommended, day=day)
    options = []
    # A day already trained is not swapped (issue 16): the swap is for the workout still ahead.
    if day.source == "program" and card.state == "scheduled":
        options = [
            (candidate, fit)
            for candidate, fit, scheduled in await candidates.available(
                session=session, user=user, caches=caches, on=on
            )
            if not scheduled
        ]
    return {
        "user": user,
        "active": "/today",
        "title": "Today",
        "day": day,
        "logged": await _logged_today(session=session, user=user),
        "swapped_from": swapped_from,
        "swap_options": options,
        "swap_errors": None,
        "program": enrollment[1] if enrollment else None,
        "plan": card,
        # A day done: its summary (the latest session of the day with sets in it).
        "done_session_id": await logbook.latest_session_on(session=session, user=user, day=on)
        if card.state == "trained_today"
        else None,
        "session_plan": await planned_day(session=session, user=user, caches=caches),
        "recommendations": ranking.recommendations,
        "muscles": from_snapshot(snapshot),
        "muscle_names": MUSCLE_NAMES,
    }


def planning_date(text: str) -> date | None:
    """A day to plan from ``?date=``: YYYY-MM-DD within the years the API accepts."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if in_range(datetime.combine(day, time(), UTC)) else None


@router.get("/today")
async def today(
    request: Request,
    session: SessionDep,
    caches: CachesDep,
    user: WebLifter,
    on: Annotated[str, Query(alias="date")] = "",
) -> Response:
    """Where today stands in the plan, what else would suit today, and the recovery body map;
    with ``?date=``, the session planned for that day."""
    if on:
        day = planning_date(on)
        if day is None:
            errors = FormErrors(form="Choose a date like 2026-12-01 to see its session.")
            return render_day(request, user, None, errors=errors, status_code=400)
        if day != schedule.local_today(user):
            shown = await planned_day(session=session, user=user, caches=caches, on=day)
            return render_day(request, user, shown)
    context = await today_context(session=session, user=user, caches=caches)
    return render(request, "pages/today.html", context)


@router.post("/today/swap", dependencies=[CsrfChecked])
async def swap_today(
    request: Request, session: SessionDep, caches: CachesDep, user: WritingWebLifter
) -> Response:
    """Replace today's scheduled workout with the one picked, or train on a rest day (the
    built-in workout picked, usually the plan's next session); revert puts it back."""
    form = await form_fields(request, "replacement", "reason")
    kind, _, raw_id = form["replacement"].partition(":")
    errors = FormErrors()
    plan = await schedule.plan_for(session=session, user=user, on=schedule.local_today(user))
    try:
        if not raw_id.isdigit() or kind not in ("workout", "custom"):
            errors.fields["replacement"] = "Choose the workout to do instead."
        elif plan.scheduled_workout_id is None and kind != "workout":
            errors.form = "Today is a rest day: choose a workout from the library to train."
        else:
            replacement = int(raw_id)
            data = SwapIn(
                replacement_workout_id=replacement if kind == "workout" else None,
                replacement_custom_workout_id=replacement if kind == "custom" else None,
                reason=form["reason"] or None,
            )
            # On a rest day nothing is scheduled: the swap names the workout it puts there.
            workout_id = plan.scheduled_workout_id or replacement
            await swaps.swap_workout(session=session, user=user, workout_id=workout_id, data=data)
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
