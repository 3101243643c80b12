"""Soak: bench/run.py's mixed scenario for 15 minutes against `gravl serve --workers 2`.

    .venv/bin/python bench/soak.py                 # 15 minutes; writes the "## Soak" part of
                                                   # docs/PERFORMANCE.md and docs/images/soak.png
    .venv/bin/python bench/soak.py --minutes 2 --no-write
    .venv/bin/python bench/soak.py --cache-mb 8     # a small budget: the bound acts sooner

The server runs the production way (PostgreSQL, production mode, two workers) over bench/run.py's
seeded population; every minute is one wrk run of the mixed scenario (lifters who log a set and
read recovery and the smart workout, then read both again). Each worker's resident memory is
read from /proc every 10 s, with the caches' estimated bytes from the metrics port, so the plot
shows whether memory levels off below the bound (issue 23). Errors: wrk's non-2xx responses and
socket errors (resets, timeouts) per minute, the server's 5xx count and its worker restarts.
Needs PostgreSQL (GRAVL_TEST_POSTGRES_URL) and wrk (scripts/ensure-apt.sh wrk:wrk).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: the gravl package and the test helpers

from bench.population import Population, populate  # noqa: E402
from bench.run import (  # noqa: E402
    DOC,
    MIXED_CONNECTIONS,
    WORKERS,
    Mixed,
    Served,
    commit,
    machine,
    server_processes,
    write_log_bodies,
    write_section,
    write_tokens,
    wrk_mixed,
)
from gravl.cache import CACHE_SHARE  # noqa: E402
from tests.ops.live_server import (  # noqa: E402
    LIVE_SECRET,
    LiveServer,
    create_pg_database,
    drop_pg_database,
    gravl,
    live_server,
    scrape,
)

SECTION = "## Soak"
IMAGE = REPO / "docs" / "images" / "soak.png"
SAMPLE_S = 10  # issue 23: "RSS per worker sampled every 10 s"
MINUTE_S = 60
MB = 1024 * 1024
# deploy/k8s/base/deployment.yaml: a 512 Mi limit over `--workers 2`; the default cache budget
# is a quarter of that share (gravl.cache), and WorkerMemoryHigh fires at 80% of it.
CONTAINER_LIMIT = 512 * MB
SHARE = CONTAINER_LIMIT // WORKERS
ALERT_SHARE = 0.8
# Levelled off: the last half of the run grows each worker by less than this a minute
# (the soak grew 6.6 MB a minute without levelling off).
LEVEL_MB_PER_MINUTE = 1.0
MIN_VERDICT_MINUTES = 10
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class MemorySample:
    at_s: float
    rss_mb: dict[int, float]  # by worker pid
    cache_mb: float  # the caches' estimated bytes, summed over the workers


@dataclass
class Sampler:
    """Reads each worker's memory every ``SAMPLE_S`` seconds in a thread of its own."""

    server: LiveServer
    started: float = field(default_factory=time.monotonic)
    samples: list[MemorySample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while True:
            self.samples.append(self.sample())
            if self._stop.wait(SAMPLE_S):
                return

    def sample(self) -> MemorySample:
        import httpx

        try:
            metrics = scrape(self.server)
        except httpx.HTTPError:  # a slow scrape under load: the memory still counts
            metrics = {}
        cache = sum(value for (name, _), value in metrics.items() if name == "gravl_cache_bytes")
        return MemorySample(time.monotonic() - self.started, worker_rss_mb(self.server), cache / MB)

    def stop(self) -> None:
        self._stop.set()


def worker_rss_mb(server: LiveServer) -> dict[int, float]:
    """Each uvicorn worker's resident memory (statm's second field), in MB."""
    found = {}
    for pid in server_processes(server.process.pid):
        try:
            # Not the supervisor, nor multiprocessing's resource tracker: the spawned workers.
            if b"spawn_main" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except OSError:  # ended since it was listed
            continue
        found[pid] = pages * PAGE_BYTES / MB
    return found


@dataclass(frozen=True)
class Outcome:
    minutes: list[Mixed]
    memory: list[MemorySample]
    server_5xx: float
    restarts: float
    budget_mb: float


def soak(
    url: str, scratch: Path, population: Population, minutes: int, cache_mb: int | None
) -> Outcome:
    import httpx

    env = {} if cache_mb is None else {"GRAVL_CACHE_MAX_MB": str(cache_mb)}
    with live_server(url, scratch, workers=WORKERS, env=env) as server:
        chest = httpx.get(f"{server.api}/api/exercises?muscle=chest&limit=200", timeout=10).json()
        # Minted once, so they must outlive the run: 900 s tokens ended the 15th minute in 401s.
        lifetime_s = (minutes + 5) * 60
        tokens = write_tokens(scratch / "lifters.txt", population.lifter_ids, ttl_s=lifetime_s)
        bodies = write_log_bodies(scratch / "logs.txt", [e["id"] for e in chest["items"]])
        sampler = Sampler(server)
        thread = threading.Thread(target=sampler.run, name="soak-memory", daemon=True)
        thread.start()
        results = []
        try:
            for minute in range(1, minutes + 1):
                results.append(wrk_mixed(Served(server.api), MINUTE_S, tokens, bodies))
                last = results[-1]
                rss = ", ".join(f"{mb:.0f}" for mb in worker_rss_mb(server).values())
                print(
                    f"  minute {minute}: {last.rps:.0f} req/s, {last.failed} non-2xx, "
                    f"{last.socket_errors} socket errors, workers at {rss} MB"
                )
        finally:
            sampler.stop()
            thread.join(timeout=SAMPLE_S + 5)
        samples = scrape(server)
    return Outcome(
        results,
        sampler.samples,
        sum(v for (n, labels), v in samples.items() if n == "http_requests_total" and _5xx(labels)),
        sum(v for (n, _), v in samples.items() if n == "gravl_worker_restarts_total"),
        samples.get(("gravl_cache_budget_bytes", frozenset()), 0.0) / WORKERS / MB,
    )


def _5xx(labels: frozenset[tuple[str, str]]) -> bool:
    return dict(labels).get("status", "").startswith("5")


def slope_mb_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, per minute."""
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_m = sum(m for _, m in points) / len(points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return 0.0
    return sum((t - mean_t) * (m - mean_m) for t, m in points) / spread * MINUTE_S


def worker_series(memory: list[MemorySample]) -> dict[int, list[tuple[float, float]]]:
    series: dict[int, list[tuple[float, float]]] = {}
    for sample in memory:
        for pid, mb in sample.rss_mb.items():
            series.setdefault(pid, []).append((sample.at_s, mb))
    return series


def plot(outcome: Outcome, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (memory, latency) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    for n, (_pid, points) in enumerate(sorted(worker_series(outcome.memory).items()), start=1):
        memory.plot([t / MINUTE_S for t, _ in points], [m for _, m in points], label=f"worker {n}")
    memory.plot(
        [s.at_s / MINUTE_S for s in outcome.memory],
        [s.cache_mb / WORKERS for s in outcome.memory],
        linestyle="--",
        label="caches' estimate (per worker)",
    )
    memory.axhline(SHARE / MB, color="black", linewidth=1, label="share of 512 Mi")
    memory.axhline(SHARE * ALERT_SHARE / MB, color="red", linewidth=1, label="WorkerMemoryHigh")
    memory.set_ylim(0, SHARE / MB * 1.1)
    memory.set_ylabel("resident memory (MB)")
    # Two columns, low: clear of the workers' lines and of the caches' line under them.
    memory.legend(loc="lower left", bbox_to_anchor=(0, 0.06), ncol=2, fontsize="small")
    ends = list(range(1, len(outcome.minutes) + 1))
    for kind in outcome.minutes[0].kinds:
        latency.plot(ends, [m.kinds[kind].p95_ms for m in outcome.minutes], marker=".", label=kind)
    latency.set_ylabel("p95 per minute (ms)")
    latency.set_xlabel("minutes")
    latency.legend(loc="upper left", fontsize="small")
    figure.suptitle(f"Soak: mixed scenario, {MIXED_CONNECTIONS} connections, 2 workers")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def render(
    outcome: Outcome, population: Population, minutes: int, cache_mb: int | None, image: Path
) -> str:
    series = worker_series(outcome.memory)
    half = minutes * MINUTE_S / 2
    rows = []
    levelled = True
    for n, (_pid, points) in enumerate(sorted(series.items()), start=1):
        late = [p for p in points if p[0] >= half]
        slope = slope_mb_per_minute(late)
        levelled = levelled and slope < LEVEL_MB_PER_MINUTE
        peak = max(m for _, m in points)
        rows.append(
            f"| worker {n} | {points[0][1]:.0f} | {peak:.0f} | {points[-1][1]:.0f} | {slope:+.2f} |"
        )
    cache_end = outcome.memory[-1].cache_mb / WORKERS if outcome.memory else 0.0
    peak_all = max((m for points in series.values() for _, m in points), default=0.0)
    failed = sum(m.failed for m in outcome.minutes)
    resets = sum(m.socket_errors for m in outcome.minutes)
    requests = sum(m.requests for m in outcome.minutes)
    per_minute = [
        f"| {n} | {m.rps:.0f} | {m.failed} | {m.socket_errors} | "
        + " | ".join(f"{k.p50_ms:.0f} / {k.p99_ms:.0f}" for k in m.kinds.values())
        + " |"
        for n, m in enumerate(outcome.minutes, start=1)
    ]
    kinds = list(outcome.minutes[0].kinds)
    budget = (
        f"GRAVL_CACHE_MAX_MB={cache_mb}"
        if cache_mb is not None
        else f"no container limit here: the default, the same as 1/{CACHE_SHARE} of 512 Mi "
        "over 2 workers"
    )
    # A worker's first minutes fill its caches and pools: only a long run can tell a level.
    verdict = (
        ("yes" if levelled else "no") if minutes >= MIN_VERDICT_MINUTES else "too short to tell"
    )
    below = peak_all < SHARE * ALERT_SHARE / MB
    return "\n".join(
        [
            SECTION,
            "",
            f"`make soak` (bench/soak.py): {minutes} minutes of the mixed scenario "
            f"({MIXED_CONNECTIONS} connections, one lifter each: log a set, read recovery and "
            "the smart workout, read both again) against `gravl serve --workers 2` on PostgreSQL "
            f"in production mode, client on the same machine. Commit {commit()}; {machine()}.",
            f"Population: {len(population.lifter_ids)} lifters with a year of history; "
            f"{population.logs:,} logs, {population.sets:,} sets; each connection is one of "
            f"{MIXED_CONNECTIONS} of them, logging three sets every fifth request, so their weeks "
            f"(what the caches hold) grow all along. Cache budget {outcome.budget_mb:.0f} MB per "
            f"worker ({budget}).",
            "",
            f"![Each worker's resident memory and the p95 of each kind, per minute]"
            f"({Path(os.path.relpath(image, DOC.parent)).as_posix()})",
            "",
            "Resident memory, MB (sampled every 10 s; slope by least squares over the second "
            "half):",
            "",
            "| | first sample | peak | last | MB a minute, 2nd half |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"- Levelled off (each worker under {LEVEL_MB_PER_MINUTE:.0f} MB a minute in the "
            f"second half): **{verdict}**; peak {peak_all:.0f} MB, "
            f"{'below' if below else 'NOT below'} WorkerMemoryHigh's 80% of the "
            f"{SHARE // MB} MB share. The caches' estimate at the end: {cache_end:.1f} MB per "
            "worker.",
            f"- {requests:,} requests; {failed} non-2xx, {resets} socket errors (resets, "
            f"timeouts), {outcome.server_5xx:.0f} 5xx counted by the server, "
            f"{outcome.restarts:.0f} worker restarts.",
            "",
            "Per minute (latency p50 / p99 in ms, by kind):",
            "",
            "| minute | req/s | non-2xx | socket errors | " + " | ".join(kinds) + " |",
            "|---:|---:|---:|---:|" + "---:|" * len(kinds),
            *per_minute,
            "",
        ]
    )


def run(minutes: int, lifters: int, cache_mb: int | None, image: Path) -> str:
    name, url = create_pg_database()
    try:
        env = {"GRAVL_DATABASE_URL": url, "GRAVL_SECRET_KEY": LIVE_SECRET}
        for command in (("db", "upgrade"), ("seed",)):
            done = gravl(*command, env=env)
            if done.returncode != 0:
                raise SystemExit(done.stderr)
        print(f"seeding {lifters} lifters (1 year each)...")
        population = asyncio.run(populate(url, lifters=lifters))
        print(f"soaking for {minutes} minutes...")
        with tempfile.TemporaryDirectory() as scratch:
            outcome = soak(url, Path(scratch), population, minutes, cache_mb)
    finally:
        drop_pg_database(name)
    plot(outcome, image)
    return render(outcome, population, minutes, cache_mb, image)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=15, help="how long to soak")
    parser.add_argument("--lifters", type=int, default=200, help="lifters with a year each")
    parser.add_argument(
        "--cache-mb",
        type=int,
        help="GRAVL_CACHE_MAX_MB for the server (default: its own rule), to see the bound hold "
        "in a shorter run",
    )
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: scripts/ensure-apt.sh wrk:wrk")
    image = IMAGE if not args.no_write else Path(tempfile.gettempdir()) / "gravl-soak.png"
    report = run(args.minutes, args.lifters, args.cache_mb, image)
    print(report)
    if not args.no_write:
        write_section(report, SECTION)
        print(f"wrote {DOC.relative_to(REPO)} and {image.relative_to(REPO)}")
    else:
        print(f"plot: {image}")


if __name__ == "__main__":
    main()
