"""Every web page, for ``app.include_router``; the not-found page goes last, it catches the rest."""

from __future__ import annotations

from fastapi import APIRouter

from gravl.web.pages import (
    auth,
    checkins,
    custom,
    history,
    library,
    logging,
    new_exercise,
    not_found,
    progress,
    security,
    session,
    settings,
    summary,
    today,
    training_prefs,
    transfer,
    welcome,
)

router = APIRouter(include_in_schema=False)
for _pages in (
    auth,
    today,
    session,
    logging,
    history,
    summary,
    new_exercise,  # before progress: its /exercises/{exercise_id} would take /new
    progress,
    library,
    custom,
    transfer,
    settings,
    training_prefs,
    security,
    welcome,
    checkins,
):
    router.include_router(_pages.router)
router.include_router(not_found.router)
