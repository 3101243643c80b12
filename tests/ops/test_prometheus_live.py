"""Debian's real Prometheus scrapes `gravl serve --workers 2` on PostgreSQL.

It reads back the request counter and latency histogram, watches HighErrorRate fire when the
database goes away, and runs every Grafana panel's query.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.ops.live_server import (
    LiveServer,
    create_pg_database,
    drop_pg_database,
    free_port,
    gravl,
    live_server,
    scrape,
)
from tests.ops.promql import MONITORING, tool

RULES = MONITORING / "prometheus" / "rules" / "gravl-alerts.yml"
DASHBOARDS = sorted((MONITORING / "grafana" / "dashboards").glob("*.json"))
DEFAULT_POOL_SIZE = 10  # Settings.db_pool_size


def rules_with_short_high_error_rate(target: Path) -> None:
    """The shipped rules, except HighErrorRate fires after 1 s of errors instead of 5 min.

    The expression and its recording rules are unchanged: rate()[5m] over a few seconds of
    1-second scrapes already gives the error ratio, only the `for:` hold would outlast the test.
    """
    rules = yaml.safe_load(RULES.read_text())
    (alert,) = [
        rule
        for group in rules["groups"]
        for rule in group["rules"]
        if rule.get("alert") == "HighErrorRate"
    ]
    alert["for"] = "1s"
    target.write_text(yaml.safe_dump(rules))


@contextmanager
def prometheus(directory: Path, metrics_target: str) -> Iterator[str]:
    rules = directory / "rules.yml"
    rules_with_short_high_error_rate(rules)
    config = directory / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(rules)],
                "scrape_configs": [
                    {"job_name": "gravl", "static_configs": [{"targets": [metrics_target]}]}
                ],
            }
        )
    )
    port = free_port()
    log = (directory / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            tool("prometheus"),
            f"--config.file={config}",
            f"--storage.tsdb.path={directory / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ready(base), "prometheus to start", timeout=20)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/-/ready", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def wait_for(condition: Any, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def query(base: str, expr: str) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{base}/api/v1/query", params={"query": expr}).json()
    return body


def series(base: str, expr: str) -> list[dict[str, Any]]:
    body = query(base, expr)
    assert body["status"] == "success", body
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def alert_state(base: str, name: str) -> str | None:
    alerts = httpx.get(f"{base}/api/v1/alerts").json()["data"]["alerts"]
    states = {alert["state"] for alert in alerts if alert["labels"]["alertname"] == name}
    return "firing" if "firing" in states else next(iter(states), None)


def requests_counted(server: LiveServer) -> float:
    samples = scrape(server)
    return sum(value for (name, _), value in samples.items() if name == "http_requests_total")


def panel_queries() -> list[tuple[str, str]]:
    return [
        (f"{dashboard['title']} / {panel['title']}", target["expr"])
        for dashboard in (json.loads(path.read_text()) for path in DASHBOARDS)
        for panel in dashboard["panels"]
        for target in panel["targets"]
    ]


@pytest.mark.slow
def test_prometheus_scrapes_two_workers_and_fires_high_error_rate(tmp_path: Path) -> None:
    name, url = create_pg_database()
    try:
        upgraded = gravl("db", "upgrade", env={"GRAVL_DATABASE_URL": url})
        assert upgraded.returncode == 0, upgraded.stderr
        with live_server(url, tmp_path, workers=2) as server:
            # Both workers report their pool through the shared directory ("livesum").
            wait_for(
                lambda: (
                    scrape(server).get(("gravl_db_pool_size", frozenset())) == 2 * DEFAULT_POOL_SIZE
                ),
                "both workers' pool gauges",
                timeout=15,
            )
            before = requests_counted(server)
            sent = 0
            with httpx.Client(base_url=server.api, timeout=10) as client:
                for _ in range(40):
                    assert client.get("/api/health").status_code == 200
                    assert client.get("/api/exercises", params={"limit": 5}).status_code == 200
                    sent += 2
                for _ in range(5):
                    assert (
                        client.get(f"/api/exercises/{uuid.uuid4().int % 10**6}").status_code == 404
                    )
                    assert client.get(f"/api/random/{uuid.uuid4().hex}").status_code == 404
                    sent += 2
            # Requests spread over two processes, yet the one endpoint counts every one.
            assert requests_counted(server) - before == sent

            with prometheus(tmp_path, server.metrics.removeprefix("http://")) as prom:
                wait_for(
                    lambda: series(prom, 'http_requests_total{route="/api/exercises"}'),
                    "the first scrape",
                    timeout=15,
                )
                # Errors for real: the database disappears under the running server, so
                # requests that need it answer 503 (and /api/ready reports not ready).
                drop_pg_database(name)
                errors = 0
                with httpx.Client(base_url=server.api, timeout=10) as client:

                    def failing_traffic_fires_alert() -> bool:
                        nonlocal errors
                        # (Not the exercise list: built-in exercises are served from memory.)
                        for status in (
                            client.get("/api/ready").status_code,
                            client.post(
                                "/api/auth/refresh", json={"refresh_token": "x"}
                            ).status_code,
                        ):
                            assert status >= 500, status
                            errors += 1
                        return alert_state(prom, "HighErrorRate") == "firing"

                    wait_for(failing_traffic_fires_alert, "HighErrorRate to fire", timeout=40)
                assert errors > 0

                routes = {s["metric"]["route"] for s in series(prom, "http_requests_total")}
                assert {"/api/health", "/api/exercises", "/api/exercises/{exercise_id}"} <= routes
                assert "<unmatched>" in routes
                assert not any("/random/" in route for route in routes)
                five_xx = series(prom, 'http_requests_total{status=~"5.."}')
                assert {s["metric"]["route"] for s in five_xx} >= {
                    "/api/ready",
                    "/api/auth/refresh",
                }
                buckets = series(prom, 'request_duration_ms_bucket{route="/api/health"}')
                assert {s["metric"]["le"] for s in buckets} >= {"5.0", "250.0", "+Inf"}

                for panel, expr in panel_queries():
                    body = query(prom, expr)
                    assert body["status"] == "success", (panel, expr, body)
                # The request panels see this traffic (the others need cluster exporters).
                assert series(prom, "sum(rate(http_requests_total{job='gravl'}[5m])) > 0")
    finally:
        drop_pg_database(name)
