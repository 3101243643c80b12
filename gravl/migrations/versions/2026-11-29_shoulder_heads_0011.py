"""shoulder heads

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 09:00:00.000000

Which deltoid heads (front, side, rear) an exercise loads, comma-joined; NULL when it does not
work the shoulders (gravl.catalog.delts). Exercises that already work the shoulders are filled
with the default the name and force give, so none is left without heads: the seed then writes
the built-ins' own lists over it, and a lifter's custom exercises keep the default, as new
ones get.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gravl.catalog.delts import default_heads

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Ids per UPDATE: well under SQLite's and asyncpg's bound-parameter limits.
_CHUNK = 500

_exercises = sa.table(
    "exercises",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("force", sa.String()),
    sa.column("shoulder_heads", sa.String()),
)
_exercise_muscles = sa.table(
    "exercise_muscles", sa.column("exercise_id", sa.Integer()), sa.column("muscle_group")
)


def upgrade() -> None:
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shoulder_heads", sa.String(length=20), nullable=True))

    bind = op.get_bind()
    working_shoulders = sa.select(_exercise_muscles.c.exercise_id).where(
        _exercise_muscles.c.muscle_group == "shoulders"
    )
    ids_by_heads: defaultdict[str, list[int]] = defaultdict(list)
    for exercise_id, name, force in bind.execute(
        sa.select(_exercises.c.id, _exercises.c.name, _exercises.c.force).where(
            _exercises.c.id.in_(working_shoulders)
        )
    ):
        ids_by_heads[",".join(default_heads(name, force))].append(exercise_id)
    for heads, ids in ids_by_heads.items():
        for start in range(0, len(ids), _CHUNK):
            bind.execute(
                _exercises.update()
                .where(_exercises.c.id.in_(ids[start : start + _CHUNK]))
                .values(shoulder_heads=heads)
            )


def downgrade() -> None:
    # SQLite drops a column by rebuilding the table, which must stay AUTOINCREMENT (0006).
    with op.batch_alter_table(
        "exercises", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("shoulder_heads")
