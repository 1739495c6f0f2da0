from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class Project(AccountOwned, Base):
    __tablename__ = "projects"

    client_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    hour_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    time_estimated: Mapped[int | None] = mapped_column(Integer)
    budget_estimated: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    __table_args__ = (
        ForeignKeyConstraint(["account_id", "client_id"], ["clients.account_id", "clients.id"]),
        Index(
            "uq_projects_live_name",
            "account_id",
            "client_id",
            "name_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_projects_account_id_client_id", "account_id", "client_id"),
        Index("ix_projects_account_id_updated_at", "account_id", "updated_at"),
    )
