"""The lifter caches: one byte budget over every slot, its size from the cgroup, the gauges."""

from __future__ import annotations

import gc
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from gravl.cache import (
    DEFAULT_MAX_BYTES,
    ENTRY_BYTES,
    Caches,
    Slot,
    cache_budget_bytes,
    estimated_bytes,
    memory_limit_bytes,
    worker_memory_share,
)
from gravl.observability.metrics import CacheSampler, resident_bytes
from gravl.recovery.service import RECOVERY_INPUTS
from tests.conftest import Account
from tests.factories import ago, enroll, exercise_id, hard_sets, log
from tests.ops.live_server import (
    create_pg_database,
    drop_pg_database,
    gravl,
    live_server,
    scrape,
)

MB = 1024 * 1024
BODIES = Slot[bytes]("test-bodies")
FLAGS = Slot[bool]("test-flags")


@dataclass(frozen=True)
class Lifter:
    id: int
    data_version: int = 1
    writing: bool = False


def body(size: int) -> bytes:
    """A value whose estimate is ``size`` bytes with its entry."""
    return b"x" * (size - ENTRY_BYTES - estimated_bytes(b""))


def test_the_least_recently_used_entry_of_any_slot_goes_first() -> None:
    caches = Caches(max_bytes=3_000)
    caches.put(BODIES, Lifter(1), body(1_000))
    caches.put(FLAGS, Lifter(1), True)  # 400 bytes with its entry
    caches.put(BODIES, Lifter(2), body(1_000))
    assert caches.get(BODIES, Lifter(1)) is not None  # now the most recently used
    caches.put(BODIES, Lifter(3), body(1_000))
    # Over by 400: the flag, least recently used, makes room; both lifters' bodies stay.
    assert caches.get(FLAGS, Lifter(1)) is None
    assert [caches.get(BODIES, Lifter(i)) is not None for i in (1, 2, 3)] == [True] * 3
    caches.put(FLAGS, Lifter(4), False)
    # Lifter 1's body was read before 2's and 3's: it goes, the other slot's new flag stays.
    assert caches.get(BODIES, Lifter(1)) is None
    assert caches.get(FLAGS, Lifter(4)) is False
    assert caches.size(BODIES) == 2 and caches.size(FLAGS) == 1


def test_the_budget_holds_and_the_counts_add_up() -> None:
    caches = Caches(max_bytes=50_000)
    for i in range(200):
        caches.put(BODIES, Lifter(i), body(700 + 13 * i))
        caches.put(FLAGS, Lifter(i), i % 2 == 0)
        assert caches.bytes <= caches.max_bytes
    stats = caches.stats()
    assert caches.bytes == sum(s.bytes for s in stats.values())
    assert caches.size(BODIES) + caches.size(FLAGS) < 400  # some went
    assert caches.get(FLAGS, Lifter(199)) is False  # the newest stayed


def test_a_fresh_entry_larger_than_the_budget_is_still_served() -> None:
    caches = Caches(max_bytes=2_000)
    caches.put(BODIES, Lifter(1), body(1_000))
    big = body(5_000)
    caches.put(BODIES, Lifter(2), big)
    assert caches.get(BODIES, Lifter(2)) is big
    assert caches.get(BODIES, Lifter(1)) is None
    caches.put(BODIES, Lifter(3), body(1_000))  # the big one goes as soon as another comes
    assert caches.get(BODIES, Lifter(2)) is None
    assert caches.bytes <= caches.max_bytes


def test_a_value_put_again_is_measured_again_but_keeps_its_age() -> None:
    caches = Caches()
    answers: dict[int, bytes] = {}
    caches.put(Slot[dict[int, bytes]]("test-answers"), Lifter(1), answers)
    first = caches.bytes
    answers[3] = b"y" * 10_000
    slot = Slot[dict[int, bytes]]("test-answers", max_age_s=0.05)
    caches.put(slot, Lifter(1), answers)
    assert caches.bytes >= first + 10_000
    time.sleep(0.06)
    assert caches.get(slot, Lifter(1)) is None  # aged from the first put, not the second


def test_hits_and_misses_are_counted_per_slot() -> None:
    caches = Caches()
    lifter = Lifter(1)
    assert caches.get(BODIES, lifter) is None
    caches.put(BODIES, lifter, b"answer")
    assert caches.get(BODIES, lifter) == b"answer"
    assert caches.get(BODIES, Lifter(1, data_version=2)) is None  # stale: a miss, and dropped
    assert caches.get(BODIES, Lifter(1, writing=True)) is None  # a write is no lookup
    stats = caches.stats()[BODIES.name]
    assert (stats.hits, stats.misses, stats.entries, stats.bytes) == (1, 2, 0, 0)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"v2": "536870912\n", "v1": "1024\n"}, 536870912),  # v2 first
        ({"v2": "max\n", "v1": "1024\n"}, None),  # v2 says no limit
        ({"v1": "268435456\n"}, 268435456),  # v1 only
        ({"v1": "9223372036854771712\n"}, None),  # v1's "no limit"
        ({"v2": "0\n"}, None),
        ({}, None),
    ],
)
def test_the_memory_limit_from_cgroup_files(
    tmp_path: Path, files: dict[str, str], expected: int | None
) -> None:
    paths = [tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"]
    for name, path in zip(("v2", "v1"), paths, strict=True):
        if name in files:
            path.write_text(files[name])
    assert memory_limit_bytes(paths) == expected


def test_the_budget_is_a_quarter_of_each_workers_share() -> None:
    assert cache_budget_bytes(None, worker_memory_share(512 * MB, 2)) == 64 * MB
    assert cache_budget_bytes(None, worker_memory_share(2048 * MB, 4)) == 128 * MB
    assert cache_budget_bytes(None, worker_memory_share(None, 2)) == DEFAULT_MAX_BYTES
    assert cache_budget_bytes(200, worker_memory_share(512 * MB, 2)) == 200 * MB  # the setting


def test_the_sampler_copies_sizes_and_counts_into_the_metrics() -> None:
    caches = Caches(max_bytes=123 * MB)
    sampler = CacheSampler(caches, share=256 * MB)
    lifter = Lifter(1)

    def hits() -> float:
        return REGISTRY.get_sample_value("gravl_cache_hits_total", {"slot": BODIES.name}) or 0.0

    caches.get(BODIES, lifter)
    caches.put(BODIES, lifter, b"z" * 1_000)
    sampler.sample()
    before = hits()
    for _ in range(3):
        caches.get(BODIES, lifter)
    sampler.sample()
    sampler.sample()  # copied once, not again
    assert hits() - before == 3
    entries = REGISTRY.get_sample_value("gravl_cache_entries", {"slot": BODIES.name})
    size = REGISTRY.get_sample_value("gravl_cache_bytes", {"slot": BODIES.name})
    assert (entries, size) == (1, caches.stats()[BODIES.name].bytes)
    assert REGISTRY.get_sample_value("gravl_cache_budget_bytes") == 123 * MB
    rss = REGISTRY.get_sample_value("gravl_worker_resident_memory_bytes")
    assert rss is not None and rss > 10 * MB and abs(rss - resident_bytes()) < 50 * MB
    assert REGISTRY.get_sample_value("gravl_worker_memory_limit_bytes") == 256 * MB


def test_the_estimates_follow_what_the_entries_hold(client: TestClient, lifter: Account) -> None:
    """Against tracemalloc: what a recovery read and a smart-workout read leave in the caches,
    for a lifter with a busy week (90 sets), is within a factor of two of the estimate."""
    enroll(client, lifter)
    slugs = ("barbell-bench-press", "barbell-back-squat", "romanian-deadlift")
    exercises = [exercise_id(client, slug) for slug in slugs]
    for day in range(6):
        for exercise in exercises:
            log(client, lifter, exercise, sets=hard_sets(5), performed_at=ago(days=day, hours=1))
    caches: Caches = client.app.state.caches  # type: ignore[attr-defined]
    for path in ("/api/recovery/muscle-groups", "/api/recommendations/smart-workout"):
        assert client.get(path, headers=lifter.headers).status_code == 200  # warm the rest
        caches.clear()
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            assert client.get(path, headers=lifter.headers).status_code == 200
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert caches.size(RECOVERY_INPUTS) == 1
        assert held / 2 < caches.bytes < held * 2, (path, held, caches.bytes)


@pytest.mark.slow
def test_the_metrics_port_shows_each_workers_caches_and_memory(tmp_path: Path) -> None:
    """`gravl serve --workers 2`: the budget from GRAVL_CACHE_MAX_MB summed over both workers,
    one memory series per worker, and the entries and lookups a lifter's reads made."""
    name, url = create_pg_database()
    try:
        upgraded = gravl("db", "upgrade", env={"GRAVL_DATABASE_URL": url})
        assert upgraded.returncode == 0, upgraded.stderr
        with live_server(url, tmp_path, workers=2, env={"GRAVL_CACHE_MAX_MB": "10"}) as server:
            with httpx.Client(base_url=server.api, timeout=10) as http:
                registered = http.post(
                    "/api/auth/register",
                    json={"email": "soak@example.com", "password": "correct horse 1"},
                )
                assert registered.status_code == 201, registered.text
                headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
                for _ in range(20):
                    assert http.get("/api/recovery/muscle-groups", headers=headers).is_success

            def sampled() -> bool:
                samples = scrape(server)
                lookups = sum(
                    value
                    for (metric, labels), value in samples.items()
                    if metric in ("gravl_cache_hits_total", "gravl_cache_misses_total")
                    and ("slot", "recovery-answers") in labels
                )
                return lookups >= 20

            deadline = time.monotonic() + 10
            while not sampled() and time.monotonic() < deadline:
                time.sleep(0.2)
            samples = scrape(server)
    finally:
        drop_pg_database(name)
    assert samples[("gravl_cache_budget_bytes", frozenset())] == 2 * 10 * MB
    memory = {
        dict(labels)["pid"]: value
        for (metric, labels), value in samples.items()
        if metric == "gravl_worker_resident_memory_bytes"
    }
    assert len(memory) == 2 and all(50 * MB < rss < 1024 * MB for rss in memory.values())
    recovery = frozenset({("slot", "recovery-answers")})
    hits = samples[("gravl_cache_hits_total", recovery)]
    misses = samples[("gravl_cache_misses_total", recovery)]
    # Each worker misses once, then answers from its cache (unless a 10 s expiry fell between).
    assert hits + misses == 20 and 1 <= misses <= 4
    assert samples[("gravl_cache_entries", recovery)] in (1, 2)
    assert samples[("gravl_cache_bytes", frozenset({("slot", "recovery-inputs")}))] > 6_000
