"""Typing into a week-grid cell (src/timetrack/web/cells.py): it creates, updates or deletes
one entry through the time-entry service, under the caller's grant, in the audit log, and a
change that lost a race is refused instead of overwriting."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest

from timetrack.accounts.service import Credentials
from timetrack.db import Database
from timetrack.errors import (
    FIELD_INVALID,
    PRECONDITION_FAILED,
    USER_NOT_FOUND,
    WEEK_CELL_SPLIT,
    AppError,
    ErrorCode,
)
from timetrack.web.cells import Author, CellAddress, CellChange, set_cell
from timetrack.web.week import load_week

from .grid import MONDAY, book, catalogue, person, signed_in

TUESDAY = date(2025, 9, 30)
AUTHOR = Author("user:alice", "req-1")


async def _set(
    database: Database,
    account: Credentials,
    cell: CellAddress,
    minutes: int,
    seen: str | None,
) -> CellChange:
    async with database.transaction(write=True) as tx:
        return await set_cell(tx, account.account.id, AUTHOR, cell, minutes, seen=seen)


async def _refused(
    database: Database, account: Credentials, cell: CellAddress, minutes: int, seen: str | None
) -> AppError:
    with pytest.raises(AppError) as caught:
        await _set(database, account, cell, minutes, seen)
    return caught.value


def _code(error: AppError) -> ErrorCode:
    return error.problems[0].code


async def _entries(api: httpx.AsyncClient, user_id: int, day: date) -> list[dict[str, Any]]:
    response = await api.get(
        "/project_time_entries",
        params={"userId": user_id, "from": day.isoformat(), "to": day.isoformat()},
    )
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


async def _audit(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await api.get("/audit_log", params={"resource": "project_time_entries"})
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


async def test_typing_into_an_empty_cell_books_one_entry_from_nine(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    cell = CellAddress(ids["alice"], ids["Website"], ids["Design"], TUESDAY)
    change = await _set(database, account, cell, 90, None)
    assert change.action == "created"
    [entry] = await _entries(api, ids["alice"], TUESDAY)
    assert change.entry is not None and change.entry["id"] == entry["id"]
    assert (entry["from"], entry["to"]) == ("2025-09-30T09:00:00.000Z", "2025-09-30T10:30:00.000Z")
    assert (entry["workedMinutes"], entry["breakMinutes"], entry["task"]) == (90, 0, "Design")
    assert (entry["clientName"], entry["projectName"]) == ("Acme", "Website")
    response = await api.get(f"/project_time_entries/{entry['id']}")
    assert change.version == response.headers["ETag"]
    [recorded] = [a for a in await _audit(api) if a["recordId"] == entry["id"]]
    assert (recorded["action"], recorded["actor"]) == ("create", "user:alice")


async def test_a_new_entry_starts_where_the_days_last_entry_ends(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    await book(api, "2025-09-30T08:00:00Z", 120, client="beta", project="App")
    await book(api, "2025-09-30T13:00:00Z", 45, client="beta", project="App")
    await book(api, "2025-09-30T12:00:00Z", 30)
    # The Website cell holds one entry, the Website/Design cell none.
    cell = CellAddress(ids["alice"], ids["Website"], ids["Design"], TUESDAY)
    change = await _set(database, account, cell, 60, None)
    assert change.entry is not None
    assert (change.entry["from"], change.entry["to"]) == (
        "2025-09-30T13:45:00.000Z",
        "2025-09-30T14:45:00.000Z",
    )


async def test_a_cell_of_one_entry_changes_its_worked_minutes(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    entry = await book(api, "2025-09-30T10:00:00Z", 60, breakMinutes=15, details="Review")
    seen = (await api.get(f"/project_time_entries/{entry['id']}")).headers["ETag"]
    cell = CellAddress(ids["alice"], ids["Website"], None, TUESDAY)
    change = await _set(database, account, cell, 150, seen)
    assert change.action == "updated"
    now = (await api.get(f"/project_time_entries/{entry['id']}")).json()
    assert (now["from"], now["to"]) == ("2025-09-30T10:00:00.000Z", "2025-09-30T12:45:00.000Z")
    assert (now["workedMinutes"], now["breakMinutes"], now["details"]) == (150, 15, "Review")
    assert change.version == (await api.get(f"/project_time_entries/{entry['id']}")).headers["ETag"]
    actions = [a["action"] for a in await _audit(api) if a["recordId"] == entry["id"]]
    assert sorted(actions) == ["create", "update"]

    same = await _set(database, account, cell, 150, change.version)
    assert same.action == "unchanged" and same.version == change.version


async def test_emptying_a_cell_of_one_entry_deletes_it(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    entry = await book(api, "2025-09-30T10:00:00Z", 60)
    seen = (await api.get(f"/project_time_entries/{entry['id']}")).headers["ETag"]
    cell = CellAddress(ids["alice"], ids["Website"], None, TUESDAY)
    change = await _set(database, account, cell, 0, seen)
    assert change.action == "deleted" and change.version is None
    assert await _entries(api, ids["alice"], TUESDAY) == []
    assert (await api.get(f"/project_time_entries/{entry['id']}")).status_code == 404
    again = await _set(database, account, cell, 0, None)
    assert again.action == "unchanged"


async def test_a_change_based_on_an_old_version_is_refused_and_changes_nothing(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    entry = await book(api, "2025-09-30T10:00:00Z", 60)
    seen = (await api.get(f"/project_time_entries/{entry['id']}")).headers["ETag"]
    response = await api.put(f"/project_time_entries/{entry['id']}", json={"details": "Tab 2"})
    assert response.status_code == 200, response.text
    cell = CellAddress(ids["alice"], ids["Website"], None, TUESDAY)
    for minutes in (120, 0):
        error = await _refused(database, account, cell, minutes, seen)
        assert _code(error) is PRECONDITION_FAILED
        assert error.headers["ETag"] == response.headers["ETag"]
    now = (await api.get(f"/project_time_entries/{entry['id']}")).json()
    assert (now["workedMinutes"], now["details"]) == (60, "Tab 2")


async def test_a_cell_booked_or_emptied_meanwhile_is_a_conflict(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    cell = CellAddress(ids["alice"], ids["Website"], None, TUESDAY)
    entry = await book(api, "2025-09-30T10:00:00Z", 60)  # by another tab, after the page drew
    error = await _refused(database, account, cell, 30, None)
    assert _code(error) is PRECONDITION_FAILED and "ETag" in error.headers
    seen = (await api.get(f"/project_time_entries/{entry['id']}")).headers["ETag"]
    assert (await api.delete(f"/project_time_entries/{entry['id']}")).status_code == 200
    error = await _refused(database, account, cell, 30, seen)
    assert _code(error) is PRECONDITION_FAILED
    assert await _entries(api, ids["alice"], TUESDAY) == []


async def test_a_cell_of_several_entries_is_refused(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    await book(api, "2025-09-30T08:00:00Z", 60)
    await book(api, "2025-09-30T14:00:00Z", 45)
    cell = CellAddress(ids["alice"], ids["Website"], None, TUESDAY)
    for minutes in (30, 0):
        error = await _refused(database, account, cell, minutes, None)
        assert _code(error) is WEEK_CELL_SPLIT
        assert error.status == 409
    assert sorted(e["workedMinutes"] for e in await _entries(api, ids["alice"], TUESDAY)) == [
        45,
        60,
    ]


@pytest.mark.parametrize("minutes", [-1, 24 * 60 + 1])
async def test_minutes_outside_a_day_are_refused(
    api: httpx.AsyncClient, account: Credentials, database: Database, minutes: int
) -> None:
    ids = await catalogue(api)
    cell = CellAddress(ids["alice"], ids["Website"], None, TUESDAY)
    error = await _refused(database, account, cell, minutes, None)
    assert _code(error) is FIELD_INVALID


async def test_a_person_books_their_own_cells_and_not_another_persons(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    bob = person(account.account.id, ids["bob"], "bob")
    own = CellAddress(ids["bob"], ids["App"], None, TUESDAY)
    other = CellAddress(ids["alice"], ids["App"], None, TUESDAY)
    with signed_in(bob):
        change = await _set(database, account, own, 45, None)
        error = await _refused(database, account, other, 45, None)
    assert change.action == "created"
    assert _code(error) is USER_NOT_FOUND
    assert await _entries(api, ids["alice"], TUESDAY) == []


async def test_the_grid_shows_what_a_cell_was_set_to(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    cell = CellAddress(ids["alice"], ids["App"], None, TUESDAY)
    change = await _set(database, account, cell, 95, None)
    async with database.transaction(write=False) as tx:
        week = await load_week(tx, account.account, ids["alice"], MONDAY)
    [row] = week.rows
    assert row.cells[1].minutes == 95
    assert row.cells[1].version == change.version


async def test_two_tabs_typing_into_one_empty_cell_book_one_entry(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    cell = CellAddress(ids["alice"], ids["Website"], None, TUESDAY)
    results = await asyncio.gather(
        _set(database, account, cell, 60, None),
        _set(database, account, cell, 90, None),
        return_exceptions=True,
    )
    created = [r for r in results if isinstance(r, CellChange)]
    refused = [r for r in results if isinstance(r, AppError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert _code(refused[0]) is PRECONDITION_FAILED
    [entry] = await _entries(api, ids["alice"], TUESDAY)
    assert created[0].entry is not None and entry["id"] == created[0].entry["id"]
