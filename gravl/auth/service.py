"""Registration, sign-in (with the second factor), sessions, password change and the profile.

Every sign-in starts a session (gravl.auth.sessions); every step that matters to an account's
security is recorded (gravl.auth.events); wrong passwords and codes count towards the account's
lock, which devices that signed in before pass (gravl.auth.lockout).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth import events, lockout, mfa, passwords, security, sessions
from gravl.auth.lifter import Lifter
from gravl.auth.models import AuthSession, RefreshToken, SecurityEvent, User
from gravl.auth.preferences import Preferences, preferences_of
from gravl.auth.ratelimit import check_limit, count_attempts, record_attempt
from gravl.auth.schemas import PreferencesPatch, ProfilePatch, RegisterIn, TokenPair
from gravl.auth.sessions import Client
from gravl.config import Settings
from gravl.db import utcnow
from gravl.errors import Conflict, MfaRequired, NotFound, Unauthorized, ValidationFailed

BAD_CREDENTIALS = "invalid email or password"
BAD_CODE = "the two-factor code is not correct"


@dataclass(frozen=True, slots=True)
class SignIn:
    """A started session: tokens for an API client, or a cookie's secret for a browser."""

    user: User
    session_id: str
    tokens: TokenPair | None
    web_secret: str | None
    device_token: str


async def refuse_weak_password(
    password: str, *, email: str, display_name: str | None = None, field: str = "password"
) -> None:
    """Refuse a new password that is short, common or breached (gravl.auth.passwords); the
    estimate takes up to tens of milliseconds, so it runs off the event loop."""
    problem = await asyncio.to_thread(
        passwords.problem, password, email=email, display_name=display_name
    )
    if problem is not None:
        raise ValidationFailed(
            f"{field}: {problem}", details=[{"field": field, "message": problem}]
        )


async def register(
    *,
    session: AsyncSession,
    settings: Settings,
    data: RegisterIn,
    client: Client,
    kind: str = "api",
) -> tuple[User, SignIn]:
    """Create an account and sign it in."""
    now = utcnow()
    await check_limit(
        session=session,
        kind="register",
        key=client.address,
        limit=settings.register_per_hour,
        window_s=3600,
        now=now,
        message="too many registrations from this address",
    )
    await record_attempt(session=session, kind="register", key=client.address, now=now)
    try:
        user = await create_user(session=session, data=data)
    except Conflict as exc:
        # A refused registration counts against the limit too, or probing which addresses
        # have accounts would be unlimited: keep the attempt (create_user added nothing).
        raise Conflict(exc.message, commit=True) from exc
    await events.record(session, "account_created", user_id=user.id, client=client, now=now)
    return user, await _sign_in(
        session=session, settings=settings, user=user, kind=kind, client=client, now=now
    )


async def create_user(*, session: AsyncSession, data: RegisterIn) -> User:
    """Add an account; ``Conflict`` when the e-mail is taken (case-insensitively), having
    added nothing to the session."""
    email = data.email.strip().lower()
    await refuse_weak_password(data.password, email=email, display_name=data.display_name)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("an account with this email already exists")
    user = User(
        email=email,
        password_hash=await security.hash_password(data.password),
        display_name=data.display_name,
        units=data.units,
        timezone=data.timezone,
        experience="intermediate",
        created_at=utcnow(),
    )
    try:
        # A savepoint, so that losing the race undoes the insert alone, not the transaction.
        async with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("an account with this email already exists") from exc
    return user


async def login(
    *,
    session: AsyncSession,
    settings: Settings,
    email: str,
    password: str,
    client: Client,
    kind: str = "api",
    device_token: str | None = None,
) -> SignIn:
    """Check the password under the abuse limits and start a session; with two-factor on,
    answer ``MfaRequired`` and a short-lived token to redeem with a code (``complete_mfa``)."""
    now = utcnow()
    await check_limit(
        session=session,
        kind="login_client",
        key=client.address,
        limit=settings.login_per_minute,
        window_s=60,
        now=now,
        message="too many login attempts from this address",
    )
    user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    account = lockout.account_key(email)
    device = lockout.device_of(settings, device_token, user.id if user else None)
    await lockout.check(session=session, settings=settings, account=account, device=device, now=now)
    await record_attempt(session=session, kind="login_client", key=client.address, now=now)
    if not await security.verify_password(user.password_hash if user else None, password):
        await _refuse(
            session=session,
            settings=settings,
            event="login_failed",
            user=user,
            account=account,
            device=device,
            client=client,
            now=now,
            message=BAD_CREDENTIALS,
        )
    assert user is not None
    if user.totp_enabled_at is not None:
        raise MfaRequired(security.create_mfa_token(settings, user.id, kind, now), commit=True)
    return await _sign_in(
        session=session,
        settings=settings,
        user=user,
        kind=kind,
        client=client,
        now=now,
        device_token=device_token if device else None,
    )


async def complete_mfa(
    *,
    session: AsyncSession,
    settings: Settings,
    mfa_token: str,
    code: str,
    client: Client,
    device_token: str | None = None,
) -> SignIn:
    """Finish a sign-in that passed the password with a TOTP or recovery code."""
    now = utcnow()
    claims = security.decode_mfa_token(settings, mfa_token)
    user = await session.get(User, claims[0]) if claims is not None else None
    if claims is None or user is None or user.totp_enabled_at is None:
        raise Unauthorized("the sign-in has expired; sign in again with your password")
    user_id, kind, token_id = claims
    # One password step, one sign-in: a redeemed MFA token is remembered until it expires.
    if await count_attempts(session=session, kind="mfa_redeemed", key=token_id) > 0:
        raise Unauthorized("the sign-in has expired; sign in again with your password")
    account = lockout.account_key(user.email)
    device = lockout.device_of(settings, device_token, user_id)
    await lockout.check(session=session, settings=settings, account=account, device=device, now=now)
    if not await mfa.verify_second_factor(session=session, user=user, code=code, now=now):
        await _refuse(
            session=session,
            settings=settings,
            event="mfa_failed",
            user=user,
            account=account,
            device=device,
            client=client,
            now=now,
            message=BAD_CODE,
        )
    await record_attempt(session=session, kind="mfa_redeemed", key=token_id, now=now)
    return await _sign_in(
        session=session,
        settings=settings,
        user=user,
        kind=kind,
        client=client,
        now=now,
        device_token=device_token if device else None,
    )


async def _refuse(
    *,
    session: AsyncSession,
    settings: Settings,
    event: events.EventType,
    user: User | None,
    account: str,
    device: str | None,
    client: Client,
    now: datetime,
    message: str,
) -> NoReturn:
    """Count a wrong password or code, record it (and the lock it may start), and refuse:
    the 401 keeps what was recorded."""
    count = await lockout.failed(session=session, account=account, device=device, now=now)
    user_id = user.id if user else None
    detail = "from a known device" if device else None
    await events.record(session, event, user_id=user_id, client=client, now=now, detail=detail)
    if count == settings.login_max_failures:
        await events.record(session, "lockout", user_id=user_id, client=client, now=now)
    raise Unauthorized(message, commit=True)


async def _sign_in(
    *,
    session: AsyncSession,
    settings: Settings,
    user: User,
    kind: str,
    client: Client,
    now: datetime,
    device_token: str | None = None,
) -> SignIn:
    row, secret = await sessions.start(
        session=session, settings=settings, user_id=user.id, kind=kind, client=client, now=now
    )
    # Retention: what the lifter's sign-ins leave behind is pruned as they sign in again.
    await sessions.prune_ended(session=session, settings=settings, user_id=user.id, now=now)
    await events.prune(session, user_id=user.id, now=now)
    tokens = (
        await _issue_tokens(session=session, settings=settings, user=user, auth=row, now=now)
        if kind == "api"
        else None
    )
    await events.record(
        session, "login_succeeded", user_id=user.id, client=client, now=now, session_id=row.id
    )
    device = device_token or lockout.new_device_token(settings, user.id)
    if tokens is not None:
        tokens = tokens.model_copy(update={"device_token": device})
    return SignIn(user, row.id, tokens, secret, device)


async def refresh(
    *, session: AsyncSession, settings: Settings, refresh_token: str, client: Client
) -> TokenPair:
    """Rotate a refresh token; presenting an already-rotated one ends its whole session."""
    now = utcnow()
    # The session's row is locked first, by every refresh of it: racing refreshes then take
    # their locks in one order (session, then tokens) and queue instead of deadlocking
    # (PostgreSQL; SQLite has one writer anyway).
    found = (
        await session.execute(
            select(RefreshToken, AuthSession)
            .join(AuthSession, AuthSession.id == RefreshToken.family_id)
            .where(RefreshToken.token_hash == security.hash_token(refresh_token))
            .with_for_update(of=AuthSession)
        )
    ).first()
    if found is None:
        raise Unauthorized("refresh token is invalid or expired")
    token, auth = found
    if (
        token.revoked_at is not None
        or token.expires_at <= now
        or await sessions.by_id(session=session, settings=settings, session_id=auth.id, now=now)
        is None
    ):
        raise Unauthorized("refresh token is invalid or expired")
    # One conditional UPDATE: of requests racing with the same token exactly one rotates it
    # (PostgreSQL re-checks the condition once the winner commits); the rest are reuse.
    rotated = await session.scalar(
        update(RefreshToken)
        .where(
            RefreshToken.id == token.id,
            RefreshToken.rotated_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(rotated_at=now)
        .returning(RefreshToken.id)
        .execution_options(synchronize_session=False)
    )
    if rotated is None:
        await _end_sessions(
            session=session,
            user_id=auth.user_id,
            reason="refresh_reuse",
            now=now,
            session_id=auth.id,
        )
        await events.record(
            session,
            "refresh_reuse",
            user_id=auth.user_id,
            client=client,
            now=now,
            session_id=auth.id,
        )
        raise Unauthorized("refresh token was already used; the session is revoked", commit=True)
    user = await session.get(User, token.user_id)
    if user is None:
        raise Unauthorized("refresh token is invalid or expired")
    auth.last_used_at = now
    return await _issue_tokens(session=session, settings=settings, user=user, auth=auth, now=now)


async def profile(*, session: AsyncSession, lifter: Lifter) -> User:
    """The lifter's account as an ORM row, for the services that change or show it whole."""
    user = await session.get(User, lifter.id)
    if user is None:  # deleted since the request began
        raise Unauthorized("access token is invalid or expired")
    return user


async def logout(
    *, session: AsyncSession, lifter: Lifter, client: Client, refresh_token: str | None = None
) -> None:
    """End the caller's session, and the one a refresh token belongs to when it is theirs
    (a no-op for someone else's token)."""
    now = utcnow()
    ended = []
    if lifter.session_id is not None:
        ended += await _end_sessions(
            session=session,
            user_id=lifter.id,
            reason="logout",
            now=now,
            session_id=lifter.session_id,
        )
    if refresh_token:
        family = await session.scalar(
            select(RefreshToken.family_id).where(
                RefreshToken.token_hash == security.hash_token(refresh_token),
                RefreshToken.user_id == lifter.id,
            )
        )
        if family is not None:
            ended += await _end_sessions(
                session=session, user_id=lifter.id, reason="logout", now=now, session_id=family
            )
    for session_id in ended:
        await events.record(
            session, "logout", user_id=lifter.id, client=client, now=now, session_id=session_id
        )


async def list_sessions(
    *, session: AsyncSession, settings: Settings, lifter: Lifter
) -> Sequence[AuthSession]:
    return await sessions.listed(
        session=session, settings=settings, user_id=lifter.id, now=utcnow()
    )


async def revoke_sessions(
    *,
    session: AsyncSession,
    lifter: Lifter,
    client: Client,
    session_id: str | None = None,
    all_others: bool = False,
) -> list[str]:
    """End one of the lifter's sessions (404 when there is no such live session of theirs),
    or every one but the caller's."""
    now = utcnow()
    if all_others:
        ended = await _end_sessions(
            session=session, user_id=lifter.id, reason="revoked", now=now, keep=lifter.session_id
        )
    else:
        ended = await _end_sessions(
            session=session, user_id=lifter.id, reason="revoked", now=now, session_id=session_id
        )
        if not ended:
            raise NotFound("no such session")
    for ended_id in ended:
        await events.record(
            session,
            "session_revoked",
            user_id=lifter.id,
            client=client,
            now=now,
            session_id=ended_id,
        )
    return ended


async def change_password(
    *,
    session: AsyncSession,
    settings: Settings,
    lifter: Lifter,
    current_password: str,
    new_password: str,
    client: Client,
) -> None:
    """Replace the password once the current one confirms the owner; every other session
    ends (a thief signed in elsewhere is signed out)."""
    user = await profile(session=session, lifter=lifter)
    await _confirm_password(
        session=session, settings=settings, user=user, password=current_password, client=client
    )
    await refuse_weak_password(
        new_password, email=user.email, display_name=user.display_name, field="new_password"
    )
    now = utcnow()
    user.password_hash = await security.hash_password(new_password)
    await _end_sessions(
        session=session, user_id=user.id, reason="password_changed", now=now, keep=lifter.session_id
    )
    await events.record(
        session,
        "password_changed",
        user_id=user.id,
        client=client,
        now=now,
        session_id=lifter.session_id,
    )


async def _confirm_password(
    *, session: AsyncSession, settings: Settings, user: User, password: str, client: Client
) -> None:
    """A password check inside a session is a sign-in attempt: the same lock and ledger, or
    it would be an unthrottled way to guess the password of a stolen token's owner."""
    now = utcnow()
    account = lockout.account_key(user.email)
    await lockout.check(session=session, settings=settings, account=account, device=None, now=now)
    if not await security.verify_password(user.password_hash, password):
        await _refuse(
            session=session,
            settings=settings,
            event="login_failed",
            user=user,
            account=account,
            device=None,
            client=client,
            now=now,
            message="password is not correct",
        )


async def start_mfa(*, session: AsyncSession, lifter: Lifter) -> mfa.Enrolment:
    """Begin TOTP enrolment: a new secret, its otpauth URI and QR code."""
    return mfa.enrol(await profile(session=session, lifter=lifter))


async def confirm_mfa(
    *, session: AsyncSession, lifter: Lifter, code: str, client: Client
) -> list[str]:
    """Turn two-factor on with a first code; the ten recovery codes, shown this once."""
    user = await profile(session=session, lifter=lifter)
    now = utcnow()
    codes = await mfa.confirm(session=session, user=user, code=code, now=now)
    await events.record(
        session,
        "mfa_enabled",
        user_id=user.id,
        client=client,
        now=now,
        session_id=lifter.session_id,
    )
    return codes


async def disable_mfa(
    *,
    session: AsyncSession,
    settings: Settings,
    lifter: Lifter,
    password: str,
    code: str,
    client: Client,
) -> None:
    """Turn two-factor off, which takes both the password and a code (or a recovery code)."""
    user = await profile(session=session, lifter=lifter)
    if user.totp_enabled_at is None:
        raise Conflict("two-factor sign-in is not on")
    await _confirm_password(
        session=session, settings=settings, user=user, password=password, client=client
    )
    now = utcnow()
    if not await mfa.verify_second_factor(session=session, user=user, code=code, now=now):
        await _refuse(
            session=session,
            settings=settings,
            event="mfa_failed",
            user=user,
            account=lockout.account_key(user.email),
            device=None,
            client=client,
            now=now,
            message=BAD_CODE,
        )
    await mfa.disable(session=session, user=user)
    await events.record(
        session,
        "mfa_disabled",
        user_id=user.id,
        client=client,
        now=now,
        session_id=lifter.session_id,
    )


async def security_events(
    *, session: AsyncSession, lifter: Lifter, limit: int, before: int | None = None
) -> Sequence[SecurityEvent]:
    return await events.listed(session, user_id=lifter.id, limit=limit, before=before)


async def delete_account(
    *, session: AsyncSession, settings: Settings, lifter: Lifter, password: str, client: Client
) -> None:
    """Delete the account and everything in it, once the password confirms it is the owner."""
    user = await profile(session=session, lifter=lifter)
    await _confirm_password(
        session=session, settings=settings, user=user, password=password, client=client
    )
    # Logged and counted; not stored, since everything of the account goes.
    await events.record(
        session, "account_deleted", user_id=user.id, client=client, now=utcnow(), store=False
    )
    await session.delete(user)
    await session.flush()


async def preferences(*, session: AsyncSession, lifter: Lifter) -> Preferences:
    """The lifter's training preferences (gravl.auth.preferences), the defaults until set."""
    stored = await session.scalar(select(User.preferences).where(User.id == lifter.id))
    return preferences_of(stored)


async def update_profile(*, session: AsyncSession, lifter: Lifter, data: ProfilePatch) -> User:
    """Change the profile fields that were sent (the caller claimed the lifter for a write:
    experience and timezone shape recovery and today's plan)."""
    user = await profile(session=session, lifter=lifter)
    for field in data.model_fields_set - {"preferences"}:
        value = getattr(data, field)
        if value is None and field != "display_name":
            continue
        setattr(user, field, value)
    if data.preferences is not None:
        user.preferences = merged_preferences(user.preferences, data.preferences)
    await session.flush()
    return user


# Sent as null: the lists are emptied, these keep their values; equipment and session length
# take null as a value ("a full gym", "no limit").
_CLEARED_BY_NULL: dict[str, list[Any]] = {"excluded_exercises": [], "excluded_muscles": []}
_KEPT_ON_NULL = {"goal", "accessory_sessions"}


def merged_preferences(stored: Any, patch: PreferencesPatch) -> dict[str, Any]:
    """The stored preferences with the patch's fields replaced, validated whole (the document
    stored is always a valid one)."""
    changes = patch.model_dump(exclude_unset=True, mode="json")
    for field, value in list(changes.items()):
        if value is None and field in _KEPT_ON_NULL:
            del changes[field]
        elif value is None and field in _CLEARED_BY_NULL:
            changes[field] = _CLEARED_BY_NULL[field]
    current = preferences_of(stored).model_dump(mode="json")
    try:
        merged = Preferences.model_validate({**current, **changes})
    except ValidationError as exc:
        details = [
            {"field": "preferences." + ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()
        ]
        message = f"{details[0]['field']}: {details[0]['message']}"
        raise ValidationFailed(message, details=details) from exc
    return merged.model_dump(mode="json")


async def _issue_tokens(
    *, session: AsyncSession, settings: Settings, user: User, auth: AuthSession, now: datetime
) -> TokenPair:
    """A new pair within the session ``auth``: the refresh token lives as long as the idle
    timeout, and never beyond the session's absolute lifetime."""
    raw = security.new_refresh_token()
    expires = min(now + timedelta(seconds=settings.refresh_token_ttl_s), auth.expires_at)
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=auth.id,
            token_hash=security.hash_token(raw),
            created_at=now,
            expires_at=expires,
        )
    )
    await session.flush()
    return TokenPair(
        access_token=security.create_access_token(settings, user.id, auth.id, now),
        refresh_token=raw,
        expires_in=settings.access_token_ttl_s,
    )


async def _end_sessions(
    *,
    session: AsyncSession,
    user_id: int,
    reason: str,
    now: datetime,
    session_id: str | None = None,
    keep: str | None = None,
) -> list[str]:
    """End sessions (gravl.auth.sessions.end) and revoke their refresh tokens."""
    ended = await sessions.end(
        session=session, user_id=user_id, reason=reason, now=now, session_id=session_id, keep=keep
    )
    if ended:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id.in_(ended), RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return ended
