"""The stage the small benchmarks (cpu.py, waits.py) play on: a fresh PostgreSQL database,
migrated, seeded and populated, with `gravl serve` on it, the lifters' tokens and a file of
log bodies for wrk. Needs PostgreSQL (GRAVL_TEST_POSTGRES_URL)."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.population import populate
from bench.run import write_log_bodies, write_tokens
from tests.ops.live_server import (
    LIVE_SECRET,
    LiveServer,
    create_pg_database,
    drop_pg_database,
    gravl,
    live_server,
)


@dataclass(frozen=True)
class Stage:
    server: LiveServer
    url: str  # the database's SQLAlchemy URL
    tokens: Path
    bodies: Path


@contextmanager
def stage(*, lifters: int, workers: int, env: dict[str, str] | None = None) -> Iterator[Stage]:
    """A server over ``lifters`` year-long lifters; the database is dropped afterwards."""
    name, url = create_pg_database()
    try:
        settings = {"GRAVL_DATABASE_URL": url, "GRAVL_SECRET_KEY": LIVE_SECRET}
        for command in (("db", "upgrade"), ("seed",)):
            if gravl(*command, env=settings).returncode != 0:
                raise SystemExit(f"gravl {' '.join(command)} failed")
        population = asyncio.run(populate(url, lifters=lifters))
        with (
            tempfile.TemporaryDirectory() as scratch,
            live_server(url, Path(scratch), workers=workers, env=env) as server,
        ):
            chest = httpx.get(f"{server.api}/api/exercises?muscle=chest&limit=200", timeout=10)
            tokens = write_tokens(Path(scratch) / "lifters.txt", population.lifter_ids)
            bodies = write_log_bodies(
                Path(scratch) / "logs.txt", [e["id"] for e in chest.json()["items"]]
            )
            yield Stage(server, url, tokens, bodies)
    finally:
        drop_pg_database(name)
