"""Typing a duration into a week-grid cell: "set (person, project, task, day) to N minutes",
mapped onto project time entries by the time-entry service, so every rule of
``/project_time_entries`` applies (the caller's grant, an external user's projects, deleted
references, the span's checks) and each change is in the audit log as the API's would be.

What the cell held decides (``seen`` is the cell's ``version`` as the page showed it,
``week.Cell.version``):

- **no entry**: N > 0 creates one entry of N worked minutes, no break. It starts where the
  person's latest entry of that day ends (any project: typed hours line up after each other
  like a day of work), or at 09:00 local time when the day has none or that entry ends on a
  later day. The time entries' API allows overlaps, so a later gap-free edit elsewhere is not
  needed for this to be valid; the day view shows and moves the times. 0 changes nothing.
- **one entry**: N > 0 sets its ``workedMinutes`` (its start and break stay, its end moves, as
  ``PUT`` with ``workedMinutes`` only does); 0 deletes it. The write names the version it
  saw, as ``If-Match`` does: when the entry changed since (another tab, the API, the timer),
  the answer is 412 ``PRECONDITION_FAILED`` with the entry's current ETag and nothing changes,
  so the page can show both values instead of overwriting one.
- **several entries**: refused with 409 ``WEEK_CELL_SPLIT``. Changing the last one, or
  spreading the difference, would silently change times and notes the person did not see in
  the cell; the day view lists the entries and changes each.

A cell whose content changed in kind since the page was drawn (it was empty and now holds an
entry, or the entry it showed is gone) is a lost race too: 412, nothing changes. On PostgreSQL
a person's grid writes are serialised (``users.lock_user_writes``), so two tabs typing into the
same empty cell book one entry, not two; SQLite serialises every writer anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Literal

from timetrack import grants, preconditions
from timetrack.audit import service as audit
from timetrack.db import Row, Tx
from timetrack.errors import (
    FIELD_INVALID,
    PRECONDITION_FAILED,
    WEEK_CELL_SPLIT,
    AppError,
    Problem,
)
from timetrack.policy import Action, Resource
from timetrack.projects.service import get_project
from timetrack.tasks.service import get_task
from timetrack.time_entries import service as entries
from timetrack.time_entries.schemas import EntryCreate, EntryUpdate
from timetrack.users.service import get_user, lock_user_writes
from timetrack.web.durations import DAY_MINUTES
from timetrack.web.week import entries_between, entry_version, local_end, local_start

DAY_STARTS = time(9, 0)
_RESOURCE = "project_time_entries"  # as the API's audit entries name it


@dataclass(frozen=True, slots=True)
class Author:
    """Who the audit log names for a write: ``audit.request_actor(request)`` and the
    request's id (``audit.request_id``)."""

    actor: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class CellChange:
    """What setting a cell did: the entry as the caller may see it now (the deleted one
    after a delete; None when nothing changed in an empty cell) and the cell's new version."""

    action: Literal["created", "updated", "deleted", "unchanged"]
    entry: dict[str, Any] | None
    version: str | None


@dataclass(frozen=True, slots=True)
class CellAddress:
    user_id: int
    project_id: int
    task_id: int | None
    day: date


def _changed(detail: str, current: Row | None) -> AppError:
    headers = {} if current is None else {"ETag": entry_version(current)}
    return AppError(Problem(PRECONDITION_FAILED, detail), headers=headers)


def _starts_at(day: date, rows: list[Row]) -> datetime:
    """Where a new entry of the cell starts (see the module doc)."""
    ends = [local_end(row) for row in rows]
    latest = max(ends, default=None)
    if latest is None or latest.date() != day:
        return datetime.combine(day, DAY_STARTS)
    return latest


async def _record(
    tx: Tx,
    account_id: int,
    author: Author,
    action: str,
    row: Row,
    before: Row | None = None,
) -> dict[str, Any]:
    item = entries.to_wire(row)
    await audit.record(
        tx,
        account_id,
        actor=author.actor,
        action=action,
        resource=_RESOURCE,
        record_id=row["id"],
        before=None if before is None else entries.to_wire(before),
        after=item,
        request_id=author.request_id,
    )
    return grants.shown(item)  # type: ignore[no-any-return]


async def _create(
    tx: Tx, account_id: int, author: Author, cell: CellAddress, minutes: int, day_rows: list[Row]
) -> CellChange:
    user = await get_user(tx, account_id, cell.user_id)
    project = await get_project(tx, account_id, cell.project_id)
    task = None if cell.task_id is None else await get_task(tx, account_id, cell.task_id)
    start = _starts_at(cell.day, day_rows)
    body = EntryCreate.model_validate(
        {
            "user": user["username"],
            "clientName": project["client_name"],
            "projectName": project["name"],
            "task": None if task is None else task["name"],
            "from": start.strftime("%Y-%m-%dT%H:%M:%SZ"),  # the wire's local wall clock
            "workedMinutes": minutes,
        }
    )
    row = await entries.create_entry(tx, account_id, body)
    item = await _record(tx, account_id, author, "create", row)
    return CellChange("created", item, entry_version(row))


async def set_cell(
    tx: Tx,
    account_id: int,
    author: Author,
    cell: CellAddress,
    minutes: int,
    *,
    seen: str | None,
) -> CellChange:
    """Set ``cell`` to ``minutes`` (0 empties it); ``seen`` is the cell's version as shown
    (None: it was empty). Refusals are ``AppError``s with the API's codes; nothing is written
    then, and the caller's transaction is rolled back as any request's is."""
    if not 0 <= minutes <= DAY_MINUTES:
        raise AppError.of(
            FIELD_INVALID, f"a day's cell holds 0 to {DAY_MINUTES} minutes", pointer="/minutes"
        )
    grants.require(Resource.TIME_ENTRIES, Action.WRITE)
    await get_user(tx, account_id, cell.user_id)  # out of reach: 404, like no such person
    await lock_user_writes(tx, account_id, cell.user_id)
    day_rows = await entries_between(tx, account_id, cell.user_id, cell.day, cell.day)
    found = [
        row
        for row in day_rows
        if (row["project_id"], row["task_id"]) == (cell.project_id, cell.task_id)
        and local_start(row).date() == cell.day
    ]
    if len(found) > 1:
        raise AppError.of(
            WEEK_CELL_SPLIT,
            f"this cell holds {len(found)} entries (ids {', '.join(str(r['id']) for r in found)})"
            "; change them one by one in the day view",
        )
    if not found:
        if seen is not None:
            raise _changed("the entry this cell showed has been deleted or moved", None)
        if minutes == 0:
            return CellChange("unchanged", None, None)
        return await _create(tx, account_id, author, cell, minutes, day_rows)
    current = found[0]
    if seen is None:
        raise _changed(f"this cell has been booked meanwhile (entry {current['id']})", current)

    async def wire() -> dict[str, Any]:
        return entries.to_wire(await entries.get_entry(tx, account_id, current["id"]))

    await preconditions.require_version(
        tx,
        seen,
        table="time_entries",
        account_id=account_id,
        record_id=current["id"],
        current=wire,
        deleting=minutes == 0,
    )
    # Read again under the row's lock: the audit's "before" is the version changed.
    current = await entries.get_entry(tx, account_id, current["id"])
    if minutes == 0:
        row = await entries.delete_entry(tx, account_id, current["id"])
        item = await _record(tx, account_id, author, "delete", row, current)
        return CellChange("deleted", item, None)
    if minutes == current["worked_minutes"]:
        shown = grants.shown(entries.to_wire(current))
        return CellChange("unchanged", shown, entry_version(current))
    patch = EntryUpdate.model_validate({"workedMinutes": minutes})
    row = await entries.update_entry(tx, account_id, current["id"], patch)
    item = await _record(tx, account_id, author, "update", row, current)
    return CellChange("updated", item, entry_version(row))
