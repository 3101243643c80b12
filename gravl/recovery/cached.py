"""Recovery reads for the hot routes: the lifter's inputs from the worker's cache."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request

from gravl.auth.lifter import Lifter
from gravl.db import utcnow
from gravl.lifter_cache import Slot, cached, read
from gravl.recovery import service
from gravl.recovery.service import RecoveryInputs, Snapshot

RECOVERY_INPUTS = Slot[RecoveryInputs]("recovery-inputs")


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
