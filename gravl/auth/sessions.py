"""Sessions: every sign-in, through the API or the web, is a row that its credentials name.

An API sign-in's access tokens carry the session's id (claim ``sid``) and its refresh tokens
belong to it (``refresh_tokens.family_id``); a web sign-in's cookie is a random secret whose
hash the row keeps. Every request checks the session in the same query that loads the caller
(``gravl.auth.lifter``), so ending a session — signing out, a refresh token used twice, a
password change, "sign out other devices", deleting the account — ends every token of it at
once, on every worker and replica, with no cache to wait for.

A session lives while it is used: it ends ``refresh_token_ttl_s`` (30 days) after its last use
and, however busy, ``session_lifetime_s`` (90 days) after it began. "Last used" is written at
most every ``session_touch_s`` per worker, in a transaction of its own for a reading request.
An ended session's row (with its refresh tokens) is kept ``ENDED_KEPT`` after it ended, for
the security events that name it, and deleted at the lifter's next sign-in (``prune_ended``).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.models import AuthSession, RefreshToken
from gravl.auth.security import hash_token
from gravl.config import Settings
from gravl.corridor import UnitOfWork

SESSIONS = cast(Table, AuthSession.__table__)
# Web session cookies carry a prefix, like refresh tokens, for the log redactor.
WEB_SECRET_PREFIX = "gws_"
USER_AGENT_MAX = 200
# How long an ended session's row outlives its end (docs/security.md, retention).
ENDED_KEPT = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Client:
    """Where a request came from, as a session or a security event records it."""

    address: str
    user_agent: str

    @classmethod
    def of(cls, address: str, user_agent: str | None) -> Client:
        agent = "".join(ch for ch in (user_agent or "") if ch.isprintable())
        return cls(address[:64], agent[:USER_AGENT_MAX])


COMMAND_LINE = Client("local", "gravl command line")


def live(now: datetime, settings: Settings) -> tuple[ColumnElement[bool], ...]:
    """The conditions of a session that may still be used at ``now``."""
    return (
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > now,
        AuthSession.last_used_at > now - timedelta(seconds=settings.refresh_token_ttl_s),
    )


def live_columns(table: Table) -> tuple[ColumnElement[bool], ...]:
    """``live`` with the moment and the idle limit as parameters (``now``, ``idle_since``),
    for the caller's statements that are built once (gravl.auth.lifter)."""
    moment = AuthSession.expires_at.type
    return (
        table.c.revoked_at.is_(None),
        table.c.expires_at > bindparam("now", type_=moment),
        table.c.last_used_at > bindparam("idle_since", type_=moment),
    )


def live_params(now: datetime, settings: Settings) -> dict[str, Any]:
    return {"now": now, "idle_since": now - timedelta(seconds=settings.refresh_token_ttl_s)}


def new_web_secret() -> str:
    return WEB_SECRET_PREFIX + secrets.token_urlsafe(32)


async def start(
    *,
    session: AsyncSession,
    settings: Settings,
    user_id: int,
    kind: str,
    client: Client,
    now: datetime,
) -> tuple[AuthSession, str | None]:
    """Begin a session; for the web also its cookie's secret (shown once, kept hashed)."""
    secret = new_web_secret() if kind == "web" else None
    row = AuthSession(
        id=secrets.token_hex(16),
        user_id=user_id,
        kind=kind,
        secret_hash=hash_token(secret) if secret else None,
        client=client.address,
        user_agent=client.user_agent,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(seconds=settings.session_lifetime_s),
    )
    session.add(row)
    await session.flush()
    return row, secret


async def by_id(
    *, session: AsyncSession, settings: Settings, session_id: str, now: datetime
) -> AuthSession | None:
    """The live session with this id, if any."""
    return await session.scalar(
        select(AuthSession).where(AuthSession.id == session_id, *live(now, settings))
    )


async def web_session_id(session: AsyncSession, secret: str) -> str | None:
    """The id of the web session whose cookie is ``secret`` (live or not)."""
    return await session.scalar(
        select(AuthSession.id).where(AuthSession.secret_hash == hash_token(secret))
    )


async def listed(
    *, session: AsyncSession, settings: Settings, user_id: int, now: datetime
) -> Sequence[AuthSession]:
    """The lifter's live sessions, the most recently used first."""
    return (
        await session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user_id, *live(now, settings))
            .order_by(AuthSession.last_used_at.desc(), AuthSession.id)
        )
    ).all()


async def end(
    *,
    session: AsyncSession,
    user_id: int,
    reason: str,
    now: datetime,
    session_id: str | None = None,
    keep: str | None = None,
) -> list[str]:
    """End the lifter's session ``session_id`` (or all of them but ``keep``); the ids ended.
    Someone else's session id ends nothing."""
    where = [AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None)]
    if session_id is not None:
        where.append(AuthSession.id == session_id)
    if keep is not None:
        where.append(AuthSession.id != keep)
    ended = await session.scalars(
        update(AuthSession)
        .where(*where)
        .values(revoked_at=now, revoked_reason=reason)
        .returning(AuthSession.id)
        .execution_options(synchronize_session=False)
    )
    return list(ended)


async def prune_ended(
    *, session: AsyncSession, settings: Settings, user_id: int, now: datetime
) -> int:
    """Delete the lifter's sessions that ended (revoked, past their lifetime or idle) more than
    ``ENDED_KEPT`` ago, with their refresh tokens; how many sessions went."""
    cutoff = now - ENDED_KEPT
    ended = (
        await session.scalars(
            select(AuthSession.id).where(
                AuthSession.user_id == user_id,
                or_(
                    AuthSession.revoked_at < cutoff,
                    AuthSession.expires_at < cutoff,
                    AuthSession.last_used_at
                    < cutoff - timedelta(seconds=settings.refresh_token_ttl_s),
                ),
            )
        )
    ).all()
    if ended:
        await session.execute(delete(RefreshToken).where(RefreshToken.family_id.in_(ended)))
        await session.execute(delete(AuthSession).where(AuthSession.id.in_(ended)))
    return len(ended)


class Touches:
    """When this worker last wrote each session's "last used", so it writes it at most once
    an interval (bounded: the oldest entries go first)."""

    def __init__(self, interval_s: float, max_entries: int = 50_000) -> None:
        self._interval = interval_s
        self._max_entries = max_entries
        self._last: dict[str, float] = {}

    def due(self, session_id: str) -> bool:
        moment = time.monotonic()
        last = self._last.get(session_id)
        if last is not None and moment - last < self._interval:
            return False
        if last is None and len(self._last) >= self._max_entries:
            del self._last[next(iter(self._last))]
        self._last[session_id] = moment
        return True


_TOUCH = (
    update(SESSIONS)
    .where(SESSIONS.c.id == bindparam("sid"))
    .values(last_used_at=bindparam("now", type_=AuthSession.last_used_at.type))
)


async def touch(work: UnitOfWork, touches: Touches, session_id: str, now: datetime) -> None:
    """Record that the session was used, when this worker has not done so lately."""
    if touches.due(session_id):
        await work.write_aside(_TOUCH, {"sid": session_id, "now": now})
