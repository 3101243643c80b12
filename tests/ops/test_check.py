"""`gravl check`: passes a production-ready setup, names each problem otherwise."""

from __future__ import annotations

from pathlib import Path

from gravl.config import DEFAULT_SECRET_KEY
from tests.ops.live_server import free_port
from tests.ops.live_server import gravl_in_process as gravl

GOOD_SECRET = "check-secret-key-with-more-than-32-chars-0123"


def production(database_url: str, **overrides: str) -> dict[str, str]:
    return {
        "GRAVL_ENV": "production",
        "GRAVL_DATABASE_URL": database_url,
        "GRAVL_SECRET_KEY": GOOD_SECRET,
        "GRAVL_HSTS": "true",
        "GRAVL_PORT": "8000",
        "GRAVL_METRICS_PORT": "3001",
        **overrides,
    }


def failed_checks(stderr: str) -> str:
    (line,) = [line for line in stderr.splitlines() if "not ready for production" in line]
    return line


def test_passes_with_good_production_settings(database_url: str) -> None:
    result = gravl("check", env=production(database_url))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    for name in ("secret key", "database reachable", "migrations", "hsts", "metrics port"):
        row = next(line for line in result.stdout.splitlines() if name in line)
        assert "PASS" in row, row


def test_fails_on_default_or_short_secrets(database_url: str) -> None:
    default = gravl("check", env=production(database_url, GRAVL_SECRET_KEY=DEFAULT_SECRET_KEY))
    assert default.returncode == 1
    assert "secret key" in failed_checks(default.stderr)
    assert "built-in default" in default.stdout
    short = gravl(
        "check",
        env=production(
            database_url, GRAVL_SECRET_KEY="short", GRAVL_PREVIOUS_SECRET_KEY=GOOD_SECRET
        ),
    )
    assert short.returncode == 1
    assert "secret key" in failed_checks(short.stderr)
    assert "5 characters" in short.stdout
    assert "previous secret key" not in failed_checks(short.stderr)


def test_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    nobody_listens = f"postgresql+asyncpg://gravl@127.0.0.1:{free_port()}/gravl"
    result = gravl("check", env=production(nobody_listens))
    assert result.returncode == 1
    assert failed_checks(result.stderr).endswith("database reachable")
    missing_file = gravl("check", env=production(f"sqlite+aiosqlite:///{tmp_path}/none.db"))
    assert missing_file.returncode == 1
    assert "database reachable" in failed_checks(missing_file.stderr)
    assert not (tmp_path / "none.db").exists()


def test_fails_with_pending_migrations(database_url: str) -> None:
    downgraded = gravl("db", "downgrade", "--", "-1", env={"GRAVL_DATABASE_URL": database_url})
    assert downgraded.returncode == 0, downgraded.stderr
    result = gravl("check", env=production(database_url))
    assert result.returncode == 1
    assert failed_checks(result.stderr).endswith("migrations")
    assert "gravl db upgrade" in result.stdout


def test_fails_without_hsts_or_with_metrics_on_the_api_port(database_url: str) -> None:
    result = gravl(
        "check", env=production(database_url, GRAVL_HSTS="false", GRAVL_METRICS_PORT="8000")
    )
    assert result.returncode == 1
    assert "hsts, metrics port" in failed_checks(result.stderr)


def test_report_is_a_markdown_table(database_url: str) -> None:
    result = gravl("check", "--report", env=production(database_url))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["| check | status | detail |", "|---|---|---|"]
    assert "| migrations | PASS |" in result.stdout
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[2:])
