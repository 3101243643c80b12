"""A live Gravl on a throwaway PostgreSQL database, with a lifter who has some history."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.ops.live_server import (
    LiveServer,
    create_pg_database,
    drop_pg_database,
    gravl_in_process,
    live_server,
)

# Generous abuse limits: the fuzzer registers and logs in far more than a person would.
FUZZ_ENV = {
    "GRAVL_REGISTER_PER_HOUR": "100000",
    "GRAVL_LOGIN_PER_MINUTE": "100000",
    "GRAVL_LOGIN_MAX_FAILURES": "100000",
}


@dataclass
class FuzzTarget:
    server: LiveServer
    headers: dict[str, str]


@pytest.fixture(scope="session")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    name, url = create_pg_database()
    try:
        env = {"GRAVL_DATABASE_URL": url}
        for command in (("db", "upgrade"), ("seed",)):
            result = gravl_in_process(*command, env=env)
            assert result.returncode == 0, result.stderr
        directory: Path = tmp_path_factory.mktemp("fuzz")
        with live_server(url, directory, env=FUZZ_ENV) as server:
            api = httpx.Client(base_url=server.api, timeout=10)
            token = api.post(
                "/api/auth/register",
                json={"email": "fuzz@example.com", "password": "fuzz-pass-1-long"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            programs = api.get("/api/programs", headers=headers).json()
            api.post(f"/api/programs/{programs[0]['id']}/enroll", json={}, headers=headers)
            bench = api.get("/api/exercises", params={"q": "bench"}).json()["items"][0]["id"]
            api.post(
                "/api/logs",
                json={"exercise_id": bench, "sets": [{"reps": 5, "weight_kg": 60, "rpe": 8}]},
                headers=headers,
            )
            yield FuzzTarget(server, headers)
    finally:
        drop_pg_database(name)


def fuzz_examples() -> int:
    """Examples per operation: small in `make test`, larger under `make fuzz`."""
    return int(os.environ.get("GRAVL_FUZZ_EXAMPLES", "15"))
