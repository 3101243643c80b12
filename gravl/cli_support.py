"""What every `gravl` command that touches the database needs: the configured settings
(refusing insecure ones) and one unit of work against the configured database.

Below both the top-level CLI (``gravl.cli``) and the commands it merges in from the domains
(``gravl.transfer.cli``), so neither has to import the other's helpers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter, lifter_by_email
from gravl.cache import Caches
from gravl.config import InsecureSettingsError, Settings, get_settings
from gravl.corridor import UnitOfWork, unit_of_work
from gravl.db import Database

console = Console(stderr=True)
T = TypeVar("T")


def command_settings() -> Settings:
    """The settings, or exit 2 when they are insecure; creates a SQLite file's directory."""
    try:
        settings = get_settings()
    except InsecureSettingsError as exc:
        console.print(f"[red]refusing to start: {exc}")
        raise typer.Exit(2) from exc
    _ensure_sqlite_dir(settings.database_url)
    return settings


def _ensure_sqlite_dir(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` as one unit of work against the configured database."""
    return asyncio.run(_run(lambda unit: work(unit.session)))


def as_lifter(
    email: str, work: Callable[[AsyncSession, Lifter], Awaitable[T]], *, writes: bool
) -> T:
    """Run ``work`` for the lifter with this e-mail address as one unit of work; exit 1 when
    there is none. A command that writes their training data claims them first, as every
    writing request does (``gravl.auth.lifter``)."""

    async def for_lifter(unit: UnitOfWork) -> T:
        lifter = await lifter_by_email(unit, email, writes=writes)
        if lifter is None:
            console.print(f"[red]no user with e-mail {escape(email)}")
            raise typer.Exit(1)
        return await work(unit.session, lifter)

    return asyncio.run(_run(for_lifter, writes=writes))


async def _run(work: Callable[[UnitOfWork], Awaitable[T]], *, writes: bool = True) -> T:
    database = Database(command_settings())
    try:
        async with unit_of_work(database, Caches(), writes=writes) as unit:
            return await work(unit)
    finally:
        await database.dispose()
