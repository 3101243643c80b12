"""free-exercise-db merges into the catalog: all 873 present, muscles mapped, re-run idle."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from gravl.catalog.models import Exercise
from gravl.config import Settings
from gravl.db import Database
from gravl.seed import seed
from gravl.transfer.catalog_import import SOURCE, CatalogImportReport, import_catalog, muscle_slug
from gravl.transfer.models import ExerciseSource

FREE_EXERCISE_DB = (
    Path(__file__).resolve().parents[2] / "data" / "free-exercise-db" / "exercises.json"
)


def test_catalog_import_brings_in_every_exercise_once(settings: Settings) -> None:
    entries = json.loads(FREE_EXERCISE_DB.read_text("utf-8"))
    assert len(entries) == 873

    async def run() -> tuple[CatalogImportReport, CatalogImportReport, int, int, bool]:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session, session.begin():
                before = await session.scalar(select(func.count(Exercise.id)))
                first = await import_catalog(session=session, path=FREE_EXERCISE_DB)
            async with database.sessionmaker() as session, session.begin():
                second = await import_catalog(session=session, path=FREE_EXERCISE_DB)
                reseeded = await seed(session=session)
                sources = {
                    s.external_id: s
                    for s in await session.scalars(
                        select(ExerciseSource).where(ExerciseSource.source == SOURCE)
                    )
                }
                exercises = {
                    e.id: e
                    for e in await session.scalars(
                        select(Exercise).options(selectinload(Exercise.muscles))
                    )
                }
                for entry in entries:
                    source = sources[entry["id"]]
                    exercise = exercises[source.exercise_id]
                    assert exercise.owner_id is None
                    if source.added:
                        assert exercise.name == entry["name"].strip()
                        assert exercise.primary_muscles == sorted(
                            map(muscle_slug, entry["primaryMuscles"])
                        )
                        assert set(exercise.secondary_muscles) == set(
                            map(muscle_slug, entry["secondaryMuscles"])
                        ) - set(exercise.primary_muscles)
                return first, second, before or 0, len(exercises), reseeded.changed
        finally:
            await database.dispose()

    first, second, before, after, reseeded = asyncio.run(run())
    assert len(first.matched) + len(first.added) == 873
    # The built-in catalog was cross-checked against free-exercise-db, so many match.
    assert len(first.matched) > 50
    assert after == before + len(first.added)
    assert not second.changed and second.unchanged == 873
    assert not reseeded


def test_equipment_and_categories_map_onto_gravls_names(settings: Settings) -> None:
    async def run() -> set[tuple[str | None, str]]:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session, session.begin():
                await import_catalog(session=session, path=FREE_EXERCISE_DB)
                rows = await session.execute(
                    select(Exercise.equipment, Exercise.category).where(
                        Exercise.slug.startswith("fedb-")
                    )
                )
                return {(equipment, category) for equipment, category in rows}
        finally:
            await database.dispose()

    pairs = asyncio.run(run())
    equipment = {e for e, _ in pairs}
    assert {"body_only", "ez_bar", "kettlebell", "foam_roll"} <= equipment
    assert "olympic_weightlifting" in {c for _, c in pairs}
    assert not any(e and " " in e for e in equipment)
