"""Recovery endpoints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from gravl.auth.lifter import CurrentLifter, WritingLifter
from gravl.cache import Slot
from gravl.corridor import CachesDep, CorridorRoute, SessionDep, WorkDep
from gravl.recovery import service
from gravl.recovery.model import MuscleReport
from gravl.recovery.schemas import (
    CheckInIn,
    CheckInOut,
    HeadRecoveryOut,
    MuscleRecoveryOut,
    RecoveryOut,
)
from gravl.recovery.service import Snapshot
from gravl.validation import Instant
from gravl.vocabulary import TRACKED_NAMES

router = APIRouter(prefix="/api/recovery", tags=["recovery"], route_class=CorridorRoute)

# The rendered muscle-groups answer. A score moves at most ~6 points an hour (a muscle at 37%
# with the shortest time constant), so in ten seconds by under a fiftieth of the tenth shown.
ANSWERS = Slot[bytes]("recovery-answers", max_age_s=10.0)


def _out(report: MuscleReport) -> MuscleRecoveryOut:
    return MuscleRecoveryOut(
        muscle_group=report.muscle,
        **_recovery(report),
        heads=[HeadRecoveryOut(muscle=head.muscle, **_recovery(head)) for head in report.heads],
    )


def _recovery(report: MuscleReport) -> dict[str, Any]:
    return {
        "name": TRACKED_NAMES[report.muscle],
        "recovery_score": round(report.recovery_score, 1),
        "status": report.status,
        "last_trained_at": report.last_trained_at,
        "sets_last_7_days": report.sets_last_7_days,
        "ready_at": report.ready_at,
    }


@router.get("/muscle-groups", response_model=RecoveryOut)
async def muscle_groups(
    work: WorkDep,
    lifter: CurrentLifter,
    at: Annotated[
        Instant | None, Query(description="any instant from 1900 to 2200; default now")
    ] = None,
) -> Response:
    """How recovered each of the 17 muscle groups is, and when each will be ready.

    Without ``at``, an answer is kept up to ten seconds while the lifter's data is unchanged
    (``computed_at`` says when it was computed); any write of theirs shows at once.
    """
    # One dependency for the session and the caches: on this hot read each dependency costs
    # about a tenth of everything else (docs/PERFORMANCE.md).
    caches = work.caches
    body = caches.get(ANSWERS, lifter) if at is None else None
    if body is None:
        snap = await service.snapshot(session=work.session, user=lifter, caches=caches, at=at)
        body = _render(snap)
        if at is None:
            caches.put(ANSWERS, lifter, body)
    return Response(body, media_type="application/json")


def _render(snap: Snapshot) -> bytes:
    body = RecoveryOut(computed_at=snap.computed_at, muscle_groups=[_out(r) for r in snap.reports])
    # Already validated: a plain Response skips FastAPI's second validation of the model.
    return body.model_dump_json().encode()


@router.get("/most-recovered", response_model=RecoveryOut)
async def most_recovered(
    session: SessionDep,
    caches: CachesDep,
    lifter: CurrentLifter,
    limit: Annotated[int, Query(ge=1, le=17)] = 3,
) -> RecoveryOut:
    """The freshest muscle groups of those trained in the last 28 days (all, if none was).

    Highest score (as shown) first, then longest since trained, then slug.
    """
    computed_at, ranked = await service.most_recovered(
        session=session, user=lifter, caches=caches, limit=limit
    )
    return RecoveryOut(computed_at=computed_at, muscle_groups=[_out(r) for r in ranked])


@router.post("/check-ins", status_code=status.HTTP_201_CREATED, response_model=CheckInOut)
async def check_in(data: CheckInIn, session: SessionDep, user: WritingLifter) -> CheckInOut:
    """Report soreness (0-10) for a muscle group; it moves the model halfway to the report
    (for shoulders, each of its heads)."""
    checkin, score = await service.check_in(
        session=session, user=user, muscle=data.muscle_group, soreness=data.soreness
    )
    return CheckInOut(
        id=checkin.id,
        muscle_group=checkin.muscle_group,
        soreness=checkin.soreness,
        at=checkin.at,
        predicted_score=round(checkin.predicted_score, 1),
        recovery_score=round(score, 1),
    )
