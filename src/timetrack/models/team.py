from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKeyConstraint, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from timetrack.models.base import AccountOwned, Base


class Team(AccountOwned, Base):
    """A group of users; its leads see and manage its members' records (timetrack.policy)."""

    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))

    __table_args__ = (
        Index(
            "uq_teams_live_name",
            "account_id",
            "name_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_teams_account_id_updated_at", "account_id", "updated_at"),
    )


class TeamMember(Base):
    """One user in one team, as a member or as a lead (a lead need not be a member)."""

    __tablename__ = "team_members"

    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    team_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    lead: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "team_id"], ["teams.account_id", "teams.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["account_id", "user_id"], ["users.account_id", "users.id"], ondelete="CASCADE"
        ),
        # A lead's members, read with every request of a team lead.
        Index("ix_team_members_account_id_user_id", "account_id", "user_id"),
    )
