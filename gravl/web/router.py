"""Every web page, for ``app.include_router``."""

from __future__ import annotations

from fastapi import APIRouter

from gravl.web.pages import auth, library, settings, today

router = APIRouter(include_in_schema=False)
for _pages in (auth, today, library, settings):
    router.include_router(_pages.router)
