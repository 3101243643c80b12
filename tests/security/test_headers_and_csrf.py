"""Security headers on every response, and CSRF protection on every state-changing web form."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from gravl.corridor import is_reads_only
from tests.conftest import Account
from tests.routes import READS_ONLY_WEB
from tests.web.helpers import sign_up

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _routes(client: TestClient) -> list[APIRoute]:
    app = client.app
    found = []
    stack = list(app.router.routes)  # type: ignore[attr-defined]
    while stack:
        route = stack.pop()
        if isinstance(route, APIRoute):
            found.append(route)
        stack.extend(getattr(getattr(route, "original_router", None), "routes", []) or [])
    return found


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _assert_security_headers(response, *, hsts: bool) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    script_src = next(
        p for p in csp.split(";") if p.strip().startswith(("script-src", "default-src"))
    )
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"]
    assert headers["x-request-id"]
    assert ("strict-transport-security" in headers) is hsts


def test_every_get_route_sends_the_security_headers(client: TestClient, lifter: Account) -> None:
    paths = {_concrete(r.path) for r in _routes(client) if "GET" in r.methods}
    paths |= {"/docs", "/openapi.json", "/static/docs-init.js", "/no/such/page", "/api/nope"}
    assert len(paths) > 20
    for path in sorted(paths):
        for headers in ({}, lifter.headers):
            response = client.get(path, headers=headers, follow_redirects=False)
            assert response.status_code < 500, path
            _assert_security_headers(response, hsts=False)


def test_hsts_on_every_response_when_configured(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"hsts": True}))) as client:
        for path in ("/api/health", "/api/nope", "/signin", "/static/docs-init.js"):
            response = client.get(path, follow_redirects=False)
            _assert_security_headers(response, hsts=True)
            assert "max-age=" in response.headers["strict-transport-security"]


def test_every_web_form_route_checks_csrf(client: TestClient) -> None:
    """Structure: each state-changing page route declares the CSRF check. Behaviour: a post
    without the token is refused with 403 before anything else happens. The only posts exempt
    are those that change nothing (``reads_only``: the password strength meter), and they are
    the ones tests/routes.py names."""
    web_posts = [
        r for r in _routes(client) if r.methods & WRITE_METHODS and not r.path.startswith("/api")
    ]
    exempt = {
        (method, r.path)
        for r in web_posts
        if is_reads_only(r.endpoint)
        for method in r.methods & WRITE_METHODS
    }
    assert exempt == READS_ONLY_WEB
    web_writes = [r for r in web_posts if not is_reads_only(r.endpoint)]
    assert len(web_writes) >= 5
    for route in web_writes:
        declared = {getattr(d.dependency, "__name__", "") for d in route.dependencies}
        assert any("csrf" in name.lower() for name in declared), route.path
        for method in route.methods & WRITE_METHODS:
            response = client.request(
                method, _concrete(route.path), data={"anything": "x"}, follow_redirects=False
            )
            assert response.status_code == 403, (method, route.path, response.status_code)


def test_session_cookies_are_httponly_samesite_and_secure_behind_tls(settings: Settings) -> None:
    tls = settings.model_copy(update={"hsts": True})
    with TestClient(create_app(tls), base_url="https://testserver") as client:
        response = sign_up(client, "cookie@example.com")
        cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert "__Host-gravl_session" in cookies
    for name, cookie in cookies.items():
        assert name.startswith("__Host-"), name
        assert "samesite=lax" in cookie or "samesite=strict" in cookie, name
        assert "secure" in cookie, name
        assert "path=/" in cookie and "domain=" not in cookie, name
    assert "httponly" in cookies["__Host-gravl_session"]
