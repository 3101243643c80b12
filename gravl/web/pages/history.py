"""History: logged sessions grouped by week, and the swap audit trail with revert."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from gravl.corridor import SessionDep
from gravl.errors import ValidationFailed
from gravl.history.models import WorkoutLog
from gravl.logs import service as logs
from gravl.training import custom, swaps
from gravl.training import service as training
from gravl.web.routing import WebRoute, render
from gravl.web.session import WebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

LOGS_PER_PAGE = 30
SWAPS_SHOWN = 20


@dataclass
class Day:
    date: date
    logs: list[WorkoutLog] = field(default_factory=list)


@dataclass
class Week:
    start: date  # Monday, as stats.service.week_start counts weeks
    days: list[Day] = field(default_factory=list)

    @property
    def exercises(self) -> int:
        return sum(len(d.logs) for d in self.days)


def by_week(found: Sequence[WorkoutLog], timezone: str) -> list[Week]:
    """Newest first, the way the logs come: weeks of days of logs, in the lifter's calendar."""
    zone = ZoneInfo(timezone)
    weeks: list[Week] = []
    for log in found:
        day = log.performed_at.astimezone(zone).date()
        monday = day - timedelta(days=day.weekday())
        if not weeks or weeks[-1].start != monday:
            weeks.append(Week(monday))
        week = weeks[-1]
        if not week.days or week.days[-1].date != day:
            week.days.append(Day(day))
        week.days[-1].logs.append(log)
    return weeks


@router.get("/history")
async def history(
    request: Request,
    session: SessionDep,
    user: WebLifter,
    cursor: Annotated[str, Query(max_length=200)] = "",
    saved: bool = False,
    deleted: bool = False,
) -> Response:
    """Sessions by week, newest first, with edit and delete; then the swaps."""
    try:
        found, next_cursor = await logs.list_logs(
            session=session,
            user=user,
            start=None,
            end=None,
            exercise_id=None,
            limit=LOGS_PER_PAGE,
            cursor=cursor or None,
        )
    except ValidationFailed:  # a mangled "older" link: start from the newest
        found, next_cursor = await logs.list_logs(
            session=session,
            user=user,
            start=None,
            end=None,
            exercise_id=None,
            limit=LOGS_PER_PAGE,
            cursor=None,
        )
    trail = list(await swaps.list_swaps(session=session, user=user, start=None, end=None))
    names = {w.id: w.name for w in await training.list_workouts(session=session)}
    custom_names = {
        w.id: w.name for w in await custom.list_custom_workouts(session=session, user=user)
    }
    notice = "Log saved." if saved else "Log deleted." if deleted else None
    return render(
        request,
        "pages/history.html",
        {
            "user": user,
            "active": "/history",
            "title": "History",
            "weeks": by_week(found, user.timezone),
            "next_cursor": next_cursor,
            "first_page": not cursor,
            "swaps": trail[:SWAPS_SHOWN],
            "workout_names": names,
            "custom_names": custom_names,
            "notice": notice,
        },
    )
