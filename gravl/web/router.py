"""Every web page, for ``app.include_router``; the not-found page goes last, it catches the rest."""

from __future__ import annotations

from fastapi import APIRouter

from gravl.web.pages import (
    auth,
    custom,
    history,
    library,
    logging,
    not_found,
    progress,
    security,
    session,
    settings,
    today,
    training_prefs,
    transfer,
)

router = APIRouter(include_in_schema=False)
for _pages in (
    auth,
    today,
    session,
    logging,
    history,
    progress,
    library,
    custom,
    transfer,
    settings,
    training_prefs,
    security,
):
    router.include_router(_pages.router)
router.include_router(not_found.router)
