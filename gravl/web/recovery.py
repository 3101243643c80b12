"""The recovery rows the body map draws, in the shape of GET /api/recovery/muscle-groups items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gravl.recovery import service
from gravl.recovery.model import MuscleReport
from gravl.vocabulary import DELT_HEADS, HEAD_SLUGS, MUSCLE_GROUPS, SHOULDERS, TRACKED_NAMES


@dataclass(frozen=True)
class MuscleRecovery:
    muscle_group: str  # a group's slug, or a head's (front_delts) for a row in `heads`
    name: str
    recovery_score: float  # rounded to 0.1 as the API shows it; the status was judged on it
    status: str  # ready | recovering | fatigued
    ready_at: datetime | None
    # Shoulders: its three heads (front, side, rear), each drawn in its own colour; the
    # shoulders row itself is its most tired head. Empty for every other group.
    heads: tuple[MuscleRecovery, ...] = ()


def fully_recovered() -> list[MuscleRecovery]:
    """All 17 groups at 100 — what RECOVERY.md gives a lifter with no history."""
    heads = tuple(MuscleRecovery(h.slug, h.name, 100.0, "ready", None) for h in DELT_HEADS)
    return [
        MuscleRecovery(m.slug, m.name, 100.0, "ready", None, heads if m.slug == SHOULDERS else ())
        for m in MUSCLE_GROUPS
    ]


def _row(report: MuscleReport) -> MuscleRecovery:
    # The score as the API shows it (to 0.1), which its status was judged on.
    return MuscleRecovery(
        report.muscle,
        TRACKED_NAMES[report.muscle],
        round(report.recovery_score, 1),
        report.status,
        report.ready_at,
        # Front, side, rear: the order the table lists them in.
        tuple(_row(h) for h in sorted(report.heads, key=lambda h: HEAD_SLUGS.index(h.muscle))),
    )


def from_snapshot(snapshot: service.Snapshot) -> list[MuscleRecovery]:
    """One row per muscle group, by slug; shoulders with a row per head."""
    return [_row(r) for r in snapshot.reports]
