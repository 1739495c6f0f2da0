"""What the pickers offer (``GET /app/catalogue``, src/timetrack/web/catalogue.py): each person
exactly the projects and tasks the API's lists give them, never another account's; and the
pages do not carry the catalogue themselves (pickers.js fetches it on first focus)."""

from __future__ import annotations

import pytest
from conftest import client
from test_permissions_catalogue import ASSIGNED
from test_permissions_matrix import PEOPLE, REACH, ROLE_OF, World

from timetrack.accounts.service import Credentials
from timetrack.db import Database

from .test_page_permissions import _browser, _sign_in, world

__all__ = ["world"]  # the fixture, found by pytest among this module's names


def _offered(viewer: str, everything: set[str]) -> set[str]:
    """The projects the viewer's role reads (all of them, or those assigned to them)."""
    reach = REACH[("projects", "read")][ROLE_OF[viewer].value]
    return everything if reach == 3 else ASSIGNED.get(viewer, {}).get("projects", set())


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_each_person_is_offered_exactly_the_projects_and_tasks_they_reach(
    world: World, database: Database, other_account: Credentials, viewer: str
) -> None:
    async with client(world.app, other_account) as elsewhere:
        body = {"clientName": "Other Ltd", "projectName": "Not yours"}
        assert (await elsewhere.post("/clients", json={"name": "Other Ltd"})).status_code == 201
        assert (await elsewhere.post("/projects", json=body)).status_code == 201
        assert (await elsewhere.post("/tasks", json={"name": "Not yours"})).status_code == 201
    signed = await _sign_in(database, world, viewer)
    async with _browser(world.app, signed.cookie) as tab:
        response = await tab.get("/app/catalogue")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    found = response.json()
    projects = {(p["client"], p["name"]) for p in found["projects"]}
    expected = {("C1", "P1"), ("C2", "P2")}
    names = _offered(viewer, {name for _, name in expected})
    assert projects == {pair for pair in expected if pair[1] in names}, viewer
    assert found["clients"] == sorted({client for client, _ in projects}), viewer
    assert found["tasks"] == ["T1"], viewer


async def test_the_pages_do_not_carry_the_catalogue(world: World, database: Database) -> None:
    signed = await _sign_in(database, world, "ada")
    async with _browser(world.app, signed.cookie) as tab:
        for page in ("/app/timer", "/app/week"):
            html = (await tab.get(page)).text
            assert 'data-catalogue="projects" data-source="/app/catalogue"' in html, page
            assert "P1" not in html and "<option" not in html, page
