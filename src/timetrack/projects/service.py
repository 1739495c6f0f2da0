"""Projects: always under a client, named uniquely within it (SPEC §2, "Projects")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from timetrack import grants, policy
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
from timetrack.users.lists import refuse, repeated, sorted_names, usernames_by_record, users_named
from timetrack.wire import name_key

_JOIN = " FROM projects p JOIN clients c ON c.account_id = p.account_id AND c.id = p.client_id"
_FROM = _JOIN + " WHERE p.account_id = $1"
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
    Column("assigned_users", "assignedUsers", selected=False),
    alias="p.",
)
# The account scope, written once: every read of projects starts here.
_OWNED = f"SELECT {COLUMNS.select_list}{_FROM}"
_COUNT = "SELECT count(*)" + _FROM
# One project with its assigned users, a row each, in one statement: a read of one record runs
# outside a transaction (``handlers.read_one``), and two statements could see two versions.
# ``{}``: the users shown (``_shown_sql``).
_ONE = (
    f"SELECT {COLUMNS.select_list}, u.username AS assigned{_JOIN} "
    "LEFT JOIN project_members pm ON pm.account_id = p.account_id AND pm.project_id = p.id "
    "LEFT JOIN users u ON u.account_id = pm.account_id AND u.id = pm.user_id "
    "AND u.deleted_at IS NULL{} WHERE p.account_id = $1 AND p.id = $2"
)
# The live users assigned to projects (``assignedUsers``).
_ASSIGNED = (
    "SELECT pm.project_id, u.username FROM project_members pm "
    "JOIN users u ON u.account_id = pm.account_id AND u.id = pm.user_id "
    "WHERE pm.account_id = $1 AND u.deleted_at IS NULL{shown} AND pm.project_id IN ({{}})"
)
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
    if assigned := grants.assigned_sql("p.id"):
        filters.require(assigned.removeprefix(" AND "))
    rows, total = await fetch_page(tx, _OWNED, _COUNT, filters, page, "p.id")
    return await _with_assigned(tx, account_id, rows), total


def _shown_sql() -> str:
    """`` AND`` the assigned users the current request may see (``u`` is the user): a person
    sees only the users they reach (themselves; a lead their members too), as every other
    user's data; "" for the account key and admins."""
    reach = grants.owners(policy.Resource.USERS, policy.Action.READ)
    condition = grants.owner_condition("u.id", reach)
    return "" if condition is None else f" AND {condition}"


async def _with_assigned(tx: Tx, account_id: int, rows: Sequence[Row]) -> list[Row]:
    """The rows with their live assigned users (sorted usernames), read in one query."""
    sql = _ASSIGNED.format(shown=_shown_sql())
    found = await usernames_by_record(tx, sql, account_id, [r["id"] for r in rows])
    assigned: dict[int, list[str]] = {}
    for person in found:
        assigned.setdefault(person["project_id"], []).append(person["username"])
    return [
        {
            **{key: row[key] for key in row.keys()},  # noqa: SIM118 (a row iterates its values)
            "assigned_users": sorted_names(assigned.get(row["id"], [])),
        }
        for row in rows
    ]


async def _row(tx: Tx, account_id: int, project_id: int) -> Row | None:
    sql = _ONE.format(_shown_sql()) + grants.assigned_sql("p.id")
    rows = await tx.fetch(sql, account_id, project_id)
    if not rows:
        return None
    row = {key: rows[0][key] for key in rows[0].keys() if key != "assigned"}  # noqa: SIM118
    assigned = (r["assigned"] for r in rows if r["assigned"] is not None)
    return {**row, "assigned_users": sorted_names(assigned)}


async def get_project(tx: Tx, account_id: int, project_id: int) -> Row:
    row = await _row(tx, account_id, project_id)
    return require_live(row, PROJECT_NOT_FOUND, PROJECT_DELETED, f"project {project_id}")


async def _assigned(tx: Tx, account_id: int, names: list[str]) -> list[Row]:
    """The users ``assignedUsers`` names; 400 with a problem for each bad entry."""
    users, unknown = await users_named(tx, account_id, names, "assignedUsers")
    refuse(repeated(names, "assignedUsers") + unknown)
    return list(users.values())


async def _store_assigned(tx: Tx, account_id: int, project_id: int, users: list[Row]) -> None:
    """Replace the project's assignments: the list is always written whole."""
    await tx.execute(
        "DELETE FROM project_members WHERE account_id = $1 AND project_id = $2",
        account_id,
        project_id,
    )
    for user in users:
        await tx.execute(
            "INSERT INTO project_members (account_id, project_id, user_id) VALUES ($1, $2, $3)",
            account_id,
            project_id,
            user["id"],
        )


async def project_by_name(tx: Tx, account_id: int, client_id: int, name: str, *, field: str) -> Row:
    """Resolve a ``projectName`` under a known client (id and hour_rate), or answer 400."""
    found = await tx.fetchrow(
        "SELECT id, hour_rate FROM projects WHERE account_id = $1 AND client_id = $2 "
        f"AND name_key = $3 AND deleted_at IS NULL{grants.assigned_sql('id')}",
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
    assigned = await _assigned(tx, account_id, body.assigned_users)
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
    await _store_assigned(tx, account_id, project_id, assigned)
    return await get_project(tx, account_id, project_id)


async def update_project(tx: Tx, account_id: int, project_id: int, body: ProjectUpdate) -> Row:
    current = await get_project(tx, account_id, project_id)
    assigned = None
    if body.assigned_users is not None:
        assigned = await _assigned(tx, account_id, body.assigned_users)
        if sorted_names(u["username"] for u in assigned) == current["assigned_users"]:
            assigned = None  # the same users: nothing to store
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
    if not changes and assigned is None:
        return current
    try:
        await update_columns(tx, "projects", account_id, project_id, changes)
    except IntegrityViolation:
        raise _name_taken(name) from None
    if assigned is not None:
        await _store_assigned(tx, account_id, project_id, assigned)
    return await get_project(tx, account_id, project_id)


async def delete_project(tx: Tx, account_id: int, project_id: int) -> Row:
    await get_project(tx, account_id, project_id)
    await soft_delete(
        tx, "projects", account_id, project_id, PROJECT_DELETED, f"project {project_id}"
    )
    row = await _row(tx, account_id, project_id)
    assert row is not None
    return row
