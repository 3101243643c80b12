"""The per-worker cache of built-in workouts and programs answers what the database holds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.config import Settings
from gravl.training import cache
from gravl.training.models import Program, Workout
from tests.catalog.test_cache import in_session


def test_builtin_workouts_and_programs_match_the_database(settings: Settings) -> None:
    async def compare(session: AsyncSession) -> None:
        cached = await cache.builtin_workouts(session)
        workouts = (
            await session.scalars(
                select(Workout).options(selectinload(Workout.exercises)).order_by(Workout.id)
            )
        ).all()
        assert [(w.id, w.name, w.kind) for w in cached.workouts] == [
            (w.id, w.name, w.kind) for w in workouts
        ]
        assert [w.planned for w in cached.workouts] == [
            tuple((e.target_sets, e.exercise_id) for e in w.exercises) for w in workouts
        ]
        programs = (
            await session.scalars(select(Program).options(selectinload(Program.days)))
        ).all()
        assert programs
        for program in programs:
            expected = tuple(d.workout_id for d in program.days)
            assert await cache.program_schedule(session, program.id) == expected
        # Loaded once per worker: the second call hands back the same object.
        assert await cache.builtin_workouts(session) is cached

    in_session(settings, compare)
