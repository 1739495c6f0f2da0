from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKeyConstraint, Index, Integer, Numeric, text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class WorkingTimeModel(AccountOwned, Base):
    """A user's target seconds per weekday and yearly leave, valid from a date until the next
    model of that user starts (so history keeps the old model)."""

    __tablename__ = "working_time_models"

    user_id: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    monday: Mapped[int] = mapped_column(Integer)
    tuesday: Mapped[int] = mapped_column(Integer)
    wednesday: Mapped[int] = mapped_column(Integer)
    thursday: Mapped[int] = mapped_column(Integer)
    friday: Mapped[int] = mapped_column(Integer)
    saturday: Mapped[int] = mapped_column(Integer)
    sunday: Mapped[int] = mapped_column(Integer)
    vacation_days: Mapped[Decimal] = mapped_column(Numeric(5, 1))

    __table_args__ = (
        ForeignKeyConstraint(["account_id", "user_id"], ["users.account_id", "users.id"]),
        Index(
            "uq_working_time_models_live_valid_from",
            "account_id",
            "user_id",
            "valid_from",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
