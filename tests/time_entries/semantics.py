"""Helpers of the tests in test_daylight_saving.py, test_zones.py and test_range_filters.py.

Time semantics of ``/project_time_entries`` (SPEC §1 "Dates and times").

On the wire a timestamp ending in ``Z`` (or with no offset) is the user's local wall clock; an
explicit offset names an instant, converted into the user's zone. Responses write local wall
clock as ``...T09:00:00.000Z`` and add ``fromUtc``/``toUtc``/``timeZone``. The database keeps
the true instant (``start_at``/``end_at``), the wall-clock text (``start_local``/``end_local``)
and the zone. Wall-clock times that do not name exactly one instant follow RFC 5545: a time in a
spring-forward gap is read with the offset before the gap, an ambiguous fall-back time is its
first occurrence.

Europe/Berlin in 2025: clocks go 02:00 CET -> 03:00 CEST on 30 March (00:59:59 UTC is the last
CET second) and 03:00 CEST -> 02:00 CET on 26 October (01:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from records import created

from timetrack.accounts.service import Credentials
from timetrack.db import Database

PASSWORD = "s3cret-pass"


BERLIN = "Europe/Berlin"


NEW_YORK = "America/New_York"


TOKYO = "Asia/Tokyo"


ENTRY_END_BEFORE_START = 15030


ENTRY_WORKED_INCONSISTENT = 15032


STORED = (
    "start_at",
    "end_at",
    "start_local",
    "end_local",
    "time_zone",
    "worked_minutes",
    "break_minutes",
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def add_user(api: httpx.AsyncClient, username: str, zone: str | None) -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": PASSWORD,
    }
    if zone is not None:
        body["timeZone"] = zone
    return await created(api, "/users", body)


async def basics(api: httpx.AsyncClient, **users: str | None) -> None:
    """Client Acme with project Website, and users (username -> zone; alice in Berlin)."""
    await created(api, "/clients", {"name": "Acme"})
    await created(api, "/projects", {"projectName": "Website", "clientName": "Acme"})
    for username, zone in (users or {"alice": BERLIN}).items():
        await add_user(api, username, zone)


def entry_body(start: str, end: str | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user": "alice",
        "clientName": "Acme",
        "projectName": "Website",
        "from": start,
        **fields,
    }
    if end is not None:
        body["to"] = end
    return body


async def book(
    api: httpx.AsyncClient, start: str, end: str | None = None, **fields: Any
) -> dict[str, Any]:
    return await created(api, "/project_time_entries", entry_body(start, end, **fields))


async def fetch(api: httpx.AsyncClient, entry_id: int) -> dict[str, Any]:
    response = await api.get(f"/project_time_entries/{entry_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def listed_ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await api.get("/project_time_entries", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["X-Total-Count"] == str(len(response.json()))
    return [e["id"] for e in response.json()]


async def stored(database: Database, creds: Credentials, entry_id: int) -> dict[str, Any]:
    """The row as the database keeps it."""
    async with database.transaction(write=False) as tx:
        row = await tx.fetchrow(
            f"SELECT {', '.join(STORED)} FROM time_entries WHERE account_id = $1 AND id = $2",
            creds.account.id,
            entry_id,
        )
    assert row is not None
    result = {key: row[key] for key in STORED}
    for key in ("start_at", "end_at"):
        assert result[key].utcoffset().total_seconds() == 0, result
    return result


def times(entry: dict[str, Any]) -> tuple[str, str, str, str, int]:
    return entry["from"], entry["to"], entry["fromUtc"], entry["toUtc"], entry["workedMinutes"]
