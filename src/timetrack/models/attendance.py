from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKeyConstraint, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base, Instant


class Attendance(AccountOwned, Base):
    """Working time without a project (clock in/out). ``end_at`` is null while clocked in.

    Stored like project time entries: true instants, the zone, and the wall-clock text the API
    filters on.
    """

    __tablename__ = "attendances"

    user_id: Mapped[int] = mapped_column(BigInteger)
    start_at: Mapped[datetime] = mapped_column(Instant)
    end_at: Mapped[datetime | None] = mapped_column(Instant)
    start_local: Mapped[str] = mapped_column(String(19))
    end_local: Mapped[str | None] = mapped_column(String(19))
    time_zone: Mapped[str] = mapped_column(String(64))
    worked_minutes: Mapped[int | None] = mapped_column(BigInteger)
    break_minutes: Mapped[int] = mapped_column(BigInteger)
    notes: Mapped[str | None] = mapped_column(Text)
    manual: Mapped[bool] = mapped_column(Boolean)
    latitude_start: Mapped[float | None] = mapped_column(Float)
    longitude_start: Mapped[float | None] = mapped_column(Float)
    latitude_end: Mapped[float | None] = mapped_column(Float)
    longitude_end: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        ForeignKeyConstraint(["account_id", "user_id"], ["users.account_id", "users.id"]),
        # At most one running clock-in per user, whatever races.
        Index(
            "uq_attendances_open",
            "account_id",
            "user_id",
            unique=True,
            sqlite_where=text("end_at IS NULL AND deleted_at IS NULL"),
            postgresql_where=text("end_at IS NULL AND deleted_at IS NULL"),
        ),
        Index("ix_attendances_account_id_start_local", "account_id", "start_local", "id"),
        Index(
            "ix_attendances_account_id_user_id_start_local",
            "account_id",
            "user_id",
            "start_local",
            "id",
        ),
        Index("ix_attendances_account_id_updated_at", "account_id", "updated_at"),
    )
