"""A web app on each database for the browser tests: a real server (one per test module) in an
account of its own, with two people (Alice in English, Bert in German), a client with two
projects and a task; and the browser (one per test process, ``tests/browser.py``)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from browser import browser, serving
from conftest import Backend, client, new_account
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.app import create_app
from timetrack.db import Database

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = ["browser"]  # the fixture, for the tests of this folder

PASSWORD = "correct horse"
PEOPLE = {"alice": "en", "bert": "de"}
CLIENT, PROJECTS, TASK = "Acme", ("Website", "Support"), "Design"
SCREENSHOTS = Path(__file__).parents[2] / "screenshots"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Site:
    """The served web app, and the same database's app in process for the API's view."""

    url: str
    app: FastAPI
    account: Credentials
    database: Database
    backend: str
    user_ids: dict[str, int]

    def api(self) -> httpx.AsyncClient:
        return client(self.app, self.account)

    async def shift_timer(self, username: str, started: timedelta, last_event: timedelta) -> None:
        """Move the user's timer's start and last event into the past, as if time had passed."""
        user_id = self.user_ids[username]
        async with self.database.transaction(write=True) as tx:
            row = await tx.fetchrow(
                "SELECT started_at, last_event_at FROM project_timers "
                "WHERE account_id = $1 AND user_id = $2",
                self.account.account.id,
                user_id,
            )
            assert row is not None
            await tx.execute(
                "UPDATE project_timers SET started_at = $3, last_event_at = $4 "
                "WHERE account_id = $1 AND user_id = $2",
                self.account.account.id,
                user_id,
                row["started_at"] - started,
                row["last_event_at"] - last_event,
            )


async def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
async def site(backend: Backend, database: Database, app: FastAPI) -> AsyncIterator[Site]:
    account = await new_account(database)
    user_ids = {}
    async with client(app, account) as api:
        for username, language in PEOPLE.items():
            user = await _ok(
                await api.post(
                    "/users",
                    json={
                        "username": username,
                        "firstName": username.title(),
                        "lastName": "Example",
                        "email": f"{username}@example.com",
                        "password": PASSWORD,
                        "language": language,
                    },
                )
            )
            user_ids[username] = user["id"]
        await _ok(await api.post("/clients", json={"name": CLIENT}))
        for project in PROJECTS:
            body = {"clientName": CLIENT, "projectName": project}
            await _ok(await api.post("/projects", json=body))
        await _ok(await api.post("/tasks", json={"name": TASK}))
    with serving(create_app(backend.settings)) as url:
        yield Site(url, app, account, database, backend.name, user_ids)


async def sign_in(tab: Page, site: Site, username: str, password: str = PASSWORD) -> None:
    """Through the sign-in page, with the keyboard's labels as a person finds them."""
    await tab.goto(f"{site.url}/app/")
    await tab.locator("#account").fill(site.account.account.slug)
    await tab.locator("#username").fill(username)
    await tab.locator("#password").fill(password)
    await tab.locator("#password").press("Enter")
    await tab.wait_for_load_state()


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, html
    return found.group(1)


async def screenshot(tab: Page, site: Site, name: str) -> None:
    """The page at desktop and phone width, under ``screenshots/`` (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1280, 360):
        await tab.set_viewport_size({"width": width, "height": 800})
        path = SCREENSHOTS / f"{name}-{width}-{site.backend}.png"
        await tab.screenshot(path=str(path), full_page=True)
    await tab.set_viewport_size({"width": 1280, "height": 800})
