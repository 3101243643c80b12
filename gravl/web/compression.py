"""Gzip for the pages: HTML is most of what a phone downloads on a slow gym connection.

Only the web's pages pass through the compressor. The JSON API (``/api/*``: small answers, on
the benchmarked hot path) and the static files (compressed once and kept, gravl.web.assets)
skip it after one prefix test.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

_SKIPPED = ("/api/", "/static/")
# zlib's default: a 30 KiB page shrinks ~6× in well under a millisecond; 9 buys ~1 % more.
PAGE_COMPRESSION_LEVEL = 6


class PageCompression:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=500, compresslevel=PAGE_COMPRESSION_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_SKIPPED):
            await self.app(scope, receive, send)
            return
        await self.gzip(scope, receive, send)
