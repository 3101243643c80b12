"""Where a benchmarked endpoint's requests wait in PostgreSQL: pg_stat_activity sampled every
50 ms during one wrk run of the endpoint (2 workers, 50 connections, bench/run.py's population).

    .venv/bin/python bench/waits.py                      # POST /api/logs, 15 s
    .venv/bin/python bench/waits.py --endpoint recovery --seconds 10
    GRAVL_DB_POOL_SIZE=30 .venv/bin/python bench/waits.py  # the server takes the environment

It prints the endpoint's req/s and, per sample, how many of the database's connections were in
each (state, wait event type, wait event): lock waits show as ``Lock``, connections a worker
holds open in a transaction while it computes (or waits for its event loop) as ``idle in
transaction``. Needs PostgreSQL (GRAVL_TEST_POSTGRES_URL) and wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: the gravl package and the test helpers

from bench.run import ENDPOINTS, wrk  # noqa: E402
from bench.stage import stage  # noqa: E402

SAMPLE_S = 0.05
Key = tuple[str | None, str | None, str | None]


def sample(
    dsn: str, stop: threading.Event, counts: collections.Counter[Key], ages: list[float]
) -> int:
    """Count the other connections' states until ``stop``, and note the age of every open
    transaction seen; how many samples were taken."""
    import asyncpg

    async def run() -> int:
        taken = 0
        connection = await asyncpg.connect(dsn)
        try:
            while not stop.is_set():
                rows = await connection.fetch(
                    "SELECT state, wait_event_type, wait_event,"
                    " extract(epoch FROM clock_timestamp() - xact_start) AS age"
                    " FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                for row in rows:
                    counts[(row["state"], row["wait_event_type"], row["wait_event"])] += 1
                    if row["age"] is not None:
                        ages.append(float(row["age"]))
                taken += 1
                await asyncio.sleep(SAMPLE_S)
        finally:
            await connection.close()
        return taken

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default="POST", help="a word of the endpoint's label")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--lifters", type=int, default=200)
    args = parser.parse_args()
    endpoint = next(e for e in ENDPOINTS if args.endpoint in e.label)
    with stage(lifters=args.lifters, workers=2) as staged:
        server, tokens, bodies = staged.server, staged.tokens, staged.bodies
        wrk(server, endpoint, 3, tokens, bodies)  # warm the pools and caches
        counts: collections.Counter[Key] = collections.Counter()
        stop = threading.Event()
        taken: list[int] = []
        ages: list[float] = []
        dsn = staged.url.replace("postgresql+asyncpg", "postgresql")
        thread = threading.Thread(target=lambda: taken.append(sample(dsn, stop, counts, ages)))
        thread.start()
        result = wrk(server, endpoint, args.seconds, tokens, bodies)
        stop.set()
        thread.join()
    print(f"{endpoint.label}: {result.rps:.0f} req/s")
    if ages:
        # An open transaction is seen, on average, halfway through: its mean age is about half
        # the mean time a transaction stays open.
        ages.sort()
        mean = sum(ages) / len(ages)
        median = ages[len(ages) // 2]
        print(f"  open transactions: mean age {mean * 1000:.0f} ms, median {median * 1000:.0f} ms")
    for key, seen in counts.most_common(12):
        print(f"  {seen / max(taken[0], 1):6.2f} connections per sample  {key}")


if __name__ == "__main__":
    main()
