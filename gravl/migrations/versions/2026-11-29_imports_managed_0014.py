"""imports you can manage

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 18:00:00.000000

An import becomes an object the lifter manages (issue 19): it records the weight unit its file
was read in and where that unit came from (the file, the request, or the lifter's profile), and
when it was undone (undoing removes what it added and keeps the record). Custom exercises an
import created point back at it (``exercises.import_id``, a plain integer like
``workout_logs.import_id``), so undoing removes the ones nothing else uses; logs are found by
their import through a new index. A set's import fingerprint also keeps its ``slot`` (its
place: the workout's wall-clock time, the exercise's and the set's place in it) and the
``position`` of the set in its log, so a newer export whose set was edited in the app replaces
the stored version (gravl/transfer/identity.py).
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
    op.add_column("import_fingerprints", sa.Column("slot", sa.String(length=64), nullable=True))
    op.add_column("import_fingerprints", sa.Column("position", sa.Integer(), nullable=True))
    # Where a fingerprint came from: another app's export ("app", exported with the log so a
    # later import on another server knows the set) or a Gravl restore ("gravl", not exported).
    op.add_column("import_fingerprints", sa.Column("origin", sa.String(length=8), nullable=True))
    op.execute(
        "UPDATE import_fingerprints SET origin = CASE WHEN EXISTS ("
        " SELECT 1 FROM workout_logs JOIN imports ON imports.id = workout_logs.import_id"
        " WHERE workout_logs.id = import_fingerprints.log_id AND imports.format = 'gravl'"
        ") THEN 'gravl' ELSE 'app' END"
    )
    op.create_index("ix_workout_logs_user_id_import_id", "workout_logs", ["user_id", "import_id"])
    # The name the app gave a log's exercise, so the lifter can re-map an imported name later
    # (moving its logs), and the sessions an import filled, undone with it.
    op.add_column("workout_logs", sa.Column("source_name", sa.String(length=120), nullable=True))
    op.add_column("training_sessions", sa.Column("import_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_training_sessions_user_id_import_id", "training_sessions", ["user_id", "import_id"]
    )
    # A lifter's own answer to "which exercise is this app's name?", used by every later import.
    op.create_table(
        "import_name_maps",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["exercise_id"], ["exercises.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "name_key"),
    )


def downgrade() -> None:
    op.drop_table("import_name_maps")
    op.drop_index("ix_training_sessions_user_id_import_id", table_name="training_sessions")
    with op.batch_alter_table(
        "training_sessions", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_column("import_id")
    with op.batch_alter_table("workout_logs", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("source_name")
    op.drop_index("ix_workout_logs_user_id_import_id", table_name="workout_logs")
    with op.batch_alter_table("import_fingerprints") as batch:
        batch.drop_column("origin")
        batch.drop_column("position")
        batch.drop_column("slot")
    with op.batch_alter_table("exercises", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("import_id")
    with op.batch_alter_table("imports", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("undone_at")
        batch.drop_column("unit_source")
        batch.drop_column("unit")
