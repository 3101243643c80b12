"""``gravl backup``, ``gravl restore`` and ``gravl check`` (merged into the top-level CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gravl.config import InsecureSettingsError, Settings

ops_app = typer.Typer()
console = Console(stderr=True, soft_wrap=True)

_STYLES = {"pass": "green", "fail": "bold red", "skip": "yellow"}


def _settings() -> Settings:
    try:
        return Settings()
    except InsecureSettingsError as exc:
        console.print(f"[red]refusing to start: {escape(str(exc))}")
        raise typer.Exit(2) from exc


@ops_app.command()
def backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="The dump file to write.")],
    keep: Annotated[
        int | None,
        typer.Option(min=1, help="Then delete all but the N newest gravl-* dumps beside it."),
    ] = None,
) -> None:
    """Back up the database (PostgreSQL: pg_dump custom format; SQLite: online backup)."""
    from gravl.ops.backup import DUMP_PREFIX, BackupError, prune
    from gravl.ops.backup import backup as run_backup

    if keep is not None and not output.name.startswith(DUMP_PREFIX):
        raise typer.BadParameter(f"--keep manages files named {DUMP_PREFIX}*", param_hint="-o")
    try:
        run_backup(_settings().database_url, output)
        console.print(f"backed up to {output} ({output.stat().st_size} bytes)")
        for deleted in prune(output, keep) if keep is not None else []:
            console.print(f"deleted old backup {deleted}")
    except BackupError as exc:
        console.print(f"[red]backup failed: {escape(str(exc))}")
        raise typer.Exit(1) from exc


@ops_app.command()
def restore(
    dump: Annotated[Path, typer.Argument(help="A file written by `gravl backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that holds user accounts.")
    ] = False,
) -> None:
    """Restore the database from a backup; refuses a database with users unless --force."""
    from gravl.ops.backup import BackupError, DatabaseNotEmpty
    from gravl.ops.backup import restore as run_restore

    try:
        run_restore(_settings().database_url, dump, force=force)
    except DatabaseNotEmpty as exc:
        console.print(f"[red]refusing to restore: {escape(str(exc))}")
        raise typer.Exit(3) from exc
    except BackupError as exc:
        console.print(f"[red]restore failed: {escape(str(exc))}")
        raise typer.Exit(1) from exc
    console.print(f"restored from {dump}")


@ops_app.command()
def check(
    report: Annotated[
        bool, typer.Option("--report", help="Print a Markdown table instead.")
    ] = False,
) -> None:
    """Check production readiness: secrets, database, migrations, HSTS, metrics port."""
    from gravl.ops.check import load_settings, markdown_report, run_checks

    results = run_checks(load_settings())
    if report:
        typer.echo(markdown_report(results), nl=False)
    else:
        table = Table("check", "status", "detail", title="gravl check")
        for result in results:
            style = _STYLES[result.status]
            table.add_row(result.name, f"[{style}]{result.status.upper()}", result.detail)
        Console(width=120).print(table)
    failed = [result.name for result in results if result.status == "fail"]
    if failed:
        console.print(f"[red]not ready for production: {', '.join(failed)}")
        raise typer.Exit(1)
