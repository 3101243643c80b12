"""Pure ASGI middleware: request id, security headers, body-size limit and the access log.

Written against raw ASGI (not ``BaseHTTPMiddleware``) because it wraps every request on the hot
path, and so it can refuse an oversized body from ``Content-Length`` before reading it.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gravl.errors import error_body

log = structlog.get_logger("gravl.access")

_NO_STORE = (b"cache-control", b"no-store")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# The API's import and the web's import form (gravl/web/pages/transfer.py) take whole files.
_UPLOAD_PATHS = frozenset({"/api/imports", "/import"})
# A person in a browser gets a page, not the JSON envelope; it stands alone because the web's
# templates need a session and a CSRF token this layer does not have.
_TOO_LARGE_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Too large · Gravl</title>
  <link rel="stylesheet" href="/static/css/gravl.css">
</head>
<body>
<main id="main" class="auth-card">
  <h1>Too large</h1>
  <p>What you sent is larger than the {limit_mib} MiB this page accepts.</p>
  <p><a href="/today">Go to Today</a></p>
</main>
</body>
</html>
"""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


RouteObserver = Callable[[Scope, int, float], None]
AccessWriter = Callable[..., None]  # gravl.observability.access.AccessLog


class GravlMiddleware:
    """Request id, security headers, the body-size limit, the access line and the metrics.

    Every request passes through it, so its own cost is part of every figure in
    docs/PERFORMANCE.md ("The middleware tax"): one pass over the request headers, one wrapper
    around ``send``, and a wrapper around ``receive`` only for a chunked body, the one kind
    whose size is not declared up front.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_upload_bytes: int,
        hsts: bool,
        observe: RouteObserver | None = None,
        access_log: AccessWriter | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.observe = observe
        self.access_log = access_log
        headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if hsts:
            headers.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        self.security_headers = headers
        # API answers carry tokens and personal data (pages say so themselves, on render).
        self.api_headers = [*headers, _NO_STORE]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id, declared, chunked = _read_headers(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        path = scope["path"]
        limit = self._limit_for(path)
        base = self.api_headers if path.startswith("/api/") else self.security_headers
        extra_headers = [*base, (b"x-request-id", request_id.encode())]
        status = 500
        response_started = False
        rejected = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if rejected:
                return
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", ()), *extra_headers]
            await send(message)

        if declared is not None and declared > limit:
            await _reject_too_large(send_with_headers, limit, path)
            self._finish(scope, 413, started, request_id)
            return

        app_receive = receive
        if chunked:
            received = 0

            async def limited_receive() -> Message:
                # A chunked body is counted as it streams; past the limit the 413 goes out at
                # once and the app sees a disconnect, whatever it then answers.
                nonlocal received, rejected
                message = await receive()
                if message["type"] == "http.request" and not rejected:
                    received += len(message.get("body", b""))
                    if received > limit:
                        if not response_started:
                            await _reject_too_large(send_with_headers, limit, path)
                        rejected = True
                        return {"type": "http.disconnect"}
                return message

            app_receive = limited_receive

        try:
            await self.app(scope, app_receive, send_with_headers)
        except Exception:
            if not rejected:
                # Starlette's ServerErrorMiddleware sits outside this one: answering here keeps
                # the headers, the request id, the log line and the count on every failure.
                log.exception("unhandled error", request_id=request_id, route=route_template(scope))
                if response_started:  # too late for another answer: count what was sent
                    self._finish(scope, status, started, request_id)
                    raise
                await _internal_error(send_with_headers, request_id)
                status = 500
        self._finish(scope, status, started, request_id)

    def _limit_for(self, path: str) -> int:
        if path in _UPLOAD_PATHS:
            return self.max_upload_bytes
        return self.max_body_bytes

    def _finish(self, scope: Scope, status: int, started: float, request_id: str) -> None:
        duration_ms = (time.perf_counter() - started) * 1000
        if self.observe is not None:
            self.observe(scope, status, duration_ms)
        if self.access_log is not None:
            state: dict[str, Any] = scope.get("state", {})
            self.access_log(
                request_id=request_id,
                method=scope["method"],
                route=route_template(scope),
                status=status,
                duration_ms=duration_ms,
                user_id=state.get("user_id"),
                client=_client(scope),
            )


def route_template(scope: Scope) -> str:
    """The matched path template (``/api/logs/{log_id}``), never the raw path."""
    route = scope.get("route")
    return str(route.path) if route is not None and hasattr(route, "path") else "<unmatched>"


def _client(scope: Scope) -> str | None:
    # The proxy-header middleware outside this one has put a trusted proxy's X-Forwarded-For here.
    client = scope.get("client")
    return str(client[0]) if client else None


def _read_headers(scope: Scope) -> tuple[str, int | None, bool]:
    """The request id to use, the declared body length and whether the body is chunked.

    A body with a Content-Length cannot exceed it (the server frames the request by it), so
    only a chunked body needs counting as it arrives.
    """
    request_id: str | None = None
    declared: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"x-request-id" and request_id is None:
            candidate = value.decode("latin-1")
            request_id = candidate if _SANE_REQUEST_ID.match(candidate) else ""
        elif name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                declared = None
        elif name == b"transfer-encoding":
            chunked = True
    # 16 random bytes as hex: the shape of uuid4().hex, without building a UUID object.
    return request_id or os.urandom(16).hex(), declared, chunked


async def _reject_too_large(send: Send, limit: int, path: str) -> None:
    if path.startswith("/api/"):
        body = error_body("payload_too_large", f"request body exceeds {limit} bytes")
        await _answer(send, 413, b"application/json", body)
        return
    page = _TOO_LARGE_PAGE.format(limit_mib=f"{limit / (1024 * 1024):g}")
    await _answer(send, 413, b"text/html; charset=utf-8", page.encode())


async def _internal_error(send: Send, request_id: str) -> None:
    message = f"internal error; quote request id {request_id} when reporting it"
    await _answer(send, 500, b"application/json", error_body("internal", message))


async def _answer(send: Send, status: int, content_type: bytes, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
