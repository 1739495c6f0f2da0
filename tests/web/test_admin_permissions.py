"""Who may open which admin page, generated from the policy's table (as
tests/test_permissions_matrix.py walks the API): a role that may not change a resource gets a
403 page for each of its admin pages (and its posts change nothing), and the header shows
"Admin" exactly to the roles that may manage one of them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.policy import POLICY, Action, Reach, Role
from timetrack.web import guard
from timetrack.web.admin_table import ACCOUNT_PERMISSION, OWN_PAGES, SECTIONS, OwnPage, Section

from .admin_people import ROLES, add_people, signed_in


def _manages(role: Role, section: Section | OwnPage) -> bool:
    return POLICY[role][section.resource][Action.WRITE] is not Reach.NONE


def _manages_account(role: Role) -> bool:
    resource, action = ACCOUNT_PERMISSION
    return POLICY[role][resource][action] is Reach.ALL


CASES = [(role, section) for role in ROLES for section in SECTIONS]
# Every entry of the admin pages' sub-navigation: the sections and the pages of their own.
PAGES: tuple[Section | OwnPage, ...] = (*SECTIONS, *OWN_PAGES)


@pytest.fixture
async def people(app: FastAPI, account: Credentials) -> AsyncIterator[int]:
    """The four people, and a client (id) to open and delete."""
    await add_people(app, account)
    async with client(app, account) as api:
        created = await api.post("/clients", json={"name": "Acme"})
        yield int(created.json()["id"])


def test_the_admin_navigation_covers_every_section() -> None:
    (item,) = [item for item in guard.NAV if item.path == "/app/admin"]
    assert isinstance(item, guard.NavAny)
    managed = {page.resource for page in PAGES}
    assert {item.resource, *item.others} == managed


@pytest.mark.parametrize("role", list(ROLES), ids=str)
async def test_each_role_sees_the_admin_entry_and_sections_its_policy_allows(
    app: FastAPI, account: Credentials, people: int, role: Role
) -> None:
    async with signed_in(app, account, role) as browser:
        start = await browser.get("/app/timer")
        manages = [s for s in PAGES if _manages(role, s)]
        assert ('href="/app/admin"' in start.text) == bool(manages or _manages_account(role))
        index = await browser.get("/app/admin")
        assert index.status_code == (200 if manages or _manages_account(role) else 403)
        for section in PAGES:
            assert (f'href="/app/admin/{section.slug}"' in index.text) == _manages(role, section)
        account_page = await browser.get("/app/admin/account")
        assert account_page.status_code == (200 if _manages_account(role) else 403)


@pytest.mark.parametrize(("role", "section"), CASES, ids=lambda c: str(getattr(c, "slug", c)))
async def test_every_admin_page_of_a_section_answers_as_the_policy_says(
    app: FastAPI, account: Credentials, people: int, role: Role, section: Section
) -> None:
    expected = 200 if _manages(role, section) else 403
    async with signed_in(app, account, role) as browser:
        for path in (f"/app/admin/{section.slug}", f"/app/admin/{section.slug}/new"):
            response = await browser.get(path)
            assert response.status_code == expected, path
            assert response.headers["content-type"].startswith("text/html")
        if expected == 403:
            assert "Your role does not allow this." in response.text
            await _refused_writes(browser, section, people)


async def _refused_writes(browser: httpx.AsyncClient, section: Section, record_id: int) -> None:
    """Each post of the section's pages is refused before anything is read or written."""
    page = await browser.get("/app/timer")
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    for path in (
        f"/app/admin/{section.slug}/new",
        f"/app/admin/{section.slug}/{record_id}",
        f"/app/admin/{section.slug}/{record_id}/delete",
    ):
        response = await browser.post(path, data={"csrf": token, "name": "Mine"})
        assert response.status_code == 403, path
