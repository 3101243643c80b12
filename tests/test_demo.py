"""`gravl demo`: a lived-in account on a fresh database, created once."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

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


Set = tuple[str, int | None, float | None, float | None, int | None]


def _history(settings: Settings) -> list[tuple[date, str, list[Set]]]:
    """The demo lifter's logs, oldest first: (day, exercise slug, sets)."""

    async def run() -> list[tuple[date, str, list[Set]]]:
        database = Database(settings)
        try:
            user, _ = await create_demo(database=database, today=date(2026, 11, 27))
            async with database.sessionmaker() as session:
                logs = await session.scalars(
                    select(WorkoutLog)
                    .where(WorkoutLog.user_id == user.id)
                    .options(selectinload(WorkoutLog.sets), selectinload(WorkoutLog.exercise))
                    .order_by(WorkoutLog.performed_at)
                )
                return [
                    (
                        log.performed_at.date(),
                        log.exercise.slug,
                        [
                            (s.set_type, s.reps, s.weight_kg, s.rpe, s.duration_s)
                            for s in sorted(log.sets, key=lambda s: s.position)
                        ],
                    )
                    for log in logs
                ]
        finally:
            await database.dispose()

    return asyncio.run(run())


def _top_loads(history: list[tuple[date, str, list[Set]]], slug: str) -> list[float]:
    """The heaviest working set of each session of the lift, in order."""
    return [
        max(s[2] or 0 for s in sets if s[0] == "normal")
        for _, found, sets in history
        if found == slug
    ]


def test_the_demo_lifts_are_plausible_and_progress(settings: Settings) -> None:
    history = _history(settings)
    lifts = ("barbell-deadlift", "barbell-back-squat", "barbell-bench-press")
    lifts += ("barbell-overhead-press",)
    tops = {slug: _top_loads(history, slug) for slug in lifts}
    assert all(len(loads) >= 6 for loads in tops.values()), tops
    # The deadlift heaviest, then the squat, the bench press, and the press lightest.
    latest = [loads[-1] for loads in tops.values()]
    assert latest == sorted(latest, reverse=True) and len(set(latest)) == 4, tops
    for slug, loads in tops.items():
        # A few percent up over the eight weeks, not a leap, and one step back: the deload.
        assert 1.05 <= loads[-1] / loads[0] <= 1.35, (slug, loads)
        assert any(b < a for a, b in zip(loads, loads[1:], strict=False)), (slug, loads)
    # Not one weight for everything.
    weights = {s[2] for _, _, sets in history for s in sets if s[2]}
    assert len(weights) >= 15


def test_the_demo_sets_have_warm_ups_rpe_and_the_odd_missed_rep(settings: Settings) -> None:
    history = _history(settings)
    squats = [sets for _, slug, sets in history if slug == "barbell-back-squat"]
    for sets in squats:
        warmups = [s for s in sets if s[0] == "warmup"]
        working = [s for s in sets if s[0] == "normal"]
        assert warmups and max(w[2] or 0 for w in warmups) < min(s[2] or 0 for s in working)
        assert all(s[3] is None for s in warmups)
    loaded = [s for _, _, sets in history for s in sets if s[0] == "normal" and s[2]]
    assert all(s[3] is not None and 6 <= s[3] <= 10 for s in loaded)
    fives = [s for _, slug, sets in history if slug.startswith("barbell-") for s in sets]
    missed = [s for s in fives if s[0] == "normal" and s[1] is not None and s[1] < 5]
    assert 1 <= len(missed) <= len(fives) // 5  # the odd one, not the rule


def test_the_demo_holds_are_durations_without_reps(settings: Settings) -> None:
    holds = [s for _, slug, sets in _history(settings) if slug == "plank" for s in sets]
    assert len(holds) >= 9
    assert all(s[1] is None and s[2] is None for s in holds)
    assert all(s[4] is not None and 45 <= s[4] <= 60 for s in holds)
    assert min(s[4] or 0 for s in holds) < max(s[4] or 0 for s in holds)  # held longer in time
