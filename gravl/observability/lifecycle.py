"""Running uvicorn for ``gravl serve``: its supervisor, plus how each worker started and ended.

uvicorn's supervisor logs "Child process [pid] died" but not how it died, and counts nothing;
an OOM kill (SIGKILL) would pass unnoticed. ``Supervisor`` keeps uvicorn's behaviour and adds a
JSON line per worker started, replaced and stopped, and ``gravl_worker_restarts_total``.

Import this module only once ``PROMETHEUS_MULTIPROC_DIR`` is set (inside
``gravl.observability.exposition.multiprocess_directory``): the counter lives in the supervisor
process, and prometheus-client chooses its multiprocess mode on first import.
"""

from __future__ import annotations

import contextlib
import signal
import sys

import structlog
import uvicorn
from prometheus_client import Counter
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = structlog.get_logger("gravl.lifecycle")

WORKER_RESTARTS = Counter(
    "gravl_worker_restarts",
    "Workers the supervisor replaced after they died or stopped answering its health check.",
)


def run_server(config: uvicorn.Config) -> None:
    """Serve ``config`` as ``uvicorn.run`` does, under ``Supervisor`` when it has workers."""
    if config.workers > 1:
        Supervisor(config, sockets=[config.bind_socket()]).run()
        return
    server = uvicorn.Server(config)
    # uvicorn re-raises the SIGINT it handled once it has shut down.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class Supervisor(Multiprocess):
    """uvicorn's worker supervisor, saying which worker ended how, and counting replacements."""

    def init_processes(self) -> None:
        super().init_processes()
        for process in self.processes:
            log.info("worker started", pid=process.pid)

    def keep_subprocess_alive(self) -> None:
        before = list(self.processes)
        # A worker still running now but replaced below failed the health check and was killed
        # by the supervisor; the others exited on their own (or the kernel killed them).
        running = {process.pid for process in before if process.process.is_alive()}
        super().keep_subprocess_alive()
        for old, new in zip(before, self.processes, strict=False):
            if new is not old:
                cause = "unresponsive" if old.pid in running else "exited"
                log.warning("worker died", pid=old.pid, cause=cause, **exit_status(old))
                WORKER_RESTARTS.inc()
                log.info("worker started", pid=new.pid, replaces=old.pid)

    def join_all(self) -> None:
        super().join_all()
        for process in self.processes:
            log.info("worker stopped", pid=process.pid, **exit_status(process))


def exit_status(process: Process) -> dict[str, int | str | None]:
    """The exit code of a finished worker and, when a signal ended it, the signal's name."""
    code = process.exitcode
    if code is None or code >= 0:
        return {"exitcode": code, "signal": None}
    try:
        name = signal.Signals(-code).name
    except ValueError:  # a signal without a name in this Python (a real-time one)
        name = f"signal {-code}"
    return {"exitcode": code, "signal": name}
