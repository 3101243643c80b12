"""Soreness check-ins in the web UI (issue 20: "in the UI at last"): the lifter says how sore a
muscle group is, and sees what the recovery model predicted and where the report moved it
(docs/recovery.md, "Check-ins")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.auth.lifter import Lifter
from gravl.corridor import CachesDep, SessionDep
from gravl.recovery import service as recovery
from gravl.recovery.models import RecoveryCheckIn
from gravl.recovery.schemas import CheckInIn
from gravl.vocabulary import MUSCLE_GROUPS, TRACKED_NAMES
from gravl.web.forms import FormErrors, form_fields
from gravl.web.recovery import MuscleRecovery, from_snapshot
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE = "/check-in"
RECENT = 5
# The scale's anchors, as the form shows them (0-10, as the API takes).
SORENESS = (
    (0, "0 — not sore at all"),
    (2, "2 — a little stiff"),
    (4, "4 — sore when I press it"),
    (6, "6 — sore when I move"),
    (8, "8 — very sore"),
    (10, "10 — too sore to train"),
)


@dataclass(frozen=True)
class PastCheckIn:
    muscle: str
    soreness: float
    at: datetime
    predicted: float  # what the model said just before the report


async def _recent(session: AsyncSession, user: Lifter) -> list[PastCheckIn]:
    rows = await session.execute(
        select(
            RecoveryCheckIn.muscle_group,
            RecoveryCheckIn.soreness,
            RecoveryCheckIn.at,
            RecoveryCheckIn.predicted_score,
        )
        .where(RecoveryCheckIn.user_id == user.id)
        .order_by(RecoveryCheckIn.at.desc(), RecoveryCheckIn.id.desc())
        .limit(RECENT)
    )
    return [PastCheckIn(TRACKED_NAMES.get(m, m), s, at, round(p, 1)) for m, s, at, p in rows.all()]


async def _page(
    request: Request,
    session: AsyncSession,
    caches: CachesDep,
    user: Lifter,
    values: dict[str, str],
    *,
    errors: FormErrors | None = None,
    saved: str | None = None,
    status_code: int = 200,
) -> Response:
    snapshot = await recovery.snapshot(session=session, user=user, caches=caches)
    muscles: dict[str, MuscleRecovery] = {m.muscle_group: m for m in from_snapshot(snapshot)}
    recent = await _recent(session, user)
    return render(
        request,
        "pages/checkins.html",
        {
            "user": user,
            "active": "/today",
            "title": "How sore are you?",
            "values": values,
            "errors": errors,
            "muscle_choices": [(m.slug, m.name) for m in MUSCLE_GROUPS],
            "muscles": muscles,
            "soreness_choices": SORENESS,
            "recent": recent,
            "saved": muscles.get(saved) if saved else None,
            "saved_check_in": recent[0] if saved and recent else None,
        },
        status_code=status_code,
    )


@router.get(PAGE)
async def check_in_page(
    request: Request,
    session: SessionDep,
    caches: CachesDep,
    user: WebLifter,
    muscle: str = "",
    saved: str = "",
) -> Response:
    """The form, with the muscle chosen (``?muscle=quadriceps``, e.g. from the body map) and
    what the last report did (``?saved=``)."""
    known = {m.slug for m in MUSCLE_GROUPS}
    values = {"muscle_group": muscle if muscle in known else "", "soreness": ""}
    return await _page(
        request, session, caches, user, values, saved=saved if saved in known else None
    )


@router.post(PAGE, dependencies=[CsrfChecked])
async def save_check_in(
    request: Request, session: SessionDep, caches: CachesDep, user: WritingWebLifter
) -> Response:
    """Record the report; the page then shows the model's prediction beside it."""
    values = await form_fields(request, "muscle_group", "soreness")
    errors = FormErrors()
    try:
        data = CheckInIn(muscle_group=values["muscle_group"], soreness=values["soreness"])
    except ValidationError as exc:
        for item in exc.errors():
            field = str(item["loc"][0]) if item["loc"] else "soreness"
            errors.fields.setdefault(
                field,
                "Choose a muscle group."
                if field == "muscle_group"
                else "Choose how sore it is, from 0 to 10.",
            )
        return await _page(request, session, caches, user, values, errors=errors, status_code=422)
    await recovery.check_in(
        session=session, user=user, muscle=data.muscle_group, soreness=data.soreness
    )
    return redirect(request, f"{PAGE}?saved={data.muscle_group}")
