"""Attendances: working time without a project, clocked in and out (SPEC §2, "Attendances").

Stored like project time entries (true instants, the zone, the wall-clock text; see
``spans``), except that ``end_at``, ``end_local`` and ``worked_minutes`` are null while the
attendance is open (clocked in, not yet out).

A user's live attendances never overlap: as half-open ranges ``[from, to)`` of true instants,
an open one reaching to infinity. So a user has at most one open attendance, and it is the
latest. Every write that could break this (create, clock-in, an update of times or user)
first locks the user's row on PostgreSQL, then checks, then writes: two concurrent writes for
one user cannot both pass the check (READ COMMITTED: the second reads after the first
committed). SQLite serialises writers anyway (``BEGIN IMMEDIATE``). The partial unique index
``uq_attendances_open`` backs the "one open attendance" half of the rule in the database.
Writes that can only shrink or remove an attendance (clock-out, delete) need no user lock.

Lock order, so two writers never wait for each other in a circle: an attendance row (update,
clock-out), then the user row, then the id counter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from timetrack import grants
from timetrack.attendances.overlap import clocked_in_already, is_open_violation, refuse_overlap
from timetrack.attendances.schemas import (
    AttendanceCreate,
    AttendanceFilter,
    AttendanceUpdate,
    ClockIn,
    ClockOut,
)
from timetrack.columns import Column, WireColumns, optional
from timetrack.crud import (
    Condition,
    Feed,
    ScopedList,
    now,
    require_live,
    soft_delete,
    update_columns,
)
from timetrack.db import IntegrityViolation, Row, Tx, next_id
from timetrack.errors import (
    ATTENDANCE_BREAK_TOO_LONG,
    ATTENDANCE_CLOCK_OUT_BEFORE_IN,
    ATTENDANCE_DELETED,
    ATTENDANCE_END_BEFORE_START,
    ATTENDANCE_NOT_CLOCKED_IN,
    ATTENDANCE_NOT_FOUND,
    ATTENDANCE_WORKED_INCONSISTENT,
    FIELD_INVALID,
    FIELD_REQUIRED,
    AppError,
)
from timetrack.fieldtypes import coordinate_text
from timetrack.filters import user_named
from timetrack.paging import Page
from timetrack.spans import (
    SpanCodes,
    resolve_span,
    sent_instant,
    stored_wall,
    time_columns,
    wire_local_text,
)
from timetrack.times import wire_utc
from timetrack.users.service import lock_user_writes, user_by_name
from timetrack.wire import name_key

COLUMNS = WireColumns(
    Column("a.id", "id"),
    Column("u.username", "user"),
    Column("a.user_id", "userId"),
    Column("a.start_local", "from", wire_local_text),
    Column("a.end_local", "to", optional(wire_local_text)),  # null while open
    Column("a.notes", "notes"),
    Column("a.manual", "manual"),
    Column("a.worked_minutes", "workedMinutes"),
    Column("a.break_minutes", "breakMinutes"),
    Column("a.latitude_start", "latitudeStart", coordinate_text),
    Column("a.longitude_start", "longitudeStart", coordinate_text),
    Column("a.latitude_end", "latitudeEnd", coordinate_text),
    Column("a.longitude_end", "longitudeEnd", coordinate_text),
    Column("a.time_zone", "timeZone"),
    Column("a.start_at", "fromUtc", wire_utc),
    Column("a.end_at", "toUtc", optional(wire_utc)),
    alias="a.",
)
# The account scope, written once: every read of attendances starts here.
_OWNED = (
    f"SELECT {COLUMNS.select_list} FROM attendances a"
    " JOIN users u ON u.account_id = a.account_id AND u.id = a.user_id"
    " WHERE a.account_id = $1"
)
# Filters only touch the attendances table, so the count needs no join.
_COUNT = "SELECT count(*) FROM attendances a WHERE a.account_id = $1"
# Fields stored as sent (the same name on both sides).
_PLAIN = (
    "notes",
    "manual",
    "latitude_start",
    "longitude_start",
    "latitude_end",
    "longitude_end",
)
_SPAN_CODES = SpanCodes(
    ATTENDANCE_END_BEFORE_START, ATTENDANCE_BREAK_TOO_LONG, ATTENDANCE_WORKED_INCONSISTENT
)


to_wire = COLUMNS.to_wire


def _open_columns(
    start: datetime, zone_name: str, brk: int, start_field: str = "/from"
) -> dict[str, Any]:
    """The time columns of an open attendance (clocked in at ``start``)."""
    return {
        "start_at": start,
        "end_at": None,
        "start_local": stored_wall(start, zone_name, start_field),
        "end_local": None,
        "time_zone": zone_name,
        "worked_minutes": None,
        "break_minutes": brk,
    }


def _columns(
    start: datetime, end: datetime | None, worked: int | None, brk: int, zone_name: str
) -> dict[str, Any]:
    """Open when neither ``to`` nor ``workedMinutes`` is known; else the checked span."""
    if end is None and worked is None:
        return _open_columns(start, zone_name, brk)
    return time_columns(resolve_span(start, end, worked, brk, _SPAN_CODES), zone_name)


async def get_attendance(tx: Tx, account_id: int, attendance_id: int) -> Row:
    row = await tx.fetchrow(
        f"{_OWNED} AND a.id = $2{grants.owner_sql('a.user_id')}", account_id, attendance_id
    )
    return require_live(
        row, ATTENDANCE_NOT_FOUND, ATTENDANCE_DELETED, f"attendance {attendance_id}"
    )


def _conditions(query: AttendanceFilter) -> list[Condition]:
    conditions: list[Condition] = []
    if query.user_id is not None:
        conditions.append(("a.user_id = {}", query.user_id))
    for bound in (query.start_from, query.start_to):
        if bound is not None:
            conditions.append(bound.condition("a."))
    return conditions


_LIST = ScopedList(_OWNED, _COUNT, "a.start_local, a.id", "a.", "attendances")


async def list_attendances(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: AttendanceFilter
) -> tuple[list[Row], int]:
    lookups = user_named(query.username)
    return await _LIST.page(
        tx, account_id, page, feed, _conditions(query), lookups, unfiltered=query.unfiltered
    )


async def select_all(
    tx: Tx, account_id: int, query: AttendanceFilter
) -> tuple[str, list[Any]] | None:
    """Every live attendance of the list with ``query``, for an export."""
    return await _LIST.select_all(tx, account_id, _conditions(query), user_named(query.username))


# --- create, clock-in -------------------------------------------------------------------------


async def _insert(
    tx: Tx, account_id: int, user_id: int, columns: dict[str, Any], fields: dict[str, Any]
) -> Row:
    await lock_user_writes(tx, account_id, user_id)
    await refuse_overlap(tx, account_id, user_id, columns["start_at"], columns["end_at"])
    attendance_id = await next_id(tx, account_id, "attendances")
    stamp = now()
    values: dict[str, Any] = {
        "account_id": account_id,
        "id": attendance_id,
        "user_id": user_id,
        **columns,
        **fields,
        "created_at": stamp,
        "updated_at": stamp,
    }
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    try:
        await tx.execute(
            f"INSERT INTO attendances ({', '.join(values)}) VALUES ({placeholders})",
            *values.values(),
        )
    except IntegrityViolation as exc:
        if is_open_violation(exc):
            raise clocked_in_already() from None
        raise
    return await get_attendance(tx, account_id, attendance_id)


def _username(body: AttendanceCreate | AttendanceUpdate) -> tuple[str, str] | None:
    """The username sent, and in which field (``user`` wins over ``username``)."""
    if body.user is not None:
        return body.user, "user"
    if body.username is not None:
        return body.username, "username"
    return None


async def create_attendance(tx: Tx, account_id: int, body: AttendanceCreate) -> Row:
    username = _username(body)
    if username is None:
        raise AppError.of(FIELD_REQUIRED, "send `user` (or `username`)", pointer="/user")
    user = await user_by_name(tx, account_id, username[0], field=username[1])
    zone_name: str = user["time_zone"]
    start = body.from_.instant(zone_name)
    end = body.to.instant(zone_name) if body.to is not None else None
    columns = _columns(start, end, body.worked_minutes, body.break_minutes or 0, zone_name)
    fields = {f: getattr(body, f) for f in _PLAIN}
    return await _insert(tx, account_id, user["id"], columns, fields)


async def clock_in(tx: Tx, account_id: int, body: ClockIn) -> Row:
    """Open an attendance at ``date`` (recorded live: ``manual`` false)."""
    user = await user_by_name(tx, account_id, body.username, field="username")
    zone_name: str = user["time_zone"]
    columns = _open_columns(body.date.instant(zone_name), zone_name, 0, "/date")
    fields = {
        "notes": body.notes,
        "manual": False,
        "latitude_start": body.latitude,
        "longitude_start": body.longitude,
        "latitude_end": None,
        "longitude_end": None,
    }
    return await _insert(tx, account_id, user["id"], columns, fields)


async def clock_out(tx: Tx, account_id: int, body: ClockOut) -> Row:
    """Close the user's open attendance at ``date``, in the zone it was clocked in."""
    user = await user_by_name(tx, account_id, body.username, field="username")
    # Locked, so of two concurrent clock-outs the second waits, then finds nothing open.
    lock = " FOR NO KEY UPDATE" if tx.dialect == "postgresql" else ""
    open_id = await tx.fetchval(
        "SELECT id FROM attendances WHERE account_id = $1 AND user_id = $2 "
        f"AND end_at IS NULL AND deleted_at IS NULL{lock}",
        account_id,
        user["id"],
    )
    if open_id is None:
        raise AppError.of(ATTENDANCE_NOT_CLOCKED_IN, f"{user['username']!r} is not clocked in")
    current = await get_attendance(tx, account_id, open_id)
    zone_name: str = current["time_zone"]
    end = body.date.instant(zone_name)
    if end <= current["start_at"]:
        raise AppError.of(
            ATTENDANCE_CLOCK_OUT_BEFORE_IN,
            f"date must be after the clock-in at {wire_local_text(current['start_local'])}",
            pointer="/date",
        )
    brk = body.break_minutes if body.break_minutes is not None else current["break_minutes"]
    changes = time_columns(
        resolve_span(current["start_at"], end, None, brk, _SPAN_CODES, end_field="/date"),
        zone_name,
    )
    if body.notes is not None:
        changes["notes"] = body.notes
    if body.latitude is not None:
        changes["latitude_end"] = body.latitude
    if body.longitude is not None:
        changes["longitude_end"] = body.longitude
    await update_columns(tx, "attendances", account_id, open_id, changes)
    return await get_attendance(tx, account_id, open_id)


async def open_attendance(tx: Tx, account_id: int, username: str) -> Row | None:
    """The user's open attendance, if any: what a clock-out will close (for the audit log)."""
    user = await user_by_name(tx, account_id, username, field="username")
    open_id = await tx.fetchval(
        "SELECT id FROM attendances WHERE account_id = $1 AND user_id = $2 "
        "AND end_at IS NULL AND deleted_at IS NULL",
        account_id,
        user["id"],
    )
    return None if open_id is None else await get_attendance(tx, account_id, open_id)


# --- update, delete ---------------------------------------------------------------------------


def _renamed(sent: str, current: str) -> bool:
    return name_key(sent) != name_key(current)


def _end_and_worked(
    body: AttendanceUpdate, current: Row, zone_name: str
) -> tuple[datetime | None, int | None]:
    """The new ``to`` and ``workedMinutes`` (None, None: open) from an update body.

    ``to`` sent: the end (``to: null`` re-opens). Only ``workedMinutes``: it moves ``to``.
    Neither: the current end, or still open. ``workedMinutes: null`` fits only a result that
    is open; a closed attendance always has its worked time."""
    sent = body.model_fields_set
    if body.to is not None:
        return sent_instant(body.to, zone_name, current, "end"), body.worked_minutes
    if "to" in sent:
        if body.worked_minutes is not None:
            raise AppError.of(
                FIELD_INVALID,
                "an open attendance (`to: null`) has no workedMinutes; leave it out",
                pointer="/workedMinutes",
            )
        return None, None
    if body.worked_minutes is not None:
        return None, body.worked_minutes
    if current["end_at"] is not None and "worked_minutes" in sent:
        raise AppError.of(
            FIELD_INVALID,
            "must not be null on a closed attendance (send `to: null` to re-open it)",
            pointer="/workedMinutes",
        )
    end: datetime | None = current["end_at"]
    return end, None


async def update_attendance(
    tx: Tx, account_id: int, attendance_id: int, body: AttendanceUpdate
) -> Row:
    if tx.dialect == "postgresql":
        # First the row, so its user cannot change under us (a concurrent move would leave
        # us checking the wrong user's attendances).
        await tx.execute(
            "SELECT id FROM attendances WHERE account_id = $1 AND id = $2 FOR NO KEY UPDATE",
            account_id,
            attendance_id,
        )
    current = await get_attendance(tx, account_id, attendance_id)
    sent = body.model_fields_set
    changes: dict[str, Any] = {f: getattr(body, f) for f in _PLAIN if f in sent}

    user_id: int = current["user_id"]
    zone_name: str = current["time_zone"]
    username = _username(body)
    if username is not None and _renamed(username[0], current["username"]):
        user = await user_by_name(tx, account_id, username[0], field=username[1])
        user_id, zone_name = user["id"], user["time_zone"]
    moved = user_id != current["user_id"]
    if moved or sent & {"from_", "to", "worked_minutes", "break_minutes"}:
        start = (
            sent_instant(body.from_, zone_name, current, "start")
            if body.from_ is not None
            else current["start_at"]
        )
        brk = body.break_minutes if body.break_minutes is not None else current["break_minutes"]
        end, worked = _end_and_worked(body, current, zone_name)
        columns = _columns(start, end, worked, brk, zone_name)
        await lock_user_writes(tx, account_id, user_id)
        await refuse_overlap(
            tx, account_id, user_id, start, columns["end_at"], except_id=attendance_id
        )
        changes.update(columns)
        if moved:
            changes["user_id"] = user_id
    if not changes:
        return current
    try:
        await update_columns(tx, "attendances", account_id, attendance_id, changes)
    except IntegrityViolation as exc:
        if is_open_violation(exc):
            raise clocked_in_already() from None
        raise
    return await get_attendance(tx, account_id, attendance_id)


async def delete_attendance(tx: Tx, account_id: int, attendance_id: int) -> Row:
    await get_attendance(tx, account_id, attendance_id)
    await soft_delete(
        tx, "attendances", account_id, attendance_id, ATTENDANCE_DELETED, "attendance"
    )
    row = await tx.fetchrow(
        f"{_OWNED} AND a.id = $2{grants.owner_sql('a.user_id')}", account_id, attendance_id
    )
    assert row is not None
    return row
