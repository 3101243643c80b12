"""Security events: what happened to an account, for its owner, the operator and the alerts.

Each event is three things at once: a row the lifter reads (``GET /api/me/security-events``,
the Settings page), a structured log line with the client's address (``security_event``, the
operator's audit trail in Loki) and a sample of ``gravl_security_events_total`` (the alerts on
bursts of failed sign-ins and on refresh-token reuse). An event about no account — a failed
sign-in for an address nobody registered — is logged and counted but stored nowhere.

A row is written in the request's transaction, so it stands or falls with what it records;
the failures that must be remembered although the request fails are committed by their
error (``commit=True``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal, get_args

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.models import SecurityEvent
from gravl.auth.sessions import Client
from gravl.observability.metrics import SECURITY_EVENTS

EventType = Literal[
    "account_created",
    "login_succeeded",
    "login_failed",
    "mfa_failed",
    "lockout",
    "refresh_reuse",
    "logout",
    "session_revoked",
    "password_changed",
    "mfa_enabled",
    "mfa_disabled",
    "account_deleted",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
for _event in EVENT_TYPES:
    SECURITY_EVENTS.labels(_event)  # every series exists from the start: rate() has a baseline

log = structlog.get_logger("gravl.security")
# How long a lifter's stored events are kept (the log lines follow Loki's retention).
KEPT = timedelta(days=365)


async def record(
    session: AsyncSession,
    event: EventType,
    *,
    user_id: int | None,
    client: Client,
    now: datetime,
    session_id: str | None = None,
    detail: str | None = None,
    store: bool = True,
) -> None:
    """Record ``event``: logged and counted, and stored for ``user_id`` when there is one
    (``store=False``: an account being deleted keeps nothing)."""
    log.info(
        "security_event",
        security_event=event,
        user_id=user_id,
        client=client.address,
        user_agent=client.user_agent,
        session_id=session_id,
        detail=detail,
    )
    SECURITY_EVENTS.labels(event).inc()
    if user_id is not None and store:
        session.add(
            SecurityEvent(
                user_id=user_id,
                event=event,
                created_at=now,
                client=client.address,
                user_agent=client.user_agent,
                session_id=session_id,
                detail=detail[:200] if detail else None,
            )
        )
        await session.flush()


async def listed(
    session: AsyncSession, *, user_id: int, limit: int, before: int | None = None
) -> Sequence[SecurityEvent]:
    """The lifter's events, newest first (``before``: an id to continue below)."""
    query = select(SecurityEvent).where(SecurityEvent.user_id == user_id)
    if before is not None:
        query = query.where(SecurityEvent.id < before)
    return (await session.scalars(query.order_by(SecurityEvent.id.desc()).limit(limit))).all()


async def prune(session: AsyncSession, *, user_id: int, now: datetime) -> None:
    """Delete the lifter's events older than ``KEPT`` (at each sign-in)."""
    await session.execute(
        delete(SecurityEvent).where(
            SecurityEvent.user_id == user_id, SecurityEvent.created_at < now - KEPT
        )
    )
