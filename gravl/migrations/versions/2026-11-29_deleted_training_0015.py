"""deleted training, to undo

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 21:00:00.000000

Deleting a log or a whole session from the history (issue 20) moves what it removed into
``deleted_training`` (one row per delete: the rows' columns as JSON) and deletes it for real,
so Undo can put it back for a while; no read of the logs has to skip soft-deleted rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deleted_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "token"),
    )
    op.create_index(
        "ix_deleted_training_user_id_deleted_at", "deleted_training", ["user_id", "deleted_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_deleted_training_user_id_deleted_at", table_name="deleted_training")
    op.drop_table("deleted_training")
