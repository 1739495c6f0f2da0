"""accounts.currency: the ISO 4217 code reports name next to their amounts (reports issue)

Revision ID: 5c2d8e1f4a7b
Revises: 3b7e41c9d2a0
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c2d8e1f4a7b"
down_revision: str | None = "3b7e41c9d2a0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("currency")
