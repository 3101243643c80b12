"""Progress: weekly sets per muscle group and personal records; an exercise's own progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.catalog import service as catalog
from gravl.corridor import SessionDep
from gravl.logs import service as logs
from gravl.recommendations.ranking import DEFAULT_RANKING
from gravl.stats import service as stats
from gravl.stats.records import PersonalRecord
from gravl.training.schedule import local_today
from gravl.vocabulary import MUSCLE_GROUPS, MUSCLE_NAMES
from gravl.web.charts import heat_level, line_chart
from gravl.web.forms import id_or_404
from gravl.web.routing import WebRoute, render
from gravl.web.session import WebLifter
from gravl.web.templating import KG_PER_LB, weight

router = APIRouter(route_class=WebRoute, include_in_schema=False)

WEEKS_SHOWN = 8
RECORDS_SHOWN = 20  # exercises
RECENT_LOGS = 5
# The records a lifter reads as PRs; "most reps at each weight" would swamp the list.
HEADLINE_RECORDS = ("weight", "e1rm", "volume")
RECORD_NAMES = {"weight": "Heaviest set", "e1rm": "Best e1RM", "volume": "Best set volume"}


def record_text(record: PersonalRecord, units: str) -> str:
    lifted = f"{record.reps} × {weight(record.weight_kg, units)}"
    if record.type == "volume":
        return f"{weight(record.value, units)} ({lifted})"
    if record.type == "e1rm":
        return f"{weight(record.value, units)} (from {lifted})"
    return lifted


@dataclass
class ExerciseRecords:
    exercise_id: int
    name: str
    records: list[tuple[str, str, PersonalRecord]] = field(default_factory=list)

    @property
    def latest(self) -> datetime:
        return max(r.achieved_at for _, _, r in self.records)


def by_exercise(records: Sequence[tuple[PersonalRecord, str]], units: str) -> list[ExerciseRecords]:
    """Weight, e1RM and volume records grouped by exercise, most recently improved first."""
    grouped: dict[int, ExerciseRecords] = {}
    for record, name in records:
        if record.type in HEADLINE_RECORDS:
            entry = grouped.setdefault(
                record.exercise_id, ExerciseRecords(record.exercise_id, name)
            )
            entry.records.append((RECORD_NAMES[record.type], record_text(record, units), record))
    return sorted(grouped.values(), key=lambda e: e.latest, reverse=True)


@router.get("/progress")
async def progress(request: Request, session: SessionDep, user: WebLifter) -> Response:
    """Weekly sets per muscle over the last weeks, and the latest personal records."""
    today = local_today(user)
    volume = await stats.weekly_volume(session=session, user=user, weeks=WEEKS_SHOWN, today=today)
    first = stats.week_start(today) - timedelta(weeks=WEEKS_SHOWN - 1)
    weeks = [first + timedelta(weeks=i) for i in range(WEEKS_SHOWN)]
    sets = {(v.week_start, v.muscle_group): v.sets for v in volume}
    rows = [
        {
            "slug": m.slug,
            "name": m.name,
            "target": DEFAULT_RANKING.weekly_target(m.slug),
            "cells": [
                (
                    sets.get((week, m.slug), 0.0),
                    heat_level(
                        sets.get((week, m.slug), 0.0), DEFAULT_RANKING.weekly_target(m.slug)
                    ),
                )
                for week in weeks
            ],
        }
        for m in MUSCLE_GROUPS
    ]
    records = by_exercise(await stats.records(session=session, user=user), user.units)
    return render(
        request,
        "pages/progress.html",
        {
            "user": user,
            "active": "/progress",
            "title": "Progress",
            "weeks": weeks,
            "rows": rows,
            "records": records[:RECORDS_SHOWN],
            "has_volume": bool(volume),
        },
    )


async def exercise_progress(
    *, session: AsyncSession, user: Lifter, exercise_id: int
) -> dict[str, Any]:
    """The chart, records and recent logs the exercise page shows."""
    days = await stats.exercise_history(session=session, user=user, exercise_id=exercise_id)
    units = user.units
    factor = 1 / KG_PER_LB if units == "lb" else 1.0

    def shown(value: float | None) -> float | None:
        return None if value is None else value * factor

    chart = None
    if any(d.top_weight_kg for d in days):
        chart = line_chart(
            [d.date for d in days],
            [
                ("e1RM", "series-e1rm", [shown(d.best_e1rm_kg) for d in days]),
                ("Top weight", "series-top", [shown(d.top_weight_kg) for d in days]),
            ],
            lambda value: f"{value:.1f}".removesuffix(".0") + f" {units}",
        )
    records = [
        (r, RECORD_NAMES[r.type], record_text(r, units))
        for r, _ in await stats.records(session=session, user=user)
        if r.exercise_id == exercise_id and r.type in HEADLINE_RECORDS
    ]
    recent, _ = await logs.list_logs(
        session=session,
        user=user,
        start=None,
        end=None,
        exercise_id=exercise_id,
        limit=RECENT_LOGS,
        cursor=None,
    )
    return {"history": days, "chart": chart, "records": records, "recent": recent}


@router.get("/exercises/{exercise_id}")
async def exercise_detail(
    exercise_id: str, request: Request, session: SessionDep, user: WebLifter
) -> Response:
    """What an exercise trains, and the lifter's progress on it."""
    exercise = await catalog.get_exercise(
        session=session, user=user, exercise_id=id_or_404(exercise_id, "exercise")
    )
    return render(
        request,
        "pages/exercise.html",
        {
            "user": user,
            "active": "/workouts",
            "title": exercise.name,
            "exercise": exercise,
            "muscle_names": MUSCLE_NAMES,
            **await exercise_progress(session=session, user=user, exercise_id=exercise.id),
        },
    )
