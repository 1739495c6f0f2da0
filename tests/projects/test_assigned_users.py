"""A project's ``assignedUsers`` (issue 12): the users assigned to it, which decides what an
external user may see and book on (the policy's reach OWN of the catalogue)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from records import CLIENT, make_user
from test_ratelimit import client as app_client

from timetrack.accounts.service import Credentials

Json = dict[str, Any]


def _errors(response: httpx.Response) -> list[tuple[int, str]]:
    assert response.status_code == 400, response.text
    return [(e["code"], e["source"]["pointer"]) for e in response.json()["errors"]]


@pytest.fixture
async def client(api: httpx.AsyncClient) -> None:
    assert (await api.post("/clients", json={"name": CLIENT})).status_code == 201
    for name in ("zoe", "Alex", "sam"):
        await make_user(api, name)


async def _project(api: httpx.AsyncClient, **body: Any) -> Json:
    response = await api.post("/projects", json={"clientName": CLIENT, "projectName": "P", **body})
    assert response.status_code == 201, response.text
    project: Json = response.json()
    return project


@pytest.mark.usefixtures("client")
async def test_a_project_has_no_assigned_users_unless_given(api: httpx.AsyncClient) -> None:
    assert (await _project(api))["assignedUsers"] == []


@pytest.mark.usefixtures("client")
async def test_assigned_users_are_answered_sorted_as_stored(api: httpx.AsyncClient) -> None:
    project = await _project(api, assignedUsers=["ZOE", "sam", "alex"])
    assert project["assignedUsers"] == ["Alex", "sam", "zoe"]
    assert (await api.get(f"/projects/{project['id']}")).json() == project
    assert (await api.get("/projects")).json() == [project]


@pytest.mark.usefixtures("client")
async def test_unknown_and_repeated_users_are_refused_each_with_its_pointer(
    api: httpx.AsyncClient,
) -> None:
    body = {"clientName": CLIENT, "projectName": "P", "assignedUsers": ["zoe", "x", "Zoe"]}
    response = await api.post("/projects", json=body)
    assert sorted(_errors(response)) == [(10011, "/assignedUsers/2"), (14040, "/assignedUsers/1")]
    assert (await api.get("/projects")).json() == []


@pytest.mark.usefixtures("client")
async def test_an_update_replaces_the_list_and_leaving_it_out_keeps_it(
    api: httpx.AsyncClient,
) -> None:
    project = await _project(api, assignedUsers=["zoe"])
    path = f"/projects/{project['id']}"
    changed = (await api.put(path, json={"assignedUsers": ["sam", "alex"]})).json()
    assert changed["assignedUsers"] == ["Alex", "sam"]
    kept = (await api.put(path, json={"notes": "n"})).json()
    assert kept["assignedUsers"] == ["Alex", "sam"]
    same = (await api.put(path, json={"assignedUsers": ["SAM", "Alex"]})).json()
    assert same == kept  # updatedAt too: nothing changed
    assert (await api.put(path, json={"assignedUsers": []})).json()["assignedUsers"] == []
    assert _errors(await api.put(path, json={"assignedUsers": None})) == [(10011, "/assignedUsers")]


@pytest.mark.usefixtures("client")
async def test_a_deleted_user_drops_out_and_the_project_reports_the_change(
    api: httpx.AsyncClient,
) -> None:
    project = await _project(api, assignedUsers=["zoe", "sam"])
    zoe = (await api.get("/users", params={"username": "zoe"})).json()[0]
    assert (await api.delete(f"/users/{zoe['id']}")).status_code == 200
    now = (await api.get(f"/projects/{project['id']}")).json()
    assert now["assignedUsers"] == ["sam"]
    assert now["updatedAt"] > project["updatedAt"]


@pytest.mark.usefixtures("client")
async def test_a_person_sees_only_the_assigned_users_they_reach(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    """Other users' names are other users' data: a person sees themselves in the list (a team
    lead their members too); the account key and admins see everybody."""
    project = await _project(api, assignedUsers=["zoe", "sam", "alex"])
    ext = await make_user(api, "ext")
    assert (await api.put(f"/users/{ext['id']}", json={"external": True})).status_code == 200
    await api.put(f"/projects/{project['id']}", json={"assignedUsers": ["zoe", "ext", "sam"]})
    for username, shown in (("sam", ["sam"]), ("ext", ["ext"]), ("alex", [])):
        async with app_client(app) as session:
            body = {"account": account.account.slug, "username": username}
            login = await session.post("/auth/login", json={**body, "password": "correct horse"})
            assert login.status_code == 200, login.text
            one = (await session.get(f"/projects/{project['id']}")).json()
            assert one["assignedUsers"] == shown, username
            listed = (await session.get("/projects")).json()
            assert [p["assignedUsers"] for p in listed] == [shown], username
    assert (await api.get(f"/projects/{project['id']}")).json()["assignedUsers"] == [
        "ext",
        "sam",
        "zoe",
    ]
