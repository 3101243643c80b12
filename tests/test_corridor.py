"""The request corridor: every route is a unit of work, and every write of a lifter claims them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import cast

import pytest
from sqlalchemy import Table, bindparam, event, insert, select, update
from sqlalchemy.exc import DBAPIError, OperationalError

from gravl.auth.lifter import current_lifter, optional_lifter, writing_lifter
from gravl.auth.models import User
from gravl.cache import Caches
from gravl.config import Settings
from gravl.corridor import CorridorRoute, insert_returning, insert_rows, read_all, unit_of_work
from gravl.db import Database
from gravl.errors import Conflict, Unavailable
from gravl.recovery.models import MuscleGroupRecovery, RecoveryCheckIn
from gravl.web.session import optional_web_lifter, web_lifter, writing_web_lifter
from tests.routes import (
    ACCOUNT_WRITES_API,
    ACCOUNT_WRITES_WEB,
    READS_ONLY_WEB,
    SIGN_IN_WEB,
    app_routes,
    dependency_calls,
)

# Routes outside the corridor: they touch no lifter's data (readiness opens its own probe).
OUTSIDE = {"/api/health", "/api/ready", "/docs", "/openapi.json"}
# Writes that act for a lifter without changing their training data: a session's end, or the
# end of the account (after which nothing of it is read again).
# Account and sign-in writes name a lifter without claiming them (signing in names nobody).
NOT_TRAINING_DATA = ACCOUNT_WRITES_API | (ACCOUNT_WRITES_WEB - SIGN_IN_WEB) | READS_ONLY_WEB
READERS = {current_lifter, optional_lifter, web_lifter, optional_web_lifter}
WRITERS = {writing_lifter, writing_web_lifter}


def test_every_route_runs_in_a_unit_of_work(settings: Settings) -> None:
    routes = app_routes(settings)
    assert len(routes) > 60
    outside = {path for path, r in routes if not isinstance(r, CorridorRoute)}
    assert outside <= OUTSIDE


def test_every_write_for_a_lifter_claims_them(settings: Settings) -> None:
    """A route that changes something for a signed-in lifter names them with a writing
    dependency (which claims their data version first), unless it is one of the few writes
    that leave the training data alone; reads never claim."""
    claiming, reading_writes = set(), set()
    for path, route in app_routes(settings):
        calls = set(dependency_calls(route.dependant))
        for method in route.methods - {"HEAD"}:
            key = (method, path)
            if calls & WRITERS:
                assert method != "GET", key
                assert not calls & READERS, key
                claiming.add(key)
            elif calls & READERS and method != "GET":
                reading_writes.add(key)
    assert reading_writes == NOT_TRAINING_DATA
    # API and web alike (the API's are each shown to change the version in tests/auth/).
    assert ("POST", "/api/logs") in claiming and ("POST", "/log") in claiming
    # + the history's delete of a log, of a session, its Undo and adding a past session.
    # + swapping an exercise of a started session and its notes (gravl/web/pages/session.py).
    # + the welcome page, a soreness check-in and a new exercise (issue 20's "in the UI");
    # - the history's old one-tap delete of a log (the history's delete with Undo replaced it).
    assert len(claiming) == 38 + 4 + 2 + 3 - 1


def _count_named(settings: Settings, name: str) -> int:
    async def count() -> int:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session:
                rows = await session.scalars(select(User.id).where(User.display_name == name))
                return len(rows.all())
        finally:
            await database.dispose()

    return asyncio.run(count())


def _rename_all(settings: Settings, name: str, then: BaseException | None) -> None:
    async def run() -> None:
        database = Database(settings)
        try:
            async with unit_of_work(database, Caches()) as work:
                await work.session.execute(update(User).values(display_name=name))
                if then is not None:
                    raise then
        finally:
            await database.dispose()

    asyncio.run(run())


@pytest.fixture
def database(settings: Settings, lifter: object) -> Settings:
    """The settings of a database with one lifter in it."""
    return settings


def test_a_unit_of_work_commits_once_it_succeeds(database: Settings) -> None:
    _rename_all(database, "kept", None)
    assert _count_named(database, "kept") == 1


def test_a_failed_unit_of_work_writes_nothing(database: Settings) -> None:
    with pytest.raises(ValueError):
        _rename_all(database, "lost", ValueError("boom"))
    with pytest.raises(Conflict):
        _rename_all(database, "lost", Conflict("no"))
    assert _count_named(database, "lost") == 0


def test_an_error_that_asks_to_keep_its_work_commits_it(database: Settings) -> None:
    with pytest.raises(Conflict):
        _rename_all(database, "recorded", Conflict("refused, but noted", commit=True))
    assert _count_named(database, "recorded") == 1


def test_the_database_being_down_is_unavailable_not_an_error(database: Settings) -> None:
    down = OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))
    with pytest.raises(Unavailable) as raised:
        _rename_all(database, "down", down)
    assert raised.value.status == 503 and raised.value.retry_after
    with pytest.raises(Unavailable):
        _rename_all(database, "down", ConnectionResetError("reset by peer"))
    # No statement: opening the connection failed (the database was dropped, say).
    with pytest.raises(Unavailable):
        _rename_all(database, "down", DBAPIError(None, None, Exception("no such database")))
    # A statement the database refused is a bug to report, not an outage.
    with pytest.raises(DBAPIError):
        _rename_all(database, "down", DBAPIError("SELECT x", {}, Exception("no column x")))
    assert _count_named(database, "down") == 0


# The write path's statements: the driver on PostgreSQL inside a begun transaction, SQLAlchemy
# otherwise; either way they belong to the unit of work.
_STATES = cast(Table, MuscleGroupRecovery.__table__)
_CHECK_INS = cast(Table, RecoveryCheckIn.__table__)
_STATES_OF = select(_STATES.c.muscle_group, _STATES.c.fatigue, _STATES.c.state_at).where(
    _STATES.c.user_id == bindparam("user_id")
)
# Built once, as the corridor's statement caches expect.
_INSERT_STATES = insert(_STATES)
_INSERT_CHECK_IN = insert(_CHECK_INS).returning(_CHECK_INS.c.id)


def _state(user_id: int, muscle: str, fatigue: float) -> dict[str, object]:
    return {
        "user_id": user_id,
        "muscle_group": muscle,
        "fatigue": fatigue,
        "state_at": datetime(2026, 11, 1, 12, tzinfo=UTC),
        "k": 1.0,
        "last_trained_at": None,
        "updated_at": datetime(2026, 11, 1, 12, tzinfo=UTC),
    }


def _write_states(
    settings: Settings, *, begun: bool, then: BaseException | None
) -> tuple[list[tuple[str, float]], int, int]:
    """Insert two state rows and a check-in in one unit of work (after a first statement of
    SQLAlchemy's when ``begun``); what the work read back, the check-in's id, and how many
    statements went through SQLAlchemy's cursor."""

    async def run() -> tuple[list[tuple[str, float]], int, int]:
        database = Database(settings)
        executed: list[str] = []

        def listen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
            executed.append(statement)

        event.listen(database.engine.sync_engine, "before_cursor_execute", listen)
        try:
            async with unit_of_work(database, Caches()) as work:
                session = work.session
                user_id = (await session.execute(select(User.id))).scalar_one()
                if not begun:
                    await session.rollback()  # nothing begun: the next statement begins
                executed.clear()
                await insert_rows(
                    session,
                    _INSERT_STATES,
                    [_state(user_id, "chest", 3.5), _state(user_id, "lats", 1.0)],
                )
                read = await read_all(session, _STATES_OF, {"user_id": user_id})
                (check_in,) = await insert_returning(
                    session,
                    _INSERT_CHECK_IN,
                    {
                        "user_id": user_id,
                        "muscle_group": "chest",
                        "soreness": 2.0,
                        "at": datetime(2026, 11, 2, tzinfo=UTC),
                        "predicted_score": 50.0,
                        "k_after": 1.0,
                        "parts": None,
                        "created_at": datetime(2026, 11, 2, tzinfo=UTC),
                    },
                )
                through_sqlalchemy = sum(not sql.startswith("BEGIN") for sql in executed)
                if then is not None:
                    raise then
            return sorted((m, f) for m, f, _ in read), check_in, through_sqlalchemy
        finally:
            await database.dispose()

    return asyncio.run(run())


def _stored_states(settings: Settings) -> list[tuple[str, float]]:
    async def run() -> list[tuple[str, float]]:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session:
                rows = await session.execute(select(_STATES.c.muscle_group, _STATES.c.fatigue))
                return sorted((m, f) for m, f in rows)
        finally:
            await database.dispose()

    return asyncio.run(run())


@pytest.mark.parametrize("begun", [True, False], ids=["begun", "first-statement"])
def test_written_rows_are_read_back_and_kept_with_their_work(
    database: Settings, backend: str, begun: bool
) -> None:
    read, check_in, through_sqlalchemy = _write_states(database, begun=begun, then=None)
    assert read == [("chest", 3.5), ("lats", 1.0)]  # the work sees its own writes
    assert check_in >= 1
    assert _stored_states(database) == [("chest", 3.5), ("lats", 1.0)]
    # On PostgreSQL, inside a begun transaction, the driver runs all three on the work's own
    # connection; a write that would begin the transaction goes through SQLAlchemy (which
    # sends BEGIN first), and so does everything on SQLite.
    expected = {"sqlite": 3, "postgresql": 0 if begun else 1}[backend]
    assert through_sqlalchemy == expected


@pytest.mark.parametrize("begun", [True, False], ids=["begun", "first-statement"])
def test_written_rows_go_with_a_failed_work(database: Settings, begun: bool) -> None:
    with pytest.raises(ValueError):
        _write_states(database, begun=begun, then=ValueError("boom"))
    assert _stored_states(database) == []


def test_a_read_sees_what_the_orm_has_not_flushed_yet(database: Settings) -> None:
    async def run() -> list[str]:
        database_ = Database(database)
        try:
            async with unit_of_work(database_, Caches()) as work:
                session = work.session
                user_id = (await session.execute(select(User.id))).scalar_one()
                session.add(MuscleGroupRecovery(**_state(user_id, "quads", 2.0)))
                rows = await read_all(session, _STATES_OF, {"user_id": user_id})
                return [m for m, _, _ in rows]
        finally:
            await database_.dispose()

    assert asyncio.run(run()) == ["quads"]
