"""HTTP benchmark: seed a realistic population, serve Gravl, measure each hot endpoint with wrk.

    .venv/bin/python bench/run.py            # writes the "## HTTP benchmark" part of
                                             # docs/PERFORMANCE.md
    .venv/bin/python bench/run.py --no-write # print only

Every figure is measured in the same run as the framework ceiling, a bare FastAPI app answering
constant JSON (bench/ceiling.py) served the way `gravl serve` serves Gravl (same uvicorn, worker
count and options), and reported as a share of it, so results compare across machines and the
cost of Gravl's own middleware shows (Gravl's GET /api/health is a row of its own). The ceiling
is measured first and last and the mean taken, since the machine's load drifts. Then a mixed
scenario: lifters who log a set and read recovery and the smart workout right after, then
again (cached). Needs PostgreSQL (GRAVL_TEST_POSTGRES_URL) and wrk (scripts/ensure-apt.sh
wrk:wrk).
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    create_pg_database,
    drop_pg_database,
    free_port,
    gravl,
    live_server,
)

LUA = REPO / "bench" / "wrk" / "request.lua"
MIXED_LUA = REPO / "bench" / "wrk" / "mixed.lua"
DOC = REPO / "docs" / "PERFORMANCE.md"
SECTION = "## HTTP benchmark"
CONNECTIONS = 50  # issue 9: "at 50 concurrent clients"
THREADS = 2  # one per core of the 2-core reference machine
WORKERS = 2


@dataclass(frozen=True)
class Served:
    """Where a server answers (``LiveServer`` has the same attribute)."""

    api: str


@dataclass(frozen=True)
class Endpoint:
    label: str
    method: str
    path: str
    target_share: float | None  # issue 21's throughput target, as a share of the ceiling
    token: bool = True  # requests rotate over the lifters' bearer tokens
    p99_target_ms: float = 50  # issue 21: < 50 ms for reads, < 100 ms for writes


CEILING = Endpoint("ceiling: bare FastAPI, constant JSON", "GET", "/api/health", None, token=False)
ENDPOINTS = [
    Endpoint("Gravl GET /api/health", "GET", "/api/health", 0.80, token=False),
    Endpoint(
        "GET /api/exercises?muscle=chest, anonymous",
        "GET",
        "/api/exercises?muscle=chest",
        0.40,
        token=False,
    ),
    Endpoint(
        "GET /api/exercises?muscle=chest, with a token", "GET", "/api/exercises?muscle=chest", 0.30
    ),
    # Before the reads: the logs change every lifter's data, so the reads' warm-up runs
    # reload each lifter's cache and the measured runs see the steady state.
    Endpoint("POST /api/logs (3 sets)", "POST", "/api/logs", 0.06, p99_target_ms=100),
    Endpoint("GET /api/logs (first page of 50)", "GET", "/api/logs", 0.06),
    Endpoint(
        "GET /api/recovery/muscle-groups (cached)", "GET", "/api/recovery/muscle-groups", 0.35
    ),
    Endpoint(
        "GET /api/recommendations/smart-workout (cached)",
        "GET",
        "/api/recommendations/smart-workout",
        0.35,
    ),
]
# Compared between the 5-year lifter and the newcomer. Not the log list: its first page is 50
# logs for the veteran and a week's few for the newcomer, and a page is found by an index on
# (lifter, time) whatever lies beyond it.
HISTORY_ENDPOINTS = [e for e in ENDPOINTS if e.path.startswith(("/api/recovery", "/api/recom"))]
WARM_UP_S = 3
HISTORY_RATIO_TARGET = 1.2
RSS_TARGET_MB = 150
# The mixed scenario: its kinds (bench/wrk/mixed.lua) and issue 21's target for the read
# right after a write, as a share of the ceiling.
MIXED_CONNECTIONS = 50
AFTER_WRITE_TARGET_SHARE = 0.15


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


def wrk(server: Served, endpoint: Endpoint, seconds: int, tokens: Path, bodies: Path) -> Result:
    """One wrk run at ``CONNECTIONS`` concurrent clients."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA), server.api, "--", endpoint.method, endpoint.path]
    command += [
        str(tokens) if endpoint.token else "-",
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


@dataclass(frozen=True)
class Kind:
    """One kind of request in the mixed scenario, timed by bench/wrk/mixed.lua."""

    label: str
    requests: int
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass(frozen=True)
class Mixed:
    requests: int
    seconds: float
    failed: int
    socket_errors: int
    kinds: dict[str, Kind]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def wrk_mixed(server: Served, seconds: int, tokens: Path, bodies: Path) -> Mixed:
    """The mixed scenario: one lifter per connection (and per wrk thread, so each lifter's
    requests follow one another)."""
    n = MIXED_CONNECTIONS
    command = ["wrk", f"-t{n}", f"-c{n}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(MIXED_LUA), server.api, "--", str(tokens), str(bodies)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    summary: dict[str, int] = {}
    kinds: dict[str, Kind] = {}
    for line in done.stdout.splitlines():
        if line.startswith("WRK_MIXED_SUMMARY "):
            summary = json.loads(line.removeprefix("WRK_MIXED_SUMMARY "))
        elif line.startswith("WRK_MIXED "):
            raw = json.loads(line.removeprefix("WRK_MIXED "))
            kinds[raw["kind"]] = Kind(
                raw["kind"],
                raw["requests"],
                raw["mean_us"] / 1000,
                raw["p50_us"] / 1000,
                raw["p95_us"] / 1000,
                raw["p99_us"] / 1000,
            )
    return Mixed(
        summary["requests"],
        summary["duration_us"] / 1e6,
        summary["failed"],
        summary["socket_errors"],
        kinds,
    )


@contextmanager
def ceiling_server() -> Iterator[Served]:
    """bench/ceiling.py under uvicorn with `gravl serve`'s options (gravl/cli.py): the same
    worker count, event loop and HTTP parser (uvicorn's defaults: uvloop, httptools), no
    access log, no proxy headers, no server header."""
    import httpx

    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.ceiling:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(WORKERS), "--log-level", "warning"]
    command += ["--no-access-log", "--no-proxy-headers", "--no-server-header"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    served = Served(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{served.api}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        process.wait(timeout=20)


def write_tokens(path: Path, user_ids: list[int], ttl_s: int = 900) -> Path:
    """One access token per lifter, valid for ``ttl_s`` seconds (a run longer than the server's
    default token lifetime, such as the soak, asks for tokens that outlive it)."""
    settings = Settings(
        env="test",
        database_url="sqlite+aiosqlite://",
        secret_key=LIVE_SECRET,
        access_token_ttl_s=ttl_s,
    )
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
        with tempfile.TemporaryDirectory() as scratch:
            report = measure(url, Path(scratch), population, seconds)
    finally:
        drop_pg_database(name)
    return report + f"\nWhole run (seeding included): {time.monotonic() - started:.0f} s.\n"


def measure_ceiling(seconds: int, scratch: Path) -> Result:
    with ceiling_server() as bare:
        wrk(bare, CEILING, WARM_UP_S, scratch, scratch)
        result = wrk(bare, CEILING, seconds, scratch, scratch)
    print(f"  {CEILING.label}: {result.rps:.0f} req/s")
    return result


def measure(url: str, scratch: Path, population: Population, seconds: int) -> str:
    import httpx

    ceilings = [measure_ceiling(seconds, scratch)]
    with live_server(url, scratch, workers=WORKERS) as server:
        chest = httpx.get(f"{server.api}/api/exercises?muscle=chest&limit=200", timeout=10).json()
        everyone = write_tokens(scratch / "lifters.txt", population.lifter_ids)
        bodies = write_log_bodies(scratch / "logs.txt", [e["id"] for e in chest["items"]])
        results: dict[str, Result] = {}
        for endpoint in ENDPOINTS:
            # Discarded: pools open, per-worker caches load, then the measured run sees the
            # steady state.
            wrk(server, endpoint, WARM_UP_S, everyone, bodies)
            results[endpoint.label] = wrk(server, endpoint, seconds, everyone, bodies)
            print(f"  {endpoint.label}: {results[endpoint.label].rps:.0f} req/s")

        wrk_mixed(server, WARM_UP_S, everyone, bodies)
        mixed = wrk_mixed(server, seconds, everyone, bodies)
        print(f"  mixed scenario: {mixed.rps:.0f} req/s")

        history: dict[tuple[str, str], Result] = {}
        lifter_tokens = {
            "newcomer": write_tokens(scratch / "newcomer.txt", [population.newcomer_id]),
            "5-year": write_tokens(scratch / "veteran.txt", [population.veteran_id]),
        }
        for endpoint in HISTORY_ENDPOINTS:
            for who, tokens in lifter_tokens.items():
                wrk(server, endpoint, WARM_UP_S, tokens, bodies)
                history[(endpoint.label, who)] = wrk(
                    server, endpoint, max(5, seconds // 2), tokens, bodies
                )
        rss = [peak_rss_mb(pid) for pid in server_processes(server.process.pid)]
    ceilings.append(measure_ceiling(seconds, scratch))
    return render(results, ceilings, mixed, history, rss, population, seconds)


def render(
    results: dict[str, Result],
    ceilings: list[Result],
    mixed: Mixed,
    history: dict[tuple[str, str], Result],
    rss: list[tuple[str, float]],
    population: Population,
    seconds: int,
) -> str:
    def verdict(ok: bool) -> str:
        return "meets" if ok else "**misses**"

    ceiling = sum(c.rps for c in ceilings) / len(ceilings)
    first, last = ceilings[0], ceilings[-1]
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
        f"- Ceiling: `bench/ceiling.py`, a bare FastAPI app answering constant JSON, served by "
        f"the same uvicorn with the same options and {WORKERS} workers, measured before "
        f"Gravl ({first.rps:,.0f} req/s) and after ({last.rps:,.0f} req/s); shares are of "
        f"their mean, **{ceiling:,.0f} req/s**. *Share of Gravl's health* is the figure "
        "earlier rounds reported, which divided by Gravl's own `/api/health`",
        f"- Population: {len(population.lifter_ids)} lifters with a year of program history, "
        f"one with five years, one a week in; {population.logs:,} logs, {population.sets:,} "
        "sets. Authenticated requests rotate over the year-long lifters' tokens.",
        "",
        "| endpoint | req/s | share of ceiling | target | share of Gravl's health | p50 ms "
        "| p95 ms | p99 ms | p99 target | errors |",
        "|---|---:|---:|---|---:|---:|---:|---:|---|---:|",
    ]
    own = results[ENDPOINTS[0].label].rps  # the ceiling the earlier rounds divided by
    for endpoint in ENDPOINTS:
        r = results[endpoint.label]
        share = r.rps / ceiling
        target = "—"
        if endpoint.target_share is not None:
            target = f"≥ {endpoint.target_share:.0%}: {verdict(share >= endpoint.target_share)}"
        p99 = f"< {endpoint.p99_target_ms:.0f}: {verdict(r.p99_ms < endpoint.p99_target_ms)}"
        lines.append(
            f"| {endpoint.label} | {r.rps:,.0f} | {share:.1%} | {target} | {r.rps / own:.0%} "
            f"| {r.p50_ms:.1f} "
            f"| {r.p95_ms:.1f} | {r.p99_ms:.1f} | {p99} | {r.non_2xx + r.socket_errors} |"
        )
    lines += render_mixed(mixed, results, ceiling, verdict)
    lines += [
        "",
        "### History length: the 5-year lifter against a newcomer",
        "",
        f"Each lifter alone, {CONNECTIONS} connections. Target: 5-year ≤ {HISTORY_RATIO_TARGET}× "
        "newcomer.",
        "",
        "| endpoint | newcomer p50 / p99 ms | 5-year p50 / p99 ms | ratio p50 | ratio p99 | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for endpoint in HISTORY_ENDPOINTS:
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
        "| process | peak RSS MB | |",
        "|---|---:|---|",
    ]
    for cmdline, mb in rss:
        worker = _short(cmdline) == "uvicorn worker" and mb > 50
        mark = verdict(mb < RSS_TARGET_MB) if worker else ""
        lines.append(f"| `{_short(cmdline)}` | {mb:.0f} | {mark} |")
    return "\n".join(lines) + "\n"


def render_mixed(
    mixed: Mixed, results: dict[str, Result], ceiling: float, verdict: Callable[[bool], str]
) -> list[str]:
    lines = [
        "",
        "### Mixed: lifters in the gym",
        "",
        f"{MIXED_CONNECTIONS} lifters at once, one connection each (`bench/wrk/mixed.lua`), each "
        "in a loop: log a set (`POST /api/logs`), read recovery and the smart workout right "
        "after (their caches just invalidated by the write), then read both again (cached). "
        f"{mixed.rps:,.0f} requests a second in all, {mixed.failed + mixed.socket_errors} "
        "errors.",
        "",
        "| request | count | mean ms | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in mixed.kinds.values():
        lines.append(
            f"| {kind.label} | {kind.requests:,} | {kind.mean_ms:.1f} | {kind.p50_ms:.1f} | "
            f"{kind.p95_ms:.1f} | {kind.p99_ms:.1f} |"
        )
    lines += [
        "",
        "Every request of the mix waits behind the others (the writes most), so its latencies "
        "say what a read right after a write costs *against the same read cached*, in the same "
        "conditions. A read right after a write, alone, is estimated at the cached read's "
        "throughput above divided by that ratio of mean times:",
        "",
    ]
    for name, path, target in (
        ("recovery", "/api/recovery/muscle-groups", AFTER_WRITE_TARGET_SHARE),
        ("smart workout", "/api/recommendations/smart-workout", None),
    ):
        endpoint = next(e for e in ENDPOINTS if e.path == path)
        after, cached = mixed.kinds[f"{name} after write"], mixed.kinds[f"{name} cached"]
        ratio = after.mean_ms / cached.mean_ms if cached.mean_ms else float("inf")
        alone = results[endpoint.label].rps / ratio
        share = alone / ceiling
        goal = ""
        if target is not None:
            goal = f", target ≥ {target:.0%}: {verdict(share >= target)}"
        lines.append(
            f"- {name.capitalize()} right after the lifter's own write: {ratio:.2f}× the cached "
            f"read's mean time ({after.p50_ms / cached.p50_ms:.2f}× at the median); alone "
            f"about {alone:,.0f} req/s, {share:.1%} of the ceiling{goal}."
        )
    return lines


def _short(cmdline: str) -> str:
    if "multiprocessing" in cmdline or "spawn_main" in cmdline:
        return "uvicorn worker"
    return cmdline[:60]


def write_section(text: str, section: str = SECTION) -> None:
    """Replace one harness's section of docs/PERFORMANCE.md (``text`` starts with its
    heading), keeping every other section."""
    current = DOC.read_text() if DOC.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(section)}\n.*?(?=^## |\Z)", re.S | re.M)
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
