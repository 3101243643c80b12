"""Logical backups and restores: ``pg_dump``/``pg_restore`` for PostgreSQL, SQLite's backup API.

PostgreSQL dumps use the custom format (``pg_dump -Fc``): compressed, and ``pg_restore`` can
restore them into a fresh database. Connection details go to the client tools through libpq's
``PG*`` environment variables, so the password never appears on a command line (``ps`` shows
those to every user of the machine).

A restore refuses a database that holds lifters' data unless forced. "Holds data" means the
``users`` table has a row: everything a lifter creates references a user, and what can exist
without one (the built-in catalog, migration bookkeeping, abuse counters) is in the dump too.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

# `gravl backup --keep N` manages only files named like the CronJob's (deploy/k8s), so it never
# deletes an unrelated file that happens to share the output's directory.
DUMP_PREFIX = "gravl-"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


class DatabaseNotEmpty(BackupError):
    pass


def backup(database_url: str, output: Path) -> None:
    """Write a complete copy of the database to ``output``, atomically."""
    url = make_url(database_url)
    output.parent.mkdir(parents=True, exist_ok=True)
    # A failed run leaves no file that looks like a good dump (retention would count it).
    partial = output.with_name(output.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-password", f"--file={partial}"], url)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


def restore(database_url: str, dump: Path, *, force: bool = False) -> None:
    """Replace the database's contents with the dump's."""
    if not dump.is_file():
        raise BackupError(f"{dump} does not exist")
    url = make_url(database_url)
    sqlite = url.get_backend_name() == "sqlite"
    exists = not sqlite or _sqlite_path(url).exists()
    has_tables, users = asyncio.run(_contents(database_url)) if exists else (False, 0)
    if users and not force:
        raise DatabaseNotEmpty(
            f"the database holds {users} user account(s); restoring would replace them "
            "(use --force to do so)"
        )
    if sqlite:
        _sqlite_restore(dump, _sqlite_path(url))
        return
    command = ["pg_restore", "--no-password", "--single-transaction", "--exit-on-error"]
    # The dump's roles may not exist here (another cluster, another owner): objects belong to
    # whoever restores, and grants are the target's business.
    command += ["--no-owner", "--no-privileges"]
    if has_tables:  # a migrated (or forced) target: drop the dump's objects before recreating
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={url.database}", str(dump)], url)


def prune(output: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest ``gravl-*`` dumps beside ``output``; return them."""
    if not output.name.startswith(DUMP_PREFIX):
        raise BackupError(f"--keep manages files named {DUMP_PREFIX}*; name the output so")
    dumps = sorted(
        output.parent.glob(f"{DUMP_PREFIX}*{output.suffix}"),
        key=lambda path: (path.stat().st_mtime, path.name),
        reverse=True,
    )
    doomed = [path for path in dumps[keep:] if path != output]
    for path in doomed:
        path.unlink()
    return doomed


async def _contents(database_url: str) -> tuple[bool, int]:
    """Whether the database has any table, and how many users it has."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            if "users" not in tables:
                return bool(tables), 0
            return True, await _count(connection, "users")
    finally:
        await engine.dispose()


async def _count(connection: AsyncConnection, table: str) -> int:
    return int(await connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


def _sqlite_path(url: URL) -> Path:
    if url.database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"the SQLite database {source} does not exist")
    # The online backup API copies a consistent snapshot while the app keeps writing.
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _sqlite_restore(dump: Path, target: Path) -> None:
    with closing(sqlite3.connect(f"file:{dump}?mode=ro", uri=True)) as src:
        try:
            ok = src.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{dump} is not a SQLite backup: {exc}") from exc
        if ok != ("ok",):
            raise BackupError(f"{dump} is damaged: {ok}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(target)) as dst:
            src.backup(dst)


def _run(command: list[str], url: URL) -> None:
    executable = shutil.which(command[0])
    if executable is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    result = subprocess.run(
        [executable, *command[1:]],
        env=_libpq_env(url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _libpq_env(url: URL) -> dict[str, str]:
    """libpq's variables for ``url`` (asyncpg's ``ssl`` and ``host`` query options included)."""
    env = {**os.environ}
    query = {key: str(value) for key, value in url.query.items()}
    settings = {
        "PGHOST": url.host or query.get("host"),
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": query.get("sslmode") or query.get("ssl"),
    }
    env.update({name: value for name, value in settings.items() if value})
    return env
