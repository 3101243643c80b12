"""Recovery reads for the hot routes: the lifter's inputs from the worker's cache."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from fastapi import Request

from gravl.auth.lifter import Lifter
from gravl.db import utcnow
from gravl.lifter_cache import LifterCaches, Slot, cached, read
from gravl.recovery import service
from gravl.recovery.service import RecoveryInputs, Snapshot

RECOVERY_INPUTS = Slot[RecoveryInputs]("recovery-inputs")
# The rendered muscle-groups answer. A score moves at most ~6 points an hour (a muscle at 37%
# with the shortest time constant), so in ten seconds by under a fiftieth of the tenth shown.
ANSWERS = Slot[bytes]("recovery-answers", max_age_s=10.0)


async def answer(request: Request, lifter: Lifter, render: Callable[[Snapshot], bytes]) -> bytes:
    """The rendered 17-muscle answer now, kept up to ten seconds while the data is unchanged."""
    cache = cast(LifterCaches, request.app.state.lifter_caches).of(ANSWERS)
    body = cache.get(lifter)
    if body is None:
        body = render(await snapshot(request, lifter))
        cache.put(lifter, body)
    return body


async def inputs(request: Request, lifter: Lifter) -> RecoveryInputs:
    return await cached(
        request,
        lifter,
        RECOVERY_INPUTS,
        lambda session, user: service.load_inputs(session, user.id),
    )


async def snapshot(request: Request, lifter: Lifter, at: datetime | None = None) -> Snapshot:
    """The lifter's 17 muscles now (from cached inputs), or at ``at`` (from the database)."""
    if at is None:
        found = service.snapshot_of(await inputs(request, lifter), lifter.experience, utcnow())
        if found is not None:
            return found
    when = at or utcnow()
    return await read(
        request, lifter, lambda session, user: service.snapshot(session=session, user=user, at=when)
    )
