from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base, Instant


class TimeEntry(AccountOwned, Base):
    """Time booked on a project.

    The true instants (``start_at``/``end_at``, UTC) and the user's zone at booking are the
    record; ``start_local``/``end_local`` repeat the wall-clock time in that zone as fixed-width
    text, because the API filters and orders by each user's own wall clock ("October" is each
    user's October) and an index on that text answers those ranges directly.
    """

    __tablename__ = "time_entries"

    user_id: Mapped[int] = mapped_column(BigInteger)
    project_id: Mapped[int] = mapped_column(BigInteger)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    start_at: Mapped[datetime] = mapped_column(Instant)
    end_at: Mapped[datetime] = mapped_column(Instant)
    start_local: Mapped[str] = mapped_column(String(19))
    end_local: Mapped[str] = mapped_column(String(19))
    time_zone: Mapped[str] = mapped_column(String(64))
    worked_minutes: Mapped[int] = mapped_column(BigInteger)
    break_minutes: Mapped[int] = mapped_column(BigInteger)
    hour_rate: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    billable: Mapped[bool] = mapped_column(Boolean)
    flat_rate: Mapped[bool] = mapped_column(Boolean)
    details: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(String(1000))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude1: Mapped[float | None] = mapped_column(Float)
    longitude1: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (
        ForeignKeyConstraint(["account_id", "user_id"], ["users.account_id", "users.id"]),
        ForeignKeyConstraint(["account_id", "project_id"], ["projects.account_id", "projects.id"]),
        ForeignKeyConstraint(["account_id", "task_id"], ["tasks.account_id", "tasks.id"]),
        # The two list orders end in deleted_at: the count behind every list's X-Total-Count
        # (`deleted_at IS NULL` plus the filters) then reads the index alone (a covering index
        # on SQLite, an index-only scan on PostgreSQL) instead of one table row per entry.
        # After id it leaves the (start_local, id) order the lists read unchanged.
        Index(
            "ix_time_entries_account_id_start_local",
            "account_id",
            "start_local",
            "id",
            "deleted_at",
        ),
        Index(
            "ix_time_entries_account_id_user_id_start_local",
            "account_id",
            "user_id",
            "start_local",
            "id",
            "deleted_at",
        ),
        Index(
            "ix_time_entries_account_id_project_id_start_local",
            "account_id",
            "project_id",
            "start_local",
        ),
        Index("ix_time_entries_account_id_task_id", "account_id", "task_id"),
        Index("ix_time_entries_account_id_updated_at", "account_id", "updated_at"),
    )
