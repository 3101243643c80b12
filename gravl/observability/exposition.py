"""Serving every worker's metrics on the metrics port, from the ``gravl serve`` process.

Kept apart from ``gravl.observability.metrics`` on purpose: prometheus-client picks
multiprocess mode when it is first imported, so ``serve`` must set ``PROMETHEUS_MULTIPROC_DIR``
(``multiprocess_directory``) before anything imports it. This module imports it only inside
``metrics_server``, after the directory is set.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

_LIVE_GAUGE_FILE = re.compile(r"^gauge_live[a-z]+_(?P<pid>\d+)\.db$")


@contextmanager
def multiprocess_directory() -> Iterator[str]:
    """Provide ``PROMETHEUS_MULTIPROC_DIR`` to this process and the workers it starts.

    An operator-given directory (Kubernetes mounts an emptyDir, which survives container
    restarts) is emptied of the previous run's files, as prometheus-client requires; without
    one, a private temporary directory is made and removed afterwards.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        yield str(directory)
        return
    if "prometheus_client" in sys.modules:
        # This process's metrics would silently stay in memory, invisible to the scrape.
        raise RuntimeError(f"prometheus_client was imported before {MULTIPROC_ENV} was set")
    created = tempfile.mkdtemp(prefix="gravl-metrics-")
    os.environ[MULTIPROC_ENV] = created
    try:
        yield created
    finally:
        del os.environ[MULTIPROC_ENV]
        shutil.rmtree(created, ignore_errors=True)


@contextmanager
def metrics_server(host: str, port: int, directory: str) -> Iterator[None]:
    """Serve the merged metrics of every worker at ``http://host:port/metrics``."""
    from prometheus_client import start_http_server

    server, thread = start_http_server(port, addr=host, registry=multiprocess_registry(directory))
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def multiprocess_registry(directory: str) -> CollectorRegistry:
    """A registry that merges the files of ``directory``, forgetting dead workers' gauges.

    uvicorn restarts a crashed worker under a new pid; the dead one's pool gauges would
    otherwise keep adding to the "livesum". Its counters stay, since counts never go backwards.
    """
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

    # prometheus_client.multiprocess has no annotations, hence the ignores.
    class LiveWorkersCollector(MultiProcessCollector):
        def collect(self):  # type: ignore[no-untyped-def]
            for pid in dead_worker_pids(Path(directory)):
                mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]
            return super().collect()  # type: ignore[no-untyped-call]

    registry = CollectorRegistry()
    LiveWorkersCollector(registry, directory)  # type: ignore[no-untyped-call]
    return registry


def dead_worker_pids(directory: Path) -> set[int]:
    """Pids that left live-gauge files in ``directory`` but no longer run."""
    pids = set()
    for path in directory.glob("gauge_live*.db"):
        match = _LIVE_GAUGE_FILE.match(path.name)
        if match is not None and not _alive(int(match["pid"])):
            pids.add(int(match["pid"]))
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists but belongs to another user
        return True
    return True
