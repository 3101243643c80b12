"""Profile hot endpoints under load: py-spy samples one uvicorn worker while wrk drives it.

    .venv/bin/python bench/profile.py [--seconds 10] [--lifters 20] [ENDPOINT_LABEL ...]

Prints, per endpoint, where the worker's time goes (inclusive share of samples per function,
gravl's own frames and the libraries they call), and writes py-spy's collapsed stacks to
var/profiles/ for flame graphs (e.g. speedscope.app). Needs py-spy (PyPI) and wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.population import populate  # noqa: E402
from bench.run import (  # noqa: E402
    ENDPOINTS,
    Endpoint,
    commit,
    peak_rss_mb,
    server_processes,
    write_log_bodies,
    write_section,
    write_tokens,
    wrk,
    wrk_mixed,
)
from tests.ops.live_server import (  # noqa: E402
    LIVE_SECRET,
    create_pg_database,
    drop_pg_database,
    gravl,
    live_server,
)

OUT = REPO / "var" / "profiles"
# The mixed scenario (bench/wrk/mixed.lua), profiled as a whole: a write, then the reads it
# invalidated, then the same reads cached.
MIXED = Endpoint("mixed: log, then read recovery and the smart workout", "GET", "/mixed", None)
TOP = 25


def summarise(collapsed: Path) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Inclusive share of samples per gravl function, and self share per package."""
    inclusive: Counter[str] = Counter()
    by_package: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue  # py-spy splits a few very long stacks over lines
        n = int(count)
        total += n
        frames = stack.split(";")
        by_package[_package(frames[-1])] += n
        for frame in {f.split(" (")[0] + " " + _where(f) for f in frames if "(gravl/" in f}:
            inclusive[frame] += n
    top = [(frame, n / total) for frame, n in inclusive.most_common(TOP)]
    return top, [(package, n / total) for package, n in by_package.most_common(12)]


def _package(frame: str) -> str:
    """The top-level package (or stdlib module) of a py-spy frame ``func (pkg/mod.py:line)``."""
    path = frame.split(" (", 1)[1].rsplit(":", 1)[0] if " (" in frame else frame
    path = path.split("site-packages/", 1)[-1].lstrip("<").rstrip(">")
    return path.split("/", 1)[0]


def _where(frame: str) -> str:
    return "(" + frame.split(" (", 1)[1].rsplit(":", 1)[0] + ")" if " (" in frame else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--lifters", type=int, default=50)
    parser.add_argument("labels", nargs="*", help="endpoint labels (default: all but health)")
    parser.add_argument("--write", action="store_true", help="write docs/PERFORMANCE.md's section")
    args = parser.parse_args()
    every = [*ENDPOINTS[1:], MIXED]
    wanted = [e for e in every if not args.labels or any(x in e.label for x in args.labels)]
    found: dict[str, tuple[list[tuple[str, float]], list[tuple[str, float]]]] = {}
    OUT.mkdir(parents=True, exist_ok=True)
    name, url = create_pg_database()
    try:
        env = {"GRAVL_DATABASE_URL": url, "GRAVL_SECRET_KEY": LIVE_SECRET}
        for command in (("db", "upgrade"), ("seed",)):
            assert gravl(*command, env=env).returncode == 0
        population = asyncio.run(populate(url, lifters=args.lifters))
        with (
            tempfile.TemporaryDirectory() as scratch,
            live_server(url, Path(scratch), workers=1) as server,
        ):
            tokens = write_tokens(Path(scratch) / "t.txt", population.lifter_ids)
            bodies = write_log_bodies(Path(scratch) / "b.txt", [1, 2, 3, 4, 5])
            # The worker is the process holding the app: the largest in the server's tree.
            worker = max(server_processes(server.process.pid), key=lambda p: peak_rss_mb(p)[1])
            for endpoint in wanted:
                slug = endpoint.path.strip("/").split("?")[0].replace("/", "-")
                collapsed = OUT / f"{slug}.txt"
                spy = subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "py-spy"),
                        "record",
                        "--pid",
                        str(worker),
                        "--format",
                        "raw",
                        "--rate",
                        "200",
                    ]
                    + [
                        "--duration",
                        str(args.seconds),
                        "--output",
                        str(collapsed),
                        "--nonblocking",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                if endpoint is MIXED:
                    load = threading.Thread(
                        target=wrk_mixed, args=(server, args.seconds, tokens, bodies)
                    )
                else:
                    load = threading.Thread(
                        target=wrk, args=(server, endpoint, args.seconds, tokens, bodies)
                    )
                load.start()
                load.join()
                spy.wait(timeout=60)
                top, packages = summarise(collapsed)
                found[endpoint.label] = (top, packages)
                print(f"\n### {endpoint.label}\n\nself time by package:")
                for package, share in packages:
                    print(f"{share:6.1%}  {package}")
                print("\ninclusive time in gravl's functions:")
                for frame, share in top:
                    print(f"{share:6.1%}  {frame}")
    finally:
        drop_pg_database(name)
    if args.write:
        write_section(render(found, args.seconds, args.lifters), SECTION)


SECTION = "## Where the time goes"
# The columns of the package table: what is the server's, the framework's, the database's.
COLUMNS = {
    "server (uvicorn, asyncio, uvloop)": ("uvicorn", "asyncio", "uvloop", "selectors.py"),
    "FastAPI + Starlette": ("fastapi", "starlette"),
    "pydantic": ("pydantic", "pydantic_core"),
    "SQLAlchemy": ("sqlalchemy",),
    "asyncpg": ("asyncpg",),
    "gravl": ("gravl",),
}
# Frames every request passes through: they say nothing about one endpoint.
_COMMON = (
    "<module>",
    "serve ",
    "run_server",
    "GravlMiddleware.__call__ ",
    "PageCompression",
    "CorridorRoute",
)


def _named(frame: str) -> str:
    """``create_log (gravl/logs/router.py)`` as ``logs/router.py: create_log``: two functions of
    one name (a route and its service) stay apart."""
    name, _, where = frame.partition(" (")
    return f"{where.rstrip(')').removeprefix('gravl/')}: {name}" if where else name


def render(
    found: dict[str, tuple[list[tuple[str, float]], list[tuple[str, float]]]],
    seconds: int,
    lifters: int,
) -> str:
    head = " | ".join(COLUMNS)
    lines = [
        SECTION,
        "",
        "Generated by `make bench` (`bench/profile.py`); do not edit by hand. "
        f"Commit `{commit()}`.",
        "",
        f"py-spy samples one worker (200 Hz, {seconds} s) while wrk drives one endpoint at "
        f"{50} connections, {lifters} year-long lifters on PostgreSQL. Self time by package, "
        "as a share of all the worker's samples (the rest: the standard library and the "
        "interpreter's own frames):",
        "",
        f"| endpoint | {head} |",
        "|---|" + "---:|" * len(COLUMNS),
    ]
    for label, (_, packages) in found.items():
        shares = dict(packages)
        cells = [sum(shares.get(name, 0.0) for name in names) for names in COLUMNS.values()]
        lines.append(f"| {label} | " + " | ".join(f"{c:.0%}" for c in cells) + " |")
    lines += ["", "Gravl's own functions with the most time beneath them (inclusive):", ""]
    for label, (top, _) in found.items():
        own = [(f, share) for f, share in top if not f.startswith(_COMMON)][:6]
        listed = ", ".join(f"`{_named(f)}` {share:.0%}" for f, share in own)
        lines.append(f"- {label}: {listed}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
