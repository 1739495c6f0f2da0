"""time entry list indexes end in deleted_at

Revision ID: 3f02d3544212
Revises: 0f868da20003
Create Date: 2026-11-28 21:11:07.722565
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3f02d3544212"
down_revision: str | None = "0f868da20003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The counts behind X-Total-Count read these indexes alone once they hold deleted_at.
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_time_entries_account_id_start_local")
        batch_op.create_index(
            "ix_time_entries_account_id_start_local",
            ["account_id", "start_local", "id", "deleted_at"],
            unique=False,
        )
        batch_op.drop_index("ix_time_entries_account_id_user_id_start_local")
        batch_op.create_index(
            "ix_time_entries_account_id_user_id_start_local",
            ["account_id", "user_id", "start_local", "id", "deleted_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_time_entries_account_id_user_id_start_local")
        batch_op.create_index(
            "ix_time_entries_account_id_user_id_start_local",
            ["account_id", "user_id", "start_local", "id"],
            unique=False,
        )
        batch_op.drop_index("ix_time_entries_account_id_start_local")
        batch_op.create_index(
            "ix_time_entries_account_id_start_local",
            ["account_id", "start_local", "id"],
            unique=False,
        )
