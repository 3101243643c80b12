"""`gravl backup` and `gravl restore` on real SQLite and PostgreSQL: every row comes back."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gravl.app import create_app
from gravl.config import Settings
from tests.conftest import Account
from tests.ops.live_server import gravl_in_process as gravl
from tests.ops.live_server import recreate_pg_database

Snapshot = dict[str, list[tuple[Any, ...]]]

CUSTOM_EXERCISE = {
    "name": "Wobble Board Press",
    "primary_muscles": ["shoulders"],
    "secondary_muscles": ["triceps"],
    "equipment": "barbell",
    "category": "strength",
    "mechanic": "compound",
    "force": "push",
    "level": "intermediate",
}


def create_lifters_data(settings: Settings, *emails: str) -> None:
    with TestClient(create_app(settings)) as client:
        for email in emails:
            lifter = Account(client, email)
            login = client.post(
                "/api/auth/login", json={"email": email, "password": lifter.password}
            )
            assert login.status_code == 200
            patched = client.patch(
                "/api/me", headers=lifter.headers, json={"units": "lb", "timezone": "Europe/Paris"}
            )
            assert patched.status_code == 200, patched.text
            created = client.post("/api/exercises", json=CUSTOM_EXERCISE, headers=lifter.headers)
            assert created.status_code == 201, created.text


def snapshot(database_url: str) -> Snapshot:
    """Every row of every table, in a stable order."""

    async def read() -> Snapshot:
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
                contents = {}
                for table in sorted(tables):
                    rows = (await connection.execute(text(f'SELECT * FROM "{table}"'))).all()
                    contents[table] = sorted((tuple(row) for row in rows), key=repr)
                return contents
        finally:
            await engine.dispose()

    return asyncio.run(read())


def wipe(database_url: str, backend: str) -> None:
    """Leave an empty database (no tables) where the data was."""
    if backend == "sqlite":
        path = Path(make_url(database_url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        recreate_pg_database(make_url(database_url).database or "")


def env_for(database_url: str) -> dict[str, str]:
    return {"GRAVL_DATABASE_URL": database_url}


@pytest.mark.parametrize("target", ["empty", "migrated"])
def test_backup_wipe_restore_gives_back_every_row(
    settings: Settings, database_url: str, backend: str, tmp_path: Path, target: str
) -> None:
    create_lifters_data(settings, "ada@example.com", "grace@example.com")
    before = snapshot(database_url)
    assert len(before["users"]) == 2 and len(before["refresh_tokens"]) >= 4
    dump = tmp_path / "backups" / "gravl-20260101T000000Z.dump"

    backed_up = gravl("backup", "-o", str(dump), env=env_for(database_url))
    assert backed_up.returncode == 0, backed_up.stderr
    assert dump.stat().st_size > 0
    assert not list(dump.parent.glob("*.partial"))

    wipe(database_url, backend)
    assert snapshot(database_url) == {}
    if target == "migrated":  # as after the Kubernetes migration Job: schema, no users
        upgraded = gravl("db", "upgrade", env=env_for(database_url))
        assert upgraded.returncode == 0, upgraded.stderr
    restored = gravl("restore", str(dump), env=env_for(database_url))
    assert restored.returncode == 0, restored.stderr

    assert snapshot(database_url) == before
    # The restored database serves, and new rows get fresh ids (sequences came back too).
    create_lifters_data(settings, "linus@example.com")
    assert len(snapshot(database_url)["users"]) == 3


def test_restore_refuses_a_database_with_users_unless_forced(
    settings: Settings, database_url: str, tmp_path: Path
) -> None:
    create_lifters_data(settings, "ada@example.com")
    backed_up_state = snapshot(database_url)
    dump = tmp_path / "gravl-one.dump"
    assert gravl("backup", "-o", str(dump), env=env_for(database_url)).returncode == 0
    create_lifters_data(settings, "grace@example.com")
    current = snapshot(database_url)

    refused = gravl("restore", str(dump), env=env_for(database_url))
    assert refused.returncode == 3
    assert "2 user account(s)" in refused.stderr and "--force" in refused.stderr
    assert snapshot(database_url) == current

    forced = gravl("restore", "--force", str(dump), env=env_for(database_url))
    assert forced.returncode == 0, forced.stderr
    assert snapshot(database_url) == backed_up_state


def test_restore_rejects_a_file_that_is_not_a_backup(database_url: str, tmp_path: Path) -> None:
    bogus = tmp_path / "gravl-bogus.dump"
    bogus.write_bytes(b"definitely not a database dump\n" * 100)
    result = gravl("restore", str(bogus), env=env_for(database_url))
    assert result.returncode == 1
    assert "restore failed" in result.stderr


def test_keep_deletes_only_older_gravl_dumps(tmp_path: Path) -> None:
    database = tmp_path / "small.db"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    database_url = f"sqlite+aiosqlite:///{database}"
    backups = tmp_path / "backups"
    backups.mkdir()
    unrelated = backups / "notes.dump"
    unrelated.write_text("mine")
    for index, stamp in enumerate(["20260101T000000Z", "20260102T000000Z", "20260103T000000Z"]):
        old = backups / f"gravl-{stamp}.dump"
        old.write_text("old dump")
        os.utime(old, (1_700_000_000 + index, 1_700_000_000 + index))
    newest = backups / "gravl-20260104T000000Z.dump"

    result = gravl("backup", "-o", str(newest), "--keep", "2", env=env_for(database_url))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in backups.iterdir()) == [
        "gravl-20260103T000000Z.dump",
        "gravl-20260104T000000Z.dump",
        "notes.dump",
    ]


def test_failed_backup_leaves_no_file(tmp_path: Path) -> None:
    missing = f"sqlite+aiosqlite:///{tmp_path}/absent.db"
    output = tmp_path / "gravl-x.dump"
    result = gravl("backup", "-o", str(output), env=env_for(missing))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert list(tmp_path.iterdir()) == []
