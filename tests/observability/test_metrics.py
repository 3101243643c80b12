"""Metric labels, buckets, pool gauges, and multiprocess collection across real processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from gravl.observability import exposition
from gravl.observability.metrics import observe_request

REPO = Path(__file__).resolve().parents[2]


def requests_total(method: str, route: str, status: str) -> float:
    labels = {"method": method, "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


def bucket(method: str, route: str, le: str) -> float:
    labels = {"method": method, "route": route, "le": le}
    return REGISTRY.get_sample_value("request_duration_ms_bucket", labels) or 0.0


def test_routes_are_templates_and_unmatched_paths_share_one_label(client: TestClient) -> None:
    template = requests_total("GET", "/api/exercises/{exercise_id}", "404")
    unmatched = requests_total("GET", "<unmatched>", "404")
    assert client.get("/api/exercises/424242").status_code == 404
    for suffix in ("a", "b", "c"):
        assert client.get(f"/api/random/{suffix}").status_code == 404
    assert requests_total("GET", "/api/exercises/{exercise_id}", "404") == template + 1
    assert requests_total("GET", "<unmatched>", "404") == unmatched + 3
    raw = [
        sample
        for metric in REGISTRY.collect()
        for sample in metric.samples
        if sample.labels.get("route", "").startswith(("/random/", "/api/exercises/4"))
    ]
    assert raw == []


def test_unknown_methods_collapse_and_durations_land_in_millisecond_buckets() -> None:
    scope = {"type": "http", "method": "BREW", "path": "/coffee"}
    before_other = requests_total("OTHER", "<unmatched>", "405")
    below_10, below_5 = (
        bucket("OTHER", "<unmatched>", "10.0"),
        bucket("OTHER", "<unmatched>", "5.0"),
    )
    observe_request(scope, 405, 7.0)
    assert requests_total("OTHER", "<unmatched>", "405") == before_other + 1
    assert requests_total("BREW", "<unmatched>", "405") == 0
    assert bucket("OTHER", "<unmatched>", "10.0") == below_10 + 1
    assert bucket("OTHER", "<unmatched>", "5.0") == below_5


POOL_PROBE = textwrap.dedent(
    """
    import asyncio, sys
    from prometheus_client import REGISTRY
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    from gravl.observability.metrics import sample_pool

    NAMES = ("gravl_db_pool_size", "gravl_db_pool_checked_out", "gravl_db_pool_overflow")

    def gauges():
        return [REGISTRY.get_sample_value(name) for name in NAMES]

    async def main():
        engine = create_async_engine(f"sqlite+aiosqlite:///{sys.argv[1]}", pool_size=1)
        async with engine.connect() as first, engine.connect() as second:
            await first.execute(text("SELECT 1"))
            await second.execute(text("SELECT 1"))
            sample_pool(engine)
            print(gauges())
        sample_pool(engine)
        print(gauges())
        await engine.dispose()

    asyncio.run(main())
    """
)


def test_pool_gauges_follow_checked_out_and_overflow_connections(tmp_path: Path) -> None:
    # In a fresh process: apps started by other tests sample the same global gauges.
    result = subprocess.run(
        [sys.executable, "-c", POOL_PROBE, str(tmp_path / "p.db")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    # pool_size 1: the second connection is overflow; both are returned afterwards.
    assert result.stdout.splitlines() == ["[1.0, 2.0, 1.0]", "[1.0, 0.0, 0.0]"]


WORKER = textwrap.dedent(
    """
    import sys
    from gravl.observability.metrics import DB_POOL_SIZE, SWAPS, observe_request

    scope = {"type": "http", "method": "GET", "path": "/x"}
    for _ in range(int(sys.argv[1])):
        observe_request(scope, 200, 12.0)
    SWAPS.labels("swap").inc()
    DB_POOL_SIZE.set(10)
    print("recorded", flush=True)
    if sys.argv[2] == "stay":
        sys.stdin.readline()
    """
)


def run_worker(directory: Path, count: int, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(count), mode],
        env={"PROMETHEUS_MULTIPROC_DIR": str(directory), "PATH": "/usr/bin:/bin"},
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def collect(directory: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    registry = exposition.multiprocess_registry(str(directory))
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in registry.collect()
        for sample in metric.samples
    }


def test_two_processes_merge_and_a_dead_workers_gauges_are_dropped(tmp_path: Path) -> None:
    exited = run_worker(tmp_path, 3, "exit")
    assert exited.communicate(timeout=30)[0].strip() == "recorded"
    staying = run_worker(tmp_path, 4, "stay")
    try:
        assert staying.stdout is not None and staying.stdout.readline().strip() == "recorded"
        samples = collect(tmp_path)
        route = (("method", "GET"), ("route", "<unmatched>"), ("status", "200"))
        assert samples[("http_requests_total", route)] == 7
        assert samples[("gravl_swaps_total", (("action", "swap"),))] == 2
        count = (("method", "GET"), ("route", "<unmatched>"))
        assert samples[("request_duration_ms_count", count)] == 7
        # Only the live worker's pool counts; the exited one's gauge file is gone.
        assert samples[("gravl_db_pool_size", ())] == 10
        assert not list(tmp_path.glob(f"gauge_livesum_{exited.pid}.db"))
        assert exposition.dead_worker_pids(tmp_path) == set()
    finally:
        staying.communicate("\n", timeout=30)


def test_an_operator_given_directory_is_emptied_of_stale_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"stale")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv(exposition.MULTIPROC_ENV, str(tmp_path))
    with exposition.multiprocess_directory() as directory:
        assert directory == str(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_a_private_directory_needs_prometheus_client_not_yet_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # In this process prometheus_client is already imported (by the app), so a directory
    # chosen now could not switch it to multiprocess mode: serve must refuse, not lose metrics.
    monkeypatch.delenv(exposition.MULTIPROC_ENV, raising=False)
    with pytest.raises(RuntimeError, match="imported before"), exposition.multiprocess_directory():
        pass


def test_the_cli_does_not_import_prometheus_client_before_serve_sets_the_directory() -> None:
    probe = "import sys, gravl.cli; print('prometheus_client' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr
