"""The recovery rows the body map draws, in the shape of GET /api/recovery/muscle-groups items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.models import User
from gravl.catalog.muscles import MUSCLE_GROUPS


@dataclass(frozen=True)
class MuscleRecovery:
    muscle_group: str
    name: str
    recovery_score: float
    status: str  # ready | recovering | fatigued (RECOVERY.md)
    ready_at: datetime | None


def fully_recovered() -> list[MuscleRecovery]:
    """All 17 groups at 100 — what RECOVERY.md gives a lifter with no history."""
    return [MuscleRecovery(m.slug, m.name, 100.0, "ready", None) for m in MUSCLE_GROUPS]


async def muscle_recovery_for(*, session: AsyncSession, user: User) -> list[MuscleRecovery]:
    """The lifter's recovery now, one row per muscle group.

    Point this at the recovery service (gravl/recovery/service.py) once it exists; until then
    every muscle is fully recovered.
    """
    return fully_recovered()
