"""From a checked credential to the :class:`~timetrack.policy.Principal` a request acts as, and
the name the audit log gives it."""

from __future__ import annotations

from timetrack.accounts.service import Account
from timetrack.api_keys.service import KeyHolder
from timetrack.auth.sessions import SignedIn
from timetrack.db import Database
from timetrack.policy import CredentialKind, Principal, Role


async def team_member_ids(db: Database, account_id: int, lead_id: int) -> frozenset[int]:
    """The members of the live teams ``lead_id`` leads (one indexed query, team leads only)."""
    async with db.reader() as tx:
        rows = await tx.fetch(
            "SELECT DISTINCT m.user_id FROM team_members l "
            "JOIN teams t ON t.account_id = l.account_id AND t.id = l.team_id "
            "JOIN team_members m ON m.account_id = l.account_id AND m.team_id = l.team_id "
            "WHERE l.account_id = $1 AND l.user_id = $2 AND l.lead AND t.deleted_at IS NULL",
            account_id,
            lead_id,
        )
    return frozenset(row["user_id"] for row in rows)


async def _team(db: Database, account_id: int, user_id: int, role: Role) -> frozenset[int]:
    if role is not Role.TEAM_LEAD:
        return frozenset()
    return await team_member_ids(db, account_id, user_id)


async def of_key(db: Database, holder: KeyHolder) -> Principal:
    return Principal(
        holder.account.id,
        CredentialKind.PERSONAL_KEY,
        holder.role,
        user_id=holder.user_id,
        username=holder.username,
        scopes=holder.scopes,
        key_id=holder.key_id,
        team_member_ids=await _team(db, holder.account.id, holder.user_id, holder.role),
        rates_visible=holder.account.rates_visible,
    )


async def of_session(db: Database, person: SignedIn, account: Account) -> Principal:
    return Principal(
        person.account_id,
        CredentialKind.SESSION,
        person.role,
        user_id=person.user_id,
        username=person.username,
        team_member_ids=await _team(db, person.account_id, person.user_id, person.role),
        rates_visible=account.rates_visible,
    )
