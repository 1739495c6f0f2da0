from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKeyConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base, Instant


class ApiKey(AccountOwned, Base):
    """A person's own API key: it acts as its user, narrowed by its scopes (timetrack.policy).

    Revoking sets ``deleted_at``. Like the account key, only a SHA-256 of the secret is kept.
    """

    __tablename__ = "api_keys"

    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(255))
    # ``ttp_<account id>_<random>``: the key names its account, so the lookup goes by account
    # first, as every lookup does (an account-sharded database finds it on one shard).
    key: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(64))
    # Space-separated scope names.
    scopes: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(Instant)
    # Space-separated networks (CIDR) the key is accepted from; NULL: any address.
    allowed_ips: Mapped[str | None] = mapped_column(Text)
    last_used_at: Mapped[datetime | None] = mapped_column(Instant)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "user_id"], ["users.account_id", "users.id"], ondelete="CASCADE"
        ),
        Index("uq_api_keys_account_id_key", "account_id", "key", unique=True),
        Index("ix_api_keys_account_id_user_id", "account_id", "user_id"),
        Index("ix_api_keys_account_id_updated_at", "account_id", "updated_at"),
    )
