"""Sliding-window abuse limits counted in the database, so they hold across replicas."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.models import AuthAttempt
from gravl.errors import RateLimited

# Rows older than the longest window are useless; they are pruned as new ones arrive.
RETENTION = timedelta(hours=2)


async def check_limit(
    *,
    session: AsyncSession,
    kind: str,
    key: str,
    limit: int,
    window_s: int,
    now: datetime,
    message: str,
) -> None:
    """Raise ``RateLimited`` when ``key`` has ``limit`` attempts of ``kind`` in the window."""
    since = now - timedelta(seconds=window_s)
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(AuthAttempt.created_at)).where(
                AuthAttempt.kind == kind, AuthAttempt.key == key, AuthAttempt.created_at > since
            )
        )
    ).one()
    if count >= limit:
        retry_after = int((oldest + timedelta(seconds=window_s) - now).total_seconds()) + 1
        raise RateLimited(message, retry_after=retry_after)


async def count_attempts(*, session: AsyncSession, kind: str, key: str) -> int:
    """How many attempts of ``kind`` the ledger holds for ``key`` (within its retention)."""
    count = await session.scalar(
        select(func.count()).where(AuthAttempt.kind == kind, AuthAttempt.key == key)
    )
    return int(count or 0)


async def record_attempt(*, session: AsyncSession, kind: str, key: str, now: datetime) -> None:
    session.add(AuthAttempt(kind=kind, key=key, created_at=now))
    await session.execute(delete(AuthAttempt).where(AuthAttempt.created_at < now - RETENTION))
    await session.flush()
