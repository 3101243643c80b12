"""Smart-workout recommendation response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from gravl.training.schemas import WorkoutRef
from gravl.training.targets import Role


class RecommendedHead(BaseModel):
    muscle: str
    recovery_score: float


class RecommendedTarget(BaseModel):
    muscle_group: str
    role: Role
    recovery_score: float
    # Shoulders: the heads the workout loads, which it is judged by; empty for other groups.
    heads: list[RecommendedHead] = Field(default_factory=list)


class RecommendationContext(BaseModel):
    days_since_trained: dict[str, float | None]
    sets_last_7_days: dict[str, float]


class RecommendationOut(BaseModel):
    rank: int
    workout: WorkoutRef
    score: float
    target_muscles: list[RecommendedTarget]
    reasons: list[str]
    context: RecommendationContext


class ExclusionOut(BaseModel):
    workout: WorkoutRef
    reason: str


class NextSession(BaseModel):
    workout: WorkoutRef
    date: date


class PlanOut(BaseModel):
    """Where the lifter stands in their plan today (docs/recovery.md)."""

    state: Literal["scheduled", "rest_day", "trained_today", "catch_up", "no_program"]
    workout: WorkoutRef | None
    next: NextSession | None
    message: str
    session_url: str | None = Field(
        default=None,
        description="no_program: the session Gravl built for this day (GET /api/sessions/today "
        "at the same moment), which is the plan's answer; the recommendations are alternatives",
    )


class SmartWorkoutOut(BaseModel):
    plan: PlanOut
    generated_at: datetime
    analysis_window_days: int
    recovery_threshold: float
    recommendations: list[RecommendationOut]
    excluded: list[ExclusionOut]
