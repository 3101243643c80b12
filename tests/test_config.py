from __future__ import annotations

from pathlib import Path

import pytest

from gravl.config import DEFAULT_SECRET_KEY, InsecureSettingsError, Settings

STRONG = "x" * 40
PG_STRONG = "postgresql+asyncpg://gravl:" + "p" * 40 + "@db:5432/gravl"


def test_development_defaults_run_without_secrets() -> None:
    settings = Settings(_env_file=None)
    assert settings.env == "development"
    assert settings.secret_key == DEFAULT_SECRET_KEY
    assert settings.database_url.startswith("sqlite+aiosqlite")


@pytest.mark.parametrize("secret", [DEFAULT_SECRET_KEY, "short-secret", "y" * 31])
def test_production_refuses_default_or_short_secret(secret: str) -> None:
    with pytest.raises(InsecureSettingsError, match="GRAVL_SECRET_KEY"):
        Settings(env="production", secret_key=secret, database_url=PG_STRONG)


def test_production_refuses_short_previous_key() -> None:
    with pytest.raises(InsecureSettingsError, match="GRAVL_PREVIOUS_SECRET_KEY"):
        Settings(
            env="production", secret_key=STRONG, previous_secret_key="old", database_url=PG_STRONG
        )


def test_production_refuses_default_database_and_weak_db_password() -> None:
    with pytest.raises(InsecureSettingsError, match="GRAVL_DATABASE_URL"):
        Settings(env="production", secret_key=STRONG)
    with pytest.raises(InsecureSettingsError, match="database password"):
        Settings(
            env="production",
            secret_key=STRONG,
            database_url="postgresql+asyncpg://gravl_user:gravl_password@db/gravl",
        )


def test_production_accepts_strong_settings() -> None:
    settings = Settings(env="production", secret_key=STRONG, database_url=PG_STRONG)
    assert settings.secret_key == STRONG


def test_secrets_are_read_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(STRONG + "\n")
    url_file = tmp_path / "url"
    url_file.write_text(PG_STRONG)
    for plain in ("GRAVL_SECRET_KEY", "GRAVL_DATABASE_URL"):  # a plain value would win
        monkeypatch.delenv(plain, raising=False)
    monkeypatch.setenv("GRAVL_ENV", "production")
    monkeypatch.setenv("GRAVL_SECRET_KEY_FILE", str(key_file))
    monkeypatch.setenv("GRAVL_DATABASE_URL_FILE", str(url_file))
    settings = Settings()
    assert settings.secret_key == STRONG  # the trailing newline of the file is dropped
    assert settings.database_url == PG_STRONG


def test_env_vars_use_the_gravl_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAVL_PORT", "9123")
    monkeypatch.setenv("GRAVL_MAX_BODY_BYTES", "2048")
    settings = Settings()
    assert (settings.port, settings.max_body_bytes) == (9123, 2048)


def test_keep_alive_and_drain_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAVL_KEEP_ALIVE_S", "2")
    monkeypatch.setenv("GRAVL_GRACEFUL_SHUTDOWN_S", "7")
    settings = Settings(_env_file=None)
    assert (settings.keep_alive_s, settings.graceful_shutdown_s) == (2, 7)


@pytest.mark.parametrize("name", ["keep_alive_s", "graceful_shutdown_s"])
def test_timeouts_must_be_positive(name: str) -> None:
    with pytest.raises(ValueError, match=name):
        Settings(_env_file=None, **{name: 0})
