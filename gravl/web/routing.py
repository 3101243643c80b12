"""How web pages answer: templates with the cookies a request decided on, and HTML errors.

API routes answer failures with the JSON error envelope; a person in a browser gets a page
instead. ``WebRoute`` turns the web's own exceptions (and a ``NotFound`` from a service) into
that page, so handlers stay a straight line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Coroutine, Mapping
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from gravl.config import Settings
from gravl.corridor import CorridorRoute
from gravl.errors import NotFound
from gravl.web.session import CsrfRejected, NeedsSignIn, apply_cookies, csrf_token
from gravl.web.templating import templates

# (href, label) in the order the navigation shows them.
NAV_ITEMS: tuple[tuple[str, str], ...] = (
    ("/today", "Today"),
    ("/history", "History"),
    ("/progress", "Progress"),
    ("/workouts", "Workouts"),
    ("/programs", "Programs"),
    ("/import", "Import"),
    ("/settings", "Settings"),
)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A page (or an htmx fragment) with the CSRF token, the lifter and the cookies to set."""
    settings = _settings(request)
    full_context: dict[str, Any] = {
        "nav_items": NAV_ITEMS,
        "csrf_token": csrf_token(request, settings),
        "user": getattr(request.state, "web_user", None),
        **(context or {}),
    }
    response = templates.TemplateResponse(
        request, template, full_context, status_code=status_code, headers=dict(headers or {})
    )
    # Pages carry per-session CSRF tokens and personal data: never cache them in shared caches.
    response.headers["Cache-Control"] = "no-store"
    apply_cookies(request, response, settings)
    return response


def redirect(request: Request, url: str) -> Response:
    """303 See Other after a form post (or HX-Redirect for htmx, which follows no 303 page)."""
    if request.headers.get("hx-request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    apply_cookies(request, response, _settings(request))
    return response


def safe_next(target: str | None, default: str = "/today") -> str:
    """A same-site path to go to after signing in; anything else (``//evil``, URLs, control
    characters that would split the ``HX-Redirect`` or ``Location`` header) → default."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(unicodedata.category(char) == "Cc" for char in target):
        return default
    return target


def _sign_in_redirect(request: Request) -> Response:
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return redirect(request, "/signin?next=" + quote(path, safe=""))


class WebRoute(CorridorRoute):
    """A page's route, one unit of work like any other, whose failures are pages: sign-in
    redirects, 403 and 404 pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except NeedsSignIn:
                return _sign_in_redirect(request)
            except CsrfRejected:
                return render(request, "pages/csrf_rejected.html", status_code=403)
            except NotFound as exc:
                return render(
                    request, "pages/not_found.html", {"message": exc.message}, status_code=404
                )

        return handle
