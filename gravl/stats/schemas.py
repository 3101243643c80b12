"""Progress response bodies."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from gravl.stats.records import RecordType


class PersonalRecordOut(BaseModel):
    exercise_id: int
    exercise_name: str
    type: RecordType
    value: float
    reps: int | None
    weight_kg: float | None
    achieved_at: datetime
    log_id: int


class HistoryDayOut(BaseModel):
    date: date
    best_e1rm_kg: float | None
    top_weight_kg: float | None
    volume_kg: float
    sets: int


class WeeklyVolumeOut(BaseModel):
    week_start: date
    muscle_group: str
    sets: float
