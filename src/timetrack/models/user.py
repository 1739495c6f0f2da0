from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, Index, Numeric, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class User(AccountOwned, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(255))
    username_key: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(255))
    last_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    admin: Mapped[bool] = mapped_column(Boolean)
    team_lead: Mapped[bool] = mapped_column(Boolean)
    # The vendor's "external employee": books and sees only the projects assigned to them.
    external: Mapped[bool] = mapped_column(Boolean, server_default=false())
    language: Mapped[str] = mapped_column(String(16))
    personal_number: Mapped[str | None] = mapped_column(String(255))
    enabled: Mapped[bool] = mapped_column(Boolean)
    time_zone: Mapped[str] = mapped_column(String(64))
    hour_rate: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # Where the user's public holidays come from; NULL: the account's country (and region).
    # 32 wide: the holidays package has subdivision names of 17 characters ("NSW Western").
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index(
            "uq_users_live_username",
            "account_id",
            "username_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "uq_users_live_email",
            "account_id",
            "email_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_users_account_id_updated_at", "account_id", "updated_at"),
    )
