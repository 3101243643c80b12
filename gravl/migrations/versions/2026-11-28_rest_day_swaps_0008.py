"""rest-day swaps and revert reasons

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 23:00:00.000000

A rest day can be given a workout (issue 16): such a swap replaces nothing, so
``workout_swaps.original_workout_id`` becomes nullable. A revert may say why
(``revert_reason``). On SQLite the table is rebuilt (batch mode), keeping AUTOINCREMENT (0006)
and the partial unique index of active swaps. Going down deletes the rest-day swaps, which the
older schema cannot hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rebuilt SQLite table must stay AUTOINCREMENT: its ids are shown by the API (0006).
_TABLE_KWARGS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("workout_swaps", table_kwargs=_TABLE_KWARGS) as batch_op:
        batch_op.alter_column("original_workout_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("revert_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM workout_swaps WHERE original_workout_id IS NULL")
    with op.batch_alter_table("workout_swaps", table_kwargs=_TABLE_KWARGS) as batch_op:
        batch_op.drop_column("revert_reason")
        batch_op.alter_column("original_workout_id", existing_type=sa.Integer(), nullable=False)
