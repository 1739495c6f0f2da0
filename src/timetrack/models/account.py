from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, false
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AutoId, Base, Instant


class Account(Base):
    """A tenant. The API key never changes; only a SHA-256 of the secret is stored."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    api_key: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    region: Mapped[str | None] = mapped_column(String(32), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    # Whether people other than admins see hour rates and budgets (they never do by default).
    rates_visible: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # ISO 4217 code of every amount (rates, budgets, reports); display only, never converted.
    currency: Mapped[str] = mapped_column(String(3), server_default="EUR")
    created_at: Mapped[datetime] = mapped_column(Instant)
    updated_at: Mapped[datetime] = mapped_column(Instant)
