"""People of each role signed in to the web app in process, and a form read as a browser
would send it (for the admin pages' tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser

import httpx
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.policy import Role

from .conftest import PASSWORD, csrf_of

ROOT = "http://testserver"
# One person of each role; the flags their user is created with.
ROLES: dict[Role, dict[str, bool]] = {
    Role.ADMIN: {"admin": True},
    Role.TEAM_LEAD: {"teamLead": True},
    Role.USER: {},
    Role.EXTERNAL: {"external": True},
}


def username_of(role: Role) -> str:
    return f"the-{role.value.lower()}"


async def add_people(app: FastAPI, account: Credentials) -> None:
    async with client(app, account) as api:
        for role, flags in ROLES.items():
            name = username_of(role)
            body = {
                "username": name,
                "firstName": role.value.title(),
                "lastName": "Example",
                "email": f"{name}@example.com",
                "password": PASSWORD,
                **flags,
            }
            assert (await api.post("/users", json=body)).status_code == 201


@asynccontextmanager
async def signed_in(
    app: FastAPI, account: Credentials, role: Role
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-like client signed in through the sign-in page."""
    async with client(app, base_url=ROOT) as browser:
        form = await browser.get("/app/signin")
        fields = {
            "csrf": csrf_of(form.text),
            "account": account.account.slug,
            "username": username_of(role),
            "password": PASSWORD,
            "next": "/app/",
        }
        signed = await browser.post("/app/signin", data=fields)
        assert signed.status_code == 303, signed.text
        yield browser


class _Form(HTMLParser):
    """The fields of the page's form that posts to ``action``, as a browser sends them."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside = action, False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.inside = found.get("action") == self.action
        elif tag == "input" and self.inside and found.get("name"):
            name = str(found["name"])
            if found.get("type") == "checkbox":
                if "checked" in found:
                    self.fields[name] = "on"
            else:
                self.fields[name] = found.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> dict[str, str]:
    parser = _Form(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields
