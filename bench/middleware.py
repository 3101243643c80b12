"""The middleware tax, piece by piece: CPU per request of each layer, in one process.

    .venv/bin/python bench/middleware.py [--requests 20000]

Drives the ASGI application directly (no server, no sockets) with ``GET /api/health`` and
times the bare FastAPI app of ``bench/ceiling.py``, then Gravl's app with its own middleware
added one layer at a time, so each layer's cost is the difference between two rows measured
seconds apart in the same process. ``bench/run.py`` puts the table in docs/PERFORMANCE.md.
The access log goes to /dev/null: the write is counted, the disk is not.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SECTION = "## The middleware tax"
ROUNDS = 7  # the median of several rounds, alternating variants, smooths a shared machine


def scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"user-agent", b"wrk"),
            (b"accept", b"*/*"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def drive(app: Callable[..., Any], path: str, requests: int) -> float:
    """CPU microseconds per request over ``requests`` sequential requests."""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise SystemExit(f"{path} answered {message['status']}")

    started = time.process_time()
    for _ in range(requests):
        await app(scope(path), receive, send)
    return (time.process_time() - started) / requests * 1e6


def gravl_app() -> Any:
    from gravl.app import create_app
    from gravl.config import Settings

    return create_app(Settings(env="test", database_url="sqlite+aiosqlite://", secret_key="x" * 40))


def gravl_with(middleware: int, **gravl_middleware: Any) -> Any:
    """Gravl's app with only its innermost ``middleware`` user middleware, GravlMiddleware's
    keyword arguments overridden by ``gravl_middleware``."""
    from starlette.middleware import Middleware

    app = gravl_app()
    kept = []
    # user_middleware lists the outermost first; keep the innermost ``middleware`` of them.
    for entry in app.user_middleware[len(app.user_middleware) - middleware :]:
        if entry.cls.__name__ == "GravlMiddleware":
            entry = Middleware(entry.cls, *entry.args, **{**entry.kwargs, **gravl_middleware})
        kept.append(entry)
    app.user_middleware = kept
    app.middleware_stack = None
    return app


def variants() -> list[tuple[str, Any]]:
    from bench.ceiling import app as bare

    names = [m.cls.__name__ for m in reversed(gravl_app().user_middleware)]  # innermost first
    found: list[tuple[str, Any]] = [("bare FastAPI (bench/ceiling.py)", bare)]
    found.append(("Gravl's app, routes and error handlers, no middleware", gravl_with(0)))
    for n, name in enumerate(names, start=1):
        if name == "GravlMiddleware":
            # Its three parts one at a time: headers, request id and body limit; the metrics;
            # the access line.
            found.append(
                (
                    f"+ {name}: headers, request id, limits",
                    gravl_with(n, observe=None, access_log=None),
                )
            )
            found.append((f"+ {name}: metrics", gravl_with(n, access_log=None)))
            found.append((f"+ {name}: access line", gravl_with(n)))
        else:
            found.append((f"+ {name}", gravl_with(n)))
    return found


def measure(requests: int) -> list[tuple[str, float]]:
    stacks = variants()
    # As gravl/asgi.py does in a worker: what exists at start-up is frozen out of the cyclic
    # collector's sight. Without it, every app built here lengthens the full collections that
    # the later rows' requests trigger, and the rows drift apart by tens of microseconds.
    gc.collect()
    gc.freeze()
    samples: dict[str, list[float]] = {label: [] for label, _ in stacks}
    loop = asyncio.new_event_loop()
    for _, app in stacks:  # warm-up: first-request work (stack build, caches)
        loop.run_until_complete(drive(app, "/api/health", 500))
    for _ in range(ROUNDS):
        for label, app in stacks:
            samples[label].append(loop.run_until_complete(drive(app, "/api/health", requests)))
    loop.close()
    return [(label, sorted(values)[len(values) // 2]) for label, values in samples.items()]


def render(rows: list[tuple[str, float]]) -> str:
    lines = ["| stack | µs of CPU per request | added by the layer |", "|---|---:|---:|"]
    previous: float | None = None
    for label, micros in rows:
        added = "—" if previous is None else f"{micros - previous:+.1f}"
        lines.append(f"| {label} | {micros:.1f} | {added} |")
        previous = micros
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--write", action="store_true", help="write docs/PERFORMANCE.md's section")
    args = parser.parse_args()
    # As under `gravl serve`: every worker's metrics in memory-mapped files.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="gravl-bench-"))
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    real_stdout, sys.stdout = sys.stdout, devnull
    try:
        rows = measure(args.requests)
    finally:
        sys.stdout = real_stdout
    table = render(rows)
    print(table)
    if args.write:
        from bench.run import commit, machine, write_section

        write_section(
            "\n".join(
                [
                    SECTION,
                    "",
                    "Generated by `make bench` (`bench/middleware.py`); do not edit by hand. "
                    f"Commit `{commit()}`, {machine()}.",
                    "",
                    "CPU per `GET /api/health` with the ASGI app called directly "
                    f"({args.requests:,} "
                    f"requests a round, the median of {ROUNDS} rounds, the stacks alternating), "
                    "each row adding one layer to the row above, prometheus-client in "
                    "multiprocess mode and the access line written to /dev/null as under "
                    "`gravl serve`. The server's own share (uvicorn's HTTP parsing, the event "
                    "loop, the socket) comes on top of every row alike.",
                    "",
                    table,
                    "",
                ]
            ),
            SECTION,
        )


if __name__ == "__main__":
    main()
