"""`gravl demo`: a lived-in account on a fresh database, created once."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select

from gravl.auth.models import User
from gravl.config import Settings
from gravl.db import Database
from gravl.demo import DEMO_EMAIL, WEEKS, create_demo
from gravl.history.models import WorkoutLog
from gravl.recovery.models import MuscleGroupRecovery
from gravl.training.models import Enrollment, WorkoutSwap


def _run(settings: Settings) -> tuple[bool, dict[str, int]]:
    async def run() -> tuple[bool, dict[str, int]]:
        database = Database(settings)
        try:
            user, created = await create_demo(database=database, today=date(2026, 11, 27))
            async with database.sessionmaker() as session:
                counts = {}
                for name, model in (
                    ("logs", WorkoutLog),
                    ("swaps", WorkoutSwap),
                    ("enrollments", Enrollment),
                    ("recovery", MuscleGroupRecovery),
                ):
                    counts[name] = (
                        await session.scalar(
                            select(func.count()).select_from(model).where(model.user_id == user.id)
                        )
                        or 0
                    )
                counts["users"] = (
                    await session.scalar(
                        select(func.count()).select_from(User).where(User.email == DEMO_EMAIL)
                    )
                    or 0
                )
            return created, counts
        finally:
            await database.dispose()

    return asyncio.run(run())


def test_demo_creates_history_once(settings: Settings) -> None:
    created, counts = _run(settings)
    assert created
    # Three sessions a week for eight weeks, a few missed, several exercises each.
    assert counts["logs"] > WEEKS * 2 * 4
    assert counts["swaps"] == 1 and counts["enrollments"] == 1 and counts["users"] == 1
    assert counts["recovery"] >= 10  # the state kept in step with every log
    again, counts_after = _run(settings)
    assert not again
    assert counts_after == counts


def test_demo_lifter_can_sign_in_and_sees_a_lived_in_account(client, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from gravl.demo import DEMO_PASSWORD

    _run(settings)
    token = client.post(
        "/api/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/programs/current", headers=headers).status_code == 200
    assert len(client.get("/api/logs", headers=headers).json()["items"]) == 50
    swaps = client.get("/api/workouts/swaps", headers=headers).json()
    assert len(swaps) == 1 and swaps[0]["reason"]
    recovery = client.get("/api/recovery/muscle-groups", headers=headers).json()["muscle_groups"]
    assert any(m["sets_last_7_days"] > 0 for m in recovery)
