"""The access log: one JSON line per request, written as the response finishes.

Every other event goes through structlog's processor chain (gravl.observability.logging); the
access line does not, because it is written for every request and its fields are Gravl's own:
a sanitised request id, a method, a route template, numbers and the client's address. Walking
a generic redaction over them cost more than the request it described (docs/PERFORMANCE.md,
"The middleware tax"). The two fields a client can choose, the method and the forwarded
address, still pass through the same redaction as every other value.

The line is written and flushed before the next request's work, never queued: a worker killed
(OOM, SIGKILL) after answering must not take the record of that answer with it.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from gravl.observability.logging import redact_text


class AccessLog:
    """Callable writing the access line when the configured level lets ``info`` through."""

    __slots__ = ("_second", "_stamp", "enabled")

    def __init__(self, level: str = "info") -> None:
        numeric = logging.getLevelName(level.upper())
        self.enabled = not isinstance(numeric, int) or numeric <= logging.INFO
        self._second = -1
        self._stamp = ""

    def __call__(
        self,
        *,
        request_id: str,
        method: str,
        route: str,
        status: int,
        duration_ms: float,
        user_id: int | None,
        client: str | None,
    ) -> None:
        if not self.enabled:
            return
        # Assembled by hand around json.dumps of each string, which escapes them: a dict through
        # json.dumps and datetime.isoformat() were half the middleware's cost. Same keys and
        # value shapes as structlog's lines (tests/observability/test_access.py).
        forwarded = "null" if client is None else _dumps(redact_text(client))
        line = (
            f'{{"request_id": {_dumps(request_id)}, "method": {_dumps(redact_text(method))}, '
            f'"route": {_dumps(route)}, "status": {status:d}, '
            f'"duration_ms": {round(duration_ms, 2)!r}, '
            f'"user_id": {"null" if user_id is None else f"{user_id:d}"}, '
            f'"client": {forwarded}, "level": "info", "ts": "{self._timestamp()}", '
            '"msg": "request"}\n'
        )
        # sys.stdout at the time of writing, as the structlog lines resolve it (tests capture it).
        stream = sys.stdout
        stream.write(line)
        stream.flush()

    def _timestamp(self) -> str:
        """Now in UTC as structlog's TimeStamper(fmt="iso", utc=True) writes it, the date and
        time formatted once a second."""
        now = time.time()
        second = int(now)
        if second != self._second:
            self._second = second
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._stamp}.{int((now - second) * 1_000_000):06d}Z"


_dumps = json.dumps
