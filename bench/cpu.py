"""CPU milliseconds the Gravl workers, and PostgreSQL, spend per request, per hot endpoint.

    .venv/bin/python bench/cpu.py [--seconds 5] [--lifters 30]

Throughput on a shared machine swings with whatever else runs on the cores; the CPU time the
server's own processes spend per request barely does, so this is the number to compare before
and after a change. ``ceiling / endpoint`` is the share of the ceiling an endpoint could reach
if the workers were the only cost. PostgreSQL's CPU per request comes on top: it runs on the
same cores in the benchmarks, so a change that moves work into the database shows there (every
``postgres`` process of the machine is counted, its background workers included).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: the gravl package and the test helpers

from bench.run import ENDPOINTS, server_processes, wrk  # noqa: E402
from bench.stage import stage  # noqa: E402

TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_of(pids: list[int]) -> dict[int, float]:
    """User plus system CPU seconds of each of the given processes still alive."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended since it was listed
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICKS_PER_S  # utime, stime
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time of the given processes so far."""
    return sum(cpu_of(pids).values())


def postgres_pids() -> list[int]:
    """Every PostgreSQL process: the postmaster, its backends and background workers."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() == "postgres":
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def postgres_cpu_since(before: dict[int, float]) -> float:
    """PostgreSQL's CPU seconds since ``before`` (a backend started since counts in full; one
    that ended since is lost, which the pools' long-lived connections make rare)."""
    now = cpu_of(postgres_pids())
    return sum(spent - before.get(pid, 0.0) for pid, spent in now.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--lifters", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pool-size", type=int, help="GRAVL_DB_POOL_SIZE (default: the app's)")
    args = parser.parse_args()
    server_env = {"GRAVL_DB_POOL_SIZE": str(args.pool_size)} if args.pool_size else None
    with stage(lifters=args.lifters, workers=args.workers, env=server_env) as staged:
        server, tokens, bodies = staged.server, staged.tokens, staged.bodies
        pids = server_processes(server.process.pid)
        wrk(server, ENDPOINTS[-1], 2, tokens, bodies)  # warm caches and pools
        ceiling_ms = None
        for endpoint in ENDPOINTS:
            before, before_pg = cpu_seconds(pids), cpu_of(postgres_pids())
            result = wrk(server, endpoint, args.seconds, tokens, bodies)
            requests = max(result.requests, 1)
            per_request_ms = 1000 * (cpu_seconds(pids) - before) / requests
            database_ms = 1000 * postgres_cpu_since(before_pg) / requests
            ceiling_ms = ceiling_ms or per_request_ms
            print(
                f"{endpoint.label:45s} {per_request_ms:6.2f} ms CPU/request"
                f"  + PostgreSQL {database_ms:5.2f} ms"
                f"  ceiling/endpoint {ceiling_ms / per_request_ms:6.1%}"
                f"  ({result.rps:.0f} req/s)"
            )


if __name__ == "__main__":
    main()
