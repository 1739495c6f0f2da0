from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import Base


class IdCounter(Base):
    """The last id handed out per account and resource (see ``db.next_id``), and how many of
    its records are live."""

    __tablename__ = "id_counters"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    resource: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
    # How many of the account's records of the resource are live (not deleted): kept by
    # db.next_ids and crud.soft_delete in the write's own transaction, so an unfiltered list's
    # X-Total-Count is one row read instead of a count over every entry.
    live: Mapped[int] = mapped_column(BigInteger, server_default="0")
