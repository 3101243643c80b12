"""The application's Prometheus metrics and the hooks that record them.

Under ``gravl serve`` every worker writes its samples to memory-mapped files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode) and
``gravl.observability.exposition`` serves their merge on the metrics port. Without the variable
(tests, ``TestClient``) the metrics live in this process's default registry.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool
from starlette.types import Scope

from gravl.cache import Caches
from gravl.observability.middleware import route_template

# Milliseconds. 200 and 500 ms are the load test's p95/p99 budgets (OPERATIONS.md); buckets on
# both sides of them keep histogram_quantile's interpolation honest there.
DURATION_BUCKETS_MS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)

# Any other method token (HTTP allows arbitrary ones) collapses to OTHER, like unmatched paths
# collapse to one route, so a scanner cannot create unbounded label values.
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP responses by method, route template and status code.",
    ["method", "route", "status"],
)
REQUEST_DURATION_MS = Histogram(
    "request_duration_ms",
    "Time from receiving a request to sending its response, in milliseconds.",
    ["method", "route"],
    buckets=DURATION_BUCKETS_MS,
)

LOGS_CREATED = Counter("gravl_logs_created_total", "Workout logs created.")
RECOMMENDATIONS_SERVED = Counter(
    "gravl_recommendations_served_total", "Smart-workout recommendations served."
)
SWAPS = Counter("gravl_swaps_total", "Exercise swaps applied or reverted.", ["action"])
IMPORTS = Counter("gravl_imports_total", "Workout-history imports.", ["format", "result"])
SECURITY_EVENTS = Counter(
    "gravl_security_events_total",
    "Security events (sign-ins, failures, lockouts, revocations …) by type (gravl.auth.events).",
    ["event"],
)
for _action in ("swap", "revert"):
    SWAPS.labels(_action)  # both series exist from the start, so rate() has a zero baseline

# "livesum": the instance's pool is the sum of its live workers' pools, and a dead worker's
# connections are gone, so its last value must not linger (which the default "all" would do).
DB_POOL_SIZE = Gauge(
    "gravl_db_pool_size",
    "Connections the SQLAlchemy pool keeps open (pool_size), summed over live workers.",
    multiprocess_mode="livesum",
)
DB_POOL_CHECKED_OUT = Gauge(
    "gravl_db_pool_checked_out",
    "Pool connections currently lent to requests, summed over live workers.",
    multiprocess_mode="livesum",
)
DB_POOL_OVERFLOW = Gauge(
    "gravl_db_pool_overflow",
    "Connections open beyond pool_size (max_overflow), summed over live workers.",
    multiprocess_mode="livesum",
)
# A worker samples its own pool, caches and memory, since the scraping process cannot read
# another process's. One second is far below the 30 s scrape interval
# (deploy/monitoring/prometheus/prometheus.yml), and a sample is a few dict reads.
SAMPLE_INTERVAL_S = 1.0

_Children = tuple[Counter, Histogram]
_children: dict[tuple[str, str, int], _Children] = {}


def observe_request(scope: Scope, status: int, duration_ms: float) -> None:
    """Count one response and its duration (GravlMiddleware's ``observe`` hook; hot path)."""
    method = scope["method"]
    if method not in _KNOWN_METHODS:
        method = "OTHER"
    route = route_template(scope)
    key = (method, route, status)
    children = _children.get(key)
    if children is None:
        # .labels() validates and locks on every call; the label space is bounded (known
        # methods x route templates x status codes), so caching the children is safe.
        children = (
            HTTP_REQUESTS.labels(method, route, str(status)),
            REQUEST_DURATION_MS.labels(method, route),
        )
        _children[key] = children
    children[0].inc()
    children[1].observe(duration_ms)


def sample_pool(engine: AsyncEngine) -> None:
    """Copy the engine's pool counters into the pool gauges."""
    pool = engine.sync_engine.pool
    if not isinstance(pool, QueuePool):
        return
    DB_POOL_SIZE.set(pool.size())
    DB_POOL_CHECKED_OUT.set(pool.checkedout())
    # QueuePool counts overflow from -pool_size upwards; only connections past the pool count.
    DB_POOL_OVERFLOW.set(max(0, pool.overflow()))


# The lifter caches (gravl.cache), summed over live workers like the pool. Hits and misses are
# counted in plain ints on the request path and copied here by the worker sampler; the hit ratio
# is rate(hits) / (rate(hits) + rate(misses)).
CACHE_ENTRIES = Gauge(
    "gravl_cache_entries",
    "Lifter cache entries by slot, summed over live workers.",
    ["slot"],
    multiprocess_mode="livesum",
)
CACHE_BYTES = Gauge(
    "gravl_cache_bytes",
    "Estimated bytes the lifter caches hold, by slot, summed over live workers.",
    ["slot"],
    multiprocess_mode="livesum",
)
CACHE_BUDGET_BYTES = Gauge(
    "gravl_cache_budget_bytes",
    "The lifter caches' byte budget (GRAVL_CACHE_MAX_MB), summed over live workers.",
    multiprocess_mode="livesum",
)
CACHE_HITS = Counter("gravl_cache_hits_total", "Lifter cache lookups answered, by slot.", ["slot"])
CACHE_MISSES = Counter(
    "gravl_cache_misses_total", "Lifter cache lookups missed (absent or stale), by slot.", ["slot"]
)
# "liveall": one series per live worker (label pid), since a worker is what nears the limit,
# and prometheus-client's process collector does not run in multiprocess mode.
WORKER_RSS_BYTES = Gauge(
    "gravl_worker_resident_memory_bytes",
    "Resident memory of each live worker (label pid), from /proc/self/statm.",
    multiprocess_mode="liveall",
)
WORKER_MEMORY_LIMIT_BYTES = Gauge(
    "gravl_worker_memory_limit_bytes",
    "Each live worker's share of the container's memory limit (the limit / the workers).",
    multiprocess_mode="liveall",
)
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident memory: statm's second field, in pages."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE_BYTES


class CacheSampler:
    """Copies a worker's cache sizes and counts, and its memory, into the metrics."""

    def __init__(self, caches: Caches, share: int | None) -> None:
        self._caches = caches
        self._counted: dict[str, tuple[int, int]] = {}
        self._share = share  # this worker's part of the container's memory limit, if any

    def sample(self) -> None:
        CACHE_BUDGET_BYTES.set(self._caches.max_bytes)
        for slot, stats in self._caches.stats().items():
            CACHE_ENTRIES.labels(slot).set(stats.entries)
            CACHE_BYTES.labels(slot).set(stats.bytes)
            hits, misses = self._counted.get(slot, (0, 0))
            # Counts restart when the caches are cleared (tests): count from zero again.
            CACHE_HITS.labels(slot).inc(stats.hits - hits if stats.hits >= hits else stats.hits)
            CACHE_MISSES.labels(slot).inc(
                stats.misses - misses if stats.misses >= misses else stats.misses
            )
            self._counted[slot] = (stats.hits, stats.misses)
        WORKER_RSS_BYTES.set(resident_bytes())
        if self._share is not None:
            WORKER_MEMORY_LIMIT_BYTES.set(self._share)


def start_sampling(engine: AsyncEngine, caches: Caches, share: int | None) -> Callable[[], None]:
    """Sample the pool, the caches and the worker's memory every second in the running event
    loop, in one task; returns the stop function."""
    sampler = CacheSampler(caches, share)

    async def sample_forever() -> None:
        while True:
            sample_pool(engine)
            sampler.sample()
            await asyncio.sleep(SAMPLE_INTERVAL_S)

    task = asyncio.get_running_loop().create_task(sample_forever(), name="gravl-metrics")

    def stop() -> None:
        task.cancel()

    return stop
