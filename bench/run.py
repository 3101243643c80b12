"""HTTP benchmark: seed a realistic population, serve Gravl, measure each hot endpoint with wrk.

    .venv/bin/python bench/run.py            # writes the "## HTTP benchmark" part of
                                             # docs/PERFORMANCE.md
    .venv/bin/python bench/run.py --no-write # print only

Every figure is measured in the same run as the framework ceiling (GET /api/health: the same
middleware stack, no database) and reported as a share of it, so results compare across
machines. Needs PostgreSQL (GRAVL_TEST_POSTGRES_URL) and wrk (scripts/ensure-apt.sh wrk:wrk).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run as a script: the gravl package and the test helpers

from bench.population import Population, populate, session_of  # noqa: E402
from gravl.auth.security import create_access_token  # noqa: E402
from gravl.config import Settings  # noqa: E402
from tests.ops.live_server import (  # noqa: E402
    LIVE_SECRET,
    LiveServer,
    create_pg_database,
    drop_pg_database,
    gravl,
    live_server,
)

LUA = REPO / "bench" / "wrk" / "request.lua"
DOC = REPO / "docs" / "PERFORMANCE.md"
SECTION = "## HTTP benchmark"
CONNECTIONS = 50  # issue 9: "at 50 concurrent clients"
THREADS = 2  # one per core of the 2-core reference machine
WORKERS = 2


@dataclass(frozen=True)
class Endpoint:
    label: str
    method: str
    path: str
    target_share: float | None  # issue 9's throughput target, as a share of the ceiling


ENDPOINTS = [
    Endpoint("ceiling: GET /api/health", "GET", "/api/health", None),
    Endpoint("GET /api/exercises?muscle=chest", "GET", "/api/exercises?muscle=chest", 0.40),
    Endpoint("POST /api/logs", "POST", "/api/logs", 0.15),
    Endpoint("GET /api/recovery/muscle-groups", "GET", "/api/recovery/muscle-groups", 0.35),
    Endpoint(
        "GET /api/recommendations/smart-workout", "GET", "/api/recommendations/smart-workout", 0.25
    ),
]
P99_TARGET_MS = 50
WARM_UP_S = 3
HISTORY_RATIO_TARGET = 1.3
RSS_TARGET_MB = 200


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def wrk(server: LiveServer, endpoint: Endpoint, seconds: int, tokens: Path, bodies: Path) -> Result:
    """One wrk run at ``CONNECTIONS`` concurrent clients."""
    wants_token = endpoint.path.startswith(("/api/logs", "/api/recovery", "/api/recommend"))
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA), server.api, "--", endpoint.method, endpoint.path]
    command += [
        str(tokens) if wants_token else "-",
        str(bodies) if endpoint.method == "POST" else "-",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    raw = json.loads(line.removeprefix("WRK_JSON "))
    return Result(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        non_2xx=raw["non_2xx"],
        socket_errors=raw["socket_errors"],
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
    )


def write_tokens(path: Path, user_ids: list[int]) -> Path:
    settings = Settings(env="test", database_url="sqlite+aiosqlite://", secret_key=LIVE_SECRET)
    tokens = (create_access_token(settings, i, session_of(i)) for i in user_ids)
    path.write_text("\n".join(tokens) + "\n")
    return path


def write_log_bodies(path: Path, exercise_ids: list[int]) -> Path:
    """A few hundred different, ordinary log bodies: three working sets of one exercise."""
    bodies = []
    for n, exercise_id in enumerate(exercise_ids * 4):
        load = 40 + (n % 12) * 5
        sets = [
            {"reps": 8 - i, "weight_kg": load, "rpe": 7 + i, "set_type": "normal"} for i in range(3)
        ]
        bodies.append(json.dumps({"exercise_id": exercise_id, "sets": sets}, separators=(",", ":")))
    path.write_text("\n".join(bodies) + "\n")
    return path


def server_processes(root: int) -> list[int]:
    """The server's process and every descendant (the uvicorn workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def peak_rss_mb(pid: int) -> tuple[str, float]:
    """A process's command line and its peak resident set (VmHWM) in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return cmdline.strip(), peak / 1024


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
    return (
        f"{os.cpu_count()} CPUs ({model}), {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def run(seconds: int, lifters: int) -> str:
    started = time.monotonic()
    name, url = create_pg_database()
    try:
        env = {"GRAVL_DATABASE_URL": url, "GRAVL_SECRET_KEY": LIVE_SECRET}
        for command in (("db", "upgrade"), ("seed",)):
            done = gravl(*command, env=env)
            if done.returncode != 0:
                raise SystemExit(done.stderr)
        print(f"seeding {lifters} lifters (1 year each), a 5-year veteran, a newcomer...")
        population = asyncio.run(populate(url, lifters=lifters))
        seeded_s = time.monotonic() - started
        print(f"  {population.logs} logs, {population.sets} sets in {seeded_s:.0f} s")
        with (
            tempfile.TemporaryDirectory() as scratch,
            live_server(url, Path(scratch), workers=WORKERS) as server,
        ):
            report = measure(server, Path(scratch), population, seconds)
    finally:
        drop_pg_database(name)
    return report + f"\nWhole run (seeding included): {time.monotonic() - started:.0f} s.\n"


def measure(server: LiveServer, scratch: Path, population: Population, seconds: int) -> str:
    import httpx

    chest = httpx.get(f"{server.api}/api/exercises?muscle=chest&limit=200", timeout=10).json()
    everyone = write_tokens(scratch / "lifters.txt", population.lifter_ids)
    bodies = write_log_bodies(scratch / "logs.txt", [e["id"] for e in chest["items"]])
    results: dict[str, Result] = {}
    for endpoint in ENDPOINTS:
        # Discarded: pools open, per-worker caches load (the logs run before the reads has
        # changed every lifter's data), then the measured run sees the steady state.
        wrk(server, endpoint, WARM_UP_S, everyone, bodies)
        results[endpoint.label] = wrk(server, endpoint, seconds, everyone, bodies)
        print(f"  {endpoint.label}: {results[endpoint.label].rps:.0f} req/s")
    ceiling = results[ENDPOINTS[0].label].rps

    history: dict[tuple[str, str], Result] = {}
    lifter_tokens = {
        "newcomer": write_tokens(scratch / "newcomer.txt", [population.newcomer_id]),
        "5-year": write_tokens(scratch / "veteran.txt", [population.veteran_id]),
    }
    for endpoint in ENDPOINTS[3:]:
        for who, tokens in lifter_tokens.items():
            wrk(server, endpoint, WARM_UP_S, tokens, bodies)
            history[(endpoint.label, who)] = wrk(
                server, endpoint, max(5, seconds // 2), tokens, bodies
            )

    rss = [peak_rss_mb(pid) for pid in server_processes(server.process.pid)]
    return render(results, ceiling, history, rss, population, seconds)


def render(
    results: dict[str, Result],
    ceiling: float,
    history: dict[tuple[str, str], Result],
    rss: list[tuple[str, float]],
    population: Population,
    seconds: int,
) -> str:
    def verdict(ok: bool) -> str:
        return "meets" if ok else "**misses**"

    lines = [
        SECTION,
        "",
        "Generated by `make bench` (`bench/run.py`); do not edit by hand.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit()}`",
        f"- Machine: {machine()}",
        f"- Server: `gravl serve --workers {WORKERS}` on PostgreSQL, JSON access log on; "
        f"load: wrk, {THREADS} threads, {CONNECTIONS} connections, {seconds} s per endpoint "
        f"after a {WARM_UP_S} s warm-up run whose numbers are discarded, "
        "on the same cores as the server",
        f"- Population: {len(population.lifter_ids)} lifters with a year of program history, "
        f"one with five years, one a week in; {population.logs:,} logs, {population.sets:,} "
        "sets. Authenticated requests rotate over the year-long lifters' tokens.",
        "",
        "| endpoint | req/s | share of ceiling | target | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for endpoint in ENDPOINTS:
        r = results[endpoint.label]
        share = r.rps / ceiling
        if endpoint.target_share is None:
            target = "—"
        else:
            target = f"≥ {endpoint.target_share:.0%}: {verdict(share >= endpoint.target_share)}"
        lines.append(
            f"| {endpoint.label} | {r.rps:,.0f} | {share:.0%} | {target} | {r.p50_ms:.1f} "
            f"| {r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.non_2xx + r.socket_errors} |"
        )
    worst_p99 = max(r.p99_ms for r in results.values())
    lines += [
        "",
        f"p99 target < {P99_TARGET_MS} ms at {CONNECTIONS} clients: worst {worst_p99:.1f} ms, "
        f"{verdict(worst_p99 < P99_TARGET_MS)}.",
        "",
        "### History length: the 5-year lifter against a newcomer",
        "",
        f"Each lifter alone, {CONNECTIONS} connections. Target: 5-year ≤ {HISTORY_RATIO_TARGET}× "
        "newcomer.",
        "",
        "| endpoint | newcomer p50 / p99 ms | 5-year p50 / p99 ms | ratio p50 | ratio p99 | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for endpoint in ENDPOINTS[3:]:
        new, old = history[(endpoint.label, "newcomer")], history[(endpoint.label, "5-year")]
        ratio50, ratio99 = old.p50_ms / new.p50_ms, old.p99_ms / new.p99_ms
        ok = max(ratio50, ratio99) <= HISTORY_RATIO_TARGET
        lines.append(
            f"| {endpoint.label} | {new.p50_ms:.1f} / {new.p99_ms:.1f} | {old.p50_ms:.1f} / "
            f"{old.p99_ms:.1f} | {ratio50:.2f}× | {ratio99:.2f}× | {verdict(ok)} |"
        )
    lines += [
        "",
        "### Peak memory",
        "",
        f"Peak resident set (VmHWM) after the run; target < {RSS_TARGET_MB} MB per worker.",
        "",
        "| process | peak RSS MB |",
        "|---|---:|",
    ]
    for cmdline, mb in rss:
        lines.append(f"| `{_short(cmdline)}` | {mb:.0f} |")
    return "\n".join(lines) + "\n"


def _short(cmdline: str) -> str:
    if "multiprocessing" in cmdline or "spawn_main" in cmdline:
        return "uvicorn worker"
    return cmdline[:60]


def write_section(text: str) -> None:
    """Replace this harness's section of docs/PERFORMANCE.md, keeping every other section."""
    current = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    DOC.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration per endpoint")
    parser.add_argument("--lifters", type=int, default=200, help="lifters with a year each")
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: scripts/ensure-apt.sh wrk:wrk")
    report = run(args.seconds, args.lifters)
    print(report)
    if not args.no_write:
        write_section(report)
        print(f"wrote {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
