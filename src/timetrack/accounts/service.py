"""Accounts (tenants): creation, credentials, enabling. Used by the CLI and the auth check."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from timetrack.absence_types.service import seed_default_types
from timetrack.accounts.guesses import ACCOUNT_KEY, now_us_sql
from timetrack.db import Database, Row, Tx
from timetrack.public_holidays import canonical_region, supported
from timetrack.times import is_zone, wire_utc

# Matched whole (fullmatch): "$" would let a trailing newline through.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_COLUMNS = "id, slug, name, timezone, country, region, enabled, created_at, rates_visible, currency"
# The account's columns under their own names, for a lookup that joins other tables to it.
QUALIFIED = ", ".join("a." + column for column in _COLUMNS.split(", "))


class AccountError(ValueError):
    """A refused account operation; the message is meant for the operator."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    slug: str
    name: str
    timezone: str
    country: str | None
    region: str | None
    enabled: bool
    created_at: datetime
    # Whether people other than admins see hour rates and budgets (``grants.rates_shown``).
    rates_visible: bool
    # The ISO 4217 code of the money in rates, budgets and report amounts (display only).
    currency: str

    @classmethod
    def from_row(cls, row: Row) -> Account:
        return cls(*(row[c] for c in _COLUMNS.split(", ")))

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "slug": self.slug,
            "name": self.name,
            "timezone": self.timezone,
            "country": self.country,
            "region": self.region,
            "enabled": self.enabled,
            "createdAt": wire_utc(self.created_at),
            "ratesVisible": self.rates_visible,
            "currency": self.currency,
        }


@dataclass(frozen=True, slots=True)
class Credentials:
    account: Account
    api_key: str
    api_secret: str


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a plain SHA-256 is safe to store; a slow password hash
    # would only add milliseconds to every request.
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return "tts_" + secrets.token_urlsafe(32)


def validate_timezone(name: str) -> str:
    if not is_zone(name):
        raise AccountError(f"unknown time zone {name!r} (use an IANA name like Europe/Berlin)")
    return name


def validate_currency(code: str) -> str:
    """An ISO 4217 code as three letters (any case in, upper case stored). The list of codes
    is not checked: it changes, and the code is only ever shown next to amounts."""
    upper = code.strip().upper()
    if not _CURRENCY.fullmatch(upper):
        raise AccountError(f"currency must be an ISO 4217 code of three letters, not {code!r}")
    return upper


def _validate(slug: str, country: str | None, region: str | None) -> str | None:
    """Check the account's settings; return the region in the holidays package's spelling."""
    if not _SLUG.fullmatch(slug):
        raise AccountError("the slug must be 1-63 lowercase letters, digits or dashes")
    if country is not None and (not _COUNTRY.fullmatch(country) or country not in supported()):
        raise AccountError(
            f"the country must be an ISO-3166 alpha-2 code with public holidays, like DE "
            f"(got {country!r})"
        )
    if region is None:
        return None
    if country is None:
        raise AccountError("a region needs a country")
    canonical = canonical_region(country, region)
    if canonical is None:
        known = ", ".join(supported()[country]) or "none"
        raise AccountError(f"{country} has no region {region!r} (known: {known})")
    return canonical


async def create_account(
    tx: Tx,
    slug: str,
    *,
    name: str | None = None,
    timezone: str = "UTC",
    country: str | None = None,
    region: str | None = None,
) -> Credentials:
    country = country.upper() if country else None
    region = _validate(slug, country, region or None)
    validate_timezone(timezone)
    if await tx.fetchval("SELECT 1 FROM accounts WHERE slug = $1", slug):
        raise AccountError(f"an account {slug!r} already exists")
    api_key = "ttk_" + secrets.token_urlsafe(24)
    api_secret = _new_secret()
    now = datetime.now(UTC)
    row = await tx.fetchrow(
        "INSERT INTO accounts (slug, name, api_key, secret_hash, timezone, country, region, "
        "enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) "
        f"RETURNING {_COLUMNS}",
        slug,
        name or slug,
        api_key,
        hash_secret(api_secret),
        timezone,
        country,
        region,
        True,
        now,
    )
    assert row is not None
    account = Account.from_row(row)
    await seed_default_types(tx, account.id)
    return Credentials(account, api_key, api_secret)


async def get_account(tx: Tx, slug: str) -> Account:
    row = await tx.fetchrow(f"SELECT {_COLUMNS} FROM accounts WHERE slug = $1", slug)
    if row is None:
        raise AccountError(f"no account {slug!r}")
    return Account.from_row(row)


async def list_accounts(tx: Tx) -> list[Account]:
    rows = await tx.fetch(f"SELECT {_COLUMNS} FROM accounts ORDER BY id")
    return [Account.from_row(r) for r in rows]


async def rotate_secret(tx: Tx, slug: str) -> Credentials:
    account = await get_account(tx, slug)
    api_secret = _new_secret()
    await tx.execute(
        "UPDATE accounts SET secret_hash = $1, updated_at = $2 WHERE id = $3",
        hash_secret(api_secret),
        datetime.now(UTC),
        account.id,
    )
    api_key = await tx.fetchval("SELECT api_key FROM accounts WHERE id = $1", account.id)
    return Credentials(account, api_key, api_secret)


async def set_enabled(tx: Tx, slug: str, enabled: bool) -> Account:
    account = await get_account(tx, slug)
    if account.enabled == enabled:
        return account
    await tx.execute(
        "UPDATE accounts SET enabled = $1, updated_at = $2 WHERE id = $3",
        enabled,
        datetime.now(UTC),
        account.id,
    )
    return await get_account(tx, slug)


async def update_account(
    tx: Tx,
    slug: str,
    *,
    name: str | None = None,
    timezone: str | None = None,
    country: str | None = None,
    region: str | None = None,
    rates_visible: bool | None = None,
    currency: str | None = None,
) -> tuple[Account, Account]:
    """Change what is given (an empty country or region removes it), validated as on create;
    the account before and after. Nothing is written when nothing changes."""
    before = await get_account(tx, slug)
    new_name = before.name if name is None else name.strip()
    if not new_name:
        raise AccountError("the name must not be empty")
    new_country = before.country if country is None else (country.upper() or None)
    if region is not None:
        new_region = region or None
    else:  # a region belongs to its country: a new country drops the old region
        new_region = before.region if new_country == before.country else None
    after = replace(
        before,
        name=new_name,
        timezone=before.timezone if timezone is None else validate_timezone(timezone),
        country=new_country,
        region=_validate(slug, new_country, new_region),
        rates_visible=before.rates_visible if rates_visible is None else rates_visible,
        currency=before.currency if currency is None else validate_currency(currency),
    )
    if after != before:
        await tx.execute(
            "UPDATE accounts SET name = $1, timezone = $2, country = $3, region = $4, "
            "rates_visible = $5, currency = $6, updated_at = $7 WHERE id = $8",
            after.name,
            after.timezone,
            after.country,
            after.region,
            after.rates_visible,
            after.currency,
            datetime.now(UTC),
            after.id,
        )
    return before, after


async def count_accounts(tx: Tx) -> int:
    total: int = await tx.fetchval("SELECT count(*) FROM accounts")
    return total


_DUMMY_HASH = hash_secret("not-a-secret")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the credential lookup found: the account when key and secret match, and the state
    of the key's bucket of wrong secrets (``accounts.guesses``), read in the same statement."""

    account: Account | None
    account_id: int | None  # the key's account, also when the secret is wrong; None: unknown
    failures_full_at: int | None  # µs on the database's clock; None: no failure counted yet
    now_us: int  # the database's clock when it answered


async def authenticate(db: Database, api_key: str, api_secret: str) -> Verdict:
    """Look the key up (with its bucket of wrong secrets) and compare the secret.
    Disabled accounts are returned too."""
    row = await db.fetchrow(
        f"SELECT {QUALIFIED}, a.secret_hash, f.full_at AS failures_full_at, "
        f"{now_us_sql(db.dialect)} AS now_us FROM accounts a "
        "LEFT JOIN auth_failures f ON f.account_id = a.id AND f.subject = $2 "
        "WHERE a.api_key = $1",
        api_key,
        ACCOUNT_KEY,
    )
    # Compare even when the key is unknown, so timing does not tell keys apart.
    stored = row["secret_hash"] if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(hash_secret(api_secret), stored)
    if row is None:
        return Verdict(None, None, None, 0)
    account = Account.from_row(row) if matches else None
    return Verdict(account, row["id"], row["failures_full_at"], int(row["now_us"]))
