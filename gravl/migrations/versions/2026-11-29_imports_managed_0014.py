"""imports you can manage

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 18:00:00.000000

An import becomes an object the lifter manages (issue 19): it records the weight unit its file
was read in and where that unit came from (the file, the request, or the lifter's profile), and
when it was undone (undoing removes what it added and keeps the record). Custom exercises an
import created point back at it (``exercises.import_id``, a plain integer like
``workout_logs.import_id``), so undoing removes the ones nothing else uses; logs are found by
their import through a new index.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable, no constraint): SQLite needs no table rebuild for them.
    op.add_column("imports", sa.Column("unit", sa.String(length=2), nullable=True))
    op.add_column("imports", sa.Column("unit_source", sa.String(length=8), nullable=True))
    op.add_column("imports", sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("exercises", sa.Column("import_id", sa.Integer(), nullable=True))
    op.create_index("ix_workout_logs_user_id_import_id", "workout_logs", ["user_id", "import_id"])


def downgrade() -> None:
    op.drop_index("ix_workout_logs_user_id_import_id", table_name="workout_logs")
    with op.batch_alter_table("exercises", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("import_id")
    with op.batch_alter_table("imports", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("undone_at")
        batch.drop_column("unit_source")
        batch.drop_column("unit")
