from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import Base, Instant


class IdempotencyKey(Base):
    """A POST's ``Idempotency-Key`` and the answer it got (see ``idempotency.py``).

    Inserted first in the write's transaction and given the answer last, so the key, the
    write and the stored answer commit together or not at all.
    """

    __tablename__ = "idempotency_keys"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # "POST /api/v2/ext/clients": a retry must name the same route ...
    request: Mapped[str] = mapped_column(Text)
    # ... and send the same body (SHA-256 of its bytes, hex).
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # The answer's own headers (Location, X-Ignored-Fields, ETag) as a JSON object.
    headers: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Instant)

    # The purge of an account's expired keys.
    __table_args__ = (
        Index("ix_idempotency_keys_account_id_created_at", "account_id", "created_at"),
    )
