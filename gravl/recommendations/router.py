"""Smart workout recommendations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Response

from gravl.auth.lifter import CurrentLifter
from gravl.cache import Slot
from gravl.corridor import CorridorRoute, WorkDep
from gravl.observability.metrics import RECOMMENDATIONS_SERVED
from gravl.recommendations import service
from gravl.recommendations.ranking import DEFAULT_RANKING
from gravl.recommendations.schemas import (
    ExclusionOut,
    NextSession,
    PlanOut,
    RecommendationContext,
    RecommendationOut,
    RecommendedHead,
    RecommendedTarget,
    SmartWorkoutOut,
)
from gravl.training.schemas import WorkoutRef
from gravl.validation import Instant

router = APIRouter(
    prefix="/api/recommendations", tags=["recommendations"], route_class=CorridorRoute
)

# Rendered answers by ``limit``, kept while the data version holds, at most ``MAX_AGE_S``:
# recovery moves by a fraction of a point a minute, and the reasons speak in hours and days,
# so an answer a minute old says what a new one would; a write makes a new one at once.
ANSWERS = Slot[dict[int, bytes]]("smart-workout-answers")
# A lifter without a program trains the session Gravl builds (gravl.sessions): the plan's answer.
TODAY_SESSION = "/api/sessions/today"


def _ref(workout: object) -> WorkoutRef:
    return WorkoutRef.model_validate(workout, from_attributes=True)


@router.get("/smart-workout", response_model=SmartWorkoutOut)
async def smart_workout(
    work: WorkDep,
    lifter: CurrentLifter,
    limit: Annotated[int, Query(ge=1, le=10)] = 3,
    at: Annotated[
        Instant | None,
        Query(description="plan ahead (or look back): the answer as it is at that instant"),
    ] = None,
) -> Response:
    """Where you stand in your plan today, then the best workouts, each with the reasons and
    numbers behind it.

    Without ``at``, an answer is kept for up to a minute while the lifter's data is unchanged
    (``generated_at`` says when it was computed); any write of theirs shows in the next answer.
    """
    RECOMMENDATIONS_SERVED.inc()
    caches = work.caches  # one dependency for both: see the recovery route
    if at is not None:
        recommended = await service.recommend(
            session=work.session, user=lifter, caches=caches, limit=limit, at=at
        )
        return Response(_render(recommended, at), media_type="application/json")
    answers = caches.get(ANSWERS, lifter) or {}
    body = answers.get(limit)
    if body is None:
        recommended = await service.recommend(
            session=work.session, user=lifter, caches=caches, limit=limit
        )
        body = answers[limit] = _render(recommended)
        caches.put(ANSWERS, lifter, answers)  # again: its size is estimated at each put
    return Response(body, media_type="application/json")


def _session_url(at: datetime | None) -> str:
    """Today's session at the moment the smart workout was asked for."""
    return TODAY_SESSION + ("" if at is None else "?" + urlencode({"at": at.isoformat()}))


def _plan(recommended: service.Recommended, at: datetime | None) -> PlanOut:
    day, workouts = recommended.day, recommended.workouts
    on = recommended.snapshot.computed_at.astimezone(ZoneInfo(recommended.timezone)).date()
    workout = workouts.get(day.workout) if day.workout is not None else None
    following = workouts.get(day.next[0]) if day.next is not None else None
    return PlanOut(
        state=day.state,
        workout=_ref(workout) if workout is not None else None,
        next=(
            NextSession(workout=_ref(following), date=day.next[1])
            if following is not None and day.next is not None
            else None
        ),
        message=service.plan_message(recommended, on),
        session_url=_session_url(at) if day.state == "no_program" else None,
    )


def _render(recommended: service.Recommended, at: datetime | None = None) -> bytes:
    snap, ranking = recommended.snapshot, recommended.ranking
    body = SmartWorkoutOut(
        plan=_plan(recommended, at),
        generated_at=snap.computed_at,
        analysis_window_days=DEFAULT_RANKING.analysis_window.days,
        recovery_threshold=DEFAULT_RANKING.recovery_threshold,
        recommendations=[
            RecommendationOut(
                rank=r.rank,
                workout=_ref(r.workout),
                score=round(r.score, 1),
                target_muscles=[
                    RecommendedTarget(
                        muscle_group=t.muscle,
                        role=t.role,
                        recovery_score=round(t.recovery_score, 1),
                        heads=[
                            RecommendedHead(muscle=m, recovery_score=round(score, 1))
                            for m, score in t.heads
                        ],
                    )
                    for t in r.target_muscles
                ],
                reasons=list(r.reasons),
                context=RecommendationContext(
                    days_since_trained={
                        m: (round(d, 1) if d is not None else None)
                        for m, d in r.days_since_trained.items()
                    },
                    sets_last_7_days=dict(r.sets_last_7_days),
                ),
            )
            for r in ranking.recommendations
        ],
        excluded=[ExclusionOut(workout=_ref(e.workout), reason=e.reason) for e in ranking.excluded],
    )
    # Already validated: a plain Response skips FastAPI's second validation of the model.
    return body.model_dump_json().encode()
