"""Personal API keys at the service level (timetrack.api_keys.service): what a key accepts to be
made with, and when a key and secret that match are still refused. The routes are tested in
tests/api_keys/test_router.py."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from records import make_user

from timetrack.accounts.service import Credentials
from timetrack.api_keys import service
from timetrack.crud import now
from timetrack.db import Database
from timetrack.policy import Role


def test_scopes_must_be_known_and_at_least_one() -> None:
    assert service.parse_scopes(["read", "time_entries:write"]) == {"read", "time_entries:write"}
    with pytest.raises(service.KeyRefused, match="at least one scope"):
        service.parse_scopes([])
    with pytest.raises(service.KeyRefused, match=r"unknown scope.*root"):
        service.parse_scopes(["read", "root"])


def test_networks_are_addresses_or_networks_without_host_bits() -> None:
    parsed = service.parse_networks(["203.0.113.7", "10.0.0.0/8", "2001:db8::/32"])
    assert [str(n) for n in parsed] == ["203.0.113.7/32", "10.0.0.0/8", "2001:db8::/32"]
    for wrong in ["10.0.0.1/8", "localhost", "300.1.1.1", ""]:
        with pytest.raises(service.KeyRefused, match="not an IP address or network"):
            service.parse_networks([wrong])
    with pytest.raises(service.KeyRefused, match="at most"):
        service.parse_networks([f"10.0.0.{i}" for i in range(service.MAX_NETWORKS + 1)])


@pytest.mark.parametrize(
    ("stored", "address", "allowed"),
    [
        (None, "198.51.100.1", True),
        (None, None, True),
        ("10.0.0.0/8 2001:db8::/32", "10.1.2.3", True),
        ("10.0.0.0/8 2001:db8::/32", "2001:db8::1", True),
        ("10.0.0.0/8", "11.0.0.1", False),
        ("10.0.0.0/8", None, False),
        ("10.0.0.0/8", "testclient", False),
    ],
)
def test_a_key_is_used_only_from_the_networks_it_allows(
    stored: str | None, address: str | None, allowed: bool
) -> None:
    assert service.allows(stored, address) is allowed


async def _key(
    database: Database,
    creds: Credentials,
    user_id: int,
    *,
    expires_at: datetime | None = None,
    allowed: tuple[service.Network, ...] | None = None,
) -> service.NewKey:
    async with database.transaction(write=True) as tx:
        return await service.create(
            tx,
            creds.account.id,
            user_id,
            name="CI",
            scopes=frozenset({"time_entries:write"}),
            expires_at=expires_at,
            allowed=allowed,
        )


async def test_a_matching_key_acts_as_its_user_with_its_scopes(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    new = await _key(database, account, user["id"])
    assert new.key.startswith("ttp_") and new.secret.startswith("tts_")
    verdict = await service.authenticate(database, new.key, new.secret, "127.0.0.1")
    holder = verdict.holder
    assert holder is not None and verdict.refused is None
    assert (holder.account.id, holder.user_id, holder.username) == (
        account.account.id,
        user["id"],
        "alice",
    )
    assert holder.role is Role.USER and holder.scopes == {"time_entries:write"}
    wrong = await service.authenticate(database, new.key, "tts_wrong", None)
    assert wrong.holder is None and wrong.refused is None
    assert (wrong.account_id, wrong.subject) == (account.account.id, f"key:{new.row['id']}")
    unknown = await service.authenticate(database, "ttp_unknown", new.secret, None)
    assert unknown == service.KeyVerdict(None)


@pytest.mark.parametrize("why", ["revoked", "expired", "user", "address"])
async def test_a_matching_key_is_refused(
    database: Database, account: Credentials, api: httpx.AsyncClient, why: str
) -> None:
    user = await make_user(api)
    allowed = service.parse_networks(["10.0.0.0/8"]) if why == "address" else None
    new = await _key(database, account, user["id"], allowed=allowed)
    async with database.transaction(write=True) as tx:
        if why == "revoked":
            await service.revoke(tx, account.account.id, new.row["id"])
        elif why == "expired":
            await tx.execute("UPDATE api_keys SET expires_at = $1", now() - timedelta(seconds=1))
        elif why == "user":
            await tx.execute(
                "UPDATE users SET enabled = $1 WHERE account_id = $2",
                False,
                account.account.id,
            )
    verdict = await service.authenticate(database, new.key, new.secret, "192.0.2.1")
    assert verdict.holder is None and verdict.refused == why
    assert (verdict.account_id, verdict.key_id) == (account.account.id, new.row["id"])


async def test_an_expiry_in_the_past_is_refused(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    with pytest.raises(service.KeyRefused, match="future"):
        await _key(database, account, user["id"], expires_at=now() - timedelta(minutes=1))


async def test_a_rotated_secret_replaces_the_old_one(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    new = await _key(database, account, user["id"])
    async with database.transaction(write=True) as tx:
        secret = await service.rotate_secret(tx, account.account.id, new.row["id"])
    assert (await service.authenticate(database, new.key, new.secret, None)).holder is None
    assert (await service.authenticate(database, new.key, secret, None)).holder is not None


async def test_last_used_is_written_at_most_once_a_minute(
    database: Database, account: Credentials, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    new = await _key(database, account, user["id"])

    async def last_used() -> object:
        async with database.transaction(write=False) as tx:
            return (await service.get_key(tx, account.account.id, new.row["id"]))["last_used_at"]

    first = (await service.authenticate(database, new.key, new.secret, None)).holder
    assert first is not None and first.last_used_at is None
    await service.mark_used(database, first)
    stamped = await last_used()
    assert stamped is not None
    second = (await service.authenticate(database, new.key, new.secret, None)).holder
    assert second is not None
    await service.mark_used(database, second)
    assert await last_used() == stamped
