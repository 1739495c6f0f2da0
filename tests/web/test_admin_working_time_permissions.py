"""Who may open the working-time models' admin page, generated from the policy's table (as
test_admin_permissions.py does for the sections): a role that may not write the models gets a
403 page for each of its pages and its posts change nothing; and the people one may pick are
those the policy lets one manage, whatever the policy says."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.policy import POLICY, Action, Reach, Resource, Role

from .admin_people import ROLES, add_people, signed_in, username_of
from .conftest import csrf_of

PAGE = "/app/admin/working_time_models"


def _manages(role: Role) -> bool:
    return POLICY[role][Resource.WORKING_TIME_MODELS][Action.WRITE] is not Reach.NONE


@pytest.fixture
async def api(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    await add_people(app, account)
    async with client(app, account) as api:
        yield api


async def _id_of(api: httpx.AsyncClient, role: Role) -> int:
    (user,) = (await api.get("/users", params={"username": username_of(role)})).json()
    return int(user["id"])


@pytest.fixture
async def model(api: httpx.AsyncClient) -> dict[str, Any]:
    """A model of the plain user's, to open, change and delete."""
    person = await _id_of(api, Role.USER)
    body = {"validFrom": "2026-07-01", "fridaySeconds": 14400}
    created = await api.post(f"/users/{person}/working_time_models", json=body)
    assert created.status_code == 201, created.text
    return dict(created.json())


@pytest.mark.parametrize("role", list(ROLES), ids=str)
async def test_every_page_answers_as_the_policy_says_and_a_refused_post_changes_nothing(
    app: FastAPI,
    account: Credentials,
    api: httpx.AsyncClient,
    model: dict[str, Any],
    role: Role,
) -> None:
    expected = 200 if _manages(role) else 403
    person, model_id = model["userId"], model["id"]
    paths = [
        PAGE,
        f"{PAGE}/{person}",
        f"{PAGE}/{person}/new",
        f"{PAGE}/{person}/{model_id}",
        f"{PAGE}/{person}/{model_id}/delete",
    ]
    async with signed_in(app, account, role) as browser:
        for path in paths:
            response = await browser.get(path)
            assert response.status_code == expected, path
            assert response.headers["content-type"].startswith("text/html")
        index = await browser.get("/app/admin")
        assert (f'href="{PAGE}"' in index.text) == _manages(role)
        if expected == 200:
            return
        assert "Your role does not allow this." in response.text
        token = csrf_of((await browser.get("/app/timer")).text)
        for path in paths[2:]:
            sent = {"csrf": token, "validFrom": "2026-08-01", "mondaySeconds": "1"}
            assert (await browser.post(path, data=sent)).status_code == 403, path
    listed = (await api.get(f"/users/{person}/working_time_models")).json()
    assert listed == [model]


def _picked(page: str) -> set[str]:
    return set(re.findall(rf'<th scope="row"><a href="{PAGE}/\d+">([^<]*)</a>', page))


async def test_a_lead_whom_the_policy_let_manage_their_team_picks_only_from_it(
    app: FastAPI,
    account: Credentials,
    api: httpx.AsyncClient,
    model: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lead, member = username_of(Role.TEAM_LEAD), username_of(Role.USER)
    team = {"name": "Crew", "leads": [lead], "members": [member]}
    assert (await api.post("/teams", json=team)).status_code == 201
    rights = POLICY[Role.TEAM_LEAD][Resource.WORKING_TIME_MODELS]
    monkeypatch.setitem(rights, Action.WRITE, Reach.TEAM)
    outsider = await _id_of(api, Role.EXTERNAL)
    async with signed_in(app, account, Role.TEAM_LEAD) as browser:
        people = await browser.get(PAGE, params={"q": "the-"})
        assert people.status_code == 200
        assert _picked(people.text) == {lead, member}
        assert (await browser.get(f"{PAGE}/{model['userId']}")).status_code == 200
        # Somebody outside the team answers as nobody at all, as the API's routes do.
        assert (await browser.get(f"{PAGE}/{outsider}")).status_code == 404
        assert (await browser.get(f"{PAGE}/{outsider}/new")).status_code == 404
