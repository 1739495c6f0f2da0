"""The working-time models' admin page in a real browser, on each database: an admin picks a
person and creates a model by keyboard, and ``/users/{id}/working_time_models`` answers it; the
list (empty and with the model) and the form (also with an error) pass axe-core, fit a phone's
width and are photographed at 1280 and 360 px."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser import watched_tab

from .conftest import PASSWORD, Site, screenshot, sign_in
from .test_admin_browser import _fits_a_phone
from .test_browser import assert_accessible

if TYPE_CHECKING:
    from playwright.async_api import Browser

ADMIN = "grace"
PERSON = "alice"


@pytest.fixture(scope="module")
async def admin(site: Site) -> str:
    async with site.api() as api:
        body = {
            "username": ADMIN,
            "firstName": "Grace",
            "lastName": "Example",
            "email": "grace@example.com",
            "password": PASSWORD,
            "admin": True,
        }
        assert (await api.post("/users", json=body)).status_code == 201
    return ADMIN


async def test_an_admin_creates_a_working_time_model_by_keyboard_and_the_api_answers_it(
    browser: Browser, site: Site, admin: str
) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, admin)
        await tab.get_by_role("link", name="Admin", exact=True).click()
        await tab.get_by_role("link", name="Working-time models", exact=True).first.click()
        await tab.wait_for_url("**/app/admin/working_time_models")
        await tab.get_by_label("Username contains").fill(PERSON)
        await tab.get_by_label("Username contains").press("Enter")
        await tab.wait_for_url("**/app/admin/working_time_models?q=alice*")
        await assert_accessible(tab)
        await screenshot(tab, site, "admin-wtm-people")
        await tab.get_by_role("link", name=PERSON, exact=True).focus()
        await tab.keyboard.press("Enter")
        await tab.wait_for_url(f"**/app/admin/working_time_models/{site.user_ids[PERSON]}")
        assert "has no working-time model yet" in await tab.locator("main").inner_text()
        await assert_accessible(tab)
        await _fits_a_phone(tab)
        await screenshot(tab, site, "admin-wtm-empty")
        await tab.get_by_role("link", name="New working-time model").focus()
        await tab.keyboard.press("Enter")
        await tab.wait_for_url("**/new")
        await assert_accessible(tab)
        await _fits_a_phone(tab)
        await screenshot(tab, site, "admin-wtm-new")
        # Typed in order, moving with Tab; an hour the page cannot read first. (The date's
        # day, month and year are tab stops of their own in Chromium: Monday is focused.)
        await tab.get_by_label("Valid from").fill("2026-07-01")
        await tab.get_by_label("Monday").focus()
        for typed in ("7:30", "7,5", "8", "8", "six", "", ""):
            await tab.keyboard.press("Control+A")
            await tab.keyboard.type(typed) if typed else await tab.keyboard.press("Delete")
            await tab.keyboard.press("Tab")
        await tab.keyboard.press("Control+A")
        await tab.keyboard.type("27,5")
        await tab.keyboard.press("Enter")
        await tab.wait_for_load_state()
        error = tab.locator("#fridaySeconds-error")
        assert await error.inner_text() == "Enter hours from 0 to 24, such as 8, 7:30 or 7.5."
        assert await tab.get_by_label("Monday").input_value() == "7:30"
        await assert_accessible(tab)
        await _fits_a_phone(tab)
        await screenshot(tab, site, "admin-wtm-error")
        await tab.get_by_label("Friday").fill("4")
        await tab.get_by_label("Friday").press("Enter")
        await tab.wait_for_url("**/app/admin/working_time_models/*?done=created*")
        status = tab.get_by_role("status").first
        assert await status.inner_text() == "The model valid from 1 Jul 2026 was created."
        await assert_accessible(tab)
        await _fits_a_phone(tab)
        await screenshot(tab, site, "admin-wtm-list")
    async with site.api() as api:
        response = await api.get(f"/users/{site.user_ids[PERSON]}/working_time_models")
    assert response.status_code == 200
    (model,) = response.json()
    assert model["validFrom"] == "2026-07-01"
    week = [model[f"{day}Seconds"] for day in ("monday", "tuesday", "wednesday", "thursday")]
    assert week == [27000, 27000, 28800, 28800]
    assert (model["fridaySeconds"], model["saturdaySeconds"], model["sundaySeconds"]) == (
        14400,
        0,
        0,
    )
    assert model["vacationDaysPerYear"] == 27.5
