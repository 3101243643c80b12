"""The per-worker cache of built-in exercises answers exactly what the database holds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.catalog import cache
from gravl.catalog.models import Exercise
from gravl.config import Settings
from gravl.db import Database
from tests.conftest import Account

T = TypeVar("T")


def in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def run() -> T:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session:
                return await work(session)
        finally:
            await database.dispose()

    return asyncio.run(run())


def test_builtin_muscles_and_names_match_the_database(settings: Settings) -> None:
    async def compare(session: AsyncSession) -> None:
        cached = await cache.builtin_exercises(session)
        exercises = (
            await session.scalars(
                select(Exercise)
                .where(Exercise.owner_id.is_(None))
                .options(selectinload(Exercise.muscles))
            )
        ).all()
        assert len(exercises) > 100
        assert cached.muscles == {
            e.id: (tuple(e.primary_muscles), tuple(e.secondary_muscles)) for e in exercises
        }
        assert cached.names == {e.id: e.name for e in exercises}
        # Loaded once per worker: the second call hands back the same object.
        assert await cache.builtin_exercises(session) is cached

    in_session(settings, compare)


def test_custom_and_unknown_exercises_are_read_from_the_database(
    client: TestClient, lifter: Account, settings: Settings
) -> None:
    response = client.post(
        "/api/exercises",
        json={
            "name": "Cable Thing",
            "category": "strength",
            "equipment": "cable",
            "primary_muscles": ["lats"],
            "secondary_muscles": ["biceps", "forearms"],
        },
        headers=lifter.headers,
    )
    assert response.status_code == 201, response.text
    custom_id = response.json()["id"]

    async def lookup(session: AsyncSession) -> None:
        await cache.builtin_exercises(session)  # loaded before the lookups, as in a running worker
        muscles = await cache.exercise_muscles(session, [custom_id, 10**9])
        assert muscles[custom_id] == (("lats",), ("biceps", "forearms"))
        assert muscles[10**9] == ((), ())
        names = await cache.exercise_names(session, [custom_id])
        assert names == {custom_id: "Cable Thing"}
        assert await cache.exercise_muscles(session, []) == {}

    in_session(settings, lookup)
