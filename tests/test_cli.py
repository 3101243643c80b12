"""The `gravl` command line, run as a real process against a fresh SQLite database."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.auth.security import create_access_token
from gravl.config import DEFAULT_SECRET_KEY, MIN_SECRET_LENGTH, Settings
from tests.conftest import Account


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


def test_demo_refuses_production_and_creates_no_account(tmp_path: Path) -> None:
    """ASVS 2.5.4: the demo lifter's published password exists nowhere production runs."""
    env = {
        "GRAVL_ENV": "production",
        "GRAVL_SECRET_KEY": "k" * MIN_SECRET_LENGTH + "-a-key-for-this-test-only",
        "GRAVL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/gravl.db",
    }
    upgraded = gravl("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr  # production settings are otherwise valid
    refused = gravl("demo", env=env)
    assert refused.returncode == 2
    assert "refusing to create a demo account in production" in refused.stderr
    with sqlite3.connect(tmp_path / "gravl.db") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)


def _serve(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`gravl serve` that must refuse at once; a server that starts instead fails the test."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "gravl", "serve", "--port", "0", "--metrics-port", "1"],
            env={
                **os.environ,
                "GRAVL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/gravl.db",
                "GRAVL_ENV": "development",
                **env,
            },
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("gravl serve started instead of refusing the key")


@pytest.mark.parametrize(
    "key",
    [DEFAULT_SECRET_KEY, "", "x" * (MIN_SECRET_LENGTH - 1)],
    ids=["published", "empty", "short"],
)
def test_serve_refuses_a_published_or_short_key(key: str, tmp_path: Path) -> None:
    result = _serve({"GRAVL_SECRET_KEY": key}, tmp_path)
    assert result.returncode == 2, result.stderr
    assert "GRAVL_SECRET_KEY" in result.stderr and "refusing" in result.stderr


def test_secret_key_file_is_created_private_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    first = gravl("secret-key", "--file", str(path), env={})
    assert first.returncode == 0, first.stderr
    key = path.read_text().strip()
    assert len(key) >= MIN_SECRET_LENGTH and key != DEFAULT_SECRET_KEY
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key not in first.stdout + first.stderr
    again = gravl("secret-key", "--file", str(path), env={})
    assert again.returncode == 0, again.stderr
    assert path.read_text().strip() == key and key not in again.stdout + again.stderr


def test_a_server_on_the_key_file_rejects_tokens_signed_with_the_published_key(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "secret_key"
    assert gravl("secret-key", "--file", str(path), env={}).returncode == 0
    monkeypatch.delenv("GRAVL_SECRET_KEY", raising=False)
    monkeypatch.setenv("GRAVL_SECRET_KEY_FILE", str(path))
    settings = Settings(database_url=database_url)
    assert settings.secret_key == path.read_text().strip()
    published = Settings(env="test", database_url=database_url, secret_key=DEFAULT_SECRET_KEY)
    with TestClient(create_app(settings)) as client:
        first = Account(client, "first@example.com")
        forged = create_access_token(published, first.id, first.session_id)
        response = client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401
        genuine = create_access_token(settings, first.id, first.session_id)
        assert (
            client.get("/api/me", headers={"Authorization": f"Bearer {genuine}"}).status_code == 200
        )
