"""The permission policy over every page of the web app, generated from the app's own routes as
``tests/test_permissions_matrix.py`` does for the API: each page declares the (resource, action)
it serves (``guard.signed_in``), and for every person of the matrix's world (an admin, a team
lead, two users, an external user) and every page, the page opens exactly where docs/api.md's
Permissions table gives the person's role any reach, and answers 403 everywhere else. Without a
session every page sends the person to sign in, and a post without the session's CSRF token is
refused before it can do anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import Mount, Route
from test_permissions_matrix import PEOPLE, REACH, ROLE_OF, World, build_world

from timetrack.accounts.auth import SESSION_COOKIE
from timetrack.accounts.service import Credentials
from timetrack.auth import sessions
from timetrack.db import Database
from timetrack.web import PREFIX
from timetrack.web.guard import CSRF_FIELD

MISSING = 999_999
_REFUSED = (10050, 10051)  # the policy's two refusals (role, scope)


@dataclass(frozen=True)
class Page:
    method: str
    path: str
    resource: str
    action: str

    @property
    def probe(self) -> str:
        """The page's address with ids that name nothing: the permission is checked first."""
        return PREFIX + re.sub(r"\{[^}]+\}", str(MISSING), self.path)


def pages(app: FastAPI) -> list[Page]:
    (mount,) = [r for r in app.router.routes if isinstance(r, Mount) and r.path == PREFIX]
    found = []
    for route in mount.routes:
        if not isinstance(route, Route):
            continue
        permission = getattr(route.endpoint, "permission", None)
        if permission is None:
            continue  # public (tests/web/test_routes.py holds every other page to declaring one)
        resource, action = permission
        for method in sorted((route.methods or set()) - {"HEAD"}):
            found.append(Page(method, route.path, resource.value, action.value))
    return found


@dataclass
class Signed:
    cookie: str
    csrf: str


async def _sign_in(database: Database, world: World, username: str) -> Signed:
    row = await sessions.find_login(database, world.account.account.slug, username)
    assert row is not None
    lifetimes = sessions.lifetimes(world.app.state.settings)
    async with database.transaction(write=True) as tx:
        token, person = await sessions.start(tx, row, lifetimes)
    return Signed(token, person.csrf_token)


def _browser(app: FastAPI, cookie: str | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        cookies={SESSION_COOKIE: cookie} if cookie else None,
        # The refusal as the envelope, so its code can be read; a page answers HTML either way.
        headers={"Accept": "application/json, text/html"},
        follow_redirects=False,
    )


def _refusal_code(response: httpx.Response) -> int | None:
    if response.status_code != 403 or "json" not in response.headers.get("content-type", ""):
        return None
    return int(response.json()["errors"][0]["code"])


@pytest.fixture
async def world(app: FastAPI, database: Database, account: Credentials) -> World:
    return await build_world(app, database, account)


def test_the_pages_cover_the_web_apps_resources(app_without_database: FastAPI) -> None:
    found = pages(app_without_database)
    assert {p.method for p in found} == {"GET", "POST"}
    assert {p.resource for p in found} >= {
        "project_timer",
        "project_time_entries",
        "attendances",
        "absences",
        "reports",
        "clients",
        "users",
    }
    # Each page's own route, posts included: withdrawing one's request asks what DELETE does.
    assert Page("POST", "/absences/{absence_id:int}/withdraw", "absences", "write") in found


async def test_every_page_opens_exactly_where_the_role_reaches_its_permission(
    world: World, database: Database
) -> None:
    found = pages(world.app)
    refused = 0
    for name in ("ada", *PEOPLE):
        role = ROLE_OF[name].value
        signed = await _sign_in(database, world, name)
        async with _browser(world.app, signed.cookie) as tab:
            for page in found:
                data = {CSRF_FIELD: signed.csrf} if page.method == "POST" else None
                response = await tab.request(page.method, page.probe, data=data)
                reach = REACH.get((page.resource, page.action), {}).get(role, 0)
                context = (name, page, response.status_code, response.text[:300])
                if reach == 0:
                    refused += 1
                    assert response.status_code == 403, context
                    assert _refusal_code(response) in _REFUSED, context
                else:
                    assert _refusal_code(response) not in _REFUSED, context
                    assert response.status_code < 500, context
    assert refused > 20  # the pages some roles may not open (admin sections, reports) are here


async def test_without_a_session_every_page_sends_the_person_to_sign_in(world: World) -> None:
    async with _browser(world.app) as tab:
        for page in pages(world.app):
            response = await tab.request(page.method, page.probe, data={})
            assert response.status_code == 303, (page, response.text[:300])
            assert response.headers["location"].startswith(f"{PREFIX}/signin"), page


async def test_a_post_without_the_sessions_csrf_token_is_refused_on_every_page(
    world: World, database: Database
) -> None:
    signed = await _sign_in(database, world, "ada")
    async with _browser(world.app, signed.cookie) as tab:
        for page in pages(world.app):
            if page.method != "POST":
                continue
            for sent in ({}, {CSRF_FIELD: "not-the-token"}):
                response = await tab.post(page.probe, data=sent)
                assert response.status_code == 403, (page, sent, response.text[:300])
                assert _refusal_code(response) == 10061, (page, sent)
