"""Retention (ASVS 8.3.8): what a lifter's sign-ins leave behind does not pile up forever.

An ended session's row and its refresh tokens are kept 30 days after the end, a security event
a year; both are pruned at the lifter's next sign-in, and only that lifter's rows go.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.models import AuthSession, RefreshToken, SecurityEvent
from gravl.config import Settings
from gravl.db import Database
from tests.conftest import Account


def _login(client: TestClient, account: Account) -> None:
    response = client.post(
        "/api/auth/login", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200, response.text


T = TypeVar("T")


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session, session.begin():
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(run())


def _counts(settings: Settings, user_id: int) -> dict[str, int]:
    async def work(session: AsyncSession) -> dict[str, int]:
        counted = {}
        for name, model in (
            ("sessions", AuthSession),
            ("tokens", RefreshToken),
            ("events", SecurityEvent),
        ):
            counted[name] = int(
                await session.scalar(
                    select(func.count()).select_from(model).where(model.user_id == user_id)
                )
            )
        return counted

    return _run(settings, work)


def _age(settings: Settings, user_id: int, days: int) -> None:
    """Every session of the lifter ended ``days`` ago, every event of theirs as old."""
    then = datetime.now(UTC) - timedelta(days=days)

    async def work(session: AsyncSession) -> None:
        await session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user_id)
            .values(revoked_at=then, revoked_reason="logout")
        )
        await session.execute(
            update(SecurityEvent).where(SecurityEvent.user_id == user_id).values(created_at=then)
        )

    _run(settings, work)


def _user_id(client: TestClient, account: Account) -> int:
    return int(client.get("/api/me", headers=account.headers).json()["id"])


def test_sessions_ended_a_month_ago_and_year_old_events_go_at_the_next_sign_in(
    client: TestClient, settings: Settings, lifter: Account, other_lifter: Account
) -> None:
    me, other = _user_id(client, lifter), _user_id(client, other_lifter)
    _login(client, lifter)
    before = _counts(settings, me)
    assert before["sessions"] == 2 and before["tokens"] >= 2 and before["events"] >= 2
    other_before = _counts(settings, other)

    _age(settings, me, days=29)  # ended, but within the 30 days an ended session is kept
    _login(client, lifter)
    kept = _counts(settings, me)
    assert kept["sessions"] == before["sessions"] + 1

    _age(settings, me, days=400)  # every session ended and every event over a year ago
    _age(settings, other, days=400)
    _login(client, lifter)
    after = _counts(settings, me)
    # Only the sign-in just made remains: its session, its token and its event.
    assert after == {"sessions": 1, "tokens": 1, "events": 1}
    # Another lifter's rows wait for their own sign-in.
    assert _counts(settings, other) == other_before


def test_live_sessions_are_never_pruned(
    client: TestClient, settings: Settings, lifter: Account
) -> None:
    me = _user_id(client, lifter)
    _login(client, lifter)
    _login(client, lifter)
    assert _counts(settings, me)["sessions"] == 3
    assert client.get("/api/me", headers=lifter.headers).status_code == 200
