"""audit log

Revision ID: 53cc2ef93bac
Revises: 3f02d3544212
Create Date: 2026-11-28 21:37:59.481789
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "53cc2ef93bac"
down_revision: str | None = "3f02d3544212"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("resource", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_audit_log_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_account_id_at", ["account_id", "at"], unique=False)
        batch_op.create_index(
            "ix_audit_log_account_id_resource_record_id",
            ["account_id", "resource", "record_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_account_id_resource_record_id")
        batch_op.drop_index("ix_audit_log_account_id_at")
    op.drop_table("audit_log")
