"""users time entries timers

Revision ID: fca1a29f3bf1
Revises: 6e9e493c06c4
Create Date: 2026-11-28 20:20:57.699209
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "fca1a29f3bf1"
down_revision: str | None = "6e9e493c06c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("username", sa.String(length=255), nullable=False),
        sa.Column("username_key", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=255), nullable=False),
        sa.Column("last_name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("admin", sa.Boolean(), nullable=False),
        sa.Column("team_lead", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("personal_number", sa.String(length=255), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("hour_rate", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_users_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "ix_users_account_id_updated_at", ["account_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            "uq_users_live_email",
            ["account_id", "email_key"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "uq_users_live_username",
            ["account_id", "username_key"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "project_timers",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("worked_seconds", sa.BigInteger(), nullable=False),
        sa.Column("break_seconds", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id", "project_id"],
            ["projects.account_id", "projects.id"],
            name=op.f("fk_project_timers_account_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "user_id"],
            ["users.account_id", "users.id"],
            name=op.f("fk_project_timers_account_id_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_project_timers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "user_id", name=op.f("pk_project_timers")),
    )
    op.create_table(
        "time_entries",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=True),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_local", sa.String(length=19), nullable=False),
        sa.Column("end_local", sa.String(length=19), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("worked_minutes", sa.BigInteger(), nullable=False),
        sa.Column("break_minutes", sa.BigInteger(), nullable=False),
        sa.Column("hour_rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("flat_rate", sa.Boolean(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("tags", sa.String(length=1000), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("latitude1", sa.Float(), nullable=True),
        sa.Column("longitude1", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id", "project_id"],
            ["projects.account_id", "projects.id"],
            name=op.f("fk_time_entries_account_id_project_id_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "task_id"],
            ["tasks.account_id", "tasks.id"],
            name=op.f("fk_time_entries_account_id_task_id_tasks"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "user_id"],
            ["users.account_id", "users.id"],
            name=op.f("fk_time_entries_account_id_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_time_entries_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_time_entries")),
    )
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_time_entries_account_id_project_id_start_local",
            ["account_id", "project_id", "start_local"],
            unique=False,
        )
        batch_op.create_index(
            "ix_time_entries_account_id_start_local",
            ["account_id", "start_local", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_time_entries_account_id_task_id", ["account_id", "task_id"], unique=False
        )
        batch_op.create_index(
            "ix_time_entries_account_id_updated_at", ["account_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            "ix_time_entries_account_id_user_id_start_local",
            ["account_id", "user_id", "start_local", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_time_entries_account_id_user_id_start_local")
        batch_op.drop_index("ix_time_entries_account_id_updated_at")
        batch_op.drop_index("ix_time_entries_account_id_task_id")
        batch_op.drop_index("ix_time_entries_account_id_start_local")
        batch_op.drop_index("ix_time_entries_account_id_project_id_start_local")

    op.drop_table("time_entries")
    op.drop_table("project_timers")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_users_live_username",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_users_live_email",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_users_account_id_updated_at")

    op.drop_table("users")
