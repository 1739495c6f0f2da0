"""Helpers and constants shared by the tests of this package.

The audit log (SPEC §3): every write leaves exactly one entry, in the write's transaction.

``GET /audit_log`` reads it (filters, paging, tenant scope); ``timetrack audit`` prints it, and
the CLI's own writes are recorded with the actor ``cli``.
"""

from __future__ import annotations

from typing import Any

import httpx
from records import created

PASSWORD = "Correct-Horse-42"


NEW_PASSWORD = "Battery-Staple-43"


DAY = "2026-10-05"


async def log(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/audit_log", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(entries))
    return entries


def user_body(username: str = "alice", **fields: Any) -> dict[str, Any]:
    return {
        "username": username,
        "firstName": "Alice",
        "lastName": "Archer",
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }


async def setup_refs(api: httpx.AsyncClient) -> None:
    """A user alice, a client Acme with a project Website: what entries and timers refer to."""
    await created(api, "/users", user_body())
    await created(api, "/clients", {"name": "Acme"})
    await created(api, "/projects", {"projectName": "Website", "clientName": "Acme"})


# resource -> (needs refs, create body, update body)
CRUD: dict[str, tuple[bool, dict[str, Any], dict[str, Any]]] = {
    "clients": (False, {"name": "Globex"}, {"notes": "big one"}),
    "projects": (True, {"projectName": "Shop", "clientName": "Acme"}, {"hourRate": "80"}),
    "tasks": (False, {"name": "Design"}, {"notes": "n"}),
    "users": (False, user_body("bob"), {"firstName": "Robert"}),
    "project_time_entries": (
        True,
        {
            "user": "alice",
            "clientName": "Acme",
            "projectName": "Website",
            "from": f"{DAY}T09:00:00Z",
            "to": f"{DAY}T10:00:00Z",
        },
        {"details": "meeting"},
    ),
    "attendances": (
        True,
        {"user": "alice", "from": f"{DAY}T08:00:00Z", "to": f"{DAY}T16:00:00Z"},
        {"notes": "late lunch"},
    ),
    "absence_types": (False, {"name": "Training", "shortName": "TRN"}, {"color": "#abc"}),
    "absences": (
        True,
        {"username": "alice", "from": DAY, "to": DAY, "absenceType": 1},
        {"status": 1},
    ),
}
