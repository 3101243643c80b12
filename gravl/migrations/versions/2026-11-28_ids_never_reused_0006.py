"""ids never reused

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 12:00:00.000000

SQLite hands a deleted row's id (the largest rowid) to the next insert unless the table is
AUTOINCREMENT, so a deleted account's token could read the next account to register (issue 15).
This rebuilds every table whose ids the API shows as AUTOINCREMENT. PostgreSQL's sequences
never go back, so there it does nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables whose ids appear in the API (and the refresh tokens, whose rows name a session).
TABLES = (
    "users",
    "refresh_tokens",
    "exercises",
    "workout_logs",
    "recovery_checkins",
    "enrollments",
    "custom_workouts",
    "custom_workout_exercises",
    "workout_swaps",
    "imports",
)


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
