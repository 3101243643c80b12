"""A worker of `gravl serve --workers 2` is SIGKILLed (as the kernel's OOM killer would), another
hangs: the JSON log says which ended, how, and which replaced it, and the counter counts both."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ops.live_server import LiveServer, gravl, live_server, scrape

RESTARTS = ("gravl_worker_restarts_total", frozenset())


def records(server: LiveServer) -> list[dict[str, Any]]:
    """Every line of the server's stdout, each of which must be a JSON object."""
    lines = server.stdout.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def wait_for(found: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {timeout} s")


def lines_with(server: LiveServer, msg: str, **fields: Any) -> list[dict[str, Any]]:
    return [
        record
        for record in records(server)
        if record["msg"] == msg and all(record.get(k) == v for k, v in fields.items())
    ]


@pytest.mark.slow
def test_dead_and_hung_workers_are_logged_replaced_and_counted(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/gravl.db"
    upgraded = gravl("db", "upgrade", env={"GRAVL_DATABASE_URL": url})
    assert upgraded.returncode == 0, upgraded.stderr
    with live_server(url, tmp_path, workers=2) as server:
        started = wait_for(
            lambda: (
                len(lines_with(server, "worker started")) == 2
                and lines_with(server, "worker started")
            ),
            "two 'worker started' lines",
        )
        pids = [record["pid"] for record in started]
        assert len(set(pids)) == 2 and all("replaces" not in record for record in started)
        assert scrape(server)[RESTARTS] == 0

        victim = pids[0]
        os.kill(victim, signal.SIGKILL)
        (death,) = wait_for(lambda: lines_with(server, "worker died", pid=victim), "death line")
        assert death["level"] == "warning"
        assert (death["signal"], death["exitcode"], death["cause"]) == ("SIGKILL", -9, "exited")
        (replacement,) = wait_for(
            lambda: lines_with(server, "worker started", replaces=victim), "replacement line"
        )
        successor = replacement["pid"]
        assert successor not in pids
        # uvicorn's own lines, at info and in JSON: the death, then the successor serving.
        assert lines_with(server, f"Child process [{victim}] died", level="info")
        wait_for(
            lambda: lines_with(server, f"Started server process [{successor}]"),
            "the successor's start-up",
        )
        assert scrape(server)[RESTARTS] == 1
        assert httpx.get(f"{server.api}/api/health", timeout=5).status_code == 200

        # A hung worker (here: stopped) misses the supervisor's 5 s ping and is killed by it.
        hung = pids[1]
        os.kill(hung, signal.SIGSTOP)
        (death,) = wait_for(lambda: lines_with(server, "worker died", pid=hung), "hung one's end")
        assert (death["signal"], death["cause"]) == ("SIGKILL", "unresponsive")
        (replacement,) = wait_for(
            lambda: lines_with(server, "worker started", replaces=hung), "second replacement"
        )
        wait_for(lambda: scrape(server)[RESTARTS] == 2, "the restart counter at 2")
        survivors = {successor, replacement["pid"]}

    # A clean stop: every remaining worker ends on the supervisor's SIGTERM, never SIGKILL.
    stopped = {record["pid"]: record for record in lines_with(server, "worker stopped")}
    assert set(stopped) == survivors
    assert {record["signal"] for record in stopped.values()} <= {"SIGTERM", None}
    assert lines_with(server, "Received SIGTERM, exiting.")
    assert len(lines_with(server, "worker died")) == 2
