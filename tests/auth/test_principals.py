"""From a checked credential to whom a request acts as (timetrack.auth.principals)."""

from __future__ import annotations

import httpx
from records import make_user

from timetrack.accounts.service import Credentials
from timetrack.api_keys.service import KeyHolder
from timetrack.auth import principals
from timetrack.auth.sessions import SignedIn
from timetrack.crud import now
from timetrack.db import Database
from timetrack.policy import CredentialKind, Role


async def _team(
    database: Database, account_id: int, team_id: int, members: dict[int, bool]
) -> None:
    """A team with ``members`` (user id: whether a lead), inserted as the teams service will."""
    at = now()
    async with database.transaction(write=True) as tx:
        await tx.execute(
            "INSERT INTO teams (account_id, id, name, name_key, created_at, updated_at) "
            "VALUES ($1, $2, $3, $3, $4, $4)",
            account_id,
            team_id,
            f"team {team_id}",
            at,
        )
        for user_id, lead in members.items():
            await tx.execute(
                "INSERT INTO team_members (account_id, team_id, user_id, lead) "
                "VALUES ($1, $2, $3, $4)",
                account_id,
                team_id,
                user_id,
                lead,
            )


async def test_a_lead_reaches_the_members_of_every_live_team_they_lead(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    lead, a, b, c, d = [(await make_user(api, name))["id"] for name in ["lead", "a", "b", "c", "d"]]
    account_id = account.account.id
    await _team(database, account_id, 1, {lead: True, a: False, b: False})
    await _team(database, account_id, 2, {lead: True, c: False})
    await _team(database, account_id, 3, {lead: False, d: False})  # a member only
    await _team(database, account_id, 4, {lead: True, d: False})
    async with database.transaction(write=True) as tx:
        await tx.execute("UPDATE teams SET deleted_at = $1 WHERE id = 4", now())
    assert await principals.team_member_ids(database, account_id, lead) == {lead, a, b, c}
    assert await principals.team_member_ids(database, account_id, a) == frozenset()


async def test_only_a_team_lead_gets_team_members_loaded(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    lead, member = (await make_user(api, "lead"))["id"], (await make_user(api, "member"))["id"]
    await _team(database, account.account.id, 1, {lead: True, member: False})
    at = now()
    for role, expected in [
        (Role.TEAM_LEAD, {lead, member}),
        (Role.ADMIN, set()),
        (Role.USER, set()),
    ]:
        person = SignedIn(account.account.id, lead, "lead", role, "csrf", "hash", at)
        principal = await principals.of_session(database, person, account.account)
        assert principal.kind is CredentialKind.SESSION and principal.scopes is None
        assert principal.team_member_ids == expected
    holder = KeyHolder(account.account, 5, lead, "lead", Role.TEAM_LEAD, frozenset({"read"}), None)
    keyed = await principals.of_key(database, holder)
    assert (keyed.kind, keyed.key_id, keyed.scopes) == (
        CredentialKind.PERSONAL_KEY,
        5,
        frozenset({"read"}),
    )
    assert keyed.team_member_ids == {lead, member}
