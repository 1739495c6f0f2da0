"""Helpers of the week-grid tests (test_week.py, test_cells.py): a small catalogue booked
through the API, and the services called as a signed-in person's page calls them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
from records import created

from timetrack.grants import GRANT, Grant
from timetrack.policy import Action, CredentialKind, Principal, Resource, Role

# Monday 29 September to Sunday 5 October 2025; Friday 3 October is a public holiday in
# Germany (Tag der Deutschen Einheit).
MONDAY = date(2025, 9, 29)
HOLIDAY = date(2025, 10, 3)


async def catalogue(api: httpx.AsyncClient) -> dict[str, int]:
    """Clients Acme and beta (lower case: the grid sorts by name, not by case), a project
    each, task Design, and alice and bob in Berlin (Germany's holidays); their ids by name."""
    ids: dict[str, int] = {}
    for client in ("Acme", "beta"):
        ids[client] = (await created(api, "/clients", {"name": client}))["id"]
    ids["Website"] = (
        await created(api, "/projects", {"projectName": "Website", "clientName": "Acme"})
    )["id"]
    ids["App"] = (await created(api, "/projects", {"projectName": "App", "clientName": "beta"}))[
        "id"
    ]
    ids["Design"] = (await created(api, "/tasks", {"name": "Design"}))["id"]
    for name in ("alice", "bob"):
        body = {
            "username": name,
            "firstName": name.title(),
            "lastName": "Example",
            "email": f"{name}@example.com",
            "password": "s3cret-pass",
            "timeZone": "Europe/Berlin",
            "country": "DE",
        }
        ids[name] = (await created(api, "/users", body))["id"]
    return ids


async def book(
    api: httpx.AsyncClient,
    start: str,
    minutes: int,
    *,
    user: str = "alice",
    client: str = "Acme",
    project: str = "Website",
    task: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """An entry booked through the API; ``start`` is the person's wall clock."""
    body = {
        "user": user,
        "clientName": client,
        "projectName": project,
        "from": start,
        "workedMinutes": minutes,
        **fields,
    }
    if task is not None:
        body["task"] = task
    return await created(api, "/project_time_entries", body)


def person(
    account_id: int, user_id: int, username: str, *, leads: frozenset[int] = frozenset()
) -> Principal:
    """A signed-in person (a team lead of ``leads``, else a user), as the session check makes
    them."""
    return Principal(
        account_id,
        CredentialKind.SESSION,
        Role.TEAM_LEAD if leads else Role.USER,
        user_id=user_id,
        username=username,
        team_member_ids=leads,
    )


@contextlib.contextmanager
def signed_in(principal: Principal) -> Iterator[None]:
    """Run as a page does once its route's permission check has passed: the request's grant
    is the principal's (here on reading entries; the services ask for more themselves)."""
    token = GRANT.set(Grant(principal, Resource.TIME_ENTRIES, Action.READ))
    try:
        yield
    finally:
        GRANT.reset(token)
