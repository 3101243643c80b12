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
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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
    max_entries: int = 2_000
    max_age_s: float = MAX_AGE_S


class _LifterEntries(Generic[T]):
    """Least recently used entries by lifter id, each with its data version and load time."""

    def __init__(self, slot: Slot[T]) -> None:
        self._max_entries = slot.max_entries
        self._max_age_s = min(slot.max_age_s, MAX_AGE_S)
        self._entries: OrderedDict[int, tuple[int, float, T]] = OrderedDict()

    def get(self, lifter: Versioned) -> T | None:
        entry = self._entries.get(lifter.id)
        if entry is None:
            return None
        version, loaded, value = entry
        if version != lifter.data_version or time.monotonic() - loaded > self._max_age_s:
            del self._entries[lifter.id]
            return None
        self._entries.move_to_end(lifter.id)
        return value

    def put(self, lifter: Versioned, value: T) -> None:
        self._entries[lifter.id] = (lifter.data_version, time.monotonic(), value)
        self._entries.move_to_end(lifter.id)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class Caches:
    """One app's lifter caches, a slot each (kept on ``app.state``: each app has its own)."""

    def __init__(self) -> None:
        self._slots: dict[str, _LifterEntries[Any]] = {}

    def _entries(self, slot: Slot[T]) -> _LifterEntries[T]:
        entries = self._slots.get(slot.name)
        if entries is None:
            entries = self._slots[slot.name] = _LifterEntries(slot)
        return cast(_LifterEntries[T], entries)

    def get(self, slot: Slot[T], lifter: Versioned) -> T | None:
        """The lifter's value while it is fresh; never for a request that writes."""
        return None if lifter.writing else self._entries(slot).get(lifter)

    def put(self, slot: Slot[T], lifter: Versioned, value: T) -> None:
        if not lifter.writing:
            self._entries(slot).put(lifter, value)

    def size(self, slot: Slot[Any]) -> int:
        return len(self._entries(slot))

    def clear(self) -> None:
        self._slots.clear()


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
