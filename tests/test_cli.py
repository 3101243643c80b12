"""The `gravl` command line, run as a real process against a fresh SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def gravl(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gravl", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_upgrade_seed_twice_and_create_user(tmp_path: Path) -> None:
    env = {"GRAVL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/sub/gravl.db"}
    upgraded = gravl("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    current = gravl("db", "current", env=env)
    assert "(head)" in current.stdout + current.stderr
    first = gravl("seed", env=env)
    assert first.returncode == 0, first.stderr
    assert "added" in first.stderr and "exercises" in first.stderr
    second = gravl("seed", env=env)
    assert second.returncode == 0
    assert "up to date" in second.stderr
    created = gravl(
        "user",
        "create",
        "lift@example.com",
        "--name",
        "Lift",
        env={**env, "GRAVL_NEW_PASSWORD": "long enough pw"},
    )
    assert created.returncode == 0, created.stderr
    assert "lift@example.com" in created.stderr
    duplicate = gravl(
        "user", "create", "LIFT@example.com", env={**env, "GRAVL_NEW_PASSWORD": "long enough pw"}
    )
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr
    weak = gravl("user", "create", "weak@example.com", env={**env, "GRAVL_NEW_PASSWORD": "short"})
    assert weak.returncode == 2
    downgraded = gravl("db", "downgrade", "base", env=env)
    assert downgraded.returncode == 0, downgraded.stderr


def test_production_refuses_to_start_with_default_secret(tmp_path: Path) -> None:
    result = gravl("db", "current", env={"GRAVL_ENV": "production"})
    assert result.returncode != 0
    assert "GRAVL_SECRET_KEY" in result.stderr
