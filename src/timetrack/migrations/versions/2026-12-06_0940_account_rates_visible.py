"""accounts.rates_visible: whether people other than admins see rates (issue 12)

Revision ID: 3b7e41c9d2a0
Revises: 858acf25dc70
Create Date: 2026-12-06 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3b7e41c9d2a0"
down_revision: str | None = "858acf25dc70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(
            sa.Column("rates_visible", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("rates_visible")
