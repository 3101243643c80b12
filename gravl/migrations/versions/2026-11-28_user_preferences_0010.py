"""user preferences

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 23:10:00.000000

A lifter's training preferences (goal, equipment, session length, exclusions, add-on sessions)
as one JSON document on the account (gravl.auth.preferences); empty means the defaults.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("preferences", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("preferences")
