"""A real `gravl serve` in a subprocess on free ports, and throwaway PostgreSQL databases."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get(
    "GRAVL_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
LIVE_SECRET = "live-server-secret-key-with-enough-entropy-42"
STARTUP_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gravl(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the `gravl` CLI as a real process."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GRAVL_", "PROMETHEUS_"))}
    return subprocess.run(
        [sys.executable, "-m", "gravl", *args],
        env={**clean, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def gravl_in_process(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the `gravl` CLI in this process (no interpreter start-up), with only ``env`` set."""
    from typer.testing import CliRunner

    from gravl.cli import app
    from gravl.config import get_settings

    unset: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("GRAVL_", "PROMETHEUS_"))
    }
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args), env={**unset, **env}, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def _admin_dsn() -> str:
    url = make_url(POSTGRES_URL)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(*statements: str) -> None:
    connection = await asyncpg.connect(_admin_dsn())
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def create_pg_database() -> tuple[str, str]:
    """Create an empty database; return its name and SQLAlchemy URL."""
    name = f"gravl_live_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return name, pg_url(name)


def pg_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(name: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def recreate_pg_database(name: str) -> None:
    asyncio.run(
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    )


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    api: str
    metrics: str
    stdout: Path
    stderr: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def output_lines(self) -> list[str]:
        """Every line the server wrote to stdout and stderr."""
        return [
            line
            for path in (self.stdout, self.stderr)
            for line in path.read_text(encoding="utf-8").splitlines()
        ]


@contextmanager
def live_server(
    database_url: str, directory: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[LiveServer]:
    """`gravl serve` on free API and metrics ports, ready when both answer."""
    port, metrics_port = free_port(), free_port()
    stdout, stderr = directory / "server.stdout", directory / "server.stderr"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GRAVL_", "PROMETHEUS_"))}
    settings = {
        "GRAVL_ENV": "production",
        "GRAVL_DATABASE_URL": database_url,
        "GRAVL_SECRET_KEY": LIVE_SECRET,
        "GRAVL_HSTS": "true",
        **(env or {}),
    }
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "gravl", "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--metrics-port", str(metrics_port), "--workers", str(workers)],
            env={**clean, **settings},
            cwd=REPO,
            stdout=out,
            stderr=err,
        )
    server = LiveServer(
        process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}", stdout, stderr
    )
    try:
        wait_until_serving(server)
        yield server
    finally:
        server.stop()


def wait_until_serving(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gravl serve exited: {server.stderr.read_text()[-2000:]}")
        try:
            api = httpx.get(f"{server.api}/api/health", timeout=1)
            metrics = httpx.get(f"{server.metrics}/metrics", timeout=1)
            if api.status_code == 200 and metrics.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gravl serve did not start in {STARTUP_TIMEOUT_S} s")


def scrape(server: LiveServer) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """The metrics port's samples as {(name, labels): value}."""
    from prometheus_client.parser import text_string_to_metric_families

    samples = {}
    text = httpx.get(f"{server.metrics}/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples
