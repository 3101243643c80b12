"""``gravl check``: is this configuration, and its database, ready for production?"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gravl.config import (
    DEFAULT_DATABASE_URL,
    DEFAULT_SECRET_KEY,
    MIN_SECRET_LENGTH,
    InsecureSettingsError,
    Settings,
)

# Long enough for a database across a network, short enough for a readiness gate.
DB_TIMEOUT_S = 5.0

Status = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    detail: str


def load_settings() -> Settings:
    """The configured settings, even when the production guard would refuse them.

    The guard stops the server at the first weak secret; the check reports every problem.
    """
    try:
        return Settings()
    except InsecureSettingsError:
        # Only production raises; build the same values without the guard and say so.
        values = Settings(env="development").model_dump()
        return Settings.model_construct(**{**values, "env": "production"})


def run_checks(settings: Settings) -> list[CheckResult]:
    production = settings.env == "production"
    results = [
        CheckResult(
            "environment",
            "pass" if production else "skip",
            f"GRAVL_ENV={settings.env}"
            + ("" if production else "; production-only requirements are not enforced"),
        ),
        _secret("secret key", "GRAVL_SECRET_KEY", settings.secret_key),
        _previous_secret(settings),
        _database_url(settings, production),
        _database_password(settings),
        *asyncio.run(_database(settings.database_url)),
        _hsts(settings, production),
        _metrics_port(settings),
    ]
    return results


def _secret(name: str, variable: str, value: str) -> CheckResult:
    if value == DEFAULT_SECRET_KEY:
        return CheckResult(name, "fail", f"{variable} is the built-in default")
    if len(value) < MIN_SECRET_LENGTH:
        return CheckResult(
            name, "fail", f"{variable} has {len(value)} characters, needs {MIN_SECRET_LENGTH}"
        )
    return CheckResult(name, "pass", f"{variable} is set ({len(value)} characters)")


def _previous_secret(settings: Settings) -> CheckResult:
    name, variable = "previous secret key", "GRAVL_PREVIOUS_SECRET_KEY"
    if settings.previous_secret_key is None:
        return CheckResult(name, "skip", "not set: no signing-key rotation in progress")
    if settings.previous_secret_key == settings.secret_key:
        return CheckResult(name, "fail", f"{variable} equals GRAVL_SECRET_KEY")
    return _secret(name, variable, settings.previous_secret_key)


def _database_url(settings: Settings, production: bool) -> CheckResult:
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    if production and settings.database_url == DEFAULT_DATABASE_URL:
        return CheckResult("database url", "fail", "GRAVL_DATABASE_URL is the built-in default")
    return CheckResult("database url", "pass", shown)


def _database_password(settings: Settings) -> CheckResult:
    name = "database password"
    if settings.is_sqlite:
        return CheckResult(name, "skip", "SQLite has no password")
    password = make_url(settings.database_url).password
    if password is None:
        return CheckResult(name, "skip", "none in the URL (trust, peer or certificate auth)")
    if len(password) < MIN_SECRET_LENGTH:
        return CheckResult(name, "fail", f"{len(password)} characters, needs {MIN_SECRET_LENGTH}")
    return CheckResult(name, "pass", f"{len(password)} characters")


async def _database(database_url: str) -> list[CheckResult]:
    from gravl.migrations.runner import head_revision

    url = make_url(database_url)
    # Connecting would silently create an empty file where the SQLite database should be.
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return _unreachable(f"SQLite file {url.database} does not exist")
    engine = create_async_engine(
        database_url, poolclass=NullPool, connect_args={"timeout": DB_TIMEOUT_S}
    )
    try:
        async with asyncio.timeout(DB_TIMEOUT_S * 2), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            version = None
            if "alembic_version" in tables:
                version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception as exc:  # every way of failing to connect means "unreachable"
        return _unreachable(f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await engine.dispose()
    reachable = CheckResult("database reachable", "pass", url.get_backend_name())
    head = head_revision()
    if version == head:
        return [reachable, CheckResult("migrations", "pass", f"at head {head}")]
    where = f"at {version}" if version else "none applied"
    return [
        reachable,
        CheckResult("migrations", "fail", f"{where}, head is {head}: run `gravl db upgrade`"),
    ]


def _unreachable(detail: str) -> list[CheckResult]:
    return [
        CheckResult("database reachable", "fail", detail),
        CheckResult("migrations", "skip", "unknown while the database is unreachable"),
    ]


def _hsts(settings: Settings, production: bool) -> CheckResult:
    if settings.hsts:
        return CheckResult("hsts", "pass", "GRAVL_HSTS=true")
    if production:
        return CheckResult("hsts", "fail", "GRAVL_HSTS must be true behind TLS in production")
    return CheckResult("hsts", "skip", "off; required when GRAVL_ENV=production")


def _metrics_port(settings: Settings) -> CheckResult:
    if settings.metrics_port == settings.port:
        return CheckResult(
            "metrics port",
            "fail",
            f"GRAVL_METRICS_PORT equals the API port {settings.port}: /metrics would be public",
        )
    return CheckResult("metrics port", "pass", f"{settings.metrics_port} (API on {settings.port})")


def markdown_report(results: list[CheckResult]) -> str:
    """The results as a Markdown table (stable text, so a committed copy can be diffed)."""
    lines = ["| check | status | detail |", "|---|---|---|"]
    for result in results:
        detail = result.detail.replace("|", "\\|")
        lines.append(f"| {result.name} | {result.status.upper()} | {detail} |")
    return "\n".join(lines) + "\n"
