"""Faults: the database goes away under a running Gravl and comes back."""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.ops.live_server import gravl_in_process, live_server
from tests.reliability.conftest import FUZZ_ENV
from tests.reliability.pg_cluster import PgCluster


def _wait_for(predicate, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_database_outage_is_503_and_heals_without_losing_acknowledged_writes(
    tmp_path: Path,
) -> None:
    cluster = PgCluster()
    cluster.init()
    cluster.start()
    try:
        env = {"GRAVL_DATABASE_URL": cluster.url()}
        for command in (("db", "upgrade"), ("seed",)):
            assert gravl_in_process(*command, env=env).returncode == 0
        with live_server(cluster.url(), tmp_path, env=FUZZ_ENV) as server:
            api = httpx.Client(base_url=server.api, timeout=10)
            token = api.post(
                "/api/auth/register",
                json={"email": "fault@example.com", "password": "long enough pass"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            bench = api.get("/api/exercises", params={"q": "bench"}).json()["items"][0]["id"]

            acknowledged: list[int] = []
            statuses: list[int] = []
            stop = threading.Event()

            def traffic() -> None:
                with httpx.Client(base_url=server.api, timeout=10) as client:
                    while not stop.is_set():
                        response = client.post(
                            "/api/logs",
                            json={"exercise_id": bench, "sets": [{"reps": 5, "weight_kg": 60}]},
                            headers=headers,
                        )
                        statuses.append(response.status_code)
                        if response.status_code == 201:
                            acknowledged.append(response.json()["id"])
                        else:
                            body = response.json()
                            assert body["error"]["code"] == "unavailable", body
                        time.sleep(0.02)

            writer = threading.Thread(target=traffic)
            writer.start()
            try:
                assert _wait_for(lambda: len(acknowledged) >= 10)
                cluster.stop()
                assert _wait_for(lambda: api.get("/api/ready").status_code == 503)
                ready = api.get("/api/ready").json()
                assert ready == {
                    "status": "not_ready",
                    "database": "unreachable",
                    "migrations": "unknown",
                }
                assert api.get("/api/health").status_code == 200  # liveness stays up
                down = api.get("/api/recovery/muscle-groups", headers=headers)
                assert down.status_code == 503
                assert down.json()["error"]["code"] == "unavailable"
                assert down.headers["retry-after"]
                assert _wait_for(lambda: statuses.count(503) >= 5)
                cluster.start()
                assert _wait_for(lambda: api.get("/api/ready").status_code == 200)
                count = len(acknowledged)
                assert _wait_for(lambda: len(acknowledged) >= count + 5)
            finally:
                stop.set()
                writer.join(timeout=30)
            assert 500 not in statuses
            assert set(statuses) <= {201, 503}
            stored: set[int] = set()
            cursor = None
            while True:
                params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
                page = api.get("/api/logs", params=params, headers=headers).json()
                stored |= {item["id"] for item in page["items"]}
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert set(acknowledged) <= stored  # no acknowledged write was lost
            assert len(acknowledged) == len(set(acknowledged))
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by the test
            cluster.stop()
        cluster.remove()
