"""A Gravl process killed with SIGKILL in the middle of an import leaves no partial import."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.ops.live_server import (
    create_pg_database,
    drop_pg_database,
    gravl_in_process,
    live_server,
)
from tests.reliability.conftest import FUZZ_ENV
from tests.transfer.generators import write_large_strong_file

SETS = 40_000


@pytest.mark.slow
def test_sigkill_mid_import_leaves_nothing_behind(tmp_path: Path) -> None:
    export = tmp_path / "strong.csv"
    write_large_strong_file(export, SETS)
    name, url = create_pg_database()
    try:
        env = {"GRAVL_DATABASE_URL": url}
        for command in (("db", "upgrade"), ("seed",)):
            assert gravl_in_process(*command, env=env).returncode == 0
        with live_server(url, tmp_path, env=FUZZ_ENV) as server:
            api = httpx.Client(base_url=server.api, timeout=120)
            token = api.post(
                "/api/auth/register",
                json={"email": "kill@example.com", "password": "long enough pass"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            outcome: dict[str, object] = {}

            def upload() -> None:
                try:
                    with export.open("rb") as handle:
                        outcome["response"] = api.post(
                            "/api/imports",
                            headers=headers,
                            data={"format": "strong", "unit": "kg"},
                            files={"file": ("strong.csv", handle, "text/csv")},
                        )
                except httpx.HTTPError as exc:
                    outcome["error"] = exc

            uploader = threading.Thread(target=upload)
            uploader.start()
            # Let the upload arrive and the import get under way, then kill the server hard.
            # Parsing 40,000 sets before the first write took over 30 s once in CI while the
            # other test worker drove Chromium: wait up to 90 s.
            # Sampled once per turn: a second look could fall between two of its statements.
            deadline = time.monotonic() + 90
            started = False
            while time.monotonic() < deadline and uploader.is_alive():
                if started := _importing(url):
                    break
                time.sleep(0.05)
            assert started, f"the import never started writing ({outcome})"
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=10)
            uploader.join(timeout=60)
            assert "error" in outcome, "the import finished before the kill; nothing was tested"
        # A fresh server on the same database: nothing of the import is there.
        with live_server(url, tmp_path, env=FUZZ_ENV) as server:
            api = httpx.Client(base_url=server.api, timeout=30)
            login = api.post(
                "/api/auth/login",
                json={"email": "kill@example.com", "password": "long enough pass"},
            ).json()
            headers = {"Authorization": f"Bearer {login['access_token']}"}
            assert api.get("/api/logs", headers=headers).json()["items"] == []
            assert api.get("/api/stats/prs", headers=headers).json() == []
            assert _count(url, "imports") == 0
            assert _count(url, "log_sets") == 0
            # And the same file imports whole afterwards.
            with export.open("rb") as handle:
                again = api.post(
                    "/api/imports",
                    headers=headers,
                    data={"format": "strong", "unit": "kg"},
                    files={"file": ("strong.csv", handle, "text/csv")},
                )
            assert again.status_code == 201, again.text
            assert again.json()["sets"] == SETS
            assert _count(url, "log_sets") == SETS
    finally:
        drop_pg_database(name)


def _count(url: str, table: str) -> int:
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def run() -> int:
        connection = await asyncpg.connect(dsn)
        try:
            return int(await connection.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608
        finally:
            await connection.close()

    return asyncio.run(run())


def _importing(url: str) -> bool:
    """True once a transaction is inserting into log_sets (seen from pg_stat_activity)."""
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)

    async def run() -> bool:
        connection = await asyncpg.connect(dsn)
        try:
            rows = await connection.fetch(
                "SELECT query FROM pg_stat_activity WHERE datname = $1 AND state <> 'idle' "
                "AND pid <> pg_backend_pid()",
                parsed.database,
            )
            return any("insert into" in r["query"].lower() for r in rows)
        finally:
            await connection.close()

    return asyncio.run(run())
