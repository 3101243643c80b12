"""Import 50,000 Strong sets through the import service on PostgreSQL and SQLite.

Each backend runs in a fresh process against a freshly migrated and seeded database, so the
peak RSS it reports is that import's own. The budget is the issue's: under 10 s and under
300 MB. Results go to docs/PERFORMANCE.md under "## Import".

    .venv/bin/python bench/import_bench.py            # both backends, update the doc
    .venv/bin/python bench/import_bench.py --backend sqlite --no-write
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SETS = 50_000
MAX_SECONDS = 10.0
MAX_RSS_MB = 300.0
POSTGRES_URL = os.environ.get(
    "GRAVL_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
SECRET = "bench-secret-key-with-enough-entropy-0123456789"


async def _pg_admin(statement: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _prepare(url: str) -> None:
    from gravl.auth.models import User
    from gravl.config import Settings
    from gravl.db import Database
    from gravl.seed import seed

    database = Database(Settings(env="test", database_url=url, secret_key=SECRET))
    try:
        async with database.sessionmaker() as session, session.begin():
            await seed(session=session)
            session.add(User(email="bench@example.com", password_hash="-"))
    finally:
        await database.dispose()


async def _import(url: str, path: Path) -> dict[str, Any]:
    from sqlalchemy import select

    from gravl.auth.models import User
    from gravl.config import Settings
    from gravl.db import Database
    from gravl.transfer.service import import_history

    database = Database(Settings(env="test", database_url=url, secret_key=SECRET))
    try:
        timings = []
        reports = []
        for _ in range(2):  # the first imports everything, the second finds only duplicates
            started = time.perf_counter()
            async with database.sessionmaker() as session, session.begin():
                user = await session.scalar(select(User))
                assert user is not None
                with path.open("rb") as stream:
                    report = await import_history(
                        session=session, user=user, stream=stream, format="strong"
                    )
            timings.append(time.perf_counter() - started)
            reports.append(report)
    finally:
        await database.dispose()
    first, second = reports
    assert first.sets == SETS and first.duplicates_skipped == 0, first
    assert second.logs == 0 and second.duplicates_skipped == SETS, second
    return {
        "seconds": round(timings[0], 2),
        "reimport_seconds": round(timings[1], 2),
        "logs": first.logs,
        "sessions": first.sessions,
    }


def run_one(backend: str) -> dict[str, Any]:
    """In this process: make a database, import the file twice, report time and memory."""
    from gravl.migrations import runner
    from tests.transfer.generators import write_large_strong_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "strong.csv"
        write_large_strong_file(path, SETS)
        name = f"gravl_bench_{uuid.uuid4().hex[:8]}"
        if backend == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        else:
            from sqlalchemy.engine import make_url

            asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
            url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        try:
            runner.upgrade(url)
            asyncio.run(_prepare(url))
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            result = asyncio.run(_import(url, path))
        finally:
            if backend == "postgresql":
                asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        result["file_mb"] = round(path.stat().st_size / 1e6, 1) if path.exists() else None
    result["backend"] = backend
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["rss_before_import_mb"] = round(rss_before, 1)
    return result


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; load average {load:.1f} at the start "
        "(other test suites were sharing the machine)"
    )


def _section(results: list[dict[str, Any]]) -> str:
    rows = "\n".join(
        f"| {r['backend']} | {SETS:,} | {r['logs']:,} | {r['seconds']} s | "
        f"{r['reimport_seconds']} s | {r['peak_rss_mb']} MB |"
        for r in results
    )
    return f"""## Import

`bench/import_bench.py` generates a {SETS:,}-set Strong export (iOS layout, 20 sets a workout,
{results[0]["file_mb"]} MB), then imports it through `gravl.transfer.service.import_history`
into a freshly migrated and seeded database, committing as a request would; then imports the
same file again (every set a duplicate). Each backend runs in its own process, so the peak
RSS is that process's whole life (Python, the app's imports, the parse and the write).
Budget (issue 5): under {MAX_SECONDS:.0f} s and under {MAX_RSS_MB:.0f} MB.

| database | sets | logs | import | re-import | peak RSS |
|---|---|---|---|---|---|
{rows}

Measured {datetime.now(UTC):%Y-%m-%d} on {_machine()}.

Why it fits: the parser streams the file line by line; the whole file's sets are held as
slotted dataclasses (all-or-nothing needs them read before anything is written); logs, sets
and fingerprints go in as multi-row INSERTs of 500 logs at a time instead of one ORM flush
per set; duplicates are found with one range scan of the lifter's fingerprints (the
`(user_id, fingerprint)` primary key), which replaced batches of `IN (...)` that took 0.4 s
each on PostgreSQL (a 66 s re-import); recovery is recomputed once, over its bounded window.
Timings vary with the machine's load: runs on this machine under other suites' load took
up to 4.5 s (PostgreSQL) and 4.0 s (SQLite).
"""


def write_doc(results: list[dict[str, Any]]) -> Path:
    doc = ROOT / "docs" / "PERFORMANCE.md"
    text = doc.read_text() if doc.exists() else "# Performance\n"
    section = _section(results)
    start = text.find("## Import")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + 1)
        end = len(text) if following == -1 else following + 1
        text = text[:start] + section + ("\n" + text[end:] if following != -1 else "")
    doc.write_text(text)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"])
    parser.add_argument("--no-write", action="store_true", help="Do not update the doc.")
    args = parser.parse_args()
    if args.backend:
        print(json.dumps(run_one(args.backend)))
        return
    results = []
    for backend in ("postgresql", "sqlite"):
        completed = subprocess.run(
            [sys.executable, __file__, "--backend", backend],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        result = json.loads(completed.stdout.strip().splitlines()[-1])
        print(result)
        results.append(result)
    if not args.no_write:
        print(f"wrote {write_doc(results)}")
    for r in results:
        assert r["seconds"] < MAX_SECONDS, f"{r['backend']}: {r['seconds']} s"
        assert r["peak_rss_mb"] < MAX_RSS_MB, f"{r['backend']}: {r['peak_rss_mb']} MB"


if __name__ == "__main__":
    main()
