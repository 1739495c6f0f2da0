"""Who sees which teams (issue 12, ``policy``: a person's reach of teams is their own): a
person signed in sees the teams they lead or belong to, and any other answers exactly like a
team that does not exist; only admins and the account key change teams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from records import make_user
from test_ratelimit import client, code

from timetrack.accounts.auth import CSRF_HEADER
from timetrack.accounts.service import Credentials

PASSWORD = "correct horse"  # records.make_user's


@asynccontextmanager
async def signed_in(
    app: FastAPI, creds: Credentials, username: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    async with client(app) as session:
        body = {"account": creds.account.slug, "username": username, "password": PASSWORD}
        response = await session.post("/auth/login", json=body)
        assert response.status_code == 200, response.text
        yield session, response.json()["csrfToken"]


async def _teams(api: httpx.AsyncClient) -> dict[str, Any]:
    for name, flags in (("maria", {"teamLead": True}), ("alex", {}), ("zoe", {})):
        user = await make_user(api, name)
        if flags:
            assert (await api.put(f"/users/{user['id']}", json=flags)).status_code == 200
    made: dict[str, Any] = {}
    for name, leads, members in (
        ("Support", ["maria"], ["alex"]),
        ("Sales", [], ["maria", "zoe"]),
        ("Ops", [], ["zoe"]),
    ):
        body = {"name": name, "leads": leads, "members": members}
        response = await api.post("/teams", json=body)
        assert response.status_code == 201, response.text
        made[name] = response.json()
    return made


async def test_a_person_sees_the_teams_they_lead_or_belong_to_only(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    teams = await _teams(api)
    async with signed_in(app, account, "maria") as (session, _):
        listed = await session.get("/teams")
        assert [t["name"] for t in listed.json()] == ["Support", "Sales"]
        assert listed.headers["X-Total-Count"] == "2"
        assert (await session.get(f"/teams/{teams['Sales']['id']}")).json() == teams["Sales"]
        hidden = await session.get(f"/teams/{teams['Ops']['id']}")
        missing = await session.get("/teams/987654321")
        assert (hidden.status_code, code(hidden)) == (missing.status_code, code(missing))
        assert hidden.json()["errors"][0]["title"] == missing.json()["errors"][0]["title"]
        assert (await session.get("/teams", params={"username": "zoe"})).json() == [teams["Sales"]]
    async with signed_in(app, account, "alex") as (session, _):
        assert [t["name"] for t in (await session.get("/teams")).json()] == ["Support"]


async def test_only_admins_change_teams(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    teams = await _teams(api)
    async with signed_in(app, account, "maria") as (session, csrf):
        headers = {CSRF_HEADER: csrf}
        created = await session.post("/teams", json={"name": "Mine"}, headers=headers)
        changed = await session.put(
            f"/teams/{teams['Support']['id']}", json={"members": []}, headers=headers
        )
        deleted = await session.delete(f"/teams/{teams['Support']['id']}", headers=headers)
        for response in (created, changed, deleted):
            assert (response.status_code, code(response)) == (403, 10050), response.text
    assert (await api.get(f"/teams/{teams['Support']['id']}")).json() == teams["Support"]


async def test_co_leads_reach_each_other_and_decide_each_others_leave_not_their_own(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    """Everyone listed in a team one leads is reached, the other leads too: two leads of a team
    stand in for each other (as Kimai's team leads do), so a lead's leave is decided by a
    co-lead or an admin, never by the lead."""
    for name in ("maria", "mark"):
        user = await make_user(api, name)
        assert (await api.put(f"/users/{user['id']}", json={"teamLead": True})).status_code == 200
    team = {"name": "Support", "leads": ["maria", "mark"], "members": []}
    assert (await api.post("/teams", json=team)).status_code == 201
    requests = {}
    for name in ("maria", "mark"):
        body = {"username": name, "from": "2026-05-04", "to": "2026-05-04", "absenceType": 1}
        made = await api.post("/absences", json=body)
        assert made.status_code == 201, made.text
        requests[name] = made.json()["id"]
    async with signed_in(app, account, "maria") as (session, csrf):
        headers = {CSRF_HEADER: csrf}
        seen = await session.get("/absences", params={"username": "mark"})
        assert [a["id"] for a in seen.json()] == [requests["mark"]]
        own = await session.put(
            f"/absences/{requests['maria']}", json={"status": 1}, headers=headers
        )
        assert (own.status_code, code(own)) == (403, 10050), own.text
        other = await session.put(
            f"/absences/{requests['mark']}", json={"status": 1}, headers=headers
        )
        assert other.status_code == 200, other.text
        assert other.json()["status"] == 1
