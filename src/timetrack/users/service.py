"""Users: the people who book time (SPEC §2, "Users")."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Request

from timetrack import grants
from timetrack.auth.sessions import end_others as end_sessions
from timetrack.columns import Column, WireColumns
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
from timetrack.db import IntegrityViolation, Row, Tx, next_id
from timetrack.errors import (
    USER_DELETED,
    USER_EMAIL_TAKEN,
    USER_NOT_FOUND,
    USER_REGION_UNKNOWN,
    USER_UNKNOWN,
    USERNAME_TAKEN,
    AppError,
)
from timetrack.paging import Page
from timetrack.public_holidays import canonical_region, supported
from timetrack.users.fields import personal_number_to_wire
from timetrack.users.schemas import UserCreate, UserFilter, UserUpdate
from timetrack.wire import name_key, refuse_read_only_changes

COLUMNS = WireColumns(
    Column("id", "id"),
    Column("username", "username"),
    Column("first_name", "firstName"),
    Column("last_name", "lastName"),
    Column("email", "email"),
    Column("admin", "admin"),
    Column("team_lead", "teamLead"),
    Column("external", "external"),
    Column("language", "language"),
    Column("personal_number", "personalNumber", personal_number_to_wire),
    Column("enabled", "enabled"),
    Column("time_zone", "timeZone"),
    Column("hour_rate", "hourRate"),
    Column("country", "country"),
    Column("region", "region"),
)
# The account scope, written once: every read of users starts here.
_OWNED = f"SELECT {COLUMNS.select_list} FROM users WHERE account_id = $1"
_COUNT = "SELECT count(*) FROM users WHERE account_id = $1"
# Fields stored as sent (the same name on both sides).
_PLAIN = (
    "first_name",
    "last_name",
    "admin",
    "team_lead",
    "external",
    "language",
    "personal_number",
    "time_zone",
    "hour_rate",
)


Body = TypeVar("Body", UserCreate, UserUpdate)


async def hash_password(request: Request, body: Body) -> Body:
    """The body with the hash of the password it sends (``routing.Resource.prepare_*``)."""
    password = body.password
    hashed = await request.app.state.passwords.hash(password) if password else None
    return body.with_password_hash(hashed)


to_wire = COLUMNS.to_wire


async def list_users(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: UserFilter
) -> tuple[list[Row], int]:
    filters = Filters(account_id)
    apply_feed(filters, feed)
    if query.username is not None:
        filters.contains("username_key", query.username)
    if query.email is not None:
        filters.add("email_key = {}", name_key(query.email.strip()))
    filters.owned_by("id")
    return await fetch_page(tx, _OWNED, _COUNT, filters, page, "id")


async def get_user(tx: Tx, account_id: int, user_id: int) -> Row:
    row = await tx.fetchrow(f"{_OWNED} AND id = $2{grants.owner_sql('id')}", account_id, user_id)
    return require_live(row, USER_NOT_FOUND, USER_DELETED, f"user {user_id}")


async def user_by_name(tx: Tx, account_id: int, username: str, *, field: str) -> Row:
    """Resolve a ``user``/``username`` reference (exact, case-insensitive, not deleted)."""
    row = await tx.fetchrow(
        f"{_OWNED} AND username_key = $2 AND deleted_at IS NULL{grants.owner_sql('id')}",
        account_id,
        name_key(username),
    )
    if row is None:
        raise AppError.of(USER_UNKNOWN, f"no user named {username!r}", pointer=f"/{field}")
    return row


async def lock_user_writes(tx: Tx, account_id: int, user_id: int) -> Row | None:
    """Serialise, per user, writes that could make that user's records overlap (attendances,
    absences) on PostgreSQL; return the user's row as it is once locked (``deleted_at`` says
    whether it was deleted meanwhile). SQLite serialises writers already: None there.

    ``FOR NO KEY UPDATE`` conflicts with itself, which is all this needs, but not with the
    ``FOR KEY SHARE`` that inserting a row referencing the user takes, so the user's time
    entries are not held up meanwhile.
    """
    if tx.dialect != "postgresql":
        return None
    return await tx.fetchrow(
        "SELECT id, deleted_at FROM users WHERE account_id = $1 AND id = $2 FOR NO KEY UPDATE",
        account_id,
        user_id,
    )


async def _refuse_taken(
    tx: Tx, account_id: int, column: str, key: str, *, except_id: int | None = None
) -> None:
    taken = await tx.fetchval(
        f"SELECT id FROM users WHERE account_id = $1 AND {column} = $2 AND deleted_at IS NULL",
        account_id,
        key,
    )
    if taken is not None and taken != except_id:
        raise _taken(column)


def _taken(column: str) -> AppError:
    if column == "email_key":
        return AppError.of(USER_EMAIL_TAKEN, "another user has this e-mail", pointer="/email")
    return AppError.of(USERNAME_TAKEN, "a user with this username exists", pointer="/username")


_KNOWN_SHOWN = 20


def _checked_region(
    country: str | None, region: str | None, account_country: str | None
) -> str | None:
    """``region`` in the holidays package's spelling, if the user's country (or else the
    account's) has it; a clear 400 otherwise."""
    if region is None:
        return None
    effective = country or account_country
    if effective is None:
        raise AppError.of(
            USER_REGION_UNKNOWN,
            f"region {region!r} needs a country: neither the user nor the account has one",
            pointer="/region",
        )
    canonical = canonical_region(effective, region)
    if canonical is None:
        known = supported()[effective]
        shown = ", ".join(known[:_KNOWN_SHOWN]) + (", ..." if len(known) > _KNOWN_SHOWN else "")
        whose = "the user's country" if country else "the account's country (the user has none)"
        raise AppError.of(
            USER_REGION_UNKNOWN,
            f"{effective}, {whose}, has no region {region!r} (known: {shown or 'none'})",
            pointer="/region",
        )
    return canonical


async def _account_country(tx: Tx, account_id: int) -> str | None:
    country: str | None = await tx.fetchval(
        "SELECT country FROM accounts WHERE id = $1", account_id
    )
    return country


async def create_user(tx: Tx, account_id: int, body: UserCreate) -> Row:
    assert body.password_hash is not None, "the router hashes the password first"
    await _refuse_taken(tx, account_id, "username_key", name_key(body.username))
    await _refuse_taken(tx, account_id, "email_key", name_key(body.email))
    account = await tx.fetchrow("SELECT timezone, country FROM accounts WHERE id = $1", account_id)
    assert account is not None
    zone = body.time_zone or account["timezone"]
    region = _checked_region(body.country, body.region, account["country"])
    user_id = await next_id(tx, account_id, "users")
    stamp = now()
    try:
        await tx.execute(
            "INSERT INTO users (account_id, id, username, username_key, first_name, last_name, "
            "email, email_key, password_hash, admin, team_lead, external, language, "
            "personal_number, enabled, time_zone, hour_rate, country, region, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
            "$15, $16, $17, $18, $19, $20, $20)",
            account_id,
            user_id,
            body.username,
            name_key(body.username),
            body.first_name,
            body.last_name,
            body.email,
            name_key(body.email),
            body.password_hash,
            body.admin,
            body.team_lead,
            body.external,
            body.language,
            body.personal_number,
            body.enabled,
            zone,
            body.hour_rate,
            body.country,
            region,
            stamp,
        )
    except IntegrityViolation as exc:
        # A concurrent create won the race past _refuse_taken; the violated index names the
        # field. Only the message's first line: PostgreSQL's DETAIL line quotes the values.
        index = str(exc).partition("\n")[0]
        raise _taken("email_key" if "email" in index else "username_key") from None
    return await get_user(tx, account_id, user_id)


async def update_user(tx: Tx, account_id: int, user_id: int, body: UserUpdate) -> Row:
    current = await get_user(tx, account_id, user_id)
    refuse_read_only_changes(body, current, ("username", "enabled"))
    sent = body.model_fields_set
    changes: dict[str, Any] = {f: getattr(body, f) for f in _PLAIN if f in sent}
    if body.email is not None:
        await _refuse_taken(tx, account_id, "email_key", name_key(body.email), except_id=user_id)
        changes["email"] = body.email
        changes["email_key"] = name_key(body.email)
    if body.password_hash is not None:
        changes["password_hash"] = body.password_hash
        # A password set for a user ends every session they have (they sign in anew).
        await end_sessions(tx, account_id, user_id, None)
    changes |= await _place_changes(tx, account_id, body, current)
    if not changes:
        return current
    try:
        await update_columns(tx, "users", account_id, user_id, changes)
    except IntegrityViolation:
        raise _taken("email_key") from None
    return await get_user(tx, account_id, user_id)


async def _place_changes(tx: Tx, account_id: int, body: UserUpdate, current: Row) -> dict[str, Any]:
    """The country and region an update sets, checked together as they will be stored.

    A pair equal to the stored one is not checked again, so a record's own GET body is
    accepted back even if the account's country has changed since its region was set.
    """
    sent = body.model_fields_set
    if not {"country", "region"} & sent:
        return {}
    country = body.country if "country" in sent else current["country"]
    region = body.region if "region" in sent else current["region"]
    if (country, region) == (current["country"], current["region"]):
        return {}
    region = _checked_region(country, region, await _account_country(tx, account_id))
    return {"country": country, "region": region}


async def _touch_lists_of(tx: Tx, account_id: int, user_id: int) -> None:
    """A deleted user drops out of the teams and project assignments that listed them
    (``users.lists``): those records' answers change, so their ``updatedAt`` moves too, and a
    change-feed client learns of it."""
    stamp = now()
    for table, members, column in (
        ("teams", "team_members", "team_id"),
        ("projects", "project_members", "project_id"),
    ):
        await tx.execute(
            f"UPDATE {table} SET updated_at = $3 WHERE account_id = $1 AND deleted_at IS NULL "
            f"AND id IN (SELECT {column} FROM {members} WHERE account_id = $1 AND user_id = $2)",
            account_id,
            user_id,
            stamp,
        )


async def delete_user(tx: Tx, account_id: int, user_id: int) -> Row:
    """Soft delete: the user's entries stay; new entries can no longer name the user."""
    await get_user(tx, account_id, user_id)
    await soft_delete(tx, "users", account_id, user_id, USER_DELETED, f"user {user_id}")
    await _touch_lists_of(tx, account_id, user_id)
    row = await tx.fetchrow(f"{_OWNED} AND id = $2", account_id, user_id)
    assert row is not None
    return row
