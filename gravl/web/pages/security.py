"""Sign-in and security: the password, two-factor sign-in, where the lifter is signed in, what
happened to the account lately, and deleting it. gravl.auth.service does the work; this turns
its answers into pages, and its errors into messages next to the field they concern."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.auth import service, totp
from gravl.auth.dependencies import ClientDep, SettingsDep
from gravl.auth.lifter import Lifter
from gravl.auth.models import AuthSession, SecurityEvent
from gravl.auth.schemas import MfaDisableIn, PasswordChangeIn
from gravl.config import Settings
from gravl.corridor import SessionDep
from gravl.db import utcnow
from gravl.errors import Conflict, NotFound, RateLimited, Unauthorized, ValidationFailed
from gravl.web.forms import (
    FormErrors,
    form_fields,
    from_validation,
    retry_hint,
    sentence,
    undo_unless_kept,
)
from gravl.web.routing import WebRoute, redirect, render
from gravl.web.session import CsrfChecked, WebLifter, end_session

router = APIRouter(route_class=WebRoute, include_in_schema=False)

PAGE = "/settings/security"
TITLE = "Sign-in and security"
EVENTS_SHOWN = 20
# The page's forms whose errors are shown in their own section.
Section = Literal["password", "totp", "delete"]
# As long as the API accepts (gravl.auth.schemas): a code or a recovery code, a password.
_CODE_MAX = 32
_SESSION_ID_MAX = 64

KINDS = {"web": "Browser", "api": "App or API"}
EVENT_LABELS = {
    "account_created": "Account created",
    "login_succeeded": "Signed in",
    "login_failed": "Wrong password",
    "mfa_failed": "Wrong two-factor code",
    "lockout": "Account locked after repeated failures",
    "refresh_reuse": "A stolen app token was detected and its session ended",
    "logout": "Signed out",
    "session_revoked": "Signed out a device",
    "password_changed": "Password changed",
    "mfa_enabled": "Two-factor sign-in turned on",
    "mfa_disabled": "Two-factor sign-in turned off",
}
# ?done=… after a change, as the notice at the top of the page.
NOTICES = {
    "password": "Password changed. Every other device has been signed out.",
    "session": "That device is signed out.",
    "others": "You are signed out everywhere else.",
    "totp_off": "Two-factor sign-in is off.",
}
_ENTER_CODE = "Enter the 6-digit code from your authenticator app."


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One live sign-in as the table shows it."""

    id: str
    kind: str
    device: str
    client: str
    created_at: datetime
    last_used_at: datetime
    last_active: str
    current: bool


@dataclass(frozen=True, slots=True)
class EventRow:
    label: str
    detail: str | None
    created_at: datetime
    client: str
    device: str


# (pattern in the User-Agent header, name), the first match wins: Edge, Opera and Samsung's
# browser also say "Chrome", Chrome also says "Safari", iOS also says "Mac OS X", Android "Linux".
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)
_PRODUCT = re.compile(r"[^\s;()]+")


def describe_agent(user_agent: str) -> str:
    """A User-Agent header in a few words: "Firefox on Windows", "python-httpx/0.28"."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return str(browser or system)
    product = _PRODUCT.search(user_agent)
    return product.group(0)[:40] if product else "Unknown device"


def time_ago(moment: datetime, now: datetime) -> str:
    """How long ago ``moment`` was, roughly: "just now", "5 minutes ago", "3 days ago"."""
    seconds = max(0, int((now - moment).total_seconds()))
    for size, unit in ((86_400, "day"), (3600, "hour"), (60, "minute")):
        count = seconds // size
        if count >= (1 if size > 60 else 2):
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def group_secret(secret: str) -> str:
    """The TOTP secret in groups of four, as it is easiest to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _session_rows(rows: Sequence[AuthSession], current: str | None) -> list[SessionRow]:
    now = utcnow()
    shown = [
        SessionRow(
            id=row.id,
            kind=KINDS.get(row.kind, row.kind),
            device=describe_agent(row.user_agent),
            client=row.client,
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            last_active="now" if row.id == current else time_ago(row.last_used_at, now),
            current=row.id == current,
        )
        for row in rows
    ]
    return sorted(shown, key=lambda row: not row.current)  # this device first, stably


def _event_rows(rows: Sequence[SecurityEvent]) -> list[EventRow]:
    return [
        EventRow(
            label=EVENT_LABELS.get(row.event, row.event.replace("_", " ").capitalize()),
            detail=row.detail,
            created_at=row.created_at,
            client=row.client,
            device=describe_agent(row.user_agent),
        )
        for row in rows
    ]


async def _page(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    user: Lifter,
    *,
    notice: str | None = None,
    errors: Mapping[Section, FormErrors] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The page, with ``errors`` shown in the section of the form they belong to."""
    errors = errors or {}
    account = await service.profile(session=session, lifter=user)
    sessions = await service.list_sessions(session=session, settings=settings, lifter=user)
    events = await service.security_events(session=session, lifter=user, limit=EVENTS_SHOWN)
    return render(
        request,
        "pages/security.html",
        {
            "user": user,
            "active": "/settings",
            "title": TITLE,
            "notice": notice,
            "password_errors": errors.get("password"),
            "totp_errors": errors.get("totp"),
            "delete_errors": errors.get("delete"),
            "mfa_enabled_at": account.totp_enabled_at,
            "sessions": _session_rows(sessions, user.session_id),
            "events": _event_rows(events),
        },
        status_code=status_code,
        headers=headers,
    )


class _Again(Protocol):
    async def __call__(
        self, errors: FormErrors, status_code: int, headers: Mapping[str, str] | None = None
    ) -> Response: ...


def _again_with_errors(
    section: Section, request: Request, session: AsyncSession, settings: Settings, user: Lifter
) -> _Again:
    """The page once more, with a form's errors in its ``section``."""

    async def again(
        errors: FormErrors, status_code: int, headers: Mapping[str, str] | None = None
    ) -> Response:
        return await _page(
            request,
            session,
            settings,
            user,
            errors={section: errors},
            status_code=status_code,
            headers=headers,
        )

    return again


def _retry_after(error: RateLimited) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after)}


async def _secret_fields(request: Request, *names: str) -> dict[str, str]:
    """Password fields exactly as typed: a space at either end is part of the password."""
    form = await request.form()
    values = {}
    for name in names:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values


@router.get(PAGE)
async def security_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: WebLifter,
    done: str | None = None,
) -> Response:
    """The password, two-factor sign-in, live sessions and recent security events."""
    notice = NOTICES.get(done) if done else None
    return await _page(request, session, settings, user, notice=notice)


@router.post(PAGE + "/password", dependencies=[CsrfChecked])
async def change_password(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: WebLifter,
    client: ClientDep,
) -> Response:
    """Change the password once the current one is confirmed; every other session ends, this
    browser stays signed in."""
    values = await _secret_fields(request, "current_password", "new_password")

    again = _again_with_errors("password", request, session, settings, user)

    if not values["current_password"]:
        return await again(FormErrors(fields={"current_password": "Enter your password."}), 422)
    try:
        data = PasswordChangeIn(**values)
    except ValidationError as exc:
        return await again(from_validation(exc), 422)
    try:
        await service.change_password(
            session=session,
            settings=settings,
            lifter=user,
            current_password=data.current_password,
            new_password=data.new_password,
            client=client,
        )
    except Unauthorized as exc:
        await undo_unless_kept(session, exc)
        return await again(FormErrors(fields={"current_password": sentence(exc.message)}), 401)
    except ValidationFailed as exc:
        await undo_unless_kept(session, exc)
        fields = {str(d["field"]): sentence(str(d["message"])) for d in exc.details or []}
        return await again(
            FormErrors(fields=fields or {"new_password": sentence(exc.message)}), 422
        )
    except RateLimited as exc:
        await undo_unless_kept(session, exc)
        return await again(FormErrors(form=retry_hint(exc)), 429, headers=_retry_after(exc))
    return redirect(request, PAGE + "?done=password")


def _setup_page(
    request: Request,
    user: Lifter,
    secret: str,
    qr_svg: str,
    errors: FormErrors | None,
    *,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "pages/totp_setup.html",
        {
            "user": user,
            "active": "/settings",
            "title": "Set up two-factor sign-in",
            "secret": group_secret(secret),
            "qr_svg": qr_svg,
            "errors": errors,
        },
        status_code=status_code,
    )


async def _setup_again(
    request: Request, session: AsyncSession, user: Lifter, message: str
) -> Response:
    """The setup step once more with ``message`` at the code field, for the secret that is
    pending (the app may hold it already: no new one is made)."""
    account = await service.profile(session=session, lifter=user)
    if account.totp_secret is None or account.mfa_enabled:
        return redirect(request, PAGE)
    qr_svg = totp.qr_svg(totp.provisioning_uri(account.totp_secret, account.email))
    errors = FormErrors(fields={"code": sentence(message)})
    return _setup_page(request, user, account.totp_secret, qr_svg, errors, status_code=422)


@router.post(PAGE + "/totp", dependencies=[CsrfChecked])
async def start_totp(
    request: Request, session: SessionDep, settings: SettingsDep, user: WebLifter
) -> Response:
    """Begin enrolment: a new secret as a QR code and as text, and a field for a first code."""
    try:
        enrolment = await service.start_mfa(session=session, lifter=user)
    except Conflict as exc:
        await undo_unless_kept(session, exc)
        errors = FormErrors(form=sentence(exc.message))
        return await _page(
            request, session, settings, user, errors={"totp": errors}, status_code=409
        )
    return _setup_page(request, user, enrolment.secret, enrolment.qr_svg, None)


@router.post(PAGE + "/totp/confirm", dependencies=[CsrfChecked])
async def confirm_totp(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: WebLifter,
    client: ClientDep,
) -> Response:
    """Turn two-factor sign-in on with a first code; the recovery codes, shown this once."""
    code = (await form_fields(request, "code"))["code"][:_CODE_MAX]
    if not code:
        return await _setup_again(request, session, user, _ENTER_CODE)
    try:
        codes = await service.confirm_mfa(session=session, lifter=user, code=code, client=client)
    except ValidationFailed as exc:
        await undo_unless_kept(session, exc)
        messages = [str(d["message"]) for d in exc.details or []] or [exc.message]
        return await _setup_again(request, session, user, messages[0])
    except Conflict as exc:  # on already (a second submission), or no setup under way
        await undo_unless_kept(session, exc)
        account = await service.profile(session=session, lifter=user)
        message = (
            "Two-factor sign-in is already on."
            if account.mfa_enabled
            else "Start with “Set up two-factor sign-in”."
        )
        errors = FormErrors(form=message)
        return await _page(
            request, session, settings, user, errors={"totp": errors}, status_code=409
        )
    return render(
        request,
        "pages/recovery_codes.html",
        {"user": user, "active": "/settings", "title": "Your recovery codes", "codes": codes},
    )


@router.post(PAGE + "/totp/disable", dependencies=[CsrfChecked])
async def disable_totp(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: WebLifter,
    client: ClientDep,
) -> Response:
    """Turn two-factor sign-in off: the password and a code (or a recovery code) confirm it."""
    values = await form_fields(request, "password", "code")  # the password is kept as typed

    again = _again_with_errors("totp", request, session, settings, user)

    missing = {}
    if not values["password"]:
        missing["password"] = "Enter your password."
    if not values["code"]:
        missing["code"] = "Enter a code from your authenticator app, or a recovery code."
    if missing:
        return await again(FormErrors(fields=missing), 422)
    try:
        data = MfaDisableIn(**values)
    except ValidationError as exc:
        return await again(from_validation(exc), 422)
    try:
        await service.disable_mfa(
            session=session,
            settings=settings,
            lifter=user,
            password=data.password,
            code=data.code,
            client=client,
        )
    except Unauthorized as exc:
        await undo_unless_kept(session, exc)
        field = "code" if exc.message == service.BAD_CODE else "password"
        return await again(FormErrors(fields={field: sentence(exc.message)}), 401)
    except RateLimited as exc:
        await undo_unless_kept(session, exc)
        return await again(FormErrors(form=retry_hint(exc)), 429, headers=_retry_after(exc))
    except Conflict as exc:  # off already
        await undo_unless_kept(session, exc)
        return redirect(request, PAGE + "?done=totp_off")
    return redirect(request, PAGE + "?done=totp_off")


@router.post(PAGE + "/sessions/revoke-others", dependencies=[CsrfChecked])
async def revoke_other_sessions(
    request: Request, session: SessionDep, user: WebLifter, client: ClientDep
) -> Response:
    """Sign out everywhere else: every session but this browser's ends."""
    await service.revoke_sessions(session=session, lifter=user, client=client, all_others=True)
    return redirect(request, PAGE + "?done=others")


@router.post(PAGE + "/sessions/{session_id}/revoke", dependencies=[CsrfChecked])
async def revoke_session(
    request: Request, session_id: str, session: SessionDep, user: WebLifter, client: ClientDep
) -> Response:
    """End one session: its cookie or tokens stop working at once (404 if not the lifter's)."""
    if not 1 <= len(session_id) <= _SESSION_ID_MAX:
        raise NotFound("no such session")
    await service.revoke_sessions(
        session=session, lifter=user, client=client, session_id=session_id
    )
    if session_id == user.session_id:  # this browser's own: that is signing out
        end_session(request)
        return redirect(request, "/signin?signed_out=1")
    return redirect(request, PAGE + "?done=session")


@router.post(PAGE + "/delete", dependencies=[CsrfChecked])
async def delete_account(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: WebLifter,
    client: ClientDep,
) -> Response:
    """Delete the account and everything in it once the password confirms the owner (as
    ``DELETE /api/me``: a wrong password counts as a failed sign-in); this browser is signed out
    and every other session ends with the account."""
    password = (await _secret_fields(request, "delete_password"))["delete_password"]

    again = _again_with_errors("delete", request, session, settings, user)

    if not password:
        return await again(FormErrors(fields={"delete_password": "Enter your password."}), 422)
    try:
        await service.delete_account(
            session=session, settings=settings, lifter=user, password=password, client=client
        )
    except Unauthorized as exc:
        await undo_unless_kept(session, exc)
        return await again(FormErrors(fields={"delete_password": sentence(exc.message)}), 401)
    except RateLimited as exc:
        await undo_unless_kept(session, exc)
        return await again(FormErrors(form=retry_hint(exc)), 429, headers=_retry_after(exc))
    end_session(request)
    return redirect(request, "/signin?deleted=1")
