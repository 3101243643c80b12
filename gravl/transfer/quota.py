"""How much importing one lifter may ask of a worker in an hour.

Parsing and matching an export is the most expensive thing a lifter can ask for: a 19 MiB dry
run costs ~23 s of CPU, and a dry run writes nothing, so nothing else would stop it being
repeated (issue 15, finding 13). Each worker therefore grants a lifter ``imports_per_hour``
imports and ``import_bytes_per_hour`` bytes of uploads in any moving hour, dry runs and
refused files included; past either, a 429 with ``Retry-After``.

The quota lives in the worker (the ``limits`` package's moving window in memory), not in the
database: what it protects is the worker's CPU, and an import refused for being malformed must
still count although its transaction is rolled back. With W workers a lifter gets at most W
times the quota, which bounds the cost all the same.
"""

from __future__ import annotations

import time

from limits import RateLimitItemPerHour
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from gravl.config import Settings
from gravl.errors import RateLimited


class ImportQuota:
    """Imports and upload bytes per lifter in a moving hour, in this worker."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._imports = RateLimitItemPerHour(settings.imports_per_hour)
        self._bytes = RateLimitItemPerHour(settings.import_bytes_per_hour)

    def take(self, user_id: int, size: int) -> None:
        """Count one import of ``size`` bytes, or raise ``RateLimited`` (counting nothing)."""
        key = str(user_id)
        cost = max(1, size)
        for item, amount in ((self._imports, 1), (self._bytes, cost)):
            if not self._limiter.test(item, key, cost=amount):
                stats = self._limiter.get_window_stats(item, key)
                wait = int(stats.reset_time - time.time()) + 1
                raise RateLimited(
                    "you have imported a lot this hour; try again later", retry_after=wait
                )
        self._limiter.hit(self._imports, key)
        self._limiter.hit(self._bytes, key, cost=cost)
