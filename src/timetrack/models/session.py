from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import Base, Instant


class Session(Base):
    """A person signed in (``POST /auth/login``): the cookie holds the account id and a random
    token, the table only the token's SHA-256, so a leaked table opens no session. Keyed by
    account first, as every table, so an account-sharded database finds a session on its
    account's shard."""

    __tablename__ = "sessions"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Instant)
    # Idle expiry counts from here; written at most once a minute per session.
    seen_at: Mapped[datetime] = mapped_column(Instant)
    expires_at: Mapped[datetime] = mapped_column(Instant)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "user_id"], ["users.account_id", "users.id"], ondelete="CASCADE"
        ),
        # A password change ends a user's other sessions.
        Index("ix_sessions_account_id_user_id", "account_id", "user_id"),
    )
