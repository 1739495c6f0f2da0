"""The permission matrix by name (issue 12), generated from the app's routes as
tests/test_permissions_matrix.py is by record: every filter that names a person (``username``,
``userId``) and every timer action, for every viewer and every person. A person out of reach
answers exactly as a person that does not exist; one in reach does not.

Teams are left to tests/teams/test_teams_reach.py: a team is reached through membership, not
owned by the person its filter names.
"""

from __future__ import annotations

import re
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
    _visible,
    operations,
    world,
)

from timetrack.app import API_PREFIX

__all__ = ["world"]  # the fixture, found by pytest among this module's names

# Sent with every filter: the routes that need a period or a grouping get one.
PERIOD = {
    "from": "2026-03-01",
    "to": "2026-03-31",
    "groupBy": "month",
    # The exports: a timesheet's month, and a file whose bytes do not change from call to call.
    "month": "2026-03",
    "format": "csv",
}
TIMER_ORDER = ("start", "pause", "resume", "stop")


def _answer(response: httpx.Response, name: str) -> tuple[int, Any]:
    """Status and body, with the name (or id) the request sent made alike in its texts (an
    export's file as its text)."""
    if response.headers.get("content-type") != "application/json":
        return response.status_code, _alike(response.text, name)
    return response.status_code, _alike(response.json(), name)


def _alike(value: Any, name: str) -> Any:
    if isinstance(value, str):  # the name or id as a whole word, not "2" within "2026"
        return re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", "NAME", value)
    if isinstance(value, list):
        return [_alike(item, name) for item in value]
    if isinstance(value, dict):
        return {key: _alike(item, name) for key, item in value.items()}
    return value


def _filters(world: World) -> list[tuple[str, str, str]]:
    """(path, query parameter, resource) of every list or report that filters by person."""
    document = world.app.openapi()
    found = []
    for op in operations(world.app):
        if op.method != "GET" or "{" in op.path or op.resource == "teams":
            continue
        parameters = document["paths"][API_PREFIX + op.path]["get"].get("parameters", [])
        for parameter in parameters:
            if parameter["in"] == "query" and parameter["name"] in ("username", "userId"):
                found.append((op.path, parameter["name"], op.resource))
    return found


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_every_person_filter_answers_for_a_person_out_of_reach_as_for_nobody(
    world: World, viewer: str
) -> None:
    role = ROLE_OF[viewer].value
    filters = _filters(world)
    assert {path for path, _, _ in filters} >= {"/work_reports", "/timers/project_timer"}
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for path, name, resource in filters:
            reach = REACH[(resource, "read")][role]
            nobody = "nobody" if name == "username" else str(MISSING)
            absent = _answer(await caller.get(path, params={**PERIOD, name: nobody}), nobody)
            for owner in PEOPLE:
                value = owner if name == "username" else str(world.users[owner])
                response = await caller.get(path, params={**PERIOD, name: value})
                context = (viewer, owner, path, name, response.text)
                if _visible(viewer, owner, reach, world):
                    assert response.status_code == 200, context
                    assert _answer(response, value) != absent, context
                else:
                    assert _answer(response, value) == absent, context


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_every_timer_action_treats_a_person_out_of_reach_as_nobody(
    world: World, viewer: str
) -> None:
    role = ROLE_OF[viewer].value
    reach = REACH[("project_timer", "write")][role]
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        for hour, action in enumerate(TIMER_ORDER, start=9):
            body = {"date": f"2026-05-04T{hour:02d}:00:00.000Z"}
            if action == "start":
                body |= {"clientName": "C1", "projectName": "P1"}
            path = f"/timers/project_timer/{action}"
            absent = _answer(await caller.post(path, json=body | {"username": "nobody"}), "nobody")
            for owner in PEOPLE:
                response = await caller.post(path, json=body | {"username": owner})
                context = (viewer, owner, action, response.text)
                if _visible(viewer, owner, reach, world):
                    assert response.status_code == 200, context
                else:
                    assert _answer(response, owner) == absent, context


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_a_user_out_of_reach_is_an_unknown_user_in_bodies_and_filters(
    world: World, viewer: str
) -> None:
    role = ROLE_OF[viewer].value
    async with _as(world, viewer, frozenset({"admin"})) as caller:
        write_reach = REACH[("project_time_entries", "write")][role]
        timer_reach = REACH[("project_timer", "read")][role]
        for owner in (*PEOPLE, "nobody"):
            entry = {
                "user": owner,
                "clientName": "C1",
                "projectName": "P1",
                "from": "2026-04-01T09:00:00.000Z",
                "to": "2026-04-01T09:30:00.000Z",
            }
            created = await caller.post("/project_time_entries", json=entry)
            timer = await caller.get("/timers/project_timer", params={"username": owner})
            listed = await caller.get("/project_time_entries", params={"user": owner})
            if owner != "nobody" and _visible(viewer, owner, write_reach, world):
                assert created.status_code == 201, (viewer, owner, created.text)
            else:
                assert created.status_code == 400, (viewer, owner, created.text)
                assert created.json()["errors"][0]["code"] == 14040 or created.json()["errors"][0][
                    "code"
                ] in (14040, 14041), created.text
            if owner != "nobody" and _visible(viewer, owner, timer_reach, world):
                assert timer.status_code == 200, (viewer, owner, timer.text)
            else:
                assert timer.status_code == 400, (viewer, owner, timer.text)
            assert listed.status_code == 200
            if owner == "nobody" or not _visible(
                viewer, owner, REACH[("project_time_entries", "read")][role], world
            ):
                assert listed.json() == [] and listed.headers["X-Total-Count"] == "0"
