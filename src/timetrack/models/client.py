from __future__ import annotations

from sqlalchemy import Boolean, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class Client(AccountOwned, Base):
    __tablename__ = "clients"

    name: Mapped[str] = mapped_column(String(255))
    # casefold(name): uniqueness and lookups ignore case the same way on both databases.
    name_key: Mapped[str] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean)
    color: Mapped[str | None] = mapped_column(String(7))
    notes: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(255))
    address2: Mapped[str | None] = mapped_column(String(255))
    address_zip_code: Mapped[str | None] = mapped_column(String(255))
    address_city: Mapped[str | None] = mapped_column(String(255))
    address_country: Mapped[str | None] = mapped_column(String(2))
    contact_person: Mapped[str | None] = mapped_column(String(255))
    field1: Mapped[str | None] = mapped_column(String(255))
    field2: Mapped[str | None] = mapped_column(String(255))
    field3: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (
        Index(
            "uq_clients_live_name",
            "account_id",
            "name_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_clients_account_id_updated_at", "account_id", "updated_at"),
    )
