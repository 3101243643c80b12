"""Per-muscle recovery state and the lifters' soreness check-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gravl.db import Base, UTCDateTime, utcnow


class MuscleGroupRecovery(Base):
    """Fatigue ``fatigue`` at ``state_at`` (RECOVERY.md's incremental ``(F, t0)``) and the
    personal multiplier ``k``, kept in step with the logs in the same transaction."""

    __tablename__ = "muscle_group_recovery"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # A muscle the model tracks (gravl.vocabulary.TRACKED): a group, or a deltoid head in
    # place of shoulders, so not a muscle_groups row.
    muscle_group: Mapped[str] = mapped_column(String(32), primary_key=True)
    fatigue: Mapped[float] = mapped_column(Float, default=0.0)
    state_at: Mapped[datetime] = mapped_column(UTCDateTime())
    k: Mapped[float] = mapped_column(Float, default=1.0)
    last_trained_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RecoveryCheckIn(Base):
    __tablename__ = "recovery_checkins"
    __table_args__ = (
        Index("ix_recovery_checkins_user_id_muscle_group_at", "user_id", "muscle_group", "at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    muscle_group: Mapped[str] = mapped_column(String(32), ForeignKey("muscle_groups.slug"))
    soreness: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What the model predicted and the multiplier it learned, as recorded at the check-in
    # (k_after seeds recomputes that start after this check-in's moment).
    predicted_score: Mapped[float] = mapped_column(Float)
    k_after: Mapped[float] = mapped_column(Float)
    # The tracked muscles a report on a group of several moved, comma-joined (a shoulders
    # report moves the heads trained in the week before it); NULL: all of the group's.
    parts: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
