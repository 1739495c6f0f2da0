from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import Base, Instant


class AuditEntry(Base):
    """One write: who (``actor``), what (``action`` on ``resource`` ``record_id``), the record
    before and after (wire JSON, secrets removed), when and in which request.

    Written in the same transaction as the write it describes, so a write that rolls back
    leaves no entry. Entries are never changed or deleted through the API.
    """

    __tablename__ = "audit_log"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(Instant)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    resource: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(128), nullable=True)

    __table_args__ = (
        Index("ix_audit_log_account_id_resource_record_id", "account_id", "resource", "record_id"),
        Index("ix_audit_log_account_id_at", "account_id", "at"),
    )
