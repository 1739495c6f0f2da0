"""The permission matrix over what no one person owns (issue 12): clients, projects, tasks,
absence types and teams, for every viewer, in lists and by id, from docs/api.md's Permissions
table as tests/test_permissions_matrix.py is. ``all`` is every record; ``own`` is, for an
external user's clients and projects, the projects one is assigned to and their clients, and
for teams the teams one leads or belongs to; out of reach answers as a record that does not
exist."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from test_permissions_matrix import (
    MISSING,
    PEOPLE,
    REACH,
    ROLE_OF,
    World,
    _as,
    _hidden_like_missing,
    world,
)

__all__ = ["world"]  # the fixture, found by pytest among this module's names

CATALOGUE = ("clients", "projects", "tasks", "absence_types", "teams")
# What the world assigns: eve to P1 (of client C1); lee leads "Team", mia is in it.
ASSIGNED = {
    "eve": {"clients": {"C1"}, "projects": {"P1"}},
    "lee": {"teams": {"Team"}},
    "mia": {"teams": {"Team"}},
}


def _name(resource: str, record: dict[str, Any]) -> str:
    return str(record["projectName"] if resource == "projects" else record["name"])


def _expected(viewer: str, resource: str, everything: set[str]) -> set[str] | None:
    """The names a viewer reaches (None: the route answers 403)."""
    reach = REACH[(resource, "read")][ROLE_OF[viewer].value]
    if reach == 3:
        return everything
    if reach == 1 and resource in ("clients", "projects", "teams"):
        return ASSIGNED.get(viewer, {}).get(resource, set())
    assert reach == 0, f"no rule for {resource} read at reach {reach}"
    return None


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_each_viewer_sees_exactly_the_catalogue_in_reach(world: World, viewer: str) -> None:
    async with _as(world, "ada", frozenset({"admin"})) as admin:
        catalogue = {r: (await admin.get(f"/{r}")).json() for r in CATALOGUE}
    assert all(catalogue.values()), catalogue
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for resource, records in catalogue.items():
            names = {_name(resource, record) for record in records}
            expected = _expected(viewer, resource, names)
            listed = await caller.get(f"/{resource}")
            if expected is None:
                assert listed.status_code == 403, (viewer, resource, listed.text)
                continue
            assert {_name(resource, r) for r in listed.json()} == expected, (viewer, resource)
            missing = await caller.get(f"/{resource}/{MISSING}")
            for record in records:
                one = await caller.get(f"/{resource}/{record['id']}")
                if _name(resource, record) in expected:
                    assert one.status_code == 200, (viewer, resource, one.text)
                else:
                    _hidden_like_missing(one, missing, record["id"])


@pytest.mark.parametrize("scopes", [{"admin"}, {"time_entries:write"}])
async def test_an_external_user_books_only_on_assigned_projects_whatever_the_keys_scopes(
    world: World, scopes: set[str]
) -> None:
    async with _as(world, "eve", frozenset(scopes)) as eve:
        entry = {
            "user": "eve",
            "clientName": "C2",
            "projectName": "P2",
            "from": "2026-04-02T09:00:00.000Z",
            "to": "2026-04-02T09:30:00.000Z",
        }
        refused = await eve.post("/project_time_entries", json=entry)
        unknown = await eve.post("/project_time_entries", json=entry | {"clientName": "C9"})
        assert refused.status_code == 400, refused.text
        assert _codes(refused) == _codes(unknown), refused.text
        booked = await eve.post(
            "/project_time_entries", json=entry | {"clientName": "C1", "projectName": "P1"}
        )
        assert booked.status_code == 201, booked.text
        timer = {"username": "eve", "date": "2026-04-03T09:00:00.000Z"}
        started = await eve.post("/timers/project_timer/start", json=timer | entry)
        assert started.status_code == 400, started.text
        assert _codes(started) == _codes(unknown), started.text


def _codes(response: httpx.Response) -> list[int]:
    return [error["code"] for error in response.json()["errors"]]
