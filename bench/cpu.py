"""CPU milliseconds the Gravl workers spend per request, per hot endpoint.

    .venv/bin/python bench/cpu.py [--seconds 5] [--lifters 30]

Throughput on a shared machine swings with whatever else runs on the cores; the CPU time the
server's own processes spend per request barely does, so this is the number to compare before
and after a change. ``ceiling / endpoint`` is the share of the ceiling an endpoint could reach
if the workers were the only cost (PostgreSQL's own CPU comes on top).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: the gravl package and the test helpers

from bench.population import populate  # noqa: E402
from bench.run import (  # noqa: E402
    ENDPOINTS,
    server_processes,
    write_log_bodies,
    write_tokens,
    wrk,
)
from tests.ops.live_server import (  # noqa: E402
    LIVE_SECRET,
    create_pg_database,
    drop_pg_database,
    gravl,
    live_server,
)

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of the given processes so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (proc(5), fields 14-15)
    return total / TICKS_PER_S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--lifters", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pool-size", type=int, help="GRAVL_DB_POOL_SIZE (default: the app's)")
    args = parser.parse_args()
    name, url = create_pg_database()
    try:
        env = {"GRAVL_DATABASE_URL": url, "GRAVL_SECRET_KEY": LIVE_SECRET}
        for command in (("db", "upgrade"), ("seed",)):
            if gravl(*command, env=env).returncode != 0:
                raise SystemExit(f"gravl {' '.join(command)} failed")
        population = asyncio.run(populate(url, lifters=args.lifters))
        server_env = {"GRAVL_DB_POOL_SIZE": str(args.pool_size)} if args.pool_size else None
        with (
            tempfile.TemporaryDirectory() as scratch,
            live_server(url, Path(scratch), workers=args.workers, env=server_env) as server,
        ):
            import httpx

            chest = httpx.get(f"{server.api}/api/exercises?muscle=chest&limit=200", timeout=10)
            tokens = write_tokens(Path(scratch) / "lifters.txt", population.lifter_ids)
            bodies = write_log_bodies(
                Path(scratch) / "logs.txt", [e["id"] for e in chest.json()["items"]]
            )
            pids = server_processes(server.process.pid)
            wrk(server, ENDPOINTS[-1], 2, tokens, bodies)  # warm caches and pools
            ceiling_ms = None
            for endpoint in ENDPOINTS:
                before = cpu_seconds(pids)
                result = wrk(server, endpoint, args.seconds, tokens, bodies)
                per_request_ms = 1000 * (cpu_seconds(pids) - before) / max(result.requests, 1)
                ceiling_ms = ceiling_ms or per_request_ms
                print(
                    f"{endpoint.label:45s} {per_request_ms:6.2f} ms CPU/request"
                    f"  ceiling/endpoint {ceiling_ms / per_request_ms:6.1%}"
                    f"  ({result.rps:.0f} req/s)"
                )
    finally:
        drop_pg_database(name)


if __name__ == "__main__":
    main()
