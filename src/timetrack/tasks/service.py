"""Tasks: global to the account, not tied to a project (SPEC §2, "Tasks")."""

from __future__ import annotations

from typing import Any

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
from timetrack.errors import TASK_DELETED, TASK_NAME_TAKEN, TASK_NOT_FOUND, TASK_UNKNOWN, AppError
from timetrack.filters import NameFilter
from timetrack.paging import Page
from timetrack.tasks.schemas import TaskCreate, TaskUpdate
from timetrack.wire import name_key, refuse_read_only_changes

COLUMNS = WireColumns(
    Column("id", "id"),
    Column("name", "name"),
    Column("notes", "notes"),
    Column("hour_rate", "hourRate"),
)
# The account scope, written once: every read of tasks starts here.
_OWNED = f"SELECT {COLUMNS.select_list} FROM tasks WHERE account_id = $1"
_COUNT = "SELECT count(*) FROM tasks WHERE account_id = $1"


to_wire = COLUMNS.to_wire


async def list_tasks(
    tx: Tx, account_id: int, page: Page, feed: Feed, query: NameFilter
) -> tuple[list[Row], int]:
    filters = Filters(account_id)
    apply_feed(filters, feed)
    if query.name is not None:
        filters.contains("name_key", query.name)
    return await fetch_page(tx, _OWNED, _COUNT, filters, page, "id")


async def get_task(tx: Tx, account_id: int, task_id: int) -> Row:
    row = await tx.fetchrow(f"{_OWNED} AND id = $2", account_id, task_id)
    return require_live(row, TASK_NOT_FOUND, TASK_DELETED, f"task {task_id}")


async def task_by_name(tx: Tx, account_id: int, name: str, *, field: str) -> Row:
    """Resolve a ``task`` reference (id and hour_rate; exact, case-insensitive) or answer 400."""
    found = await tx.fetchrow(
        "SELECT id, hour_rate FROM tasks WHERE account_id = $1 AND name_key = $2 "
        "AND deleted_at IS NULL",
        account_id,
        name_key(name),
    )
    if found is None:
        raise AppError.of(TASK_UNKNOWN, f"no task named {name!r}", pointer=f"/{field}")
    return found


def _name_taken(name: str) -> AppError:
    return AppError.of(TASK_NAME_TAKEN, f"a task named {name!r} exists", pointer="/name")


async def create_task(tx: Tx, account_id: int, body: TaskCreate) -> Row:
    taken = await tx.fetchval(
        "SELECT id FROM tasks WHERE account_id = $1 AND name_key = $2 AND deleted_at IS NULL",
        account_id,
        name_key(body.name),
    )
    if taken is not None:
        raise _name_taken(body.name)
    task_id = await next_id(tx, account_id, "tasks")
    stamp = now()
    try:
        await tx.execute(
            "INSERT INTO tasks (account_id, id, name, name_key, notes, hour_rate, created_at, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            account_id,
            task_id,
            body.name,
            name_key(body.name),
            body.notes,
            body.hour_rate,
            stamp,
        )
    except IntegrityViolation:
        raise _name_taken(body.name) from None
    return await get_task(tx, account_id, task_id)


async def update_task(tx: Tx, account_id: int, task_id: int, body: TaskUpdate) -> Row:
    current = await get_task(tx, account_id, task_id)
    refuse_read_only_changes(body, current, ("name",))
    changes: dict[str, Any] = {
        f: getattr(body, f) for f in ("notes", "hour_rate") if f in body.model_fields_set
    }
    if not changes:
        return current
    await update_columns(tx, "tasks", account_id, task_id, changes)
    return await get_task(tx, account_id, task_id)


async def delete_task(tx: Tx, account_id: int, task_id: int) -> Row:
    await get_task(tx, account_id, task_id)
    await soft_delete(tx, "tasks", account_id, task_id, TASK_DELETED, f"task {task_id}")
    row = await tx.fetchrow(f"{_OWNED} AND id = $2", account_id, task_id)
    assert row is not None
    return row
