"""Today, and the pages whose data services are still being built (History, Progress, Import)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gravl.catalog.muscles import MUSCLE_NAMES
from gravl.db import SessionDep
from gravl.training import schedule
from gravl.training import service as training
from gravl.web.recovery import muscle_recovery_for
from gravl.web.routing import WebRoute, render
from gravl.web.session import WebUser

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/today")
async def today(request: Request, session: SessionDep, user: WebUser) -> Response:
    """Today's workout and the recovery body map."""
    enrollment = await schedule.active_enrollment(session=session, user=user)
    day = await training.schedule_day(session=session, user=user, on=schedule.local_today(user))
    muscles = await muscle_recovery_for(session=session, user=user)
    return render(
        request,
        "pages/today.html",
        {
            "user": user,
            "active": "/today",
            "title": "Today",
            "day": day,
            "program": enrollment[1] if enrollment else None,
            "muscles": muscles,
            "muscle_names": MUSCLE_NAMES,
        },
    )


# Pages whose data arrive with the logs, stats and import services; each says what will be here.
_COMING = {
    "/history": ("History", "Your sessions by week, with edits and swap history, appear here."),
    "/progress": ("Progress", "Weekly sets per muscle group and your records appear here."),
    "/import": ("Import", "Import a Strong, Hevy or FitNotes export, or export your history."),
}


async def _coming_page(request: Request, user: WebUser) -> Response:
    title, summary = _COMING[request.url.path]
    return render(
        request,
        "pages/coming.html",
        {"user": user, "active": request.url.path, "title": title, "summary": summary},
    )


for _path in _COMING:
    router.add_api_route(_path, _coming_page, methods=["GET"])
