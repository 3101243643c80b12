"""The app's routes as the tests walk them: full path, the route, and what it depends on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from gravl.app import create_app
from gravl.config import Settings


def app_routes(settings: Settings) -> list[tuple[str, APIRoute]]:
    """Every API route of the app with its full path (included routers resolve lazily, so each
    is read from its effective context)."""
    found = []
    for route in create_app(settings).routes:
        expand = getattr(route, "effective_route_contexts", None)
        for context in expand() if expand else [route]:
            original = getattr(context, "original_route", context)
            if isinstance(original, APIRoute):
                found.append((context.path, original))
    return found


def dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    """Every dependency a route resolves, however deep."""
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from dependency_calls(dependency)


# Writes that change the account or its sign-ins, not training data: they claim no lifter and
# no cached value of the lifter goes stale (gravl.auth.lifter).
ACCOUNT_WRITES_API = frozenset(
    {
        ("POST", "/api/auth/logout"),
        ("DELETE", "/api/me"),
        ("DELETE", "/api/me/sessions"),
        ("DELETE", "/api/me/sessions/{session_id}"),
        ("POST", "/api/me/password"),
        ("POST", "/api/me/mfa/totp"),
        ("POST", "/api/me/mfa/totp/confirm"),
        ("DELETE", "/api/me/mfa/totp"),
    }
)
# The web's: signing in, up and out, and the account's security settings.
SIGN_IN_WEB = frozenset({("POST", "/signin"), ("POST", "/signin/code"), ("POST", "/signup")})
ACCOUNT_WRITES_WEB = SIGN_IN_WEB | {
    ("POST", "/signout"),
    ("POST", "/settings/security/password"),
    ("POST", "/settings/security/totp"),
    ("POST", "/settings/security/totp/confirm"),
    ("POST", "/settings/security/totp/disable"),
    ("POST", "/settings/security/sessions/{session_id}/revoke"),
    ("POST", "/settings/security/sessions/revoke-others"),
    ("POST", "/settings/security/delete"),
}
# Posts that write nothing: a password travels in the body, not the URL (the strength meter).
READS_ONLY_WEB = frozenset({("POST", "/password-strength")})
