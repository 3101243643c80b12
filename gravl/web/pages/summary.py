"""A finished session's summary: what it did (PRs, volume, duration, sets, each exercise) and
what recovery looks like now, the most fatigued muscles first with when they are ready."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gravl.corridor import CachesDep, SessionDep
from gravl.logbook import entries
from gravl.recovery import service as recovery
from gravl.sessions import service as sessions
from gravl.web.forms import id_or_404
from gravl.web.pages.history import log_context
from gravl.web.recovery import MuscleRecovery, from_snapshot
from gravl.web.routing import WebRoute, render
from gravl.web.session import WebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# How many of the most fatigued muscles the summary lists.
MUSCLES_SHOWN = 5


def most_fatigued(rows: list[MuscleRecovery], shown: int = MUSCLES_SHOWN) -> list[MuscleRecovery]:
    """The muscles still recovering, lowest score first (none when all are ready)."""
    tired = [r for r in rows if r.status != "ready"]
    return sorted(tired, key=lambda r: (r.recovery_score, r.name))[:shown]


@router.get("/sessions/{session_id}/summary")
async def session_summary(
    session_id: str,
    request: Request,
    session: SessionDep,
    user: WebLifter,
    caches: CachesDep,
) -> Response:
    """The session as done, and the muscles it left tired."""
    row = await sessions.get(
        session=session, user=user, session_id=id_or_404(session_id, "session")
    )
    entry = await entries.session_entry(session=session, user=user, row=row)
    snapshot = await recovery.snapshot(session=session, user=user, caches=caches)
    return render(
        request,
        "pages/session_summary.html",
        {
            "user": user,
            "active": "/history",
            "title": f"{entry.name}: summary",
            "entry": entry,
            "finished": row.ended_at is not None,
            "tired": most_fatigued(from_snapshot(snapshot)),
            **log_context(user),
        },
    )
