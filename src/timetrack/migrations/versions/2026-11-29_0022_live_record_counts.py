"""live record counts

Revision ID: 5549c916cc17
Revises: c69dff7250bd
Create Date: 2026-11-29 00:22:28.618876
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5549c916cc17"
down_revision: str | None = "c69dff7250bd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every resource whose ids id_counters hands out, by its table (the counter's resource name).
_SOFT_DELETED = (
    "clients",
    "projects",
    "tasks",
    "users",
    "time_entries",
    "attendances",
    "absence_types",
    "absences",
    "working_time_models",
)


def upgrade() -> None:
    with op.batch_alter_table("id_counters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live", sa.BigInteger(), server_default="0", nullable=False))
    # Count what exists; from here on the writes keep the counts.
    for table in _SOFT_DELETED:
        op.execute(
            f"UPDATE id_counters SET live = (SELECT count(*) FROM {table} t "
            "WHERE t.account_id = id_counters.account_id AND t.deleted_at IS NULL) "
            f"WHERE resource = '{table}'"
        )
    op.execute(
        "UPDATE id_counters SET live = (SELECT count(*) FROM audit_log t "
        "WHERE t.account_id = id_counters.account_id) WHERE resource = 'audit_log'"
    )


def downgrade() -> None:
    with op.batch_alter_table("id_counters", schema=None) as batch_op:
        batch_op.drop_column("live")
