"""Fixtures: every database test runs once on SQLite and once on PostgreSQL.

Each test gets its own freshly cloned database (a copied SQLite file, or PostgreSQL's
``CREATE DATABASE ... TEMPLATE``) that was migrated and seeded once per run. Tests therefore see
real commits — the same transaction semantics as production, concurrency included — and never
share state.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import jwt
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from gravl.app import create_app
from gravl.auth import security
from gravl.config import Settings
from gravl.db import Database
from gravl.migrations import runner
from gravl.seed import seed

POSTGRES_URL = os.environ.get(
    "GRAVL_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = [b for b in os.environ.get("GRAVL_TEST_DATABASES", "sqlite,postgresql").split(",") if b]
TEST_SECRET = "test-secret-key-with-enough-entropy-0123456789"
_counter = itertools.count()


def _pg_dsn(database: str) -> str:
    return (
        make_url(POSTGRES_URL)
        .set(drivername="postgresql", database=database)
        .render_as_string(hide_password=False)
    )


async def _pg_admin(*statements: str) -> None:
    connection = await asyncpg.connect(_pg_dsn(make_url(POSTGRES_URL).database or "postgres"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _url_for(backend: str, location: str) -> str:
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{location}"
    return make_url(POSTGRES_URL).set(database=location).render_as_string(hide_password=False)


def _migrate_and_seed(url: str) -> None:
    runner.upgrade(url)

    async def load() -> None:
        database = Database(Settings(env="test", database_url=url, secret_key=TEST_SECRET))
        try:
            async with database.sessionmaker() as session, session.begin():
                await seed(session=session)
        finally:
            await database.dispose()

    asyncio.run(load())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgresql_only: a concurrency test that only means something on PostgreSQL"
    )
    config.addinivalue_line(
        "markers", "real_hashing: argon2 at the production cost (timing tests need it)"
    )


# argon2 at its production cost takes ~110 ms of CPU per hash or verification; thousands of
# test accounts spent minutes of every CI run on it. In-process tests hash with the same
# algorithm (argon2id, salted) at the lowest cost; servers the tests start in a subprocess, and
# tests marked ``real_hashing``, keep the production cost.
_REAL_HASHER = security._hasher
_REAL_DUMMY = security._DUMMY_HASH
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_CHEAP_DUMMY = _CHEAP_HASHER.hash("timing-equaliser-not-a-password")


@pytest.fixture(autouse=True)
def _cheap_hashing(request: pytest.FixtureRequest) -> Iterator[None]:
    real = request.node.get_closest_marker("real_hashing") is not None
    security._hasher = _REAL_HASHER if real else _CHEAP_HASHER
    security._DUMMY_HASH = _REAL_DUMMY if real else _CHEAP_DUMMY
    yield
    security._hasher, security._DUMMY_HASH = _CHEAP_HASHER, _CHEAP_DUMMY


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run ``postgresql_only`` tests just on PostgreSQL (deselected, not skipped, on SQLite)."""
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("template_database") if callspec else None
        if item.get_closest_marker("postgresql_only") and backend != "postgresql":
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=BACKENDS)
def template_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A migrated, seeded database for this backend, cloned by each test."""
    backend: str = request.param
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "template.db"
        _migrate_and_seed(_url_for("sqlite", str(path)))
        yield backend, str(path)
        return
    name = f"gravl_tpl_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        _migrate_and_seed(_url_for("postgresql", name))
        yield backend, name
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def database_url(template_database, tmp_path: Path) -> Iterator[str]:
    """A private copy of the template database for one test."""
    backend, template = template_database
    if backend == "sqlite":
        path = tmp_path / "gravl.db"
        shutil.copyfile(template, path)
        yield _url_for("sqlite", str(path))
        return
    name = f"gravl_t_{os.getpid()}_{next(_counter)}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _url_for("postgresql", name)
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def backend(template_database) -> str:
    """Which database this run of the test is on: "sqlite" or "postgresql"."""
    return str(template_database[0])


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env="test", database_url=database_url, secret_key=TEST_SECRET)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class Account:
    """A registered user and the headers that authenticate as them."""

    def __init__(self, client: TestClient, email: str, password: str = "correct horse 1") -> None:
        response = client.post("/api/auth/register", json={"email": email, "password": password})
        assert response.status_code == 201, response.text
        body = response.json()
        self.id: int = body["user"]["id"]
        self.email = email
        self.password = password
        self.access_token: str = body["access_token"]
        self.refresh_token: str = body["refresh_token"]
        self.device_token: str = body["device_token"]
        self.headers = {"Authorization": f"Bearer {self.access_token}"}

    @property
    def session_id(self) -> str:
        """The session (sign-in) the access token belongs to: its ``sid`` claim."""
        claims = jwt.decode(self.access_token, options={"verify_signature": False})
        return str(claims["sid"])


@pytest.fixture
def lifter(client: TestClient) -> Account:
    return Account(client, "ada@example.com")


@pytest.fixture
def other_lifter(client: TestClient) -> Account:
    return Account(client, "grace@example.com")
