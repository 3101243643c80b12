"""The application's Prometheus metrics and the hooks that record them.

Under ``gravl serve`` every worker writes its samples to memory-mapped files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode) and
``gravl.observability.exposition`` serves their merge on the metrics port. Without the variable
(tests, ``TestClient``) the metrics live in this process's default registry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import QueuePool
from starlette.types import Scope

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
# A worker's pool is sampled, since the scraping process cannot read another process's pool.
# One second is far below the 30 s scrape interval (deploy/monitoring/prometheus/prometheus.yml).
POOL_SAMPLE_INTERVAL_S = 1.0

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


def start_pool_sampling(engine: AsyncEngine) -> Callable[[], None]:
    """Sample the pool every second in the running event loop; returns the stop function."""

    async def sample_forever() -> None:
        while True:
            sample_pool(engine)
            await asyncio.sleep(POOL_SAMPLE_INTERVAL_S)

    task = asyncio.get_running_loop().create_task(sample_forever(), name="gravl-pool-metrics")

    def stop() -> None:
        task.cancel()

    return stop
