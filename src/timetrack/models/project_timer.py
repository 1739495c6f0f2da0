from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, ForeignKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import Base, Instant


class ProjectTimer(Base):
    """One timer per user: the last state of the start/pause/resume/stop machine.

    Durations accumulate only from the ``date`` values clients send, so the server's clock
    never has to agree with theirs.
    """

    __tablename__ = "project_timers"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(8))  # playing | paused | stopped
    project_id: Mapped[int] = mapped_column(BigInteger)
    task_id: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(Instant)
    last_event_at: Mapped[datetime] = mapped_column(Instant)
    worked_seconds: Mapped[int] = mapped_column(BigInteger)
    break_seconds: Mapped[int] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(Instant)

    __table_args__ = (
        ForeignKeyConstraint(["account_id", "user_id"], ["users.account_id", "users.id"]),
        ForeignKeyConstraint(["account_id", "project_id"], ["projects.account_id", "projects.id"]),
    )
