"""Database engine, the declarative base, and what counts as the database being down."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect, ExceptionContext
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from gravl.config import Settings

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
    # Tracebacks name the statement, not its values: they can be e-mails, hashes, tokens.
    engine = create_async_engine(settings.database_url, hide_parameters=True, **kwargs)
    event.listen(engine.sync_engine, "handle_error", _refused_connection_is_disconnect)
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


# The execution option that marks a session's work as possibly writing (SQLite: BEGIN IMMEDIATE).
WRITES_OPTION = "gravl_writes"


# PostgreSQL's "cannot_connect_now" (it is starting up, shutting down or recovering).
CANNOT_CONNECT_NOW = "57P03"


def _refused_connection_is_disconnect(context: ExceptionContext) -> None:
    # SQLAlchemy does not count this refusal as a disconnect, so it would reach the error
    # handlers as a plain DBAPIError and answer 500; marked, it is the outage's 503.
    if getattr(context.original_exception, "sqlstate", None) == CANNOT_CONNECT_NOW:
        context.is_disconnect = True


def _sqlite_begin(connection: Any) -> None:
    # With the driver's own transaction handling off (below), SQLAlchemy emits BEGIN itself, so
    # SAVEPOINTs (used for idempotent inserts) behave as on PostgreSQL. A deferred BEGIN that
    # reads and then writes is refused at once (SQLITE_BUSY, no busy wait) when another writer
    # committed in between; work that may write takes the write lock up front instead and waits
    # its turn for up to the busy timeout.
    immediate = connection.get_execution_options().get(WRITES_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's implicit transactions break SAVEPOINT; SQLAlchemy's documented recipe.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


DATABASE_INFO = "gravl.database"  # the key of a session's Database in ``AsyncSession.info``


class Database:
    """The engine and session factory one app instance uses."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings)
        # A session knows its database (``info``), so a read built once may take the driver's
        # short way (gravl.corridor.read_all) from wherever a session is at hand.
        info = {DATABASE_INFO: self}
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False, info=info)
        # For work that may write: on SQLite it takes the write lock when it begins.
        self.writer_sessionmaker = async_sessionmaker(
            self.engine.execution_options(**{WRITES_OPTION: True}),
            expire_on_commit=False,
            info=info,
        )
        self.postgres = self.engine.dialect.name == "postgresql"
        self._read_pool_size = settings.db_read_pool_size
        self._read_pool: asyncpg.Pool | None = None
        self._read_pool_lock = asyncio.Lock()

    async def read_pool(self) -> asyncpg.Pool:
        """PostgreSQL only: a few driver connections for the reads that need no transaction: the
        one-row read that names each request's caller, and reads built once such as the log
        list (gravl.corridor). ``make bench`` measured them faster than the same reads on a
        connection of the engine's pool (docs/PERFORMANCE.md, the fourth and fifth rounds)."""
        if self._read_pool is None:
            async with self._read_pool_lock:
                if self._read_pool is None:
                    _, connect = self.engine.dialect.create_connect_args(self.engine.url)
                    # min_size=0: opened on demand, so a worker starts while the database is down.
                    self._read_pool = await asyncpg.create_pool(
                        min_size=0,
                        max_size=self._read_pool_size,
                        reset=_as_it_is,
                        **connect,
                    )
        return self._read_pool

    async def dispose(self) -> None:
        if self._read_pool is not None:
            await self._read_pool.close()
            self._read_pool = None
        await self.engine.dispose()


async def _as_it_is(connection: asyncpg.Connection) -> None:
    """The read pool's reset on release: nothing to do. asyncpg's default sends
    ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` on every release, a round
    trip that tripled the CPU of each read (384 → 116 µs measured, docs/PERFORMANCE.md); the
    read pool only ever runs single reads outside a transaction, which leave none of that."""


# What a dropped or refused connection raises when the driver is called directly (the hot lifter
# read, gravl.corridor): the socket's errors, class 08 (connection exceptions), class 57 (the
# server shutting down, crashed or starting up: AdminShutdown is what a connection open while
# the server stops receives), and the client's own protocol-state error, seen on a connection
# the outage left mid-operation.
_DRIVER_OUTAGES: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.OperatorInterventionError,
    asyncpg.InternalClientError,
)


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached now (503), not that a query failed."""
    if isinstance(exc, DBAPIError):
        # No statement: the error came from opening a connection (the server refused it, or
        # the database is gone), not from a query.
        return (
            exc.connection_invalidated or isinstance(exc, OperationalError) or exc.statement is None
        )
    return isinstance(exc, _DRIVER_OUTAGES)
