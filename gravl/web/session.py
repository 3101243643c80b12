"""Who is browsing: the session cookie, and the CSRF token every state-changing form carries.

The session cookie holds the random secret of a web session (gravl.auth.sessions), looked up
hashed on each request like a server-side session: signing out, a password change or "sign out
other devices" ends it for good, and it is no refresh token, so it cannot be turned into an API
session. It ends 30 days after its last use or 90 days after the sign-in, whichever is first.
A third cookie, the device token, outlives sign-outs: it lets this browser past the account's
lock on wrong passwords (gravl.auth.lockout).

Cookies are ``HttpOnly`` and ``SameSite=Lax``; they are ``Secure`` and named with the
``__Host-`` prefix (so no sibling domain or plain-HTTP page can set them) when ``GRAVL_HSTS``
is on (the site is served over TLS) or when the request itself arrived over HTTPS (from a
trusted proxy's ``X-Forwarded-Proto``).

CSRF: a random ``gravl_csrf`` cookie, and in each form the HMAC of that cookie and the session
under the secret key ("signed double submit", OWASP CSRF cheat sheet). A cross-site page can
neither read the cookie nor compute the HMAC, and a token is bound to one sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from gravl.auth.dependencies import SettingsDep
from gravl.auth.lifter import Lifter, lifter_by_session, touch_session
from gravl.auth.security import hash_token, signing_keys
from gravl.auth.service import SignIn
from gravl.config import Settings

SESSION_COOKIE = "gravl_session"
CSRF_COOKIE = "gravl_csrf"
DEVICE_COOKIE = "gravl_device"
HOST_PREFIX = "__Host-"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# A browser session for the CSRF cookie is fine: it is re-issued on the next page view.
_CSRF_COOKIE_BYTES = 32


class NeedsSignIn(Exception):
    """The page needs a signed-in lifter; answered with a redirect to the sign-in page."""


class CsrfRejected(Exception):
    """A state-changing request without a valid CSRF token; answered 403."""


def _secure(request: Request, settings: Settings) -> bool:
    return settings.hsts or request.url.scheme == "https"


def cookie_name(request: Request, settings: Settings, name: str) -> str:
    """``name`` as this site sets it: ``__Host-`` prefixed when served over TLS."""
    return HOST_PREFIX + name if _secure(request, settings) else name


def cookie(request: Request, settings: Settings, name: str) -> str | None:
    return request.cookies.get(cookie_name(request, settings, name))


def _csrf_cookie(request: Request, settings: Settings) -> str:
    """This browser's CSRF secret, minted (and later set on the response) when it has none."""
    value = cookie(request, settings, CSRF_COOKIE) or getattr(
        request.state, "new_csrf_cookie", None
    )
    if not value:
        value = secrets.token_urlsafe(_CSRF_COOKIE_BYTES)
        request.state.new_csrf_cookie = value
    return str(value)


def _sign(key: str, csrf_cookie: str, session_token: str) -> str:
    message = f"{csrf_cookie}|{hash_token(session_token) if session_token else ''}"
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _current_session_token(request: Request, settings: Settings) -> str:
    """The session the page will be rendered for: a sign-in in this request wins."""
    if getattr(request.state, "signed_out", False):
        return ""
    return str(
        getattr(request.state, "new_session_token", None)
        or cookie(request, settings, SESSION_COOKIE)
        or ""
    )


def csrf_token(request: Request, settings: Settings) -> str:
    """The token forms on this page must send back."""
    return _sign(
        settings.secret_key,
        _csrf_cookie(request, settings),
        _current_session_token(request, settings),
    )


async def require_csrf(request: Request, settings: SettingsDep) -> None:
    """Reject a POST whose form field or ``X-CSRF-Token`` header lacks a valid token."""
    csrf = cookie(request, settings, CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not csrf or not sent:
        raise CsrfRejected
    session_token = cookie(request, settings, SESSION_COOKIE) or ""
    # Tokens signed before a secret-key rotation stay valid while the previous key is kept.
    if not any(
        hmac.compare_digest(sent, _sign(key, csrf, session_token))
        for key in signing_keys(settings).values()
    ):
        raise CsrfRejected


CsrfChecked = Depends(require_csrf)


async def _web_lifter(request: Request, *, writes: bool) -> Lifter | None:
    """The lifter whose live session cookie came with the request, if any."""
    settings: Settings = request.app.state.settings
    token = cookie(request, settings, SESSION_COOKIE)
    if not token:
        return None
    lifter = await lifter_by_session(request.state.work, settings, token, writes=writes)
    if lifter is not None:
        await touch_session(request, lifter)
        request.state.user_id = lifter.id
        # Error pages rendered after a handler failed still show this lifter's navigation.
        request.state.web_user = lifter
    return lifter


async def optional_web_lifter(request: Request) -> Lifter | None:
    return await _web_lifter(request, writes=False)


async def web_lifter(request: Request) -> Lifter:
    lifter = await _web_lifter(request, writes=False)
    if lifter is None:
        raise NeedsSignIn
    return lifter


async def writing_web_lifter(request: Request) -> Lifter:
    lifter = await _web_lifter(request, writes=True)
    if lifter is None:
        raise NeedsSignIn
    return lifter


WebLifter = Annotated[Lifter, Depends(web_lifter)]
OptionalWebLifter = Annotated[Lifter | None, Depends(optional_web_lifter)]
# For form posts that write the lifter's training data (claims it: gravl.auth.lifter).
WritingWebLifter = Annotated[Lifter, Depends(writing_web_lifter)]


def start_session(request: Request, sign_in: SignIn) -> None:
    """Remember a sign-in; the cookies are set on the response by ``apply_cookies``."""
    request.state.new_session_token = sign_in.web_secret
    request.state.new_device_token = sign_in.device_token
    request.state.signed_out = False


def device_token(request: Request, settings: Settings) -> str | None:
    """This browser's device token, from an earlier sign-in (gravl.auth.lockout)."""
    return cookie(request, settings, DEVICE_COOKIE)


def end_session(request: Request) -> None:
    request.state.signed_out = True


def apply_cookies(request: Request, response: Response, settings: Settings) -> None:
    """Write the cookie changes this request decided on."""
    secure = _secure(request, settings)

    def name(base: str) -> str:
        return cookie_name(request, settings, base)

    new_csrf = getattr(request.state, "new_csrf_cookie", None)
    if new_csrf:
        response.set_cookie(
            name(CSRF_COOKIE), new_csrf, httponly=True, samesite="lax", secure=secure, path="/"
        )
    new_device = getattr(request.state, "new_device_token", None)
    if new_device and new_device != cookie(request, settings, DEVICE_COOKIE):
        response.set_cookie(
            name(DEVICE_COOKIE),
            new_device,
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )
    if getattr(request.state, "signed_out", False):
        response.delete_cookie(
            name(SESSION_COOKIE), httponly=True, samesite="lax", secure=secure, path="/"
        )
        return
    new_session = getattr(request.state, "new_session_token", None)
    if new_session:
        response.set_cookie(
            name(SESSION_COOKIE),
            new_session,
            max_age=settings.session_lifetime_s,
            httponly=True,
            samesite="lax",
            secure=secure,
            path="/",
        )
