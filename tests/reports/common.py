"""Helpers of the tests of /reports: a small account booked through the API, and checks that
walk a summary's groups.

The account (booked with its account key, an admin): clients Acme (projects Website at 60.00/h
and App) and Beta (project Shop, 90.00/h); tasks Design and Dev; users ann (Europe/Berlin) and
bob (Asia/Tokyo); teams Blue (bob), made first, and Red (ann, bob): bob is in two teams. Entries in
January 2026 (see ``ENTRIES``), with every kind of billing: hourly, not billable, a flat rate.
"""

from __future__ import annotations

from typing import Any

import httpx
from records import created

BERLIN, TOKYO = "Europe/Berlin", "Asia/Tokyo"
JANUARY = {"from": "2026-01-01", "to": "2026-01-31"}

# (user, client, project, task, from, to, extra fields)
ENTRIES: list[tuple[str, str, str, str | None, str, str, dict[str, Any]]] = [
    # 90 min at 60.00 = 90.00
    ("ann", "Acme", "Website", "Design", "2026-01-05T09:00:00Z", "2026-01-05T10:30:00Z", {}),
    # 50 min at 60.00 = 50.00, tagged twice
    (
        "ann",
        "Acme",
        "Website",
        "Dev",
        "2026-01-05T11:00:00Z",
        "2026-01-05T11:50:00Z",
        {"tags": "#meeting #remote"},
    ),
    # not billable: 0.00
    (
        "ann",
        "Acme",
        "App",
        None,
        "2026-01-12T08:00:00Z",
        "2026-01-12T12:00:00Z",
        {"billable": False, "tags": "#meeting"},
    ),
    # 7 min at 90.00 = 10.50
    ("bob", "Beta", "Shop", "Dev", "2026-01-20T09:00:00Z", "2026-01-20T09:07:00Z", {}),
    # a flat rate: the entry's hourRate once, 250.00, whatever its minutes
    (
        "bob",
        "Beta",
        "Shop",
        None,
        "2026-01-21T09:00:00Z",
        "2026-01-21T13:00:00Z",
        {"flatRate": True, "hourRate": 250},
    ),
    # 20 min at 60.00 = 20.00, with a break of 10
    (
        "bob",
        "Acme",
        "Website",
        "Design",
        "2026-01-31T14:00:00Z",
        "2026-01-31T14:30:00Z",
        {"breakMinutes": 10},
    ),
]
TOTAL_WORKED = 90 + 50 + 240 + 7 + 240 + 20
TOTAL_AMOUNT = 90.0 + 50.0 + 10.5 + 250.0 + 20.0


async def add_user(api: httpx.AsyncClient, username: str, zone: str, **flags: Any) -> int:
    body = {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": "correct horse",
        "timeZone": zone,
        **flags,
    }
    return int((await created(api, "/users", body))["id"])


async def book(
    api: httpx.AsyncClient,
    user: str,
    client: str,
    project: str,
    task: str | None,
    start: str,
    end: str,
    **fields: Any,
) -> dict[str, Any]:
    body = {"user": user, "clientName": client, "projectName": project, "from": start, "to": end}
    if task is not None:
        body["task"] = task
    return await created(api, "/project_time_entries", {**body, **fields})


async def build(api: httpx.AsyncClient) -> dict[str, int]:
    """The account described above; the users' ids by name."""
    for client in ("Acme", "Beta"):
        await created(api, "/clients", {"name": client})
    projects = (("Acme", "Website", 60), ("Acme", "App", None), ("Beta", "Shop", 90))
    for client, project, rate in projects:
        body: dict[str, Any] = {"clientName": client, "projectName": project}
        if rate is not None:
            body["hourRate"] = rate
        if project == "Website":
            body |= {"timeEstimated": 600, "budgetEstimated": 1000}
        await created(api, "/projects", body)
    for task_name in ("Design", "Dev"):
        await created(api, "/tasks", {"name": task_name})
    users = {"ann": await add_user(api, "ann", BERLIN), "bob": await add_user(api, "bob", TOKYO)}
    await created(api, "/teams", {"name": "Blue", "members": ["bob"]})
    await created(api, "/teams", {"name": "Red", "members": ["ann", "bob"]})
    for user, client, project, task, start, end, extra in ENTRIES:
        await book(api, user, client, project, task, start, end, **extra)
    return users


async def summary(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await api.get("/reports/summary", params={**JANUARY, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


SUMMED = ("entries", "workedMinutes", "billableMinutes", "amount")


def assert_groups_add_up(parent: dict[str, Any], groups: list[dict[str, Any]]) -> None:
    """Each level's groups add up to their parent exactly, at every depth."""
    for field in SUMMED:
        total = sum(round(group[field] * 100) for group in groups)
        assert total == round(parent[field] * 100), (field, parent, groups)
    for group in groups:
        if "groups" in group:
            assert_groups_add_up(group, group["groups"])


async def detailed_sums(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    """What the detailed list's rows add up to, over every page (3 rows a page)."""
    rows: list[dict[str, Any]] = []
    page = 0
    while True:
        response = await api.get(
            "/reports/detailed",
            params={**JANUARY, **params, "limit": 3, "page_number": page},
        )
        assert response.status_code == 200, response.text
        rows += response.json()
        if len(response.json()) < 3:
            break
        page += 1
    assert len({row["id"] for row in rows}) == len(rows)
    return {
        "entries": len(rows),
        "workedMinutes": sum(row["roundedMinutes"] for row in rows),
        "breakMinutes": sum(row["breakMinutes"] for row in rows),
        "billableMinutes": sum(row["roundedMinutes"] for row in rows if row["billable"]),
        "amount": round(sum(round(row["amount"] * 100) for row in rows)) / 100,
        "headers": response.headers,
    }
