"""Helpers of the ``/attendances`` tests and its ``clock_in``/``clock_out`` (SPEC §2
"Attendances"; the time semantics are those of project time entries, SPEC §1).

Every test runs on SQLite and PostgreSQL (tests/conftest.py), each in fresh accounts. Users here
live in the account's default zone (UTC) unless a test says otherwise, so wall-clock and UTC
agree. On PostgreSQL the parallel tests really run concurrently (the pool hands each request its
own connection), so they prove the no-overlap rule holds under races. The scenarios every
resource shares are in tests/contract/.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import httpx
from records import created

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


NEVER = 987_654_321  # an id no test account ever reaches


PASSWORD = "s3cret-pass"


BERLIN = "Europe/Berlin"


KEYS = {
    "id",
    "user",
    "userId",
    "from",
    "to",
    "notes",
    "manual",
    "workedMinutes",
    "breakMinutes",
    "latitudeStart",
    "longitudeStart",
    "latitudeEnd",
    "longitudeEnd",
    "timeZone",
    "fromUtc",
    "toUtc",
    "updatedAt",
}


# The smallest closed attendance: alice, 09:00-17:00.
ATTENDANCE: dict[str, Any] = {
    "user": "alice",
    "from": "2025-03-04T09:00:00Z",
    "to": "2025-03-04T17:00:00Z",
}


# Codes (src/timetrack/errors.py).
USER_UNKNOWN = 14040


NOT_FOUND = 16010


DELETED = 16020


END_BEFORE_START = 16030


BREAK_TOO_LONG = 16031


WORKED_INCONSISTENT = 16032


OVERLAP = 16040


CLOCKED_IN = 16041


NOT_CLOCKED_IN = 16042


CLOCK_OUT_BEFORE_IN = 16043


async def add_user(
    api: httpx.AsyncClient, username: str = "alice", **fields: Any
) -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }
    return await created(api, "/users", body)


def body_of(drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    body = {**ATTENDANCE, **fields}
    for key in drop:
        body.pop(key, None)
    return body


def span(day: int, start: str, end: str | None, month: int = 3) -> dict[str, Any]:
    """``from``/``to`` on a day of 2025 (``end`` None: open)."""
    times: dict[str, Any] = {"from": f"2025-{month:02d}-{day:02d}T{start}:00Z"}
    times["to"] = None if end is None else f"2025-{month:02d}-{day:02d}T{end}:00Z"
    return times


async def create(api: httpx.AsyncClient, drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    return await created(api, "/attendances", body_of(drop, **fields))


async def create_open(api: httpx.AsyncClient, start: str, **fields: Any) -> dict[str, Any]:
    return await create(api, drop=["to"], **{"from": start, **fields})


async def fetch(api: httpx.AsyncClient, attendance_id: int) -> dict[str, Any]:
    response = await api.get(f"/attendances/{attendance_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/attendances", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(result)) or "limit" in params
    return result


async def listed_ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    return [a["id"] for a in await listed(api, **params)]


async def everything(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every attendance of the account, deleted ones included."""
    return await listed(api, includeDeleted="true", limit=1000)


def clock_body(date: str, username: str = "alice", **fields: Any) -> dict[str, Any]:
    return {"username": username, "date": date, **fields}


async def clock_in(api: httpx.AsyncClient, date: str, **fields: Any) -> httpx.Response:
    return await api.post("/attendances/clock_in", json=clock_body(date, **fields))


async def clock_out(api: httpx.AsyncClient, date: str, **fields: Any) -> httpx.Response:
    return await api.post("/attendances/clock_out", json=clock_body(date, **fields))


def without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in keys}


async def three(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    """alice 4 March, bob 5 March, alice 6 March (open), created out of order."""
    await add_user(api)
    await add_user(api, "bob")
    third = await create_open(api, "2025-03-06T09:00:00Z")
    first = await create(api, **span(4, "09:00", "10:00"))
    second = await create(api, user="bob", **span(5, "09:00", "10:00"))
    return [first, second, third]
