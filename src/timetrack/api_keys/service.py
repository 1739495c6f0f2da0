"""Personal API keys: a key acts as the user it belongs to, narrowed by its scopes
(timetrack.policy), from the addresses it allows, until it expires or is revoked.

A key is sent in the same two headers as the account key (``X-TimeTrack-Api-Key`` and
``-Secret``), so every vendor client works with one. Account keys start ``ttk_``, personal keys
``ttp_``: the credential check knows from the prefix which table to ask, so the account key
costs no extra lookup. Revoking soft-deletes the key; the check reads the row on every request,
so a revoked or expired key is refused on its very next request, on every worker.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from timetrack import canonical, grants
from timetrack.accounts.guesses import now_us_sql
from timetrack.accounts.service import QUALIFIED, Account, hash_secret
from timetrack.api_keys.schemas import ApiKeyCreate, ApiKeyFilter, ApiKeyUpdate
from timetrack.columns import Column, WireColumns, optional
from timetrack.crud import (
    Feed,
    Filters,
    apply_feed,
    fetch_page,
    now,
    require_live,
    soft_delete,
    update_columns,
)
from timetrack.db import Database, Row, Tx, next_id
from timetrack.errors import (
    API_KEY_NOT_FOUND,
    API_KEY_REVOKED_404,
    FIELD_INVALID,
    FIELD_REQUIRED,
    AppError,
)
from timetrack.paging import Page
from timetrack.policy import SCOPES, Role, role_of, unknown_scopes
from timetrack.times import wire_utc
from timetrack.users.service import user_by_name
from timetrack.wire import MAX_ID, name_key

PREFIX = "ttp_"
# ``last_used_at`` is written at most this often per key: a key used for every request of a
# busy integration must not turn each of its reads into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_NETWORKS = 32

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

COLUMNS = WireColumns(
    Column("k.id", "id"),
    Column("k.name", "name"),
    Column("u.username", "username"),
    Column("k.user_id", "userId"),
    Column("k.key", "keyPrefix", lambda key: key[: key.index("_", len(PREFIX)) + 5]),
    Column("k.scopes", "scopes", lambda text: text.split()),
    Column("k.expires_at", "expiresAt", optional(wire_utc)),
    Column("k.allowed_ips", "allowedIps", optional(lambda text: text.split())),
    Column("k.last_used_at", "lastUsedAt", optional(wire_utc)),
    Column("k.created_at", "createdAt", wire_utc),
    alias="k.",
)
_FROM = (
    " FROM api_keys k JOIN users u ON u.account_id = k.account_id AND u.id = k.user_id"
    " WHERE k.account_id = $1"
)
# The account scope, written once: every read of keys starts here.
_OWNED = f"SELECT {COLUMNS.select_list}{_FROM}"
# The username filter needs the users table in the count too.
_COUNT = f"SELECT count(*){_FROM}"
_DUMMY_HASH = hash_secret("not-a-secret")


class KeyRefused(ValueError):
    """A key's settings that cannot be stored; the message names what is wrong."""


def account_of(api_key: str) -> int | None:
    """The account a personal key names (``ttp_<account id>_<random>``), or None."""
    account, underscore, _ = api_key.removeprefix(PREFIX).partition("_")
    return canonical.integer(account, 1, MAX_ID) if underscore else None


def parse_scopes(scopes: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(scopes)
    if not chosen:
        raise KeyRefused(f"a key needs at least one scope (one of {', '.join(SCOPES)})")
    unknown = unknown_scopes(chosen)
    if unknown:
        raise KeyRefused(f"unknown scope(s) {', '.join(unknown)} (known: {', '.join(SCOPES)})")
    return chosen


def parse_networks(texts: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks (``203.0.113.7``, ``10.0.0.0/8``, ``2001:db8::/32``); a network
    with host bits set is refused rather than silently widened."""
    networks = []
    for text in texts:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=True))
        except ValueError:
            raise KeyRefused(f"{text!r} is not an IP address or network") from None
    if len(networks) > MAX_NETWORKS:
        raise KeyRefused(f"at most {MAX_NETWORKS} allowed networks")
    return tuple(networks)


def allows(stored: str | None, address: str | None) -> bool:
    """Whether a key whose ``allowed_ips`` column is ``stored`` may be used from ``address``."""
    if stored is None:
        return True
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(text) for text in stored.split())


@dataclass(frozen=True, slots=True)
class NewKey:
    row: Row
    key: str
    secret: str


def _new_secret() -> str:
    return "tts_" + secrets.token_urlsafe(32)


async def create(
    tx: Tx,
    account_id: int,
    user_id: int,
    *,
    name: str,
    scopes: frozenset[str],
    expires_at: datetime | None,
    allowed: tuple[Network, ...] | None,
) -> NewKey:
    if expires_at is not None and expires_at <= now():
        raise KeyRefused("expiresAt must lie in the future")
    key, secret = f"{PREFIX}{account_id}_{secrets.token_urlsafe(24)}", _new_secret()
    at = now()
    key_id = await next_id(tx, account_id, "api_keys")
    await tx.execute(
        "INSERT INTO api_keys (account_id, id, user_id, name, key, secret_hash, scopes, "
        "expires_at, allowed_ips, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        account_id,
        key_id,
        user_id,
        name,
        key,
        hash_secret(secret),
        " ".join(sorted(scopes)),
        expires_at,
        None if allowed is None else " ".join(str(n) for n in allowed),
        at,
    )
    row = await tx.fetchrow(f"{_OWNED} AND k.id = $2", account_id, key_id)
    assert row is not None
    return NewKey(row, key, secret)


async def revoke(tx: Tx, account_id: int, key_id: int) -> None:
    at = now()
    await tx.execute(
        "UPDATE api_keys SET deleted_at = $3, updated_at = $3 "
        "WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL",
        account_id,
        key_id,
        at,
    )


async def rotate_secret(tx: Tx, account_id: int, key_id: int) -> str:
    """A new secret for a live key; the old one stops working with this commit."""
    secret = _new_secret()
    await tx.execute(
        "UPDATE api_keys SET secret_hash = $3, updated_at = $4 WHERE account_id = $1 AND id = $2",
        account_id,
        key_id,
        hash_secret(secret),
        now(),
    )
    return secret


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """Who a personal key acts as, once key and secret matched and the key is usable."""

    account: Account
    key_id: int
    user_id: int
    username: str
    role: Role
    scopes: frozenset[str]
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class KeyVerdict:
    """What the lookup of a personal key found, as ``accounts.service.Verdict`` for the account
    key: the holder when key and secret match and the key is usable, and the key's bucket of
    wrong secrets (``accounts.guesses``), read in the same statement."""

    holder: KeyHolder | None
    account_id: int | None = None  # the key's account, also when the secret is wrong
    key_id: int | None = None
    failures_full_at: int | None = None
    now_us: int = 0
    # Why a key whose secret matched is refused: "revoked", "expired", "user" (disabled or
    # deleted), "address"; None otherwise.
    refused: str | None = None

    @property
    def subject(self) -> str:
        return f"key:{self.key_id}"


async def authenticate(
    db: Database, api_key: str, api_secret: str, address: str | None
) -> KeyVerdict:
    account_id = account_of(api_key)
    row = None
    if account_id is not None:
        row = await db.fetchrow(
            f"SELECT {QUALIFIED}, k.id AS key_id, k.user_id, k.secret_hash, k.scopes, "
            "k.expires_at, k.allowed_ips, k.last_used_at, k.deleted_at, u.username, u.admin, "
            "u.team_lead, u.external, u.enabled AS user_enabled, u.deleted_at AS user_deleted_at, "
            f"f.full_at AS failures_full_at, {now_us_sql(db.dialect)} AS now_us "
            "FROM api_keys k JOIN users u ON u.account_id = k.account_id AND u.id = k.user_id "
            "JOIN accounts a ON a.id = k.account_id "
            "LEFT JOIN auth_failures f ON f.account_id = k.account_id "
            "AND f.subject = 'key:' || k.id WHERE k.account_id = $1 AND k.key = $2",
            account_id,
            api_key,
        )
    # Compare even when the key is unknown, so timing does not tell keys apart.
    stored = row["secret_hash"] if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_secret(api_secret), stored)
    if row is None:
        return KeyVerdict(None)
    refused = _refusal(row, address) if matches else None
    holder = None
    if matches and refused is None:
        role = role_of(admin=row["admin"], team_lead=row["team_lead"], external=row["external"])
        holder = KeyHolder(
            Account.from_row(row),
            row["key_id"],
            row["user_id"],
            row["username"],
            role,
            frozenset(row["scopes"].split()),
            row["last_used_at"],
        )
    bucket = (row["id"], row["key_id"], row["failures_full_at"], int(row["now_us"]))
    return KeyVerdict(holder, *bucket, refused=refused)


def _refusal(row: Row, address: str | None) -> str | None:
    if row["deleted_at"] is not None:
        return "revoked"
    if row["expires_at"] is not None and row["expires_at"] <= now():
        return "expired"
    if not row["user_enabled"] or row["user_deleted_at"] is not None:
        return "user"
    if not allows(row["allowed_ips"], address):
        return "address"
    return None


async def mark_used(db: Database, holder: KeyHolder) -> None:
    """Keep ``last_used_at``, at most once per :data:`LAST_USED_RESOLUTION` per key."""
    at = now()
    if holder.last_used_at is not None and at - holder.last_used_at < LAST_USED_RESOLUTION:
        return
    async with db.transaction(write=True) as tx:
        await tx.execute(
            "UPDATE api_keys SET last_used_at = $3 WHERE account_id = $1 AND id = $2 "
            "AND (last_used_at IS NULL OR last_used_at < $4)",
            holder.account.id,
            holder.key_id,
            at,
            at - LAST_USED_RESOLUTION,
        )


# --- the /api_keys resource --------------------------------------------------------------------

to_wire = COLUMNS.to_wire


def shown_once(row: Row) -> dict[str, Any]:
    """What only the create answers: the whole key and its secret (``create_key``'s row)."""
    return {"key": row["key"], "secret": row["secret"]}


async def list_keys(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: ApiKeyFilter
) -> tuple[list[Row], int]:
    filters = Filters(account_id)
    apply_feed(filters, feed, "k.")
    if query.username is not None:
        filters.add("u.username_key = {}", name_key(query.username))
    filters.owned_by("k.user_id")
    return await fetch_page(tx, _OWNED, _COUNT, filters, page, "k.id")


async def get_key(tx: Tx, account_id: int, key_id: int) -> Row:
    row = await tx.fetchrow(
        f"{_OWNED} AND k.id = $2{grants.owner_sql('k.user_id')}", account_id, key_id
    )
    return require_live(row, API_KEY_NOT_FOUND, API_KEY_REVOKED_404, f"API key {key_id}")


def _refused(exc: KeyRefused, pointer: str) -> AppError:
    return AppError.of(FIELD_INVALID, str(exc), pointer=pointer)


async def create_key(tx: Tx, account_id: int, body: ApiKeyCreate) -> Row:
    """A key for ``username`` (by default the caller), answered with its key and secret."""
    principal = grants.current_principal()
    username = body.username or (principal.username if principal is not None else None)
    if username is None:
        raise AppError.of(
            FIELD_REQUIRED,
            "the account key makes keys for a user: send username",
            pointer="/username",
        )
    user = await user_by_name(tx, account_id, username, field="username")
    try:
        scopes = parse_scopes(body.scopes)
    except KeyRefused as exc:
        raise _refused(exc, "/scopes") from None
    try:
        allowed = None if body.allowed_ips is None else parse_networks(body.allowed_ips)
    except KeyRefused as exc:
        raise _refused(exc, "/allowedIps") from None
    try:
        new = await create(
            tx,
            account_id,
            user["id"],
            name=body.name,
            scopes=scopes,
            expires_at=body.expires_at,
            allowed=allowed,
        )
    except KeyRefused as exc:
        raise _refused(exc, "/expiresAt") from None
    return {**dict(new.row), "key": new.key, "secret": new.secret}


async def update_key(tx: Tx, account_id: int, key_id: int, body: ApiKeyUpdate) -> Row:
    await get_key(tx, account_id, key_id)
    if body.name is not None:
        await update_columns(tx, "api_keys", account_id, key_id, {"name": body.name})
    return await get_key(tx, account_id, key_id)


async def delete_key(tx: Tx, account_id: int, key_id: int) -> Row:
    """Revoke: the key stops working with this commit, on every worker."""
    await get_key(tx, account_id, key_id)
    await soft_delete(tx, "api_keys", account_id, key_id, API_KEY_REVOKED_404, f"API key {key_id}")
    row = await tx.fetchrow(f"{_OWNED} AND k.id = $2", account_id, key_id)
    assert row is not None
    return row
