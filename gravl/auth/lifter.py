"""The calling lifter as one plain row, read without the ORM, and the data version.

The hot read routes (recovery, recommendations, the exercise list) answer from per-worker caches
of each lifter's inputs (``gravl.lifter_cache``). A cache entry is valid while the lifter's
``users.data_version`` is unchanged, and every write to a lifter's training data replaces that
tag in the same transaction (``begin_lifter_write``). So one query per request, the row read
here, both authenticates the caller and validates the cache, across workers and replicas.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, cast

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.dependencies import Credentials, bearer_caller, required
from gravl.auth.models import User, new_data_version
from gravl.db import Database
from gravl.errors import Unavailable


class LifterRef(Protocol):
    """What the training write services need of the caller; ``User`` and ``Lifter`` both fit."""

    @property
    def id(self) -> int: ...
    @property
    def experience(self) -> str: ...
    @property
    def timezone(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Lifter:
    id: int
    experience: str
    timezone: str
    units: str
    data_version: int


_COLUMNS = (User.id, User.experience, User.timezone, User.units, User.data_version)
_LIFTER = select(*_COLUMNS).where(User.id == bindparam("user_id"))
# PostgreSQL reads it over asyncpg directly: an ORM session's checkout, BEGIN and COMMIT cost
# four times the query itself (docs/PERFORMANCE.md).
_LIFTER_SQL = "SELECT id, experience, timezone, units, data_version FROM users WHERE id = $1"
# On the table, not the entity: an ORM UPDATE runs the bulk-update machinery on every write.
_USERS = cast(Table, User.__table__)
_BUMP = (
    update(_USERS)
    .where(_USERS.c.id == bindparam("user_id"))
    .values(data_version=bindparam("version"))
)
# What a dropped or refused PostgreSQL connection raises in asyncpg: the socket's errors, class
# 08 (connection exceptions), class 57 (the server shutting down, crashed or starting up:
# AdminShutdown is what a connection open while the server stops receives), and the client's
# own protocol-state error, seen on a connection the outage left mid-operation.
_CONNECTION_ERRORS = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.OperatorInterventionError,
    asyncpg.InternalClientError,
)


async def begin_lifter_write(session: AsyncSession, user_id: int) -> None:
    """Serialise one lifter's training writes and mark their cached inputs stale.

    The UPDATE takes PostgreSQL's ``FOR NO KEY UPDATE`` row lock (SQLite has one writer), so two
    writes of one lifter run one after the other, without conflicting with the key-share locks
    that inserting rows which reference the user takes. Rolled back, the new tag goes too.
    """
    await session.execute(_BUMP, {"user_id": user_id, "version": new_data_version()})


class LifterReader:
    """Reads one lifter's row per request; a small asyncpg pool of its own on PostgreSQL."""

    def __init__(self, database: Database, *, pool_size: int) -> None:
        self._database = database
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()
        self._postgres = database.engine.dialect.name == "postgresql"

    async def get(self, user_id: int) -> Lifter | None:
        if not self._postgres:
            async with self._database.engine.connect() as connection:
                row: Any = (await connection.execute(_LIFTER, {"user_id": user_id})).first()
        else:
            pool = await self._pg_pool()
            try:
                row = await pool.fetchrow(_LIFTER_SQL, user_id)
            except _CONNECTION_ERRORS as exc:
                # Every pooled connection may share the fault: the next use opens new ones.
                await pool.expire_connections()
                raise Unavailable("the database is unavailable, try again shortly") from exc
        return None if row is None else Lifter(*row)

    async def _pg_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    engine = self._database.engine
                    _, connect = engine.dialect.create_connect_args(engine.url)
                    # min_size=0: opened on demand, so a worker starts while the database is down.
                    self._pool = await asyncpg.create_pool(
                        min_size=0, max_size=self._pool_size, **connect
                    )
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


async def optional_lifter(request: Request, credentials: Credentials) -> Lifter | None:
    """The bearer token's lifter, or None without a token; an invalid token is a 401."""
    reader: LifterReader = request.app.state.lifter_reader
    return await bearer_caller(request, credentials, reader.get)


async def current_lifter(lifter: Annotated[Lifter | None, Depends(optional_lifter)]) -> Lifter:
    """What ``current_user`` checks, without the ORM."""
    return required(lifter)


CurrentLifter = Annotated[Lifter, Depends(current_lifter)]
OptionalLifter = Annotated[Lifter | None, Depends(optional_lifter)]
