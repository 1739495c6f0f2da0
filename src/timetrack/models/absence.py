from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKeyConstraint, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class Absence(AccountOwned, Base):
    """Leave, sickness and the like, by whole dates (both inclusive) or one half day."""

    __tablename__ = "absences"

    user_id: Mapped[int] = mapped_column(BigInteger)
    absence_type_id: Mapped[int] = mapped_column(BigInteger)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    status: Mapped[int] = mapped_column(Integer)  # 0 waiting, 1 approved, 2 disapproved
    day_segment: Mapped[int] = mapped_column(Integer)  # 0 full day, 1 first half, 2 second half
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        ForeignKeyConstraint(["account_id", "user_id"], ["users.account_id", "users.id"]),
        ForeignKeyConstraint(
            ["account_id", "absence_type_id"], ["absence_types.account_id", "absence_types.id"]
        ),
        Index("ix_absences_account_id_user_id_start_date", "account_id", "user_id", "start_date"),
        Index("ix_absences_account_id_start_date", "account_id", "start_date"),
        Index("ix_absences_account_id_absence_type_id", "account_id", "absence_type_id"),
        Index("ix_absences_account_id_updated_at", "account_id", "updated_at"),
    )
