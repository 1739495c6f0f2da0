"""A user's ``external`` flag on the wire (issue 12): the vendor's external employee, who sees
and books only the projects assigned to them. The role it gives is ``policy.role_of``'s."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error
from records import make_user

from timetrack.policy import Role, role_of


async def test_a_user_is_not_external_unless_made_so(api: httpx.AsyncClient) -> None:
    user = await make_user(api)
    assert user["external"] is False
    assert (await api.get(f"/users/{user['id']}")).json()["external"] is False


@pytest.mark.parametrize("sent", [True, 1, "true", "1"])
async def test_external_is_accepted_on_create_and_answered(
    api: httpx.AsyncClient, sent: Any
) -> None:
    body = {
        "username": "ext",
        "firstName": "E",
        "lastName": "X",
        "email": "ext@example.com",
        "password": "correct horse",
        "external": sent,
    }
    created = await api.post("/users", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["external"] is True
    listed = (await api.get("/users", params={"username": "ext"})).json()
    assert [u["external"] for u in listed] == [True]


async def test_external_is_changed_by_an_update_and_kept_when_left_out(
    api: httpx.AsyncClient,
) -> None:
    user = await make_user(api)
    path = f"/users/{user['id']}"
    assert (await api.put(path, json={"external": True})).json()["external"] is True
    assert (await api.put(path, json={"lastName": "Other"})).json()["external"] is True
    assert (await api.put(path, json={"external": "false"})).json()["external"] is False


@pytest.mark.parametrize("sent", [None, "yes", 2])
async def test_external_must_be_a_boolean(api: httpx.AsyncClient, sent: Any) -> None:
    user = await make_user(api)
    response = await api.put(f"/users/{user['id']}", json={"external": sent})
    assert_error(response, 400, 10011, pointer="/external")


@pytest.mark.parametrize(
    ("flags", "role"),
    [
        ({}, Role.USER),
        ({"external": True}, Role.EXTERNAL),
        ({"external": True, "teamLead": True}, Role.TEAM_LEAD),
        ({"external": True, "admin": True, "teamLead": True}, Role.ADMIN),
    ],
)
async def test_the_role_follows_admin_then_team_lead_then_external(
    api: httpx.AsyncClient, flags: dict[str, bool], role: Role
) -> None:
    user = await make_user(api)
    stored = (await api.put(f"/users/{user['id']}", json=flags)).json()
    found = role_of(
        admin=stored["admin"], team_lead=stored["teamLead"], external=stored["external"]
    )
    assert found is role
