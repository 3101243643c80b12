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
from sqlalchemy import ColumnElement, Select, Table, Update, bindparam, select, update

from gravl.auth.dependencies import Credentials
from gravl.auth.models import RefreshToken, User, new_data_version
from gravl.auth.schemas import Experience
from gravl.auth.security import hash_token
from gravl.auth.tokens import TokenCache
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


_USERS = cast(Table, User.__table__)
_TOKENS = cast(Table, RefreshToken.__table__)
_COLUMNS = (
    _USERS.c.id,
    _USERS.c.email,
    _USERS.c.display_name,
    _USERS.c.experience,
    _USERS.c.timezone,
    _USERS.c.units,
    _USERS.c.data_version,
)


def _statements(user_id: ColumnElement[Any]) -> tuple[Select[Any], Update]:
    """Reading and claiming the lifter whose id ``user_id`` gives, built once, bound per use."""
    where = _USERS.c.id == user_id
    claim = (
        update(_USERS).where(where).values(data_version=bindparam("version")).returning(*_COLUMNS)
    )
    return select(*_COLUMNS).where(where), claim


_BY_ID = _statements(bindparam("user_id"))
# A web session is a live (unrevoked, unrotated, unexpired) refresh token the cookie carries.
_BY_SESSION = _statements(
    select(_TOKENS.c.user_id)
    .where(
        _TOKENS.c.token_hash == bindparam("token_hash"),
        _TOKENS.c.revoked_at.is_(None),
        _TOKENS.c.rotated_at.is_(None),
        _TOKENS.c.expires_at > bindparam("now", type_=RefreshToken.expires_at.type),
    )
    .scalar_subquery()
)
_BY_EMAIL = _statements(
    select(_USERS.c.id).where(_USERS.c.email == bindparam("by_email")).scalar_subquery()
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
    id_, email, display_name, experience, timezone, units, data_version = row
    return Lifter(id_, email, display_name, experience, timezone, units, data_version, writes)


async def lifter_by_id(work: UnitOfWork, user_id: int, *, writes: bool) -> Lifter | None:
    return await _lifter(work, _BY_ID, {"user_id": user_id}, writes=writes)


async def lifter_by_session(
    work: UnitOfWork, session_token: str, *, writes: bool, now: datetime | None = None
) -> Lifter | None:
    """The lifter whose live web session ``session_token`` is (the cookie's refresh token)."""
    params = {"token_hash": hash_token(session_token), "now": now or utcnow()}
    return await _lifter(work, _BY_SESSION, params, writes=writes)


async def lifter_by_email(work: UnitOfWork, email: str, *, writes: bool) -> Lifter | None:
    """For the command line, which names a lifter by e-mail address."""
    return await _lifter(work, _BY_EMAIL, {"by_email": email.strip().lower()}, writes=writes)


async def _by_token(request: Request, credentials: Credentials, *, writes: bool) -> Lifter | None:
    """The bearer token's lifter; None without a token. An invalid or expired token, or one
    whose account is gone, is a 401."""
    if credentials is None:
        return None
    tokens: TokenCache = request.app.state.token_cache
    user_id = tokens.user_id(credentials.credentials)
    lifter = (
        await lifter_by_id(request.state.work, user_id, writes=writes)
        if user_id is not None
        else None
    )
    if lifter is None:
        raise Unauthorized("access token is invalid or expired")
    request.state.user_id = lifter.id
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
