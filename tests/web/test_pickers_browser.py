"""The pickers of the timer and the week page (pickers.js): their suggestions come from
``/app/catalogue`` when one is first focused, and the project picker follows the client typed:
a known client narrows the project suggestions to its own, anything else offers them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser import watched_tab

from .conftest import CLIENT, PROJECTS, Site, sign_in

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

OTHER, ELSEWHERE = "Other Ltd", "Elsewhere"


async def _offered(tab: Page, datalist: str) -> list[str]:
    values: list[str] = await tab.locator(f"#{datalist} option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    return sorted(values)


async def test_the_project_pickers_follow_the_client_typed(browser: Browser, site: Site) -> None:
    async with site.api() as api:
        assert (await api.post("/clients", json={"name": OTHER})).status_code == 201
        body = {"clientName": OTHER, "projectName": ELSEWHERE}
        assert (await api.post("/projects", json=body)).status_code == 201
    everything = sorted([*PROJECTS, ELSEWHERE])
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, "alice")
        for page, client, projects in (
            ("timer", "#client", "projects"),
            ("week", "#add-client", "week-projects"),
        ):
            await tab.goto(f"{site.url}/app/{page}")
            assert await _offered(tab, projects) == [], page  # not in the page itself
            await tab.locator(client).focus()
            await tab.wait_for_function(
                "([id, n]) => document.querySelectorAll(`#${id} option`).length === n",
                arg=[projects, len(everything)],
            )
            assert await _offered(tab, projects) == everything, page
            await tab.locator(client).fill(CLIENT)
            assert await _offered(tab, projects) == sorted(PROJECTS), page
            await tab.locator(client).fill(OTHER.lower())  # as typed, in any case
            assert await _offered(tab, projects) == [ELSEWHERE], page
            await tab.locator(client).fill("Oth")  # not a client yet: every project
            assert await _offered(tab, projects) == everything, page
