"""History: logged sessions grouped by week, and the swap audit trail with revert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from gravl.corridor import SessionDep
from gravl.errors import ValidationFailed
from gravl.history.models import TrainingSession, WorkoutLog
from gravl.logs import service as logs
from gravl.sessions import service as sessions
from gravl.training import custom, swaps
from gravl.training import service as training
from gravl.web.routing import WebRoute, render
from gravl.web.session import WebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

LOGS_PER_PAGE = 30
SWAPS_SHOWN = 20


@dataclass
class Group:
    """A day's logs done in one session (``session`` None: logged on their own)."""

    session: TrainingSession | None
    logs: list[WorkoutLog] = field(default_factory=list)

    @property
    def duration(self) -> str | None:
        """How long the session took, when its end is known: "1 h 05 min", "48 min"."""
        if self.session is None or self.session.ended_at is None:
            return None
        minutes = round((self.session.ended_at - self.session.started_at).total_seconds() / 60)
        hours, minutes = divmod(max(minutes, 0), 60)
        return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@dataclass
class Day:
    date: date
    logs: list[WorkoutLog] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    def add(self, log: WorkoutLog, training: TrainingSession | None) -> None:
        """Take a log, under its session's group (the session's first log places it)."""
        self.logs.append(log)
        group = next((g for g in self.groups if g.session is training), None)
        if group is None:
            group = Group(training)
            self.groups.append(group)
        group.logs.append(log)


@dataclass
class Week:
    start: date  # Monday, as stats.service.week_start counts weeks
    days: list[Day] = field(default_factory=list)

    @property
    def exercises(self) -> int:
        return sum(len(d.logs) for d in self.days)


def by_week(
    found: Sequence[WorkoutLog],
    timezone: str,
    trainings: Mapping[int, TrainingSession] | None = None,
) -> list[Week]:
    """Newest first, the way the logs come: weeks of days of logs, in the lifter's calendar,
    a day's logs grouped by the session they were done in (``trainings``, by id)."""
    trainings = trainings or {}
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
        training = trainings.get(log.session_id) if log.session_id is not None else None
        week.days[-1].add(log, training)
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
    trainings = await sessions.titled(
        session=session, user=user, ids={log.session_id for log in found if log.session_id}
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
            "weeks": by_week(found, user.timezone, trainings),
            "next_cursor": next_cursor,
            "first_page": not cursor,
            "swaps": trail[:SWAPS_SHOWN],
            "workout_names": names,
            "custom_names": custom_names,
            "notice": notice,
        },
    )
