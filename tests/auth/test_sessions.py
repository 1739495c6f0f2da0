"""Sessions at the service level (timetrack.auth.sessions): what starts, resumes and ends one.
The HTTP side (cookie, CSRF, rate limits) is in tests/auth/test_login.py."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from records import make_user

from timetrack.accounts.service import Credentials
from timetrack.auth import sessions
from timetrack.crud import now
from timetrack.db import Database
from timetrack.policy import Role
from timetrack.users.passwords import Passwords

LIFETIMES = sessions.Lifetimes(idle=timedelta(hours=1), absolute=timedelta(days=1))
PASSWORDS = Passwords(time_cost=1, memory_kib=1024)


async def _resume(database: Database, token: str) -> sessions.SignedIn | None:
    found = await sessions.resume(database, token, LIFETIMES)
    return None if found is None else found[0]


async def _login(database: Database, creds: Credentials, username: str = "alice") -> str:
    row = await sessions.find_login(database, creds.account.slug, username)
    assert row is not None
    async with database.transaction(write=True) as tx:
        token, _ = await sessions.start(tx, row, LIFETIMES)
    return token


async def test_a_started_session_resumes_as_its_user_with_the_users_role(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    token = await _login(database, account)
    found = await sessions.resume(database, token, LIFETIMES)
    assert found is not None
    person, session_account = found
    assert session_account == account.account
    assert (person.account_id, person.user_id, person.username) == (
        account.account.id,
        user["id"],
        "alice",
    )
    assert person.role is Role.USER
    assert len(person.csrf_token) >= 32


async def test_each_login_gets_a_new_token_and_the_table_keeps_only_its_hash(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    first, second = await _login(database, account), await _login(database, account)
    assert first != second
    stored = await database.fetchrow(
        "SELECT count(*) AS n FROM sessions WHERE id_hash = $1 OR id_hash = $2", first, second
    )
    assert stored is not None and stored["n"] == 0


async def test_a_name_is_found_whatever_its_case_but_only_in_its_own_account(
    database: Database, account: Credentials, other_account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    assert await sessions.find_login(database, account.account.slug, "ALICE") is not None
    assert await sessions.find_login(database, other_account.account.slug, "alice") is None


@pytest.mark.parametrize("ending", ["idle", "absolute", "logout"])
async def test_a_session_ends(
    database: Database, account: Credentials, api: httpx.AsyncClient, ending: str
) -> None:
    await make_user(api)
    token = await _login(database, account)
    async with database.transaction(write=True) as tx:
        if ending == "idle":
            await tx.execute("UPDATE sessions SET seen_at = $1", now() - timedelta(hours=2))
        elif ending == "absolute":
            await tx.execute("UPDATE sessions SET expires_at = created_at")
        elif ending == "logout":
            await sessions.end(tx, account.account.id, sessions.token_hash(token))
    assert await sessions.resume(database, token, LIFETIMES) is None


@pytest.mark.parametrize("change", ["user disabled", "user deleted", "account disabled"])
async def test_a_session_shows_when_its_user_or_account_is_no_longer_live(
    database: Database, account: Credentials, api: httpx.AsyncClient, change: str
) -> None:
    user = await make_user(api)
    token = await _login(database, account)
    if change == "user deleted":
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
    async with database.transaction(write=True) as tx:
        if change == "user disabled":
            await tx.execute("UPDATE users SET enabled = $1 WHERE id = $2", False, user["id"])
        elif change == "account disabled":
            await tx.execute(
                "UPDATE accounts SET enabled = $1 WHERE id = $2", False, account.account.id
            )
    found = await sessions.resume(database, token, LIFETIMES)
    assert found is not None
    person, session_account = found
    assert person.user_live is (change == "account disabled")
    assert session_account.enabled is (change != "account disabled")


async def test_touch_moves_the_idle_expiry_at_most_once_a_minute(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    token = await _login(database, account)
    person = await _resume(database, token)
    assert person is not None
    async with database.transaction(write=True) as tx:
        await sessions.touch(tx, person)
    again = await _resume(database, token)
    assert again is not None and again.seen_at == person.seen_at
    async with database.transaction(write=True) as tx:
        await tx.execute("UPDATE sessions SET seen_at = $1", now() - timedelta(minutes=5))
    stale = await _resume(database, token)
    assert stale is not None
    async with database.transaction(write=True) as tx:
        await sessions.touch(tx, stale)
    fresh = await _resume(database, token)
    assert fresh is not None and fresh.seen_at > stale.seen_at


async def test_ending_a_users_other_sessions_keeps_the_one_named(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    kept, ended = await _login(database, account), await _login(database, account)
    row = await sessions.find_login(database, account.account.slug, "alice")
    assert row is not None
    async with database.transaction(write=True) as tx:
        await sessions.end_others(tx, account.account.id, row["user_id"], sessions.token_hash(kept))
    assert await sessions.resume(database, kept, LIFETIMES) is not None
    assert await sessions.resume(database, ended, LIFETIMES) is None


async def test_an_unknown_name_is_checked_against_a_hash_of_the_same_cost(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    check = sessions.PasswordCheck(PASSWORDS)
    row = await sessions.find_login(database, account.account.slug, "alice")
    assert await check.matches(row, "correct horse")
    assert not await check.matches(row, "wrong horse")
    assert not await check.matches(None, "correct horse")
    assert check._dummy is not None and check._dummy.startswith("$argon2id$")
