"""Per-worker caches of each lifter's read inputs, valid while their data version holds.

An entry is stored with the lifter's ``data_version`` as read at the start of the request that
loaded it. Every write to the lifter's training data replaces that tag in its own transaction
(``gravl.auth.lifter.begin_lifter_write``), so a request that reads the current tag knows
whether the entry still describes the database. The load happens after the tag was read, so an
entry is never older than its tag; a write racing the load at worst costs one more load.

Entries also expire after their slot's ``max_age_s`` (at most ``MAX_AGE_S``), so data shared by
every lifter (built-in exercises' muscles and names, reloaded by ``gravl seed``) is never older
than the built-in catalog cache, and a rendered answer never older than its slot allows.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.auth.models import User
from gravl.db import read_only
from gravl.errors import Unauthorized

T = TypeVar("T")
MAX_AGE_S = 60.0


@dataclass(frozen=True)
class Slot(Generic[T]):
    """Names one kind of cached value; its type parameter types what the cache returns."""

    name: str
    max_entries: int = 2_000
    max_age_s: float = MAX_AGE_S


class VersionedCache(Generic[T]):
    """Least recently used entries by lifter id, each tagged with a data version."""

    def __init__(self, max_entries: int, max_age_s: float = MAX_AGE_S) -> None:
        self._max_entries = max_entries
        self._max_age_s = max_age_s
        self._entries: OrderedDict[int, tuple[int, float, T]] = OrderedDict()

    def get(self, lifter: Lifter) -> T | None:
        entry = self._entries.get(lifter.id)
        if entry is None:
            return None
        version, loaded, value = entry
        if version != lifter.data_version or time.monotonic() - loaded > self._max_age_s:
            del self._entries[lifter.id]
            return None
        self._entries.move_to_end(lifter.id)
        return value

    def put(self, lifter: Lifter, value: T) -> None:
        self._entries[lifter.id] = (lifter.data_version, time.monotonic(), value)
        self._entries.move_to_end(lifter.id)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class LifterCaches:
    """The app's caches, one per slot (kept on ``app.state``, so each app has its own)."""

    def __init__(self) -> None:
        self._caches: dict[str, VersionedCache[object]] = {}

    def of(self, slot: Slot[T]) -> VersionedCache[T]:
        cache = self._caches.get(slot.name)
        if cache is None:
            cache = self._caches[slot.name] = VersionedCache(slot.max_entries, slot.max_age_s)
        return cast(VersionedCache[T], cache)

    def clear(self) -> None:
        self._caches.clear()


Loader = Callable[[AsyncSession, User], Awaitable[T]]


async def cached(request: Request, lifter: Lifter, slot: Slot[T], load: Loader[T]) -> T:
    """The lifter's cached value, or ``load`` it in a read-only session and keep it."""
    cache = cast(LifterCaches, request.app.state.lifter_caches).of(slot)
    value = cache.get(lifter)
    if value is None:
        value = await read(request, lifter, load)
        cache.put(lifter, value)
    return value


async def read(request: Request, lifter: Lifter, load: Loader[T]) -> T:
    """Run ``load`` for the lifter in a session of its own that writes nothing."""

    async def as_user(session: AsyncSession) -> T:
        user = await session.get(User, lifter.id)
        if user is None:  # deleted since its row was read
            raise Unauthorized("access token is invalid or expired")
        return await load(session, user)

    return await read_only(request, as_user)
