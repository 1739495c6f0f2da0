"""Projects: always under a client, named uniquely within it (SPEC §2, "Projects")."""

from __future__ import annotations

from typing import Any

from timetrack.clients.service import client_id_by_name
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
    CLIENT_UNKNOWN,
    PROJECT_DELETED,
    PROJECT_NAME_TAKEN,
    PROJECT_NOT_FOUND,
    PROJECT_UNKNOWN,
    AppError,
)
from timetrack.paging import Page
from timetrack.projects.schemas import ProjectCreate, ProjectFilter, ProjectUpdate
from timetrack.wire import name_key

_FROM = (
    " FROM projects p JOIN clients c ON c.account_id = p.account_id AND c.id = p.client_id"
    " WHERE p.account_id = $1"
)
COLUMNS = WireColumns(
    Column("p.id", "id"),
    Column("p.name", "projectName"),
    Column("c.name AS client_name", "clientName"),
    Column("p.client_id", "clientId"),
    Column("p.enabled", "projectEnabled"),
    Column("p.notes", "notes"),
    Column("p.hour_rate", "hourRate"),
    Column("p.time_estimated", "timeEstimated"),
    Column("p.budget_estimated", "budgetEstimated"),
    alias="p.",
)
# The account scope, written once: every read of projects starts here.
_OWNED = f"SELECT {COLUMNS.select_list}{_FROM}"
_COUNT = "SELECT count(*)" + _FROM
# Wire field -> column, for the fields stored as sent.
_PLAIN = {
    "notes": "notes",
    "hour_rate": "hour_rate",
    "time_estimated": "time_estimated",
    "budget_estimated": "budget_estimated",
}


to_wire = COLUMNS.to_wire


async def list_projects(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: ProjectFilter
) -> tuple[list[Row], int]:
    filters = Filters(account_id)
    apply_feed(filters, feed, "p.")
    if query.project_name is not None:
        filters.contains("p.name_key", query.project_name)
    if query.client_name is not None:
        filters.contains("c.name_key", query.client_name)
    if query.client_id is not None:
        filters.add("p.client_id = {}", query.client_id)
    return await fetch_page(tx, _OWNED, _COUNT, filters, page, "p.id")


async def get_project(tx: Tx, account_id: int, project_id: int) -> Row:
    row = await tx.fetchrow(f"{_OWNED} AND p.id = $2", account_id, project_id)
    return require_live(row, PROJECT_NOT_FOUND, PROJECT_DELETED, f"project {project_id}")


async def project_by_name(tx: Tx, account_id: int, client_id: int, name: str, *, field: str) -> Row:
    """Resolve a ``projectName`` under a known client (id and hour_rate), or answer 400."""
    found = await tx.fetchrow(
        "SELECT id, hour_rate FROM projects WHERE account_id = $1 AND client_id = $2 "
        "AND name_key = $3 AND deleted_at IS NULL",
        account_id,
        client_id,
        name_key(name),
    )
    if found is None:
        raise AppError.of(
            PROJECT_UNKNOWN, f"no project named {name!r} for this client", pointer=f"/{field}"
        )
    return found


async def _refuse_taken_name(
    tx: Tx, account_id: int, client_id: int, name: str, *, except_id: int | None = None
) -> None:
    taken = await tx.fetchval(
        "SELECT id FROM projects WHERE account_id = $1 AND client_id = $2 AND name_key = $3 "
        "AND deleted_at IS NULL",
        account_id,
        client_id,
        name_key(name),
    )
    if taken is not None and taken != except_id:
        raise _name_taken(name)


def _name_taken(name: str) -> AppError:
    return AppError.of(
        PROJECT_NAME_TAKEN,
        f"the client already has a project named {name!r}",
        pointer="/projectName",
    )


async def _client_for_project(tx: Tx, account_id: int, name: str) -> int:
    """Resolve ``clientName`` and keep the client from being deleted until this commits.

    ``delete_client`` refuses a client with live projects, but under READ COMMITTED it could
    count before a concurrent create commits and both succeed, leaving a live project under a
    deleted client. FOR SHARE makes that delete (which locks FOR UPDATE first) wait for us, and
    makes us wait for a delete that came first and then find the client gone.
    """
    client_id = await client_id_by_name(tx, account_id, name, field="clientName")
    if tx.dialect == "postgresql":
        locked = await tx.fetchval(
            "SELECT id FROM clients WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL "
            "FOR SHARE",
            account_id,
            client_id,
        )
        if locked is None:
            raise AppError.of(CLIENT_UNKNOWN, f"no client named {name!r}", pointer="/clientName")
    return client_id


async def create_project(tx: Tx, account_id: int, body: ProjectCreate) -> Row:
    client_id = await _client_for_project(tx, account_id, body.client_name)
    await _refuse_taken_name(tx, account_id, client_id, body.project_name)
    project_id = await next_id(tx, account_id, "projects")
    stamp = now()
    try:
        await tx.execute(
            "INSERT INTO projects (account_id, id, client_id, name, name_key, enabled, notes, "
            "hour_rate, time_estimated, budget_estimated, created_at, updated_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            account_id,
            project_id,
            client_id,
            body.project_name,
            name_key(body.project_name),
            body.project_enabled,
            body.notes,
            body.hour_rate,
            body.time_estimated,
            body.budget_estimated,
            stamp,
        )
    except IntegrityViolation:
        raise _name_taken(body.project_name) from None
    return await get_project(tx, account_id, project_id)


async def update_project(tx: Tx, account_id: int, project_id: int, body: ProjectUpdate) -> Row:
    current = await get_project(tx, account_id, project_id)
    sent = body.model_fields_set
    changes: dict[str, Any] = {_PLAIN[f]: getattr(body, f) for f in _PLAIN if f in sent}
    client_id = current["client_id"]
    if body.client_name is not None:
        client_id = await _client_for_project(tx, account_id, body.client_name)
        changes["client_id"] = client_id
    name = body.project_name if body.project_name is not None else current["name"]
    if body.project_name is not None:
        changes["name"] = name
        changes["name_key"] = name_key(name)
    if "client_id" in changes or "name" in changes:
        await _refuse_taken_name(tx, account_id, client_id, name, except_id=project_id)
    if body.project_enabled is not None:
        changes["enabled"] = body.project_enabled
    if not changes:
        return current
    try:
        await update_columns(tx, "projects", account_id, project_id, changes)
    except IntegrityViolation:
        raise _name_taken(name) from None
    return await get_project(tx, account_id, project_id)


async def delete_project(tx: Tx, account_id: int, project_id: int) -> Row:
    await get_project(tx, account_id, project_id)
    await soft_delete(
        tx, "projects", account_id, project_id, PROJECT_DELETED, f"project {project_id}"
    )
    row = await tx.fetchrow(f"{_OWNED} AND p.id = $2", account_id, project_id)
    assert row is not None
    return row
