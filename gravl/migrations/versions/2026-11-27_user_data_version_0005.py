"""user data version

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 13:30:00.000000

Every change to a lifter's training data replaces ``users.data_version``; the workers' per-lifter
caches of recovery and recommendation inputs are valid while it is unchanged (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("data_version", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("data_version")
