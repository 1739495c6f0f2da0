from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import Base


class AuthFailure(Base):
    """The bucket of wrong secrets or passwords a credential may still take
    (``accounts.guesses``): the account key's, a personal key's, a user's password.

    One row per credential, written only when a wrong guess is counted, so a valid request never
    writes; read with the credential lookup itself. A row whose bucket has filled up again is
    the same as no row.
    """

    __tablename__ = "auth_failures"

    account_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    # Whose bucket: "account-key", "key:<personal key id>" or "user:<user id>".
    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    # When the bucket is full again, in microseconds since the epoch on the database's clock
    # (GCRA's "theoretical arrival time", as in ratelimit.py).
    full_at: Mapped[int] = mapped_column(BigInteger)
