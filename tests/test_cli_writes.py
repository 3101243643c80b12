"""Commands that write a lifter's training data replace their data version, as requests do.

Run as real processes against a fresh SQLite file; the version is read straight from it.
"""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from pathlib import Path

from gravl.demo import DEMO_EMAIL
from tests.test_cli import gravl
from tests.transfer.generators import strong_export

EMAIL = "lift@example.com"


def _one(database: Path, sql: str, *params: object) -> int:
    with closing(sqlite3.connect(database)) as connection:
        row = connection.execute(sql, params).fetchone()
    assert row is not None, (sql, params)
    return int(row[0])


def _version(database: Path, email: str) -> int:
    return _one(database, "SELECT data_version FROM users WHERE email = ?", email)


def _sets(database: Path, email: str) -> int:
    return _one(
        database,
        "SELECT count(*) FROM log_sets JOIN workout_logs ON workout_logs.id = log_sets.log_id"
        " JOIN users ON users.id = workout_logs.user_id WHERE users.email = ?",
        email,
    )


def _fresh(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A migrated, seeded SQLite file and the environment that points the CLI at it."""
    database = tmp_path / "gravl.db"
    env = {"GRAVL_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    _ok("db", "upgrade", env=env)
    _ok("seed", env=env)
    return database, env


def _ok(*args: str, env: dict[str, str]) -> str:
    """Run a command that must succeed; what it printed (to stderr, as the CLI reports)."""
    result = gravl(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def test_import_replaces_the_version_and_a_dry_run_or_a_failure_does_not(tmp_path: Path) -> None:
    database, env = _fresh(tmp_path)
    _ok("user", "create", EMAIL, env={**env, "GRAVL_NEW_PASSWORD": "long enough pw"})
    export = strong_export(random.Random(11), "ios", sessions=3, unit="kg")
    source = tmp_path / "strong.csv"
    source.write_bytes(export.content)
    start = _version(database, EMAIL)
    importing = ("import", "strong", str(source), "--user", EMAIL, "--unit", "kg")

    # A dry run writes nothing: no sets, and the caches keyed by the version stay valid.
    assert "Dry run" in _ok(*importing, "--dry-run", env=env)
    assert (_version(database, EMAIL), _sets(database, EMAIL)) == (start, 0)

    # A file that cannot be imported is rolled back, the version with it.
    bad = tmp_path / "bad.csv"
    bad.write_text("just,some,columns\n1,2,3\n")
    rejected = gravl("import", "hevy", str(bad), "--user", EMAIL, env=env)
    assert rejected.returncode == 1, rejected.stderr
    assert (_version(database, EMAIL), _sets(database, EMAIL)) == (start, 0)

    assert "Imported strong.csv" in _ok(*importing, env=env)
    assert _sets(database, EMAIL) == len(export.expected) > 0
    imported = _version(database, EMAIL)
    assert imported != start


def test_demo_claims_the_version_of_the_demo_lifter(tmp_path: Path) -> None:
    database, env = _fresh(tmp_path)
    # The demo account without a history (what a first run whose history failed leaves):
    # `gravl demo` writes the history for it, claiming the lifter like any other write.
    _ok("user", "create", DEMO_EMAIL, env={**env, "GRAVL_NEW_PASSWORD": "long enough pw"})
    empty = _version(database, DEMO_EMAIL)
    assert "demo lifter created" in _ok("demo", env=env)
    filled = _version(database, DEMO_EMAIL)
    sets = _sets(database, DEMO_EMAIL)
    assert sets > 0
    assert filled != empty
    # A re-run finds the history and writes nothing, so the lifter's caches stay valid.
    assert "demo lifter already exists" in _ok("demo", env=env)
    assert (_sets(database, DEMO_EMAIL), _version(database, DEMO_EMAIL)) == (sets, filled)
