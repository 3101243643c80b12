"""training sessions

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 12:00:00.000000

A training session groups the logs of one workout (issue 18): planned from targets when the
lifter starts it (``plan``, the exercises with their warm-ups and target sets as they were
given), then filled as sets are logged (``workout_logs.session_id``; a log outlives its
session, the key then nulls). A program says how its loads advance for a novice (``progression``:
``linear`` adds weight every successful session, ``auto`` leaves the choice to each exercise's
rep range); seeding sets the built-in programs'.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rebuilt SQLite table must stay AUTOINCREMENT: its ids are shown by the API (0006).
_TABLE_KWARGS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("workout_id", sa.Integer(), nullable=True),
        sa.Column("custom_workout_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workout_id"], ["workouts.id"]),
        sa.ForeignKeyConstraint(["custom_workout_id"], ["custom_workouts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_training_sessions_user_id_date", "training_sessions", ["user_id", "date"])
    with op.batch_alter_table("workout_logs", table_kwargs=_TABLE_KWARGS) as batch:
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_workout_logs_session_id_training_sessions",
            "training_sessions",
            ["session_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_workout_logs_session_id", ["session_id"])
    with op.batch_alter_table("programs") as batch:
        batch.add_column(
            sa.Column("progression", sa.String(length=8), server_default="auto", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("progression")
    with op.batch_alter_table("workout_logs", table_kwargs=_TABLE_KWARGS) as batch:
        batch.drop_index("ix_workout_logs_session_id")
        batch.drop_constraint("fk_workout_logs_session_id_training_sessions", type_="foreignkey")
        batch.drop_column("session_id")
    op.drop_index("ix_training_sessions_user_id_date", table_name="training_sessions")
    op.drop_table("training_sessions")
