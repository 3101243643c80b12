"""Registration, login, token rotation and profile changes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth import security
from gravl.auth.lifter import Lifter
from gravl.auth.models import RefreshToken, User
from gravl.auth.ratelimit import check_limit, record_attempt
from gravl.auth.schemas import ProfilePatch, RegisterIn, TokenPair
from gravl.config import Settings
from gravl.db import utcnow
from gravl.errors import Conflict, Unauthorized

BAD_CREDENTIALS = "invalid email or password"


def _account_key(email: str) -> str:
    # The ledger keeps a hash, not the address: it is a counter, not a user record.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


async def register(
    *, session: AsyncSession, settings: Settings, data: RegisterIn, client: str
) -> tuple[User, TokenPair]:
    """Create an account and log it in."""
    now = utcnow()
    await check_limit(
        session=session,
        kind="register",
        key=client,
        limit=settings.register_per_hour,
        window_s=3600,
        now=now,
        message="too many registrations from this address",
    )
    await record_attempt(session=session, kind="register", key=client, now=now)
    try:
        user = await create_user(session=session, data=data)
    except Conflict as exc:
        # A refused registration counts against the limit too, or probing which addresses
        # have accounts would be unlimited: keep the attempt (create_user added nothing).
        raise Conflict(exc.message, commit=True) from exc
    tokens = await _issue_tokens(session=session, settings=settings, user=user, now=now)
    return user, tokens


async def create_user(*, session: AsyncSession, data: RegisterIn) -> User:
    """Add an account; ``Conflict`` when the e-mail is taken (case-insensitively), having
    added nothing to the session."""
    email = data.email.strip().lower()
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("an account with this email already exists")
    user = User(
        email=email,
        password_hash=await security.hash_password(data.password),
        display_name=data.display_name,
        units="kg",
        timezone="UTC",
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
    *, session: AsyncSession, settings: Settings, email: str, password: str, client: str
) -> TokenPair:
    """Check credentials under the abuse limits and start a new session."""
    now = utcnow()
    account = _account_key(email)
    await check_limit(
        session=session,
        kind="login_client",
        key=client,
        limit=settings.login_per_minute,
        window_s=60,
        now=now,
        message="too many login attempts from this address",
    )
    await _check_login_failures(session=session, settings=settings, account=account, now=now)
    await record_attempt(session=session, kind="login_client", key=client, now=now)
    user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    if not await security.verify_password(user.password_hash if user else None, password):
        await record_attempt(session=session, kind="login_failure", key=account, now=now)
        raise Unauthorized(BAD_CREDENTIALS, commit=True)
    assert user is not None
    return await _issue_tokens(session=session, settings=settings, user=user, now=now)


async def _check_login_failures(
    *, session: AsyncSession, settings: Settings, account: str, now: datetime
) -> None:
    await check_limit(
        session=session,
        kind="login_failure",
        key=account,
        limit=settings.login_max_failures,
        window_s=settings.login_window_s,
        now=now,
        message="too many failed logins for this account; try again later",
    )


async def refresh(*, session: AsyncSession, settings: Settings, refresh_token: str) -> TokenPair:
    """Rotate a refresh token; presenting an already-rotated one revokes its whole session."""
    now = utcnow()
    token = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == security.hash_token(refresh_token))
    )
    if token is None or token.revoked_at is not None or token.expires_at <= now:
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
        await _revoke_family(session=session, family_id=token.family_id, now=now)
        raise Unauthorized("refresh token was already used; the session is revoked", commit=True)
    user = await session.get(User, token.user_id)
    if user is None:
        raise Unauthorized("refresh token is invalid or expired")
    return await _issue_tokens(
        session=session, settings=settings, user=user, now=now, family_id=token.family_id
    )


async def profile(*, session: AsyncSession, lifter: Lifter) -> User:
    """The lifter's account as an ORM row, for the services that change or show it whole."""
    user = await session.get(User, lifter.id)
    if user is None:  # deleted since the request began
        raise Unauthorized("access token is invalid or expired")
    return user


async def logout(*, session: AsyncSession, lifter: Lifter, refresh_token: str) -> None:
    """End the session the refresh token belongs to (a no-op for someone else's token)."""
    token = await session.scalar(
        select(RefreshToken).where(
            RefreshToken.token_hash == security.hash_token(refresh_token),
            RefreshToken.user_id == lifter.id,
        )
    )
    if token is not None:
        await _revoke_family(session=session, family_id=token.family_id, now=utcnow())


async def delete_account(
    *, session: AsyncSession, settings: Settings, lifter: Lifter, password: str
) -> None:
    """Delete the account and everything in it, once the password confirms it is the owner."""
    user = await profile(session=session, lifter=lifter)
    # A password check is a login attempt: the same ledger and limit, or this route would be
    # an unthrottled way to guess the password of a stolen access token's owner.
    now = utcnow()
    account = _account_key(user.email)
    await _check_login_failures(session=session, settings=settings, account=account, now=now)
    if not await security.verify_password(user.password_hash, password):
        await record_attempt(session=session, kind="login_failure", key=account, now=now)
        raise Unauthorized("password is not correct", commit=True)
    await session.delete(user)
    await session.flush()


async def update_profile(*, session: AsyncSession, lifter: Lifter, data: ProfilePatch) -> User:
    """Change the profile fields that were sent (the caller claimed the lifter for a write:
    experience and timezone shape recovery and today's plan)."""
    user = await profile(session=session, lifter=lifter)
    for field in data.model_fields_set:
        value = getattr(data, field)
        if value is None and field != "display_name":
            continue
        setattr(user, field, value)
    await session.flush()
    return user


async def _issue_tokens(
    *,
    session: AsyncSession,
    settings: Settings,
    user: User,
    now: datetime,
    family_id: str | None = None,
) -> TokenPair:
    raw = security.new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id or secrets.token_hex(16),
            token_hash=security.hash_token(raw),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl_s),
        )
    )
    await session.flush()
    return TokenPair(
        access_token=security.create_access_token(settings, user.id, now),
        refresh_token=raw,
        expires_in=settings.access_token_ttl_s,
    )


async def _revoke_family(*, session: AsyncSession, family_id: str, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
