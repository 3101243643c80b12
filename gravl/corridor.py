"""The request corridor: every request, and every CLI command, is one unit of work.

caller → unit of work → service → pure core → cache (docs/architecture.md). A route runs in a
``CorridorRoute`` (``gravl.web.routing.WebRoute`` is one too), which opens a ``UnitOfWork``
before the dependencies resolve and ends it after the handler returns, before the response is
sent. The unit of work

- opens its session on first use, so a request answered from the cache after reading the
  caller's row opens no session at all (on PostgreSQL that row comes from a few asyncpg
  connections of the database's own, ``Database.read_pool``: no BEGIN, no COMMIT);
- commits once, when the handler succeeds (or when a ``GravlError`` asks for its work to be
  kept), and rolls back otherwise, also when a write answers with an error page;
- maps the database being unreachable to ``Unavailable`` (503 with Retry-After), here alone;
- runs the claim on the lifter's data version (``gravl.auth.lifter``) as the first statement of
  every request that writes the lifter's training data, so writes of one lifter take their
  locks in one order and every cache keyed by that version goes stale in the same transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast

import structlog
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy import Insert, Select, Update, bindparam
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from gravl.cache import Caches
from gravl.db import DATABASE_INFO, Database, is_outage
from gravl.errors import GravlError, Unavailable

log = structlog.get_logger("gravl.corridor")
OUTAGE_MESSAGE = "the database is unavailable, try again shortly"


class UnitOfWork:
    """One request's (or one command's) database work, committed once."""

    __slots__ = ("_database", "_session", "_writes", "caches", "claimed")

    def __init__(self, database: Database, caches: Caches, *, writes: bool = True) -> None:
        self._database = database
        self._session: AsyncSession | None = None
        self._writes = writes  # may write anything at all (SQLite then locks up front)
        self.caches = caches
        self.claimed = False  # whether this work writes a lifter's training data

    @property
    def session(self) -> AsyncSession:
        """The work's session, made on first use (it checks out a connection on its first
        statement): a read answered from the caches makes none."""
        if self._session is None:
            database = self._database
            make = database.writer_sessionmaker if self._writes else database.sessionmaker
            self._session = make()
        return self._session

    def _open(self) -> bool:
        return self._session is not None and self._session.in_transaction()

    async def succeed(self, *, keep: bool = True) -> None:
        """Commit what was done (or, ``keep=False``, discard it)."""
        if self._open():
            assert self._session is not None
            await (self._session.commit() if keep else self._session.rollback())

    async def fail(self, error: BaseException) -> BaseException:
        """End work that raised ``error``: keep what a ``GravlError`` asks to keep, roll back
        the rest. Returns what to raise instead: ``Unavailable`` when the database is down."""
        if isinstance(error, GravlError) and error.commit and self._open():
            try:
                await self.succeed()
                return error
            except Exception as failed:
                error = failed
        if self._open():
            assert self._session is not None
            try:
                await self._session.rollback()
            except Exception as failed:
                if not is_outage(failed):
                    return failed
        if is_outage(error):
            log.warning("database unavailable", error=type(error).__name__)
            return Unavailable(OUTAGE_MESSAGE)
        return error

    async def claim(self, statement: Update, params: Mapping[str, Any]) -> Any | None:
        """Run the UPDATE … RETURNING that replaces a lifter's data version; its row or None.

        Only ``gravl.auth.lifter`` calls this: it is how a writing request names its lifter.
        """
        if self._open():
            raise RuntimeError("a lifter's data version is claimed before any other statement")
        self.claimed = True
        return (await self.session.execute(statement, params)).first()

    async def write_aside(self, statement: Update, params: Mapping[str, Any]) -> None:
        """A small bookkeeping write (a session's last use) that reading requests make too.

        Work that may write runs it in its own transaction (on SQLite it already holds the
        write lock, which a second connection would wait for in vain); reading work commits it
        apart at once, so the read keeps needing no write lock.
        """
        if self._writes:
            await self.session.execute(statement, params)
            return
        async with unit_of_work(self._database) as aside:
            await aside.session.execute(statement, params)

    async def read_row(self, statement: Select[Any], params: Mapping[str, Any]) -> Any | None:
        """One row of a small read, the first of a request (who the caller is)."""
        if not self._database.postgres or self._open():
            return (await self.session.execute(statement, params)).first()
        # An ORM statement costs a BEGIN and a COMMIT round trip besides the query and about
        # four times its Python time (docs/PERFORMANCE.md); this read needs neither, and a
        # request answered from the cache needs no session at all.
        return await _driver_read(self._database, statement, params, one=True)


async def read_all(
    session: AsyncSession, statement: Select[Any], params: Mapping[str, Any]
) -> Sequence[Any]:
    """Every row of a read built once (a module-level statement: it is compiled once per
    statement object). On PostgreSQL the driver runs it without SQLAlchemy's execution and
    result processing: on the read pool when the session has not begun a transaction (no BEGIN
    or COMMIT), on the transaction's own connection when it has (so it sees the request's own
    writes). Rows index like SQLAlchemy's; column types are the driver's own (on PostgreSQL,
    what the UTCDateTime columns hand back too)."""
    database = cast(Database | None, session.info.get(DATABASE_INFO))
    rows: Sequence[Any]
    if database is not None and database.postgres and not session.in_transaction():
        rows = await _driver_read(database, statement, params, one=False)
    elif (own := await _transaction_driver(session)) is not None:
        sql, names = _driver_sql(statement, own.database)
        rows = await own.driver.fetch(sql, *[params[n] for n in names])
    else:
        rows = (await session.execute(statement, params)).all()
    return rows


async def insert_returning(session: AsyncSession, statement: Insert, row: Mapping[str, Any]) -> Any:
    """Insert one row (``statement`` names the columns it returns); the returned row. On
    PostgreSQL, inside the work's transaction, the driver runs it (see ``insert_rows``)."""
    own = await _transaction_driver(session)
    if own is None:
        return (await session.execute(statement, row)).one()
    sql, names = _driver_sql(_valued(statement, row), own.database)
    return await own.driver.fetchrow(sql, *[row[n] for n in names])


async def insert_rows(
    session: AsyncSession, statement: Insert, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert (or upsert) rows that all name the same columns, in one round trip.

    On PostgreSQL, inside a transaction the work has begun, the driver sends them on that
    transaction's connection, without SQLAlchemy's execution and result processing: on a
    logged set that was a third of the worker's CPU (docs/PERFORMANCE.md). Values go to the
    driver as they are, so they must be what it takes (aware datetimes, plain str and numbers),
    and its errors come unwrapped: use this for rows the service has already checked.
    """
    if not rows:
        return
    own = await _transaction_driver(session)
    if own is None:
        await session.execute(statement, list(rows))
        return
    sql, names = _driver_sql(_valued(statement, rows[0]), own.database)
    await own.driver.executemany(sql, [[row[n] for n in names] for row in rows])


@dataclass(frozen=True, slots=True)
class _Own:
    """The driver connection under a session's transaction, and the database it belongs to."""

    database: Database
    driver: Any  # asyncpg.Connection


async def _transaction_driver(session: AsyncSession) -> _Own | None:
    """On PostgreSQL, the driver connection of the transaction the session has begun, when
    nothing the ORM holds is waiting to be flushed (a driver statement would not see it);
    otherwise None."""
    database = cast(Database | None, session.info.get(DATABASE_INFO))
    if database is None or not database.postgres or not session.in_transaction():
        return None
    sync = session.sync_session
    if sync.new or sync.deleted or sync.dirty:
        return None
    transaction = sync.get_transaction()
    known = session.info.get(_DRIVER_INFO)
    if known is None or known[0] is not transaction:
        connection = await session.connection()
        own = _Own(database, (await connection.get_raw_connection()).driver_connection)
        known = session.info[_DRIVER_INFO] = (transaction, own)
    own = known[1]
    # SQLAlchemy sends BEGIN with the session's first statement: until then, a statement of
    # the driver's own would run (and commit) outside the transaction.
    return own if own.driver is not None and own.driver.is_in_transaction() else None


_DRIVER_INFO = "gravl.transaction_driver"
# These caches are keyed by the statement itself, not its id(): an id is reused once its
# object is gone, and would hand a new statement another one's SQL.
_VALUED: dict[tuple[Insert, tuple[str, ...]], Insert] = {}


def _valued(statement: Insert, row: Mapping[str, Any]) -> Insert:
    """``statement`` naming exactly the row's columns (an INSERT compiled without values names
    every column of its table), built once per statement and set of columns."""
    keys = tuple(row)
    key = (statement, keys)
    found = _VALUED.get(key)
    if found is None:
        found = _VALUED[key] = statement.values({k: bindparam(k) for k in keys})
    return found


async def _driver_read(
    database: Database, statement: Select[Any], params: Mapping[str, Any], *, one: bool
) -> Any:
    sql, names = _driver_sql(statement, database)
    pool = await database.read_pool()
    args = [params[n] for n in names]
    try:
        return await (pool.fetchrow(sql, *args) if one else pool.fetch(sql, *args))
    except Exception as exc:
        if is_outage(exc):
            # Every pooled connection may share the fault: the next use opens new ones.
            await pool.expire_connections()
        raise


_COMPILED: dict[tuple[Select[Any] | Insert, str], tuple[str, tuple[str, ...]]] = {}


def _driver_sql(statement: Select[Any] | Insert, database: Database) -> tuple[str, tuple[str, ...]]:
    """The statement as the driver's SQL, with its parameter names in order (compiled once)."""
    key = (statement, database.engine.dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=database.engine.dialect)
        found = _COMPILED[key] = (compiled.string, tuple(compiled.positiontup or ()))
    return found


@asynccontextmanager
async def unit_of_work(
    database: Database, caches: Caches | None = None, *, writes: bool = True
) -> AsyncIterator[UnitOfWork]:
    """Run a block as one unit of work: commit when it succeeds, roll back when it fails.
    Without the app's caches (a CLI command, a streamed body) it has caches of its own; work
    that only reads says so (``writes=False``) and takes no write lock on SQLite."""
    work = UnitOfWork(database, caches if caches is not None else Caches(), writes=writes)
    try:
        yield work
        await work.succeed()
    except BaseException as exc:
        instead = await work.fail(exc)
        if instead is exc:
            raise
        raise instead from exc


# Requests that never write (RFC 9110's safe methods): their work reads without a write lock.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS_ONLY = "gravl_reads_only"
_Endpoint = TypeVar("_Endpoint", bound=Callable[..., Any])


def reads_only(endpoint: _Endpoint) -> _Endpoint:
    """Mark a route that is a POST only so that a secret travels in the body, not the URL, and
    writes nothing (the password strength meter): its work reads without SQLite's write lock,
    so asking as the lifter types never queues behind, or holds up, a write."""
    setattr(endpoint, _READS_ONLY, True)
    return endpoint


def is_reads_only(endpoint: Callable[..., Any]) -> bool:
    """Whether ``reads_only`` marked the route's endpoint."""
    return bool(getattr(endpoint, _READS_ONLY, False))


class CorridorRoute(APIRoute):
    """A route whose request is one unit of work (``request.state.work``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        may_write = not is_reads_only(self.endpoint)

        async def handle(request: Request) -> Response:
            # unit_of_work() spelled out: this runs on every request.
            state = request.app.state
            writes = may_write and request.method not in _SAFE_METHODS
            work = request.state.work = UnitOfWork(state.database, state.caches, writes=writes)
            try:
                response = await handler(request)
                # A write answered with an error (a form shown again with its mistakes) keeps
                # nothing, not even its claim on the lifter.
                await work.succeed(keep=not (work.claimed and response.status_code >= 400))
            except BaseException as exc:
                instead = await work.fail(exc)
                if instead is exc:
                    raise
                raise instead from exc
            return response

        return handle


# The dependencies below are ``async def`` although they never await: FastAPI runs a plain
# ``def`` dependency in a worker thread, a thread hop on every request.
async def _work(request: Request) -> UnitOfWork:
    work: UnitOfWork = request.state.work
    return work


async def _session(request: Request) -> AsyncSession:
    work: UnitOfWork = request.state.work
    return work.session


async def _caches(request: Request) -> Caches:
    work: UnitOfWork = request.state.work
    return work.caches


WorkDep = Annotated[UnitOfWork, Depends(_work)]
SessionDep = Annotated[AsyncSession, Depends(_session)]
CachesDep = Annotated[Caches, Depends(_caches)]
