"""Project time entries (SPEC §2, "Project time entries")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from timetrack import filters, grants
from timetrack.clients.service import client_id_by_name
from timetrack.columns import Column, WireColumns
from timetrack.crud import (
    Condition,
    Feed,
    ScopedList,
    now,
    require_live,
    soft_delete,
    update_columns,
)
from timetrack.db import Row, Tx, next_id
from timetrack.errors import (
    ENTRY_BREAK_TOO_LONG,
    ENTRY_DELETED,
    ENTRY_END_BEFORE_START,
    ENTRY_NOT_FOUND,
    ENTRY_WORKED_INCONSISTENT,
    FIELD_REQUIRED,
    AppError,
)
from timetrack.fieldtypes import coordinate_text
from timetrack.paging import Page
from timetrack.projects.service import project_by_name
from timetrack.spans import Span, SpanCodes, sent_instant, time_columns, wire_local_text
from timetrack.spans import resolve_span as resolve_any_span
from timetrack.tasks.service import task_by_name
from timetrack.time_entries.schemas import EntryCreate, EntryFilter, EntryUpdate
from timetrack.times import wire_utc
from timetrack.users.service import user_by_name
from timetrack.wire import name_key

_FROM = (
    " FROM time_entries e"
    " JOIN users u ON u.account_id = e.account_id AND u.id = e.user_id"
    " JOIN projects p ON p.account_id = e.account_id AND p.id = e.project_id"
    " JOIN clients c ON c.account_id = p.account_id AND c.id = p.client_id"
    " LEFT JOIN tasks t ON t.account_id = e.account_id AND t.id = e.task_id"
    " WHERE e.account_id = $1"
)
COLUMNS = WireColumns(
    Column("e.id", "id"),
    Column("u.username", "user"),
    Column("e.user_id", "userId"),
    Column("c.name AS client_name", "clientName"),
    Column("p.client_id", "clientId"),
    Column("p.name AS project_name", "projectName"),
    Column("e.project_id", "projectId"),
    Column("t.name AS task_name", "task"),
    Column("e.task_id", "taskId"),
    Column("e.hour_rate", "hourRate"),
    Column("e.latitude", "latitude", coordinate_text),
    Column("e.longitude", "longitude", coordinate_text),
    Column("e.latitude1", "latitude1", coordinate_text),
    Column("e.longitude1", "longitude1", coordinate_text),
    Column("e.billable", "billable"),
    Column("e.flat_rate", "flatRate"),
    Column("e.details", "details"),
    Column("e.tags", "tags"),
    Column("e.start_local", "from", wire_local_text),
    Column("e.end_local", "to", wire_local_text),
    Column("e.worked_minutes", "workedMinutes"),
    Column("e.break_minutes", "breakMinutes"),
    Column("e.time_zone", "timeZone"),
    Column("e.start_at", "fromUtc", wire_utc),
    Column("e.end_at", "toUtc", wire_utc),
    alias="e.",
)
# The account scope, written once: every read of entries starts here.
_OWNED = f"SELECT {COLUMNS.select_list}{_FROM}"
# Filters only touch the entries table, so the count needs no joins.
_COUNT = "SELECT count(*) FROM time_entries e WHERE e.account_id = $1"
_PLAIN = (
    "billable",
    "flat_rate",
    "details",
    "tags",
    "latitude",
    "longitude",
    "latitude1",
    "longitude1",
)
_SPAN_CODES = SpanCodes(ENTRY_END_BEFORE_START, ENTRY_BREAK_TOO_LONG, ENTRY_WORKED_INCONSISTENT)


to_wire = COLUMNS.to_wire


def select_with(extra: str) -> str:
    """The entries' select with ``extra`` columns (a report's), before the filters."""
    return f"SELECT {COLUMNS.select_list}, {extra}{_FROM}"


def resolve_span(
    start: datetime, end: datetime | None, worked: int | None, brk: int, end_field: str = "/to"
) -> Span:
    """``spans.resolve_span`` with the entries' codes (15030-15032; the timer's stop too)."""
    return resolve_any_span(start, end, worked, brk, _SPAN_CODES, end_field=end_field)


@dataclass(frozen=True, slots=True)
class References:
    user: Row
    project: Row
    task: Row | None


# Resolves (user, the field it came in), clientName, projectName and task into References.
ReferenceLookup = Callable[[Tx, int, tuple[str, str], str, str, str | None], Awaitable[References]]


async def _references(
    tx: Tx,
    account_id: int,
    user: tuple[str, str],
    client_name: str,
    project_name: str,
    task: str | None,
) -> References:
    """Resolve the names an entry refers to; ``user`` is (username, the field it came in)."""
    user_row = await user_by_name(tx, account_id, user[0], field=user[1])
    client_id = await client_id_by_name(tx, account_id, client_name, field="clientName")
    project = await project_by_name(tx, account_id, client_id, project_name, field="projectName")
    task_row = await task_by_name(tx, account_id, task, field="task") if task else None
    return References(user_row, project, task_row)


def _renamed(sent: str | None, current: str | None) -> bool:
    """Whether a name sent on update names something else than the entry has now."""
    if sent is None:
        return current is not None
    return current is None or name_key(sent) != name_key(current)


async def _references_by_id(
    tx: Tx, account_id: int, user_id: int, project_id: int, task_id: int | None
) -> References:
    """The rate-bearing rows an entry points at, deleted ones included."""
    user = await tx.fetchrow(
        "SELECT id, hour_rate FROM users WHERE account_id = $1 AND id = $2", account_id, user_id
    )
    project = await tx.fetchrow(
        "SELECT id, hour_rate FROM projects WHERE account_id = $1 AND id = $2",
        account_id,
        project_id,
    )
    task = None
    if task_id is not None:
        task = await tx.fetchrow(
            "SELECT id, hour_rate FROM tasks WHERE account_id = $1 AND id = $2", account_id, task_id
        )
    assert user is not None and project is not None
    return References(user, project, task)


def _rate(refs: References) -> Decimal:
    """The rate frozen on an entry: the task's, the project's, the user's, else 0."""
    for row in (refs.task, refs.project, refs.user):
        if row is not None and row["hour_rate"] is not None:
            return Decimal(row["hour_rate"])
    return Decimal("0.00")


async def get_entry(tx: Tx, account_id: int, entry_id: int) -> Row:
    row = await tx.fetchrow(
        f"{_OWNED} AND e.id = $2{grants.owner_sql('e.user_id')}", account_id, entry_id
    )
    return require_live(row, ENTRY_NOT_FOUND, ENTRY_DELETED, f"time entry {entry_id}")


async def get_entries(tx: Tx, account_id: int, first_id: int, last_id: int) -> list[Row]:
    """The entries with ids ``first_id..last_id`` (a bulk create's), ordered by id."""
    return await tx.fetch(
        f"{_OWNED} AND e.id BETWEEN $2 AND $3 ORDER BY e.id", account_id, first_id, last_id
    )


def _conditions(query: EntryFilter) -> tuple[list[Condition], list[filters.Lookup]]:
    """The list's filter as SQL conditions and lookups (``crud.scoped_filters``)."""
    conditions, references = filters.entry_references(query)
    lookups = filters.user_named(query.username) + references
    for bound in (query.start_from, query.start_to):
        if bound is not None:
            conditions.append(bound.condition("e."))
    return conditions, lookups


_LIST = ScopedList(_OWNED, _COUNT, "e.start_local, e.id", "e.", "time_entries")


async def list_entries(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: EntryFilter
) -> tuple[list[Row], int]:
    conditions, lookups = _conditions(query)
    return await _LIST.page(
        tx, account_id, page, feed, conditions, lookups, unfiltered=query.unfiltered
    )


async def select_all(
    tx: Tx, account_id: int, query: EntryFilter, extra: str | None = None
) -> tuple[str, list[Any]] | None:
    """Every live entry of the list with ``query``, for an export (with ``extra`` columns)."""
    select = None if extra is None else select_with(extra)
    return await _LIST.select_all(tx, account_id, *_conditions(query), select_sql=select)


def _username(body: EntryCreate | EntryUpdate) -> tuple[str, str] | None:
    """The username sent, and in which field (``user`` wins over ``username``)."""
    if body.user is not None:
        return body.user, "user"
    if body.username is not None:
        return body.username, "username"
    return None


@dataclass(frozen=True, slots=True)
class Booking:
    """An entry ready to be stored: its references and span resolved."""

    refs: References
    zone_name: str
    span: Span
    hour_rate: Decimal | None  # None: the references' rate (``_rate``)
    fields: dict[str, Any]  # the plain columns sent


async def plan_entry(
    tx: Tx, account_id: int, body: EntryCreate, references: ReferenceLookup = _references
) -> Booking:
    """Check a create's names and span (the bulk create passes a memoizing ``references``)."""
    if body.hour_rate is not None:
        grants.refuse_hidden_rate("/hourRate")
    username = _username(body)
    if username is None:
        raise AppError.of(FIELD_REQUIRED, "send `user` (or `username`)", pointer="/user")
    refs = await references(
        tx, account_id, username, body.client_name, body.project_name, body.task
    )
    zone_name: str = refs.user["time_zone"]
    start = body.from_.instant(zone_name)
    end = body.to.instant(zone_name) if body.to is not None else None
    span = resolve_span(start, end, body.worked_minutes, body.break_minutes or 0)
    fields = {f: getattr(body, f) for f in _PLAIN}
    return Booking(refs, zone_name, span, body.hour_rate, fields)


async def create_entry(tx: Tx, account_id: int, body: EntryCreate) -> Row:
    booking = await plan_entry(tx, account_id, body)
    return await insert_entry(
        tx,
        account_id,
        booking.refs,
        booking.zone_name,
        booking.span,
        booking.hour_rate,
        booking.fields,
    )


def entry_values(
    account_id: int, entry_id: int, booking: Booking, stamp: datetime
) -> dict[str, Any]:
    """The row of a new entry, column -> value (every ``plan_entry`` booking gives the same
    columns in the same order)."""
    refs = booking.refs
    return {
        "account_id": account_id,
        "id": entry_id,
        "user_id": refs.user["id"],
        "project_id": refs.project["id"],
        "task_id": refs.task["id"] if refs.task is not None else None,
        **time_columns(booking.span, booking.zone_name),
        "hour_rate": booking.hour_rate if booking.hour_rate is not None else _rate(refs),
        "billable": True,
        "flat_rate": False,
        **booking.fields,
        "created_at": stamp,
        "updated_at": stamp,
    }


async def insert_entry(
    tx: Tx,
    account_id: int,
    refs: References,
    zone_name: str,
    span: Span,
    hour_rate: Decimal | None,
    fields: dict[str, Any],
) -> Row:
    """Book an entry whose references and span are resolved (also used by the timer)."""
    entry_id = await next_id(tx, account_id, "time_entries")
    booking = Booking(refs, zone_name, span, hour_rate, fields)
    values = entry_values(account_id, entry_id, booking, now())
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    await tx.execute(
        f"INSERT INTO time_entries ({', '.join(values)}) VALUES ({placeholders})",
        *values.values(),
    )
    return await get_entry(tx, account_id, entry_id)


async def update_entry(tx: Tx, account_id: int, entry_id: int, body: EntryUpdate) -> Row:
    current = await get_entry(tx, account_id, entry_id)
    sent = body.model_fields_set
    changes: dict[str, Any] = {f: getattr(body, f) for f in _PLAIN if f in sent}

    zone_name: str = current["time_zone"]
    ids = {k: current[k] for k in ("user_id", "project_id", "task_id")}
    username = _username(body)
    if username is not None and _renamed(username[0], current["username"]):
        user = await user_by_name(tx, account_id, username[0], field=username[1])
        ids["user_id"], zone_name = user["id"], user["time_zone"]
    client_name = body.client_name or current["client_name"]
    project_name = body.project_name or current["project_name"]
    if _renamed(client_name, current["client_name"]) or _renamed(
        project_name, current["project_name"]
    ):
        client_id = await client_id_by_name(tx, account_id, client_name, field="clientName")
        project = await project_by_name(
            tx, account_id, client_id, project_name, field="projectName"
        )
        ids["project_id"] = project["id"]
    if "task" in sent and _renamed(body.task, current["task_name"]):
        task = await task_by_name(tx, account_id, body.task, field="task") if body.task else None
        ids["task_id"] = task["id"] if task is not None else None
    references_changed = any(ids[k] != current[k] for k in ids)
    if references_changed:
        changes.update(ids)
        if body.hour_rate is None:  # booked somewhere else: that place's rate applies
            changes["hour_rate"] = _rate(await _references_by_id(tx, account_id, **ids))
    if body.hour_rate is not None:
        grants.refuse_hidden_rate("/hourRate")
        changes["hour_rate"] = body.hour_rate

    times_changed = references_changed or sent & {"from_", "to", "worked_minutes", "break_minutes"}
    if times_changed:
        start = (
            sent_instant(body.from_, zone_name, current, "start")
            if body.from_ is not None
            else current["start_at"]
        )
        brk = body.break_minutes if body.break_minutes is not None else current["break_minutes"]
        if body.to is not None:
            end, worked = sent_instant(body.to, zone_name, current, "end"), body.worked_minutes
        elif body.worked_minutes is not None:
            end, worked = None, body.worked_minutes
        else:
            end, worked = current["end_at"], None
        changes.update(time_columns(resolve_span(start, end, worked, brk), zone_name))
    if not changes:
        return current
    await update_columns(tx, "time_entries", account_id, entry_id, changes)
    return await get_entry(tx, account_id, entry_id)


async def delete_entry(tx: Tx, account_id: int, entry_id: int) -> Row:
    await get_entry(tx, account_id, entry_id)
    await soft_delete(
        tx, "time_entries", account_id, entry_id, ENTRY_DELETED, f"time entry {entry_id}"
    )
    row = await tx.fetchrow(f"{_OWNED} AND e.id = $2", account_id, entry_id)
    assert row is not None
    return row
