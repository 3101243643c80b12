"""recovery state per deltoid head

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 10:00:00.000000

The recovery model tracks the shoulders as their three heads (issue 17), so a state row's
muscle is no longer always a muscle group: the foreign key to muscle_groups goes. Each lifter's
shoulders state becomes the same state for each head, a close start that the next recompute of
those muscles (any edit, delete or import touching them) replaces with the heads' own
history; until then it fades as the shoulders' did. Check-ins stay per muscle group, and
record which heads a shoulders report moved (``parts``; NULL, as for every earlier check-in:
all of the group's).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HEADS = ("front_delts", "side_delts", "rear_delts")
_COLUMNS = "user_id, muscle_group, fatigue, state_at, k, last_trained_at, updated_at"
_FROM = "user_id, '{to}', fatigue, state_at, k, last_trained_at, updated_at"


def upgrade() -> None:
    with op.batch_alter_table("recovery_checkins") as batch:
        batch.add_column(sa.Column("parts", sa.String(length=64), nullable=True))
    with op.batch_alter_table("muscle_group_recovery") as batch:
        batch.drop_constraint(
            "fk_muscle_group_recovery_muscle_group_muscle_groups", type_="foreignkey"
        )
    for head in _HEADS:
        op.execute(
            f"INSERT INTO muscle_group_recovery ({_COLUMNS}) "
            f"SELECT {_FROM.format(to=head)} FROM muscle_group_recovery "
            "WHERE muscle_group = 'shoulders'"
        )
    op.execute("DELETE FROM muscle_group_recovery WHERE muscle_group = 'shoulders'")


def downgrade() -> None:
    # The most fatigued head stands for the shoulders, as the API reports them.
    op.execute(
        f"INSERT INTO muscle_group_recovery ({_COLUMNS}) "
        f"SELECT {_FROM.format(to='shoulders')} FROM muscle_group_recovery AS head "
        "WHERE head.muscle_group IN ('front_delts', 'side_delts', 'rear_delts') "
        "AND NOT EXISTS (SELECT 1 FROM muscle_group_recovery AS other "
        "WHERE other.user_id = head.user_id "
        "AND other.muscle_group IN ('front_delts', 'side_delts', 'rear_delts') "
        "AND (other.fatigue > head.fatigue "
        "OR (other.fatigue = head.fatigue AND other.muscle_group < head.muscle_group)))"
    )
    op.execute(
        "DELETE FROM muscle_group_recovery "
        "WHERE muscle_group IN ('front_delts', 'side_delts', 'rear_delts')"
    )
    with op.batch_alter_table("muscle_group_recovery") as batch:
        batch.create_foreign_key(
            "fk_muscle_group_recovery_muscle_group_muscle_groups",
            "muscle_groups",
            ["muscle_group"],
            ["slug"],
        )
    with op.batch_alter_table("recovery_checkins") as batch:
        batch.drop_column("parts")
