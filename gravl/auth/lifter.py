"""The caller: one frozen row of the lifter, read (or claimed for a write) once per request.

Every API route, web page and CLI command that acts for a lifter names them with a ``Lifter``.
A reading request reads the row (one query, which also authenticates the caller and tells the
caches whether their entries still hold). A request that writes the lifter's training data
claims it instead: ``UPDATE users SET data_version = <new random tag> … RETURNING`` as the
first statement of its unit of work. That UPDATE takes PostgreSQL's ``FOR NO KEY UPDATE`` row
lock (SQLite has one writer), so two writes of one lifter run one after the other without
conflicting with the key-share locks that inserting rows which reference the user takes, and
every cached value of the lifter goes stale in the same transaction (rolled back, the new tag
goes too). ``_lifter`` below is the one place that claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    Update,
    bindparam,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy import cast as cast_

from gravl.auth.dependencies import Credentials
from gravl.auth.models import User, new_data_version
from gravl.auth.schemas import Experience
from gravl.auth.security import hash_token
from gravl.auth.sessions import SESSIONS, live_columns, live_params, touch
from gravl.auth.tokens import TokenCache
from gravl.config import Settings
from gravl.corridor import UnitOfWork
from gravl.db import utcnow
from gravl.errors import Unauthorized


@dataclass(frozen=True, slots=True)
class Lifter:
    """Who a request acts for, as their ``users`` row stood when the request began."""

    id: int
    email: str
    display_name: str | None
    experience: Experience
    timezone: str
    units: str
    data_version: int
    # The request writes this lifter's training data: caches neither serve nor keep values
    # for it, since what it reads may be its own uncommitted work.
    writing: bool = False
    # The sign-in the request came with (gravl.auth.sessions); None for the command line.
    session_id: str | None = None


_USERS = cast(Table, User.__table__)
_COLUMNS = (
    _USERS.c.id,
    _USERS.c.email,
    _USERS.c.display_name,
    _USERS.c.experience,
    _USERS.c.timezone,
    _USERS.c.units,
    _USERS.c.data_version,
)


def _statements(
    user_id: ColumnElement[Any], session_id: ColumnElement[Any]
) -> tuple[Select[Any], Update]:
    """Reading and claiming the lifter whose id ``user_id`` gives, with the id of the session
    the request belongs to; built once, bound per use."""
    where = _USERS.c.id == user_id
    returned = (*_COLUMNS, session_id.label("session_id"))
    claim = (
        update(_USERS).where(where).values(data_version=bindparam("version")).returning(*returned)
    )
    return select(*returned).where(where), claim


_BY_ID = _statements(bindparam("user_id"), null())
# A bearer token names its lifter and its session; both must match a live session.
_BY_TOKEN = _statements(
    select(SESSIONS.c.user_id)
    .where(
        SESSIONS.c.id == bindparam("sid"),
        SESSIONS.c.user_id == bindparam("user_id"),
        *live_columns(SESSIONS),
    )
    .scalar_subquery(),
    cast_(bindparam("sid"), String(32)),
)
# A web session cookie is a secret whose hash a live web session keeps.
_BY_WEB = _statements(
    select(SESSIONS.c.user_id)
    .where(
        SESSIONS.c.secret_hash == bindparam("secret_hash"),
        SESSIONS.c.kind == literal_column("'web'"),  # inline: the statement is compiled once
        *live_columns(SESSIONS),
    )
    .scalar_subquery(),
    select(SESSIONS.c.id)
    .where(SESSIONS.c.secret_hash == bindparam("secret_hash"))
    .scalar_subquery(),
)
_BY_EMAIL = _statements(
    select(_USERS.c.id).where(_USERS.c.email == bindparam("by_email")).scalar_subquery(), null()
)


async def _lifter(
    work: UnitOfWork,
    statements: tuple[Select[Any], Update],
    params: dict[str, Any],
    *,
    writes: bool,
) -> Lifter | None:
    read, claim = statements
    if writes:
        row = await work.claim(claim, {**params, "version": new_data_version()})
    else:
        row = await work.read_row(read, params)
    if row is None:
        return None
    id_, email, display_name, experience, timezone, units, data_version, session_id = row
    return Lifter(
        id_, email, display_name, experience, timezone, units, data_version, writes, session_id
    )


async def lifter_by_id(work: UnitOfWork, user_id: int, *, writes: bool) -> Lifter | None:
    return await _lifter(work, _BY_ID, {"user_id": user_id}, writes=writes)


async def lifter_by_token(
    work: UnitOfWork,
    settings: Settings,
    user_id: int,
    session_id: str,
    *,
    writes: bool,
    now: datetime | None = None,
) -> Lifter | None:
    """The lifter an access token names, while the session it names lives."""
    params = {"user_id": user_id, "sid": session_id, **live_params(now or utcnow(), settings)}
    return await _lifter(work, _BY_TOKEN, params, writes=writes)


async def lifter_by_session(
    work: UnitOfWork,
    settings: Settings,
    session_token: str,
    *,
    writes: bool,
    now: datetime | None = None,
) -> Lifter | None:
    """The lifter whose live web session ``session_token`` is (the cookie's secret)."""
    params = {"secret_hash": hash_token(session_token), **live_params(now or utcnow(), settings)}
    return await _lifter(work, _BY_WEB, params, writes=writes)


async def lifter_by_email(work: UnitOfWork, email: str, *, writes: bool) -> Lifter | None:
    """For the command line, which names a lifter by e-mail address."""
    return await _lifter(work, _BY_EMAIL, {"by_email": email.strip().lower()}, writes=writes)


async def touch_session(request: Request, lifter: Lifter) -> None:
    """Note the caller's session as used (at most every ``session_touch_s`` per worker)."""
    if lifter.session_id is not None:
        state = request.app.state
        await touch(request.state.work, state.session_touches, lifter.session_id, utcnow())


async def _by_token(request: Request, credentials: Credentials, *, writes: bool) -> Lifter | None:
    """The bearer token's lifter; None without a token. An invalid or expired token, one whose
    session has ended or whose account is gone, is a 401."""
    if credentials is None:
        return None
    state = request.app.state
    tokens: TokenCache = state.token_cache
    claims = tokens.claims(credentials.credentials)
    lifter = (
        await lifter_by_token(request.state.work, state.settings, *claims, writes=writes)
        if claims is not None
        else None
    )
    if lifter is None:
        raise Unauthorized("access token is invalid or expired")
    request.state.user_id = lifter.id
    await touch_session(request, lifter)
    return lifter


def _required(lifter: Lifter | None) -> Lifter:
    if lifter is None:
        raise Unauthorized("authentication required: send Authorization: Bearer <access_token>")
    return lifter


async def optional_lifter(request: Request, credentials: Credentials) -> Lifter | None:
    return await _by_token(request, credentials, writes=False)


async def current_lifter(request: Request, credentials: Credentials) -> Lifter:
    return _required(await _by_token(request, credentials, writes=False))


async def writing_lifter(request: Request, credentials: Credentials) -> Lifter:
    return _required(await _by_token(request, credentials, writes=True))


CurrentLifter = Annotated[Lifter, Depends(current_lifter)]
OptionalLifter = Annotated[Lifter | None, Depends(optional_lifter)]
# For routes that write the lifter's training data (logs, swaps, imports, the profile …).
WritingLifter = Annotated[Lifter, Depends(writing_lifter)]
