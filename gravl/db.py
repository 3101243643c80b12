"""Database engine, the declarative base and the request-scoped session."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect, ExceptionContext
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from gravl.config import Settings
from gravl.errors import GravlError

T = TypeVar("T")

# Alembic needs named constraints to alter SQLite tables (batch mode) and to drop them anywhere.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_engine(settings: Settings) -> AsyncEngine:
    kwargs: dict[str, Any] = {}
    if settings.is_sqlite:
        kwargs["connect_args"] = {"timeout": 30}
    else:
        # No pool_pre_ping: it costs a BEGIN and a ROLLBACK round trip on every checkout. A
        # connection the server dropped fails on first use instead; SQLAlchemy then marks it
        # invalidated and recycles every connection opened before it, and the error handlers
        # answer 503 (gravl.errors), so one request per worker sees the outage, not a 500.
        kwargs.update(
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
    engine = create_async_engine(settings.database_url, **kwargs)
    event.listen(engine.sync_engine, "handle_error", _refused_connection_is_disconnect)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


# PostgreSQL's "cannot_connect_now" (it is starting up, shutting down or recovering).
CANNOT_CONNECT_NOW = "57P03"


def _refused_connection_is_disconnect(context: ExceptionContext) -> None:
    # SQLAlchemy does not count this refusal as a disconnect, so it would reach the error
    # handlers as a plain DBAPIError and answer 500; marked, it is the outage's 503.
    if getattr(context.original_exception, "sqlstate", None) == CANNOT_CONNECT_NOW:
        context.is_disconnect = True


def _sqlite_begin(connection: Any) -> None:
    # With the driver's own transaction handling off (below), SQLAlchemy emits BEGIN itself, so
    # SAVEPOINTs (used for idempotent inserts) behave as on PostgreSQL.
    connection.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's implicit transactions break SAVEPOINT; SQLAlchemy's documented recipe.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Database:
    """The engine and session factory one app instance uses."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def transaction(database: Database) -> AsyncIterator[AsyncSession]:
    """A session whose work commits when the block succeeds and rolls back otherwise."""
    async with database.sessionmaker() as session:
        try:
            yield session
        except GravlError as exc:
            await (session.commit() if exc.commit else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request: commit once when the handler succeeds, else roll back."""
    async with transaction(request.app.state.database) as session:
        yield session


async def read_only(request: Request, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in a session of its own that commits nothing.

    For hot read routes: ``SessionDep`` is a generator dependency, which FastAPI runs in an exit
    stack under a cancel scope, costing as much as the rest of a cached read.
    """
    database: Database = request.app.state.database
    async with database.sessionmaker() as session:
        return await work(session)


# scope="function": commit before the response is sent, so a failed commit is never acknowledged.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]


class EngineCache(Generic[T]):
    """One value per engine, loaded from its database and kept ``ttl_s`` seconds per worker.

    Keyed by engine, so every app instance (and every test's database) has its own. One
    request reloads an expired value while the others keep answering from the old one, so
    expiry never stalls a burst of requests.
    """

    def __init__(self, load: Callable[[AsyncSession], Awaitable[T]], *, ttl_s: float) -> None:
        self._load = load
        self._ttl_s = ttl_s
        self._slots: WeakKeyDictionary[Any, _EngineSlot[T]] = WeakKeyDictionary()

    async def get(self, session: AsyncSession) -> T:
        key = session.get_bind()
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots.setdefault(key, _EngineSlot())
        if slot.value is not None and (self._fresh(slot) or slot.loading.locked()):
            return slot.value
        async with slot.loading:
            if slot.value is None or not self._fresh(slot):
                slot.value, slot.loaded_at = await self._load(session), time.monotonic()
            return slot.value

    def _fresh(self, slot: _EngineSlot[T]) -> bool:
        return time.monotonic() - slot.loaded_at < self._ttl_s


class _EngineSlot(Generic[T]):
    def __init__(self) -> None:
        self.value: T | None = None
        self.loaded_at = 0.0
        self.loading = asyncio.Lock()
