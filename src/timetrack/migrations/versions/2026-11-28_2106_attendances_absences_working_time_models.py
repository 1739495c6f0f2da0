"""attendances absences working time models

Revision ID: 0f868da20003
Revises: fca1a29f3bf1
Create Date: 2026-11-28 21:06:23.022752
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0f868da20003"
down_revision: str | None = "fca1a29f3bf1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "absence_types",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("short_name", sa.String(length=16), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=True),
        sa.Column("counts_against_entitlement", sa.Boolean(), nullable=False),
        sa.Column("plannable", sa.Boolean(), nullable=False),
        sa.Column("credits_target", sa.Boolean(), nullable=False),
        sa.Column("half_day", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_absence_types_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_absence_types")),
    )
    with op.batch_alter_table("absence_types", schema=None) as batch_op:
        batch_op.create_index(
            "ix_absence_types_account_id_updated_at", ["account_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            "uq_absence_types_live_name",
            ["account_id", "name_key"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "absences",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("absence_type_id", sa.BigInteger(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("day_segment", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id", "absence_type_id"],
            ["absence_types.account_id", "absence_types.id"],
            name=op.f("fk_absences_account_id_absence_type_id_absence_types"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id", "user_id"],
            ["users.account_id", "users.id"],
            name=op.f("fk_absences_account_id_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_absences_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_absences_account_id_absence_type_id",
            ["account_id", "absence_type_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_absences_account_id_start_date", ["account_id", "start_date"], unique=False
        )
        batch_op.create_index(
            "ix_absences_account_id_updated_at", ["account_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            "ix_absences_account_id_user_id_start_date",
            ["account_id", "user_id", "start_date"],
            unique=False,
        )

    op.create_table(
        "attendances",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_local", sa.String(length=19), nullable=False),
        sa.Column("end_local", sa.String(length=19), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("worked_minutes", sa.BigInteger(), nullable=True),
        sa.Column("break_minutes", sa.BigInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("latitude_start", sa.Float(), nullable=True),
        sa.Column("longitude_start", sa.Float(), nullable=True),
        sa.Column("latitude_end", sa.Float(), nullable=True),
        sa.Column("longitude_end", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id", "user_id"],
            ["users.account_id", "users.id"],
            name=op.f("fk_attendances_account_id_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_attendances_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_attendances")),
    )
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attendances_account_id_start_local",
            ["account_id", "start_local", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_attendances_account_id_updated_at", ["account_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            "ix_attendances_account_id_user_id_start_local",
            ["account_id", "user_id", "start_local", "id"],
            unique=False,
        )
        batch_op.create_index(
            "uq_attendances_open",
            ["account_id", "user_id"],
            unique=True,
            sqlite_where=sa.text("end_at IS NULL AND deleted_at IS NULL"),
            postgresql_where=sa.text("end_at IS NULL AND deleted_at IS NULL"),
        )

    op.create_table(
        "working_time_models",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("monday", sa.Integer(), nullable=False),
        sa.Column("tuesday", sa.Integer(), nullable=False),
        sa.Column("wednesday", sa.Integer(), nullable=False),
        sa.Column("thursday", sa.Integer(), nullable=False),
        sa.Column("friday", sa.Integer(), nullable=False),
        sa.Column("saturday", sa.Integer(), nullable=False),
        sa.Column("sunday", sa.Integer(), nullable=False),
        sa.Column("vacation_days", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id", "user_id"],
            ["users.account_id", "users.id"],
            name=op.f("fk_working_time_models_account_id_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_working_time_models_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_working_time_models")),
    )
    with op.batch_alter_table("working_time_models", schema=None) as batch_op:
        batch_op.create_index(
            "uq_working_time_models_live_valid_from",
            ["account_id", "user_id", "valid_from"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    _seed_absence_types()


# The six absence types every account starts with, frozen as of this migration (new accounts
# get them from timetrack.absence_types.service.DEFAULT_TYPES).
_DEFAULT_TYPES = [
    # name, short name, colour, counts against leave, plannable, credits target, half day
    ("Vacation", "VAC", "#4caf50", True, True, True, False),
    ("Half-day leave", "HDL", "#8bc34a", True, True, True, True),
    ("Special leave", "SPL", "#03a9f4", False, True, True, False),
    ("Home office", "HO", "#9c27b0", False, True, False, False),
    ("Sick leave", "SICK", "#f44336", False, False, True, False),
    ("Time off", "TO", "#ff9800", False, True, False, False),
]


def _seed_absence_types() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    types = sa.table(
        "absence_types",
        *(
            sa.column(name)
            for name in (
                "account_id",
                "id",
                "name",
                "name_key",
                "short_name",
                "color",
                "counts_against_entitlement",
                "plannable",
                "credits_target",
                "half_day",
            )
        ),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    counters = sa.table(
        "id_counters", sa.column("account_id"), sa.column("resource"), sa.column("last_id")
    )
    for (account_id,) in bind.execute(sa.text("SELECT id FROM accounts")).fetchall():
        op.bulk_insert(
            types,
            [
                {
                    "account_id": account_id,
                    "id": number,
                    "name": name,
                    "name_key": name.casefold(),
                    "short_name": short,
                    "color": color,
                    "counts_against_entitlement": counts,
                    "plannable": plannable,
                    "credits_target": credits,
                    "half_day": half,
                    "created_at": now,
                    "updated_at": now,
                }
                for number, (name, short, color, counts, plannable, credits, half) in enumerate(
                    _DEFAULT_TYPES, start=1
                )
            ],
        )
        op.bulk_insert(
            counters,
            [
                {
                    "account_id": account_id,
                    "resource": "absence_types",
                    "last_id": len(_DEFAULT_TYPES),
                }
            ],
        )


def downgrade() -> None:
    with op.batch_alter_table("working_time_models", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_working_time_models_live_valid_from",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("working_time_models")
    with op.batch_alter_table("attendances", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_attendances_open",
            sqlite_where=sa.text("end_at IS NULL AND deleted_at IS NULL"),
            postgresql_where=sa.text("end_at IS NULL AND deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_attendances_account_id_user_id_start_local")
        batch_op.drop_index("ix_attendances_account_id_updated_at")
        batch_op.drop_index("ix_attendances_account_id_start_local")

    op.drop_table("attendances")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index("ix_absences_account_id_user_id_start_date")
        batch_op.drop_index("ix_absences_account_id_updated_at")
        batch_op.drop_index("ix_absences_account_id_start_date")
        batch_op.drop_index("ix_absences_account_id_absence_type_id")

    op.drop_table("absences")
    with op.batch_alter_table("absence_types", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_absence_types_live_name",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index("ix_absence_types_account_id_updated_at")

    op.drop_table("absence_types")
