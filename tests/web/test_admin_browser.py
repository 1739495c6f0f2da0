"""The admin pages in a real browser, on each database: an admin creates a project by keyboard
and the API lists it; the list, the form (also with an error) and the account's settings pass
axe-core, fit a phone's width and are photographed at 1280 and 360 px."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser import watched_tab

from .conftest import CLIENT, PASSWORD, Site, screenshot, sign_in
from .test_browser import assert_accessible

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

ADMIN = "ada"


@pytest.fixture(scope="module")
async def admin(site: Site) -> str:
    async with site.api() as api:
        body = {
            "username": ADMIN,
            "firstName": "Ada",
            "lastName": "Example",
            "email": "ada@example.com",
            "password": PASSWORD,
            "admin": True,
        }
        assert (await api.post("/users", json=body)).status_code == 201
    return ADMIN


async def _fits_a_phone(tab: Page) -> None:
    await tab.set_viewport_size({"width": 360, "height": 800})
    width = await tab.evaluate("document.documentElement.scrollWidth")
    await tab.set_viewport_size({"width": 1280, "height": 800})
    assert width <= 360, f"the page is {width} px wide at 360 px"


async def test_an_admin_creates_a_project_and_the_api_lists_it(
    browser: Browser, site: Site, admin: str
) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, admin)
        await tab.get_by_role("link", name="Admin", exact=True).click()
        await tab.get_by_role("link", name="Projects", exact=True).first.click()
        await tab.wait_for_url("**/app/admin/projects")
        await assert_accessible(tab)
        await _fits_a_phone(tab)
        await screenshot(tab, site, "admin-projects")
        await tab.get_by_role("link", name="New Project").click()
        await assert_accessible(tab)
        await screenshot(tab, site, "admin-project-new")
        # A refused client first: the error stands at the field, what was typed stays.
        await tab.get_by_label("Project name").fill("Launch")
        await tab.get_by_label("Client").fill("Nobody such")
        await tab.get_by_label("Client").press("Enter")
        await tab.wait_for_load_state()
        error = tab.locator("#clientName-error")
        assert await error.inner_text() == "There is no client of this name."
        assert await tab.get_by_label("Project name").input_value() == "Launch"
        await assert_accessible(tab)
        await _fits_a_phone(tab)
        await screenshot(tab, site, "admin-project-error")
        await tab.get_by_label("Client").fill(CLIENT)
        await tab.get_by_label("Client").press("Enter")
        await tab.wait_for_url("**/app/admin/projects?done=created*")
        assert await tab.get_by_role("status").first.inner_text() == "Launch was created."
    async with site.api() as api:
        listed = (await api.get("/projects", params={"projectName": "Launch"})).json()
    assert [(p["projectName"], p["clientName"]) for p in listed] == [("Launch", CLIENT)]


async def test_the_account_settings_and_an_empty_search_pass_axe(
    browser: Browser, site: Site, admin: str
) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, admin)
        await tab.goto(f"{site.url}/app/admin/clients?q=nothing-like-this")
        assert "Nothing matches this search." in await tab.locator("main").inner_text()
        await assert_accessible(tab)
        await screenshot(tab, site, "admin-clients-empty")
        await tab.goto(f"{site.url}/app/admin/account")
        await assert_accessible(tab)
        await _fits_a_phone(tab)
        await screenshot(tab, site, "admin-account")
