from __future__ import annotations

from sqlalchemy import Boolean, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class AbsenceType(AccountOwned, Base):
    """A kind of absence (vacation, sick leave, ...); each account gets the usual six."""

    __tablename__ = "absence_types"

    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(16))
    color: Mapped[str | None] = mapped_column(String(7))
    counts_against_entitlement: Mapped[bool] = mapped_column(Boolean)
    plannable: Mapped[bool] = mapped_column(Boolean)
    # Whether an approved absence credits the day's target in timesheets (sick leave does;
    # home office and time off in lieu do not: one is work, the other spends overtime).
    credits_target: Mapped[bool] = mapped_column(Boolean)
    # A half-day type credits (and counts against leave) half a day, whatever day_segment says.
    half_day: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index(
            "uq_absence_types_live_name",
            "account_id",
            "name_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_absence_types_account_id_updated_at", "account_id", "updated_at"),
    )
