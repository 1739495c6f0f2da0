"""The audit log (SPEC §3): one entry per write, inserted in the write's own transaction.

A write that fails or rolls back therefore leaves no entry, and a committed write always has
one. ``before`` and ``after`` are the record as the API shows it (its ``to_wire`` form), so the
log reads like the API; keys that could hold a password or secret are removed all the same.

Entry ids count per account (``db.next_id``). The counter row stays locked until the write
commits, so every write records its entry last: the lock is then held only for the moment
between the entry and the commit, and is never held while waiting for another lock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import orjson
from fastapi import Request

from timetrack.audit.schemas import AuditFilter
from timetrack.crud import Feed, Filters, fetch_page, now
from timetrack.db import Row, Tx, next_id, next_ids
from timetrack.paging import Page
from timetrack.policy import CredentialKind
from timetrack.times import wire_utc
from timetrack.wire import dumps

CLI_ACTOR = "cli"
# Resources written outside routing.Resource.router (crud resources are named by their ``plural``).
ACCOUNTS = "accounts"
WORKING_TIME_MODELS = "working_time_models"
KEY_PREFIX = 8  # "ttk_" and four characters: enough to tell keys apart, far too few to guess
REQUEST_ID_MAX = 128

# Matched against a key lower-cased, without "_" and "-": password, passwordHash, apiSecret,
# secret_hash, api_key, token, ...
_SENSITIVE = re.compile(r"password|secret|apikey|token|hash$")

_COLUMNS = "id, at, actor, action, resource, record_id, before, after, request_id"
_SELECT = f"SELECT {_COLUMNS} FROM audit_log WHERE account_id = $1"
_COUNT = "SELECT count(*) FROM audit_log WHERE account_id = $1"
_INSERT = (
    f"INSERT INTO audit_log (account_id, {_COLUMNS}) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)


@lru_cache(maxsize=1024)  # the keys are the API's field names: a few dozen, seen over and over
def _sensitive(key: str) -> bool:
    return bool(_SENSITIVE.search(key.lower().replace("_", "").replace("-", "")))


def scrub(value: Any) -> Any:
    """``value`` without any key that looks like it holds a password or secret, at any depth."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if not _sensitive(str(k))}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def key_actor(api_key: str) -> str:
    """The actor of an API write: a prefix of the key, never the whole key, never the secret."""
    return f"api-key:{api_key[:KEY_PREFIX]}…"


def request_actor(request: Request) -> str:
    """Who made a request's write: the credential check has accepted it before any write, and
    left the caller on the request."""
    principal = request.state.caller.principal
    if principal.kind is CredentialKind.ACCOUNT_KEY:
        return key_actor(request.headers.get("X-TimeTrack-Api-Key", ""))
    if principal.kind is CredentialKind.PERSONAL_KEY:
        return f"personal-key:{principal.key_id} user:{principal.username}"
    return f"user:{principal.username}"


def request_id(request: Request) -> str | None:
    value = getattr(request.state, "request_id", None)
    return None if value is None else str(value)[:REQUEST_ID_MAX]


def changed(before: Row, after: Row) -> bool:
    """Whether a write changed the stored record: an update that applied nothing returns the
    row unchanged (a real change also moves ``updated_at``, to the microsecond)."""
    return _as_dict(before) != _as_dict(after)


def _as_dict(row: Row) -> dict[str, Any]:
    # Not ``for key in row``: iterating a database row yields its values.
    return {key: row[key] for key in row.keys()}  # noqa: SIM118


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else dumps(scrub(value)).decode()


async def record(
    tx: Tx,
    account_id: int,
    *,
    actor: str,
    action: str,
    resource: str,
    record_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: str | None,
) -> int:
    """Insert one entry in ``tx``; call it after the write's own SQL (see the module doc)."""
    entry_id = await next_id(tx, account_id, "audit_log")
    await tx.execute(
        _INSERT,
        account_id,
        entry_id,
        now(),
        actor,
        action,
        resource,
        record_id,
        _json(before),
        _json(after),
        request_id,
    )
    return entry_id


async def record_request(
    tx: Tx,
    request: Request,
    account_id: int,
    action: str,
    resource: str,
    record_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """``record`` for a write made through the API: the actor and request id from ``request``."""
    return await record(
        tx,
        account_id,
        actor=request_actor(request),
        action=action,
        resource=resource,
        record_id=record_id,
        before=before,
        after=after,
        request_id=request_id(request),
    )


async def record_creates(
    tx: Tx, request: Request, account_id: int, resource: str, items: Sequence[dict[str, Any]]
) -> None:
    """The entries ``record_request(..., "create", resource, item["id"], after=item)`` would
    write for each of ``items`` (a bulk create), with one id allocation and one statement."""
    first = await next_ids(tx, account_id, "audit_log", len(items))
    stamp, actor, rid = now(), request_actor(request), request_id(request)
    await tx.executemany(
        _INSERT,
        [
            (
                account_id,
                first + i,
                stamp,
                actor,
                "create",
                resource,
                item["id"],
                None,
                _json(item),
                rid,
            )
            for i, item in enumerate(items)
        ],
    )


async def record_cli(
    tx: Tx,
    account_id: int,
    action: str,
    resource: str,
    record_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """``record`` for a write made with the ``timetrack`` command (no request, actor "cli")."""
    return await record(
        tx,
        account_id,
        actor=CLI_ACTOR,
        action=action,
        resource=resource,
        record_id=record_id,
        before=before,
        after=after,
        request_id=None,
    )


def time_bound(value: date | datetime, *, upper: bool) -> tuple[str, datetime]:
    """The condition of a ``from`` (``upper`` false) or ``to`` bound on ``at``; both include
    what they name. A date is a whole UTC day. A timestamp ``to`` includes the whole
    millisecond it names, as ``at`` is written to the millisecond: the ``at`` of an entry,
    passed back as ``to``, includes that entry."""
    if isinstance(value, datetime):
        if not upper:
            return "at >= {}", value
        millisecond = value.replace(microsecond=value.microsecond // 1000 * 1000)
        return "at < {}", millisecond + timedelta(milliseconds=1)
    midnight = datetime(value.year, value.month, value.day, tzinfo=UTC)
    if upper:
        return "at < {}", midnight + timedelta(days=1)
    return "at >= {}", midnight


async def list_entries(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: AuditFilter
) -> tuple[list[Row], int]:
    """The account's entries; the feed's ``updatedSince`` keeps those from that instant on, and
    ``includeDeleted`` changes nothing (no entry is ever deleted)."""
    filters = Filters(account_id)
    for column, value in (
        ("resource", query.resource),
        ("record_id", query.record_id),
        ("action", query.action),
    ):
        if value is not None:
            filters.add(f"{column} = {{}}", value)
    if query.since is not None:
        filters.add(*time_bound(query.since, upper=False))
    if query.until is not None:
        filters.add(*time_bound(query.until, upper=True))
    if feed.updated_since is not None:
        filters.add("at >= {}", feed.updated_since)
    return await fetch_page(tx, _SELECT, _COUNT, filters, page, "id")


async def latest_entries(
    tx: Tx, account_id: int, *, resource: str | None, record_id: int | None, limit: int
) -> list[Row]:
    """The ``limit`` newest entries (of a resource, of a record), oldest first (the CLI)."""
    filters = Filters(account_id)
    if resource is not None:
        filters.add("resource = {}", resource)
    if record_id is not None:
        filters.add("record_id = {}", record_id)
    rows = await tx.fetch(
        f"{_SELECT}{filters.sql()} ORDER BY id DESC LIMIT ${len(filters.args) + 1}",
        *filters.args,
        limit,
    )
    return rows[::-1]


def to_wire(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "at": wire_utc(row["at"]),
        "actor": row["actor"],
        "action": row["action"],
        "resource": row["resource"],
        "recordId": row["record_id"],
        "before": None if row["before"] is None else orjson.loads(row["before"]),
        "after": None if row["after"] is None else orjson.loads(row["after"]),
        "requestId": row["request_id"],
    }
