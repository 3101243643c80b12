"""The FastAPI application: routers, middleware, error handlers and lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gravl.auth.router import router as auth_router
from gravl.auth.sessions import Touches
from gravl.auth.tokens import TokenCache
from gravl.cache import (
    Caches,
    cache_budget_bytes,
    memory_limit_bytes,
    serve_workers,
    worker_memory_share,
)
from gravl.catalog.router import router as catalog_router
from gravl.config import Settings, get_settings
from gravl.db import Database
from gravl.errors import ERROR_RESPONSES, install_error_handlers
from gravl.logs.router import router as logs_router
from gravl.logs.session_router import router as session_sets_router
from gravl.migrations.runner import head_revision
from gravl.observability.access import AccessLog
from gravl.observability.health import router as health_router
from gravl.observability.logging import configure_logging
from gravl.observability.metrics import (
    observe_request,
    start_sampling,
)
from gravl.observability.middleware import GravlMiddleware
from gravl.recommendations.router import router as recommendations_router
from gravl.recovery.router import router as recovery_router
from gravl.sessions.router import router as sessions_router
from gravl.stats.router import router as stats_router
from gravl.training.router import router as training_router
from gravl.transfer.quota import ImportQuota
from gravl.transfer.router import router as transfer_router
from gravl.web.assets import ASSETS, STATIC_DIR, GravlStaticFiles
from gravl.web.compression import PageCompression
from gravl.web.router import router as web_router

__all__ = ["STATIC_DIR", "create_app"]

_DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gravl API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs-init.js"></script></body></html>"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.database = Database(settings)
        # This worker's part of the container's memory limit (read once) sizes the caches and
        # is reported beside the worker's memory.
        share = worker_memory_share(memory_limit_bytes(), serve_workers())
        app.state.caches = Caches(cache_budget_bytes(settings.cache_max_mb, share))
        stop_sampling = start_sampling(app.state.database.engine, app.state.caches, share)
        try:
            yield
        finally:
            stop_sampling()
            await app.state.database.dispose()

    app = FastAPI(
        title="Gravl",
        version="0.1.0",
        summary="Strength training with explained recovery and recommendations.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.token_cache = TokenCache(settings)
    app.state.session_touches = Touches(settings.session_touch_s)
    app.state.import_quota = ImportQuota(settings)
    # The password strength meter's checks per client (gravl.web.pages.auth), in this worker.
    app.state.strength_limiter = MovingWindowRateLimiter(MemoryStorage())
    app.state.migration_head = head_revision()
    install_error_handlers(app)
    for router in (
        health_router,
        auth_router,
        catalog_router,
        training_router,
        logs_router,
        recovery_router,
        recommendations_router,
        sessions_router,
        session_sets_router,
        stats_router,
        transfer_router,
    ):
        app.include_router(router, responses=ERROR_RESPONSES)
    app.include_router(web_router)
    # Fingerprinted, long-cached and gzipped once (gravl.web.assets; docs/operations.md).
    app.mount("/static", GravlStaticFiles(ASSETS), name="static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_HTML)

    # Inside GravlMiddleware: pages only, /api/* and /static/* pass straight through.
    app.add_middleware(PageCompression)
    app.add_middleware(
        GravlMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        hsts=settings.hsts,
        observe=observe_request,
        access_log=AccessLog(settings.log_level),
    )
    # Outermost: the client address and scheme every other layer sees come from it, and only
    # a trusted proxy may set them (GRAVL_TRUSTED_PROXIES).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
