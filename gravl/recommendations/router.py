"""Smart workout recommendations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from gravl.auth.lifter import CurrentLifter
from gravl.cache import Slot
from gravl.corridor import CorridorRoute, WorkDep
from gravl.observability.metrics import RECOMMENDATIONS_SERVED
from gravl.recommendations import service
from gravl.recommendations.ranking import DEFAULT_RANKING, Ranking
from gravl.recommendations.schemas import (
    ExclusionOut,
    RecommendationContext,
    RecommendationOut,
    RecommendedTarget,
    SmartWorkoutOut,
)
from gravl.recovery.service import Snapshot
from gravl.training.schemas import WorkoutRef

router = APIRouter(
    prefix="/api/recommendations", tags=["recommendations"], route_class=CorridorRoute
)

# Rendered answers by ``limit``, kept while the data version holds, at most ``MAX_AGE_S``:
# recovery moves by a fraction of a point a minute, and the reasons speak in hours and days,
# so an answer a minute old says what a new one would; a write makes a new one at once.
ANSWERS = Slot[dict[int, bytes]]("smart-workout-answers")


def _ref(workout: object) -> WorkoutRef:
    return WorkoutRef.model_validate(workout, from_attributes=True)


@router.get("/smart-workout", response_model=SmartWorkoutOut)
async def smart_workout(
    work: WorkDep,
    lifter: CurrentLifter,
    limit: Annotated[int, Query(ge=1, le=10)] = 3,
) -> Response:
    """The best workouts for today, each with the reasons and numbers behind it.

    An answer is kept for up to a minute while the lifter's data is unchanged (``generated_at``
    says when it was computed); any write of theirs shows in the next answer.
    """
    RECOMMENDATIONS_SERVED.inc()
    caches = work.caches  # one dependency for both: see the recovery route
    answers = caches.get(ANSWERS, lifter)
    if answers is None:
        answers = {}
        caches.put(ANSWERS, lifter, answers)
    body = answers.get(limit)
    if body is None:
        snap, ranking = await service.recommend(
            session=work.session, user=lifter, caches=caches, limit=limit
        )
        body = answers[limit] = _render(snap, ranking)
    return Response(body, media_type="application/json")


def _render(snap: Snapshot, ranking: Ranking) -> bytes:
    body = SmartWorkoutOut(
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
