"""``gravl import``, ``gravl export`` and ``gravl catalog import`` (merged into the CLI)."""

from __future__ import annotations

import asyncio
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.cli_support import as_lifter, command_settings, with_session
from gravl.transfer.schemas import ImportReportOut

transfer_app = typer.Typer()
catalog_app = typer.Typer(help="The exercise catalog.", no_args_is_help=True)
console = Console(stderr=True, soft_wrap=True)

# Below this a progress bar only flickers.
_PROGRESS_FROM_BYTES = 1 << 20


class FileFormat(StrEnum):
    strong = "strong"
    hevy = "hevy"
    fitnotes = "fitnotes"
    fitbod = "fitbod"
    gravl = "gravl"


class Unit(StrEnum):
    kg = "kg"
    lb = "lb"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


# A file's rows of nothing can be many (the report lists up to 100): the first few say what.
SKIPPED_SHOWN = 5


def _skipped(report: ImportReportOut) -> str:
    shown = "; ".join(s.message for s in report.skipped[:SKIPPED_SHOWN])
    more = len(report.skipped) - SKIPPED_SHOWN
    return (shown + (f"; and {more} more" if more > 0 else "")) or "none"


def _summary(report: ImportReportOut, path: Path) -> Table:
    title = f"{'Dry run of' if report.dry_run else 'Imported'} {path.name} ({report.format})"
    table = Table(title=title, show_header=False)
    for label, value in (
        ("weights read in", f"{report.unit} ({_UNIT_SOURCES[report.unit_source]})"),
        ("sessions in the file", report.sessions),
        ("sets in the file", report.sets),
        ("logs created" if not report.dry_run else "logs to create", report.logs),
        ("sets already present", report.duplicates_skipped),
        ("unmatched exercise names", ", ".join(report.unknown_exercises) or "none"),
        ("custom exercises created", ", ".join(report.created_exercises) or "none"),
        ("skipped", _skipped(report)),
    ):
        table.add_row(label, str(value))
    if report.replaced_imports:
        table.add_row("imports replaced", ", ".join(map(str, report.replaced_imports)))
    if report.nothing_new:
        table.add_row("result", "nothing new: every set was already there; nothing recorded")
    for warning in report.warnings:
        table.add_row("[yellow]check", escape(warning))
    return table


_UNIT_SOURCES = {
    "file": "named by the file",
    "request": "as given",
    "profile": "the lifter's units",
}


@transfer_app.command("import")
def import_file(
    format: Annotated[FileFormat, typer.Argument(help="The app that wrote FILE.")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    user: Annotated[str, typer.Option("--user", help="The lifter's e-mail.")],
    unit: Annotated[
        Unit | None,
        typer.Option(help="Weight unit of files that name none (default: the lifter's units)."),
    ] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA zone of the file's times (default: the lifter's).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report; write nothing.")] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Undo the lifter's earlier imports of FORMAT first.")
    ] = False,
) -> None:
    """Import a lifter's history from Strong, Hevy, FitNotes, Fitbod or a Gravl JSON export."""
    from gravl.errors import GravlError
    from gravl.transfer import restore, service

    size = file.stat().st_size
    progress = Progress(
        TextColumn("reading"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=size < _PROGRESS_FROM_BYTES,
        transient=True,
    )
    task = progress.add_task("read", total=size)

    async def work(session: AsyncSession, lifter: Lifter) -> ImportReportOut:
        with file.open("rb") as stream, progress:
            if format is FileFormat.gravl:
                return await restore.restore(
                    session=session,
                    user=lifter,
                    stream=stream,
                    dry_run=dry_run,
                    filename=file.name,
                )
            report = await service.import_history(
                session=session,
                user=lifter,
                stream=stream,
                format=format.value,  # type: ignore[arg-type]  # gravl went to restore
                unit=unit.value if unit is not None else None,
                timezone=timezone,
                dry_run=dry_run,
                replace=replace,
                filename=file.name,
                on_read=lambda n: progress.advance(task, n),
            )
            progress.update(task, description="writing")
            return report

    try:
        # A dry run writes nothing, so it leaves the lifter's caches alone.
        report = as_lifter(user, work, writes=not dry_run)
    except GravlError as exc:
        console.print(f"[red]{escape(exc.message)}")
        for detail in (exc.details or [])[1:]:
            console.print(f"[red]  {escape(json.dumps(detail))}")
        raise typer.Exit(1) from exc
    console.print(_summary(report, file))


@transfer_app.command("export")
def export_file(
    user: Annotated[str, typer.Option("--user", help="The lifter's e-mail.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    format: Annotated[ExportFormat, typer.Option(help="json restores; csv opens anywhere.")] = (
        ExportFormat.json
    ),
) -> None:
    """Export a lifter's whole history."""
    from gravl.db import Database
    from gravl.transfer import export

    if format is ExportFormat.json:
        document = as_lifter(
            user,
            lambda session, lifter: export.export_document(session=session, user=lifter),
            writes=False,
        )
        output.write_text(document.model_dump_json(), encoding="utf-8")
    else:

        async def lifter_id(_: AsyncSession, lifter: Lifter) -> int:
            return lifter.id

        user_id = as_lifter(user, lifter_id, writes=False)

        async def stream() -> None:
            # The rows stream through a unit of work of the generator's own, as the API's CSV does.
            database = Database(command_settings())
            try:
                with output.open("w", encoding="utf-8", newline="") as handle:
                    async for chunk in export.export_csv(database=database, user_id=user_id):
                        handle.write(chunk)
            finally:
                await database.dispose()

        asyncio.run(stream())
    console.print(f"exported to {output} ({output.stat().st_size} bytes)")


@catalog_app.command("import")
def catalog_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Merge a free-exercise-db exercises.json into the built-in catalog (safe to re-run)."""
    from gravl.transfer.catalog_import import CatalogFormatError, import_catalog

    try:
        report = with_session(lambda session: import_catalog(session=session, path=file))
    except CatalogFormatError as exc:
        console.print(f"[red]{escape(str(exc))}")
        raise typer.Exit(1) from exc
    if not report.changed:
        console.print(f"catalog is up to date ({report.unchanged} entries known)")
        return
    table = Table(title=f"Merged {file.name}", show_header=False)
    table.add_row("matched to built-in exercises", str(len(report.matched)))
    table.add_row("added as new exercises", str(len(report.added)))
    table.add_row("already known", str(report.unchanged))
    console.print(table)
