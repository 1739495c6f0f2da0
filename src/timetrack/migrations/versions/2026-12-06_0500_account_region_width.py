"""accounts.region as wide as users.region: the holidays package has 17-character regions

Revision ID: 8c1e4a7b2d90
Revises: 3f6b2c1d9e47
Create Date: 2026-12-06 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c1e4a7b2d90"
down_revision: str | None = "3f6b2c1d9e47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "São Paulo Capital" (BR) did not fit in 16 characters: PostgreSQL refused the account.
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.alter_column(
            "region", type_=sa.String(length=32), existing_type=sa.String(length=16)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.alter_column(
            "region", type_=sa.String(length=16), existing_type=sa.String(length=32)
        )
