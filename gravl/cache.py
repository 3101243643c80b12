"""Every per-worker cache, and the one rule for what a cache may serve.

A cached value is served while two things hold: the version it was loaded for is still the
current one, and it is younger than its slot's ``max_age_s`` (never more than ``MAX_AGE_S``).

- A lifter's values (recovery and recommendation inputs, rendered answers) are versioned by
  ``users.data_version``, which the unit of work replaces as the first statement of every
  request that writes the lifter's training data (``gravl.corridor``). Every request reads the
  current tag with the caller's row, so it knows whether an entry still describes the database,
  across workers and replicas. A request that writes neither serves nor keeps cached values:
  what it reads may be its own uncommitted work.
- The built-in catalog, shared by every lifter, has no version: it changes only when
  `gravl seed` runs (a deploy, in another process) or a catalog import adds exercises, which
  miss the cache and are read from the database. So its age alone bounds it. What is
  computed from it (``Derived``) is held by the identity of the value it came from, so it is
  exactly as fresh and goes with it.

The load happens after the tag was read, so an entry is never older than its tag; a write
racing the load at worst costs one more load.

What a worker keeps of every lifter is bounded together, in bytes (``Caches``): the budget is
``GRAVL_CACHE_MAX_MB``, or a quarter of the worker's share of the container's memory limit
(``cache_budget_bytes``; docs/operations.md, "Worker memory and the lifter caches").
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
MAX_AGE_S = 60.0


class Versioned(Protocol):
    """What a lifter's cache entry is keyed and versioned by (``gravl.auth.lifter.Lifter``)."""

    @property
    def id(self) -> int: ...
    @property
    def data_version(self) -> int: ...
    @property
    def writing(self) -> bool: ...


@dataclass(frozen=True)
class Slot(Generic[T]):
    """Names one kind of a lifter's cached value; its type parameter types what it holds."""

    name: str
    max_age_s: float = MAX_AGE_S


# What an entry costs besides its value (its key, record, load time and ordered-dict node):
# 299 bytes a flag entry, measured with tracemalloc over 10,000 of them.
ENTRY_BYTES = 300
# A value of no known size (a small object): an object header and a few references.
OTHER_BYTES = 100
BYTES_OVERHEAD = 33  # sys.getsizeof(b"")


def estimated_bytes(value: object) -> int:
    """A cheap estimate of what ``value`` holds, never a walk of it: the value's own
    ``estimated_bytes()`` when it has one (it counts what it holds: the recovery inputs their
    sets), the length of bytes, one level into a dict of them (the answers by ``limit``)."""
    if isinstance(value, bytes | str):
        return BYTES_OVERHEAD + len(value)
    if isinstance(value, dict):
        return 64 + sum(OTHER_BYTES + estimated_bytes(v) for v in value.values())
    estimate = getattr(value, "estimated_bytes", None)
    return int(estimate()) if callable(estimate) else OTHER_BYTES


@dataclass
class SlotStats:
    """One slot's entries, their estimated bytes, and the lookups it answered and missed since
    the worker started (plain ints: the metrics sampler copies them once a second)."""

    entries: int = 0
    bytes: int = 0
    hits: int = 0
    misses: int = 0


@dataclass
class _Entry:
    slot: str
    version: int
    loaded: float
    value: Any
    bytes: int


# The budget without a memory limit to size it from (``cache_budget_bytes``).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class Caches:
    """One app's lifter caches (kept on ``app.state``: each app has its own), bounded together
    by ``max_bytes``: past it, the least recently used entries of any slot go first.

    The bytes are estimates taken at ``put`` (``estimated_bytes``); a value that grows after
    it is put (the answers by ``limit``) is put again. The entry just put stays even when it
    alone exceeds the budget, so a lifter's request always finds what it loaded.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        # Least recently used first, over every slot.
        self._entries: OrderedDict[tuple[str, int], _Entry] = OrderedDict()
        self._slots: dict[str, SlotStats] = {}

    def _stats(self, name: str) -> SlotStats:
        stats = self._slots.get(name)
        if stats is None:
            stats = self._slots[name] = SlotStats()
        return stats

    def get(self, slot: Slot[T], lifter: Versioned) -> T | None:
        """The lifter's value while it is fresh; never for a request that writes."""
        if lifter.writing:
            return None
        key = (slot.name, lifter.id)
        entry = self._entries.get(key)
        stats = self._stats(slot.name)
        if entry is None:
            stats.misses += 1
            return None
        max_age_s = min(slot.max_age_s, MAX_AGE_S)
        if entry.version != lifter.data_version or time.monotonic() - entry.loaded > max_age_s:
            self._drop(key)
            stats.misses += 1
            return None
        self._entries.move_to_end(key)
        stats.hits += 1
        return cast(T, entry.value)

    def put(self, slot: Slot[T], lifter: Versioned, value: T) -> None:
        if lifter.writing:
            return
        key = (slot.name, lifter.id)
        loaded = time.monotonic()
        kept = self._entries.get(key)
        if kept is not None:
            # The same value put again (grown since) is measured again but keeps its age.
            if kept.value is value and kept.version == lifter.data_version:
                loaded = kept.loaded
            self._drop(key)
        size = ENTRY_BYTES + estimated_bytes(value)
        self._entries[key] = _Entry(slot.name, lifter.data_version, loaded, value, size)
        stats = self._stats(slot.name)
        stats.entries += 1
        stats.bytes += size
        self.bytes += size
        while self.bytes > self.max_bytes and len(self._entries) > 1:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple[str, int]) -> None:
        entry = self._entries.pop(key)
        stats = self._slots[entry.slot]
        stats.entries -= 1
        stats.bytes -= entry.bytes
        self.bytes -= entry.bytes

    def size(self, slot: Slot[Any]) -> int:
        stats = self._slots.get(slot.name)
        return 0 if stats is None else stats.entries

    def stats(self) -> dict[str, SlotStats]:
        """Each slot's entries, bytes, hits and misses (live objects: copy what you keep)."""
        return self._slots

    def clear(self) -> None:
        self._entries.clear()
        self._slots.clear()
        self.bytes = 0


# ``gravl serve`` tells its workers how many they are, so each sizes its share of the limit.
WORKERS_ENV = "GRAVL_SERVE_WORKERS"
CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),  # cgroup v2
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),  # cgroup v1
)
# cgroup v1 reports "no limit" as a huge page-aligned number (about 8 EiB); anything past a
# pebibyte is that, not a container's limit.
NO_LIMIT_BYTES = 1 << 50
# The caches' part of a worker's share: a worker runs at ~120 MB before it caches anything
# (the issue-23 soak), and freed entries return to the allocator, not always to the system.
CACHE_SHARE = 4


def memory_limit_bytes(paths: Iterable[Path] = CGROUP_LIMITS) -> int | None:
    """The container's memory limit from the first cgroup file that exists; None without one
    ("max", absurd values, no cgroup file)."""
    for path in paths:
        try:
            text = path.read_text(encoding="ascii").strip()
        except OSError:
            continue
        if not text.isdigit():  # "max": no limit
            return None
        limit = int(text)
        return limit if 0 < limit < NO_LIMIT_BYTES else None
    return None


def worker_memory_share(limit: int | None, workers: int) -> int | None:
    """Each worker's share of the container's memory ``limit`` (None: no limit)."""
    return None if limit is None else limit // max(workers, 1)


def serve_workers() -> int:
    """How many workers ``gravl serve`` runs (1 outside it)."""
    return int(os.environ.get(WORKERS_ENV, "1"))


def cache_budget_bytes(max_mb: int | None, share: int | None) -> int:
    """The per-worker byte budget of the lifter caches: ``GRAVL_CACHE_MAX_MB`` when set, else a
    quarter of the worker's ``share`` of the container's memory limit, else 64 MB."""
    if max_mb is not None:
        return max_mb * 1024 * 1024
    return DEFAULT_MAX_BYTES if share is None else share // CACHE_SHARE


async def cached(
    caches: Caches, slot: Slot[T], lifter: Versioned, load: Callable[[], Awaitable[T]]
) -> T:
    """The lifter's value from the cache, or ``load`` it and keep it."""
    value = caches.get(slot, lifter)
    if value is None:
        value = await load()
        caches.put(slot, lifter, value)
    return value


class SharedCache(Generic[T]):
    """One value per engine for data every lifter shares, kept ``ttl_s`` seconds per worker.

    Keyed by engine, so every app instance (and every test's database) has its own. One
    request reloads an expired value while the others keep answering from the old one, so
    expiry never stalls a burst of requests.
    """

    def __init__(self, load: Callable[[AsyncSession], Awaitable[T]], *, ttl_s: float) -> None:
        self._load = load
        self._ttl_s = min(ttl_s, MAX_AGE_S)
        self._slots: WeakKeyDictionary[Any, _SharedSlot[T]] = WeakKeyDictionary()

    async def get(self, session: AsyncSession) -> T:
        key = session.get_bind()
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots.setdefault(key, _SharedSlot())
        if slot.value is not None and (self._fresh(slot) or slot.loading.locked()):
            return slot.value
        async with slot.loading:
            if slot.value is None or not self._fresh(slot):
                slot.value, slot.loaded_at = await self._load(session), time.monotonic()
            return slot.value

    def _fresh(self, slot: _SharedSlot[T]) -> bool:
        return time.monotonic() - slot.loaded_at < self._ttl_s


class _SharedSlot(Generic[T]):
    def __init__(self) -> None:
        self.value: T | None = None
        self.loaded_at = 0.0
        self.loading = asyncio.Lock()


K = TypeVar("K")


class Derived(Generic[K, T]):
    """A value computed once per value of a shared cache (held by that value's identity), so
    it is exactly as fresh as what it is computed from and goes with it."""

    def __init__(self) -> None:
        self._values: WeakKeyDictionary[Any, T] = WeakKeyDictionary()

    async def get(self, source: K, compute: Callable[[K], Awaitable[T]]) -> T:
        value = self._values.get(source)
        if value is None:
            value = self._values[source] = await compute(source)
        return value
