"""program schedule modes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 23:00:00.000000

A program says how it advances (issue 16): ``calendar`` (sessions on the cycle's days) or
``rotation`` (the next session follows the last one done, with a rest day after
``max_consecutive_days`` training days in a row). Seeding sets the built-in programs' modes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "schedule_mode", sa.String(length=8), server_default="calendar", nullable=False
            )
        )
        batch_op.add_column(sa.Column("max_consecutive_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_column("max_consecutive_days")
        batch_op.drop_column("schedule_mode")
