"""Clients: the customers projects belong to (SPEC §2, "Clients")."""

from __future__ import annotations

from typing import Any

from timetrack import grants
from timetrack.clients.schemas import ClientCreate, ClientUpdate
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
    CLIENT_DELETED,
    CLIENT_HAS_PROJECTS,
    CLIENT_NAME_TAKEN,
    CLIENT_NOT_FOUND,
    CLIENT_UNKNOWN,
    AppError,
)
from timetrack.filters import NameFilter
from timetrack.paging import Page
from timetrack.wire import name_key, refuse_read_only_changes

COLUMNS = WireColumns(
    Column("id", "id"),
    Column("name", "name"),
    Column("enabled", "enabled"),
    Column("color", "color"),
    Column("notes", "notes"),
    Column("email", "email"),
    Column("phone", "phone"),
    Column("address", "address"),
    Column("address2", "address2"),
    Column("address_zip_code", "addressZipCode"),
    Column("address_city", "addressCity"),
    Column("address_country", "addressCountry"),
    Column("contact_person", "contactPerson"),
    Column("field1", "field1"),
    Column("field2", "field2"),
    Column("field3", "field3"),
)
_FIELDS = COLUMNS.keys[3:]  # the free-form fields, stored as sent
# The account scope, written once: every read of clients starts here.
_OWNED = f"SELECT {COLUMNS.select_list} FROM clients WHERE account_id = $1"
_COUNT = "SELECT count(*) FROM clients WHERE account_id = $1"


to_wire = COLUMNS.to_wire


async def list_clients(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: NameFilter
) -> tuple[list[Row], int]:
    filters = Filters(account_id)
    apply_feed(filters, feed)
    if query.name is not None:
        filters.contains("name_key", query.name)
    if assigned := grants.assigned_sql("id", of_clients=True):
        filters.require(assigned.removeprefix(" AND "))
    return await fetch_page(tx, _OWNED, _COUNT, filters, page, "id")


async def get_client(tx: Tx, account_id: int, client_id: int) -> Row:
    row = await tx.fetchrow(
        f"{_OWNED} AND id = $2{grants.assigned_sql('id', of_clients=True)}", account_id, client_id
    )
    return require_live(row, CLIENT_NOT_FOUND, CLIENT_DELETED, f"client {client_id}")


async def client_id_by_name(tx: Tx, account_id: int, name: str, *, field: str) -> int:
    """Resolve a ``clientName`` reference (exact, case-insensitive) or answer 400 naming it."""
    found = await tx.fetchval(
        "SELECT id FROM clients WHERE account_id = $1 AND name_key = $2 AND deleted_at IS NULL"
        + grants.assigned_sql("id", of_clients=True),
        account_id,
        name_key(name),
    )
    if found is None:
        raise AppError.of(CLIENT_UNKNOWN, f"no client named {name!r}", pointer=f"/{field}")
    return int(found)


async def _refuse_taken_name(tx: Tx, account_id: int, name: str) -> None:
    taken = await tx.fetchval(
        "SELECT id FROM clients WHERE account_id = $1 AND name_key = $2 AND deleted_at IS NULL"
        + grants.assigned_sql("id", of_clients=True),
        account_id,
        name_key(name),
    )
    if taken is not None:
        raise AppError.of(CLIENT_NAME_TAKEN, f"a client named {name!r} exists", pointer="/name")


async def create_client(tx: Tx, account_id: int, body: ClientCreate) -> Row:
    await _refuse_taken_name(tx, account_id, body.name)
    client_id = await next_id(tx, account_id, "clients")
    stamp = now()
    values = [getattr(body, f) for f in _FIELDS]
    placeholders = ", ".join(f"${i}" for i in range(8, 8 + len(values)))
    try:
        await tx.execute(
            f"INSERT INTO clients (account_id, id, name, name_key, enabled, created_at, "
            f"updated_at, {', '.join(_FIELDS)}) VALUES ($1, $2, $3, $4, $5, $6, $7, "
            f"{placeholders})",
            account_id,
            client_id,
            body.name,
            name_key(body.name),
            body.enabled,
            stamp,
            stamp,
            *values,
        )
    except IntegrityViolation:
        # A concurrent create took the name between our check and the insert.
        raise AppError.of(
            CLIENT_NAME_TAKEN, f"a client named {body.name!r} exists", pointer="/name"
        ) from None
    return await get_client(tx, account_id, client_id)


async def update_client(tx: Tx, account_id: int, client_id: int, body: ClientUpdate) -> Row:
    current = await get_client(tx, account_id, client_id)
    refuse_read_only_changes(body, current, ("name", "enabled"))
    changes: dict[str, Any] = {f: getattr(body, f) for f in _FIELDS if f in body.model_fields_set}
    if changes:
        await update_columns(tx, "clients", account_id, client_id, changes)
        return await get_client(tx, account_id, client_id)
    return current


async def delete_client(tx: Tx, account_id: int, client_id: int) -> Row:
    if tx.dialect == "postgresql":
        # A project create or move holds its client FOR SHARE (projects.service): lock first,
        # so such a write either commits before the count below or waits and finds the client
        # gone. (SQLite writers are serialised by BEGIN IMMEDIATE already.)
        await tx.execute(
            "SELECT id FROM clients WHERE account_id = $1 AND id = $2 FOR UPDATE",
            account_id,
            client_id,
        )
    await get_client(tx, account_id, client_id)
    in_use = await tx.fetchval(
        "SELECT count(*) FROM projects WHERE account_id = $1 AND client_id = $2 "
        "AND deleted_at IS NULL",
        account_id,
        client_id,
    )
    if in_use:
        raise AppError.of(
            CLIENT_HAS_PROJECTS,
            f"client {client_id} still has {in_use} project(s); delete or move them first",
        )
    await soft_delete(tx, "clients", account_id, client_id, CLIENT_DELETED, f"client {client_id}")
    row = await tx.fetchrow(
        f"{_OWNED} AND id = $2{grants.assigned_sql('id', of_clients=True)}", account_id, client_id
    )
    assert row is not None
    return row
