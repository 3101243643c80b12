"""Progress endpoints: personal records, per-exercise history, weekly volume."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gravl.auth.lifter import CurrentLifter
from gravl.corridor import CorridorRoute, SessionDep
from gravl.ids import IdPath
from gravl.stats import service
from gravl.stats.schemas import HistoryDayOut, PersonalRecordOut, WeeklyVolumeOut
from gravl.validation import Day

router = APIRouter(prefix="/api/stats", tags=["progress"], route_class=CorridorRoute)

# Two years of weeks: enough for any chart, and a bound on the query's window.
MAX_WEEKS = 104


@router.get("/prs", response_model=list[PersonalRecordOut])
async def personal_records(session: SessionDep, user: CurrentLifter) -> list[PersonalRecordOut]:
    """Your current records per exercise: weight, e1RM, set volume, most reps at a weight."""
    return [
        PersonalRecordOut(
            exercise_id=record.exercise_id,
            exercise_name=name,
            type=record.type,
            value=round(record.value, 2),
            reps=record.reps,
            weight_kg=record.weight_kg,
            achieved_at=record.achieved_at,
            log_id=record.log_id,
        )
        for record, name in await service.records(session=session, user=user)
    ]


@router.get("/exercises/{exercise_id}/history", response_model=list[HistoryDayOut])
async def exercise_history(
    exercise_id: IdPath,
    session: SessionDep,
    user: CurrentLifter,
    start: Annotated[Day | None, Query(alias="from")] = None,
    end: Annotated[Day | None, Query(alias="to")] = None,
) -> list[HistoryDayOut]:
    """One row per training day of an exercise (days in your timezone), oldest first."""
    days = await service.exercise_history(
        session=session, user=user, exercise_id=exercise_id, start=start, end=end
    )
    return [HistoryDayOut.model_validate(day, from_attributes=True) for day in days]


@router.get("/volume", response_model=list[WeeklyVolumeOut])
async def weekly_volume(
    session: SessionDep,
    user: CurrentLifter,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = 8,
) -> list[WeeklyVolumeOut]:
    """Working sets per muscle group and week (primary 1, secondary 0.5), Monday-based."""
    rows = await service.weekly_volume(session=session, user=user, weeks=weeks)
    return [WeeklyVolumeOut.model_validate(row, from_attributes=True) for row in rows]
