"""Absence types (ours, beyond the vendor): per account, seeded with the usual six.

``/absence_types`` serves them with full CRUD. Absences refer to a type by id; a type cannot be
deleted while non-deleted absences use it.
"""

from __future__ import annotations

from typing import Any

from timetrack.absence_types.schemas import AbsenceTypeCreate, AbsenceTypeUpdate
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
    ABSENCE_TYPE_DELETED,
    ABSENCE_TYPE_IN_USE,
    ABSENCE_TYPE_NAME_TAKEN,
    ABSENCE_TYPE_NOT_FOUND,
    ABSENCE_TYPE_UNKNOWN,
    AppError,
)
from timetrack.filters import NameFilter
from timetrack.paging import Page
from timetrack.wire import MAX_ID, name_key

# name, short name, colour, counts against leave entitlement, plannable, credits the day's
# target in timesheets, half day. Sick leave credits the target; home office is work (recorded
# as attendance) and time off in lieu spends overtime, so neither credits it.
DEFAULT_TYPES = [
    ("Vacation", "VAC", "#4caf50", True, True, True, False),
    ("Half-day leave", "HDL", "#8bc34a", True, True, True, True),
    ("Special leave", "SPL", "#03a9f4", False, True, True, False),
    ("Home office", "HO", "#9c27b0", False, True, False, False),
    ("Sick leave", "SICK", "#f44336", False, False, True, False),
    ("Time off", "TO", "#ff9800", False, True, False, False),
]


async def seed_default_types(tx: Tx, account_id: int) -> None:
    stamp = now()
    for name, short, color, counts, plannable, credits, half in DEFAULT_TYPES:
        type_id = await next_id(tx, account_id, "absence_types")
        await tx.execute(
            "INSERT INTO absence_types (account_id, id, name, name_key, short_name, color, "
            "counts_against_entitlement, plannable, credits_target, half_day, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            account_id,
            type_id,
            name,
            name_key(name),
            short,
            color,
            counts,
            plannable,
            credits,
            half,
            stamp,
        )


# --- /absence_types ---------------------------------------------------------------------------

COLUMNS = WireColumns(
    Column("id", "id"),
    Column("name", "name"),
    Column("short_name", "shortName"),
    Column("color", "color"),
    Column("counts_against_entitlement", "countsAgainstEntitlement"),
    Column("plannable", "plannable"),
    Column("credits_target", "creditsTarget"),
    Column("half_day", "halfDay"),
)
# The account scope, written once: every read of absence types starts here.
_OWNED = f"SELECT {COLUMNS.select_list} FROM absence_types WHERE account_id = $1"
_COUNT = "SELECT count(*) FROM absence_types WHERE account_id = $1"
# Fields stored as sent (the same name on both sides).
_PLAIN = (
    "short_name",
    "color",
    "counts_against_entitlement",
    "plannable",
    "credits_target",
    "half_day",
)


to_wire = COLUMNS.to_wire


async def list_absence_types(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: NameFilter
) -> tuple[list[Row], int]:
    filters = Filters(account_id)
    apply_feed(filters, feed)
    if query.name is not None:
        filters.contains("name_key", query.name)
    return await fetch_page(tx, _OWNED, _COUNT, filters, page, "id")


async def get_absence_type(tx: Tx, account_id: int, type_id: int) -> Row:
    row = await tx.fetchrow(f"{_OWNED} AND id = $2", account_id, type_id)
    return require_live(
        row, ABSENCE_TYPE_NOT_FOUND, ABSENCE_TYPE_DELETED, f"absence type {type_id}"
    )


async def live_absence_type(tx: Tx, account_id: int, type_id: int, *, field: str) -> Row:
    """Resolve an absence's ``absenceType`` (an id) to a live type of the account, or 400.

    Another account's id, a deleted type and an id that never existed answer alike. On
    PostgreSQL the type is held FOR SHARE until commit: ``delete_absence_type`` locks it FOR
    UPDATE before counting its absences, so it either sees this absence or makes us wait and
    then find the type gone. (SQLite writers are serialised by BEGIN IMMEDIATE already.)
    """
    lock = " FOR SHARE" if tx.dialect == "postgresql" else ""
    row = None
    if 1 <= type_id <= MAX_ID:
        row = await tx.fetchrow(
            f"{_OWNED} AND id = $2 AND deleted_at IS NULL{lock}", account_id, type_id
        )
    if row is None:
        raise AppError.of(
            ABSENCE_TYPE_UNKNOWN, f"no absence type with id {type_id}", pointer=f"/{field}"
        )
    return row


def _name_taken(name: str) -> AppError:
    return AppError.of(
        ABSENCE_TYPE_NAME_TAKEN, f"an absence type named {name!r} exists", pointer="/name"
    )


async def _refuse_taken_name(
    tx: Tx, account_id: int, name: str, *, except_id: int | None = None
) -> None:
    taken = await tx.fetchval(
        "SELECT id FROM absence_types WHERE account_id = $1 AND name_key = $2 "
        "AND deleted_at IS NULL",
        account_id,
        name_key(name),
    )
    if taken is not None and taken != except_id:
        raise _name_taken(name)


async def create_absence_type(tx: Tx, account_id: int, body: AbsenceTypeCreate) -> Row:
    await _refuse_taken_name(tx, account_id, body.name)
    type_id = await next_id(tx, account_id, "absence_types")
    stamp = now()
    try:
        await tx.execute(
            "INSERT INTO absence_types (account_id, id, name, name_key, short_name, color, "
            "counts_against_entitlement, plannable, credits_target, half_day, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            account_id,
            type_id,
            body.name,
            name_key(body.name),
            body.short_name,
            body.color,
            body.counts_against_entitlement,
            body.plannable,
            body.credits_target,
            body.half_day,
            stamp,
        )
    except IntegrityViolation:
        # A concurrent create took the name between our check and the insert.
        raise _name_taken(body.name) from None
    return await get_absence_type(tx, account_id, type_id)


async def update_absence_type(
    tx: Tx, account_id: int, type_id: int, body: AbsenceTypeUpdate
) -> Row:
    current = await get_absence_type(tx, account_id, type_id)
    sent = body.model_fields_set
    changes: dict[str, Any] = {f: getattr(body, f) for f in _PLAIN if f in sent}
    if body.name is not None and body.name != current["name"]:
        await _refuse_taken_name(tx, account_id, body.name, except_id=type_id)
        changes["name"] = body.name
        changes["name_key"] = name_key(body.name)
    if not changes:
        return current
    try:
        await update_columns(tx, "absence_types", account_id, type_id, changes)
    except IntegrityViolation:
        raise _name_taken(str(body.name)) from None
    return await get_absence_type(tx, account_id, type_id)


async def delete_absence_type(tx: Tx, account_id: int, type_id: int) -> Row:
    if tx.dialect == "postgresql":
        # Absence creates hold their type FOR SHARE (live_absence_type): lock first, so such a
        # create either commits before the count below or waits and finds the type gone.
        await tx.execute(
            "SELECT id FROM absence_types WHERE account_id = $1 AND id = $2 FOR UPDATE",
            account_id,
            type_id,
        )
    await get_absence_type(tx, account_id, type_id)
    in_use = await tx.fetchval(
        "SELECT count(*) FROM absences WHERE account_id = $1 AND absence_type_id = $2 "
        "AND deleted_at IS NULL",
        account_id,
        type_id,
    )
    if in_use:
        raise AppError.of(
            ABSENCE_TYPE_IN_USE,
            f"absence type {type_id} is used by {in_use} absence(s); delete them first",
        )
    await soft_delete(
        tx,
        "absence_types",
        account_id,
        type_id,
        ABSENCE_TYPE_DELETED,
        f"absence type {type_id}",
    )
    row = await tx.fetchrow(f"{_OWNED} AND id = $2", account_id, type_id)
    assert row is not None
    return row
