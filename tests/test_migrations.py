"""Migrations go down to nothing and back up on both databases; seeding is idempotent."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from gravl.config import Settings
from gravl.db import Base, Database
from gravl.migrations import runner
from gravl.models import import_all_models
from gravl.seed import seed


def _tables(url: str) -> set[str]:
    async def read() -> set[str]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_downgrade_to_base_and_upgrade_to_head(database_url: str) -> None:
    import_all_models()
    model_tables = set(Base.metadata.tables)
    assert model_tables <= _tables(database_url)
    runner.downgrade(database_url, "base")
    assert _tables(database_url) & model_tables == set()
    runner.upgrade(database_url)
    assert model_tables <= _tables(database_url)


def test_migrations_match_the_models(database_url: str) -> None:
    """Autogenerate finds nothing to do: the migrations create exactly what the models say."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import_all_models()

    async def diff() -> list[object]:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
                )
        finally:
            await engine.dispose()

    assert asyncio.run(diff()) == []


def test_seed_twice_changes_nothing(settings: Settings) -> None:
    async def run() -> tuple[bool, dict[str, int]]:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session, session.begin():
                report = await seed(session=session)
            return report.changed, {**report.added, **report.updated}
        finally:
            await database.dispose()

    # The template database was seeded already, so this is the second run.
    changed, counts = asyncio.run(run())
    assert not changed, counts


def _sqlite_schema(url: str) -> dict[str, str]:
    async def read() -> dict[str, str]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                rows = await connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                )
                return {str(name): str(sql) for name, sql in rows.all()}
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _count(url: str, table: str) -> int:
    async def read() -> int:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                result = await connection.exec_driver_sql(f"SELECT count(*) FROM {table}")
                return int(result.scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _public_id_tables() -> tuple[str, ...]:
    """The tables the models declare AUTOINCREMENT on SQLite: those whose ids the API shows
    (issue 15, finding 2); the migrated database must agree with them."""
    import_all_models()
    return tuple(
        table.name
        for table in Base.metadata.sorted_tables
        if table.dialect_options["sqlite"].get("autoincrement")
    )


PUBLIC_ID_TABLES = _public_id_tables()


def test_sqlite_tables_with_public_ids_are_autoincrement(database_url: str, backend: str) -> None:
    """0006 rebuilds them on SQLite keeping rows and (partial) indexes; PostgreSQL is untouched."""
    import_all_models()
    exercises = _count(database_url, "exercises")
    runner.downgrade(database_url, "0005")
    if backend == "sqlite":
        schema = _sqlite_schema(database_url)
        assert not any(
            "AUTOINCREMENT" in schema[table] for table in PUBLIC_ID_TABLES if table in schema
        )
    runner.upgrade(database_url)
    assert set(Base.metadata.tables) <= _tables(database_url)
    assert _count(database_url, "exercises") == exercises > 0
    if backend == "sqlite":
        schema = _sqlite_schema(database_url)
        for table in PUBLIC_ID_TABLES:
            assert "AUTOINCREMENT" in schema[table], table
        assert "WHERE reverted_at IS NULL" in schema["uq_workout_swaps_active_day"]
