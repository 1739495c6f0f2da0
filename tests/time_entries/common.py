"""Helpers of the ``/project_time_entries`` tests (SPEC §1 wire conventions, §2 "Project time
entries"). Time zones, DST and the time filters are in test_daylight_saving.py, test_zones.py
and test_range_filters.py.

Every test runs on SQLite and PostgreSQL (tests/conftest.py), each in fresh accounts. Users here
live in the account's default zone (UTC) unless a test says otherwise, so wall-clock and UTC
agree and the tests can focus on the rules themselves. The scenarios every resource shares are
in tests/contract/.
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


ENTRY_KEYS = {
    "id",
    "user",
    "userId",
    "clientName",
    "clientId",
    "projectName",
    "projectId",
    "task",
    "taskId",
    "hourRate",
    "latitude",
    "longitude",
    "latitude1",
    "longitude1",
    "billable",
    "flatRate",
    "details",
    "tags",
    "from",
    "to",
    "workedMinutes",
    "breakMinutes",
    "timeZone",
    "fromUtc",
    "toUtc",
    "updatedAt",
}


# The smallest valid create: alice books 09:00-17:00 on Acme / Website.
ENTRY: dict[str, Any] = {
    "user": "alice",
    "clientName": "Acme",
    "projectName": "Website",
    "from": "2025-03-04T09:00:00Z",
    "to": "2025-03-04T17:00:00Z",
}


# Codes (src/timetrack/errors.py).
CLIENT_UNKNOWN = 11040


PROJECT_UNKNOWN = 12040


TASK_UNKNOWN = 13040


USER_UNKNOWN = 14040


ENTRY_NOT_FOUND = 15010


ENTRY_DELETED = 15020


ENTRY_END_BEFORE_START = 15030


ENTRY_BREAK_TOO_LONG = 15031


ENTRY_WORKED_INCONSISTENT = 15032


async def add_client(api: httpx.AsyncClient, name: str = "Acme") -> dict[str, Any]:
    return await created(api, "/clients", {"name": name})


async def add_project(
    api: httpx.AsyncClient, name: str = "Website", client: str = "Acme", **fields: Any
) -> dict[str, Any]:
    return await created(api, "/projects", {"projectName": name, "clientName": client, **fields})


async def add_task(api: httpx.AsyncClient, name: str = "Design", **fields: Any) -> dict[str, Any]:
    return await created(api, "/tasks", {"name": name, **fields})


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


async def basics(api: httpx.AsyncClient, **project: Any) -> None:
    """Client Acme, its project Website, and the user alice."""
    await add_client(api)
    await add_project(api, **project)
    await add_user(api)


def body_of(drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    body = {**ENTRY, **fields}
    for key in drop:
        body.pop(key, None)
    return body


async def create(api: httpx.AsyncClient, drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    return await created(api, "/project_time_entries", body_of(drop, **fields))


async def fetch(api: httpx.AsyncClient, entry_id: int) -> dict[str, Any]:
    response = await api.get(f"/project_time_entries/{entry_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/project_time_entries", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(result)) or "limit" in params
    return result


async def listed_ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    return [e["id"] for e in await listed(api, **params)]


def without(entry: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in keys}


async def three_entries(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    """alice/Acme/Website/Design (billable), bob/Acme/Docs, alice/Globex/Website (not billable).

    Created out of time order: the list orders by start, not by id."""
    await basics(api)
    await add_user(api, "bob")
    await add_task(api, "Design")
    await add_task(api, "Design review")
    await add_project(api, "Docs", "Acme")
    await add_client(api, "Globex")
    await add_project(api, "Website", "Globex")
    third = await create(
        api,
        clientName="Globex",
        billable=False,
        **{"from": "2025-03-06T09:00:00Z", "to": "2025-03-06T10:00:00Z"},
    )
    first = await create(
        api, task="Design", **{"from": "2025-03-04T09:00:00Z", "to": "2025-03-04T10:00:00Z"}
    )
    second = await create(
        api,
        user="bob",
        projectName="Docs",
        task="Design review",
        **{"from": "2025-03-05T09:00:00Z", "to": "2025-03-05T10:00:00Z"},
    )
    return [first, second, third]
