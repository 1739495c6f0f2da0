from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class Task(AccountOwned, Base):
    """A task is global to its account, not tied to a project (as in the vendor's API)."""

    __tablename__ = "tasks"

    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))
    notes: Mapped[str | None] = mapped_column(Text)
    hour_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    __table_args__ = (
        Index(
            "uq_tasks_live_name",
            "account_id",
            "name_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_tasks_account_id_updated_at", "account_id", "updated_at"),
    )
