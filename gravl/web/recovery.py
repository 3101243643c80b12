"""The recovery rows the body map draws, in the shape of GET /api/recovery/muscle-groups items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gravl.recovery import service
from gravl.vocabulary import MUSCLE_GROUPS, MUSCLE_NAMES


@dataclass(frozen=True)
class MuscleRecovery:
    muscle_group: str
    name: str
    recovery_score: float  # unrounded: status and ready_at come from it (RECOVERY.md)
    status: str  # ready | recovering | fatigued
    ready_at: datetime | None


def fully_recovered() -> list[MuscleRecovery]:
    """All 17 groups at 100 — what RECOVERY.md gives a lifter with no history."""
    return [MuscleRecovery(m.slug, m.name, 100.0, "ready", None) for m in MUSCLE_GROUPS]


def from_snapshot(snapshot: service.Snapshot) -> list[MuscleRecovery]:
    """One row per muscle group, by slug."""
    return [
        # The score as the API shows it (to 0.1), which its status was judged on.
        MuscleRecovery(
            r.muscle, MUSCLE_NAMES[r.muscle], round(r.recovery_score, 1), r.status, r.ready_at
        )
        for r in snapshot.reports
    ]
