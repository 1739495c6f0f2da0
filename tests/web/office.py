"""An office for the people pages' tests in process: a lead (lee) leading mia, uma outside any
team and an admin (ada), each signed in through the sign-in page as a browser would be."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials

from .conftest import PASSWORD, csrf_of

ROOT = "http://testserver"
APPROVED, REJECTED = 1, 2
VACATION = 1  # the first of the types every account starts with
Signed = dict[str, httpx.AsyncClient]  # browser-like clients by username


@dataclass
class Office:
    """An account with a lead (lee) leading mia, uma outside any team, and an admin (ada)."""

    app: FastAPI
    account: Credentials
    ids: dict[str, int]

    def api(self) -> httpx.AsyncClient:
        return client(self.app, self.account)


async def open_office(app: FastAPI, account: Credentials) -> Office:
    ids = {}
    async with client(app, account) as api:
        for name, lead in (("lee", True), ("mia", False), ("uma", False), ("ada", False)):
            body = {
                "username": name,
                "firstName": name.title(),
                "lastName": "Example",
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "teamLead": lead,
                "admin": name == "ada",
            }
            response = await api.post("/users", json=body)
            assert response.status_code == 201, response.text
            ids[name] = response.json()["id"]
        team = {"name": "Support", "leads": ["lee"], "members": ["mia"]}
        assert (await api.post("/teams", json=team)).status_code == 201
    return Office(app, account, ids)


@asynccontextmanager
async def signed_clients() -> AsyncIterator[Signed]:
    """The clients :func:`sign_in` opens, closed afterwards."""
    clients: Signed = {}
    try:
        yield clients
    finally:
        for browser in clients.values():
            await browser.aclose()


async def sign_in(office: Office, signed: Signed, name: str, page: str = "/app/absences") -> str:
    """Sign ``name`` in; the CSRF token the pages carry."""
    browser = client(office.app, base_url=ROOT)
    signed[name] = browser
    form = await browser.get("/app/signin")
    fields = {
        "csrf": csrf_of(form.text),
        "account": office.account.account.slug,
        "username": name,
        "password": PASSWORD,
        "next": page,
    }
    assert (await browser.post("/app/signin", data=fields)).status_code == 303
    return csrf_of((await browser.get(page)).text)


def error_of(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert found is not None, html
    return found.group(1)
