"""One record of every resource with full CRUD, for tests that run the same checks on all of
them (the contract in tests/contract/, ETags and If-Match, Idempotency-Key, ...): how to create
one, a change to make to it, and the codes of its 404s.

Each kind makes what its records need (a user, a client and project) in the test's fresh
account and answers the collection's path, relative to the API base.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

USER, CLIENT, PROJECT = "alice", "Acme", "Website"


async def _ok(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def created(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` to ``path``, which must create: the new record."""
    return await _ok(await api.post(path, json=body))


async def make_user(api: httpx.AsyncClient, username: str = USER) -> dict[str, Any]:
    return await _ok(
        await api.post(
            "/users",
            json={
                "username": username,
                "firstName": "Alice",
                "lastName": "Example",
                "email": f"{username}@example.com",
                "password": "correct horse",
            },
        )
    )


async def make_project(api: httpx.AsyncClient) -> dict[str, Any]:
    await _ok(await api.post("/clients", json={"name": CLIENT}))
    return await _ok(
        await api.post("/projects", json={"clientName": CLIENT, "projectName": PROJECT})
    )


async def _none(api: httpx.AsyncClient) -> None:
    return None


async def _user(api: httpx.AsyncClient) -> None:
    await make_user(api)


async def _acme(api: httpx.AsyncClient) -> None:
    await _ok(await api.post("/clients", json={"name": CLIENT}))


async def _user_and_project(api: httpx.AsyncClient) -> None:
    await make_user(api)
    await make_project(api)


@dataclass(frozen=True)
class Kind:
    name: str
    # Makes what a record needs; answers the collection's path (relative to the API base).
    prepare: Callable[[httpx.AsyncClient], Awaitable[str]]
    create: dict[str, Any]
    # Two different changes, each of which really changes the record.
    update: dict[str, Any]
    other_update: dict[str, Any]
    # The codes of a 404: an id the account never had, and one of its deleted records.
    not_found: int
    deleted: int
    # Fields only the create answers, and a replay of it answers as null (a key's secret).
    shown_once: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.name


def _kind(
    name: str,
    needs: Callable[[httpx.AsyncClient], Awaitable[None]],
    create: dict[str, Any],
    update: dict[str, Any],
    other_update: dict[str, Any],
    not_found: int,
    deleted: int,
) -> Kind:
    async def prepare(api: httpx.AsyncClient) -> str:
        await needs(api)
        return f"/{name}"

    return Kind(name, prepare, create, update, other_update, not_found, deleted)


def _user_then(collection: str) -> Callable[[httpx.AsyncClient], Awaitable[str]]:
    async def prepare(api: httpx.AsyncClient) -> str:
        await make_user(api)
        return collection

    return prepare


async def _working_time_models(api: httpx.AsyncClient) -> str:
    user = await make_user(api)
    return f"/users/{user['id']}/working_time_models"


KINDS = [
    _kind("clients", _none, {"name": "Globex"}, {"notes": "one"}, {"notes": "two"}, 11010, 11020),
    _kind(
        "projects",
        _acme,
        {"clientName": CLIENT, "projectName": "Shop"},
        {"notes": "one"},
        {"hourRate": 80},
        12010,
        12020,
    ),
    _kind("tasks", _none, {"name": "Design"}, {"notes": "one"}, {"hourRate": 50}, 13010, 13020),
    _kind(
        "users",
        _none,
        {
            "username": "bob",
            "firstName": "Bob",
            "lastName": "Example",
            "email": "bob@example.com",
            "password": "correct horse",
        },
        {"firstName": "Robert"},
        {"lastName": "Sample"},
        14010,
        14020,
    ),
    _kind(
        "project_time_entries",
        _user_and_project,
        {
            "user": USER,
            "clientName": CLIENT,
            "projectName": PROJECT,
            "from": "2026-03-02T09:00:00.000Z",
            "to": "2026-03-02T10:00:00.000Z",
        },
        {"details": "one"},
        {"to": "2026-03-02T11:00:00.000Z"},
        15010,
        15020,
    ),
    _kind(
        "attendances",
        _user,
        {"user": USER, "from": "2026-03-02T08:00:00.000Z", "to": "2026-03-02T12:00:00.000Z"},
        {"notes": "one"},
        {"breakMinutes": 30},
        16010,
        16020,
    ),
    _kind(
        "absence_types",
        _none,
        {"name": "Training", "shortName": "TR"},
        {"color": "#123456"},
        {"shortName": "TRN"},
        17110,
        17120,
    ),
    _kind(
        "absences",
        _user,
        {"username": USER, "from": "2026-03-02", "to": "2026-03-03", "absenceType": 1},
        {"status": 1},
        {"status": 2},
        17010,
        17020,
    ),
    _kind(
        "teams",
        _user,
        {"name": "Platform", "members": [USER]},
        {"members": []},
        {"name": "Platform Team"},
        20010,
        20020,
    ),
    Kind(
        "api_keys",
        _user_then("/api_keys"),
        {"name": "CI", "scopes": ["read"], "username": USER},
        {"name": "CI one"},
        {"name": "CI two"},
        21010,
        21020,
        shown_once=("key", "secret"),
    ),
    Kind(
        "working_time_models",
        _working_time_models,
        {"validFrom": "2026-01-01"},
        {"mondaySeconds": 3600},
        {"vacationDaysPerYear": 25},
        14050,
        14051,
    ),
]


async def create(api: httpx.AsyncClient, kind: Kind) -> tuple[str, httpx.Response]:
    """Prepare and create one record of ``kind``: its collection path and the 201."""
    collection = await kind.prepare(api)
    response = await api.post(collection, json=kind.create)
    assert response.status_code == 201, response.text
    return collection, response


def as_stored(kind: Kind, created: httpx.Response) -> dict[str, Any]:
    """The created record as its next read answers it: without what only the create shows."""
    body: dict[str, Any] = created.json()
    return {field: value for field, value in body.items() if field not in kind.shown_once}
