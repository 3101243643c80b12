"""The `gravl` command line: serve, db, seed, user."""

from __future__ import annotations

import asyncio
import getpass
import os
import secrets
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from gravl.cli_support import command_settings, console, with_session
from gravl.db import Database
from gravl.ops.cli import ops_app
from gravl.transfer.cli import catalog_app, transfer_app

app = typer.Typer(
    help="Gravl: strength training with explained recovery.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Manage lifters' accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(ops_app)  # backup, restore, check: top-level commands
app.add_typer(transfer_app)  # import, export: top-level commands
app.add_typer(catalog_app, name="catalog")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (GRAVL_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="API port (GRAVL_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes on one port.")] = 1,
    metrics_port: Annotated[
        int | None, typer.Option(help="Prometheus metrics port (GRAVL_METRICS_PORT).")
    ] = None,
) -> None:
    """Serve the API and web UI, and every worker's metrics on the metrics port."""
    import uvicorn

    from gravl.observability.exposition import metrics_server, multiprocess_directory
    from gravl.observability.logging import configure_logging, logging_config

    settings = command_settings()
    # The development key is published: anyone could sign a token for any lifter with it.
    problem = settings.signing_key_problem()
    if problem is not None and settings.env != "test":
        console.print(
            f"[red]refusing to serve: {problem} (`make run` keeps one in var/secret_key; "
            "or point GRAVL_SECRET_KEY_FILE at a file made by `gravl secret-key --file PATH`)"
        )
        raise typer.Exit(2)
    configure_logging(settings.log_level)
    bind, api_port = host or settings.host, port or settings.port
    metrics_port = metrics_port or settings.metrics_port
    if metrics_port == api_port:
        console.print("[red]the metrics port must differ from the API port")
        raise typer.Exit(2)
    with multiprocess_directory() as directory, metrics_server(bind, metrics_port, directory):
        from gravl.cache import WORKERS_ENV
        from gravl.observability.lifecycle import run_server

        # Each worker sizes its share of the memory limit by it (gravl.cache).
        os.environ[WORKERS_ENV] = str(workers)

        config = uvicorn.Config(
            "gravl.asgi:app",
            host=bind,
            port=api_port,
            workers=workers,
            # The levels are logging_config's: uvicorn's lifecycle lines at info, no access log.
            log_level=None,
            log_config=logging_config(settings.log_level),
            access_log=False,
            # The app applies the proxy headers itself, from GRAVL_TRUSTED_PROXIES.
            proxy_headers=False,
            server_header=False,
            timeout_keep_alive=settings.keep_alive_s,
            timeout_graceful_shutdown=settings.graceful_shutdown_s,
        )
        run_server(config)


@app.command("secret-key")
def secret_key(
    file: Annotated[Path, typer.Option("--file", help="Where to keep the key (mode 0600).")],
) -> None:
    """Create a random signing key in FILE unless it exists; never overwrites, never prints it."""
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: an existing key (and every session signed with it) is kept.
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        console.print(f"keeping the signing key in {escape(str(file))}")
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48) + "\n")
    console.print(f"created a signing key in {escape(str(file))}")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from gravl.migrations import runner

    runner.upgrade(command_settings().database_url, revision)


# "-1" must reach Alembic as a revision, not be parsed as an option.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. -1 or base")]) -> None:
    """Revert migrations down to REVISION."""
    from gravl.migrations import runner

    runner.downgrade(command_settings().database_url, revision)


@db_app.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    from gravl.migrations import runner

    runner.current(command_settings().database_url)


@app.command()
def seed() -> None:
    """Load the built-in exercises, workouts and programs (safe to run again)."""
    from gravl.seed import seed as run_seed

    report = with_session(lambda session: run_seed(session=session))
    if not report.changed:
        console.print("built-in content is up to date")
        return
    for table, count in sorted(report.added.items()):
        console.print(f"added {count} {table}")
    for table, count in sorted(report.updated.items()):
        console.print(f"updated {count} {table}")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument()],
    display_name: Annotated[str | None, typer.Option("--name")] = None,
    password: Annotated[
        str | None, typer.Option(help="Read from GRAVL_NEW_PASSWORD or prompted when omitted.")
    ] = None,
) -> None:
    """Create a lifter's account."""

    from pydantic import ValidationError

    from gravl.auth.schemas import RegisterIn
    from gravl.auth.service import create_user
    from gravl.errors import GravlError, ValidationFailed

    secret = password or os.environ.get("GRAVL_NEW_PASSWORD") or getpass.getpass("Password: ")
    try:
        data = RegisterIn(email=email, password=secret, display_name=display_name)
        user = with_session(lambda session: create_user(session=session, data=data))
    except ValidationError as exc:
        console.print(f"[red]invalid: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}")
        raise typer.Exit(2) from exc
    except ValidationFailed as exc:  # a short or common password
        console.print(f"[red]invalid: {exc.message}")
        raise typer.Exit(2) from exc
    except GravlError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from exc
    console.print(f"created user {user.id} <{user.email}>")


@app.command()
def demo() -> None:
    """Create a demo lifter eight weeks into a program (prints the credentials)."""
    from gravl.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo

    settings = command_settings()
    if settings.env == "production":
        console.print("[red]refusing to create a demo account in production")
        raise typer.Exit(2)

    async def run() -> bool:
        database = Database(settings)
        try:
            _, created = await create_demo(database=database)
            return created
        finally:
            await database.dispose()

    created = asyncio.run(run())
    console.print("demo lifter created" if created else "demo lifter already exists")
    console.print(f"sign in as {DEMO_EMAIL} with password {DEMO_PASSWORD}")
