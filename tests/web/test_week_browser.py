"""The week page in a real browser, on each database: booking by keyboard alone persists what
the API then lists, a change that lost a race is shown instead of overwriting, another
person's entry cannot be opened by URL, and the page is accessible and fits a phone, with data
and empty."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from browser import watched_tab

from .conftest import CLIENT, PROJECTS, TASK, Site, screenshot, sign_in
from .test_browser import assert_accessible

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page


async def _entries(site: Site, user: str) -> list[dict[str, Any]]:
    async with site.api() as api:
        response = await api.get("/project_time_entries", params={"user": user})
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result


async def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


async def _week_total(tab: Page, text: str) -> None:
    await tab.wait_for_function(
        "t => document.getElementById('week-total').textContent === t", arg=text
    )


async def _tab_to_a_cell(tab: Page) -> None:
    for _ in range(60):
        await tab.keyboard.press("Tab")
        if await tab.evaluate("document.activeElement.classList.contains('cell')"):
            return
    raise AssertionError("no grid cell is reachable with Tab")


async def test_a_week_is_booked_by_keyboard_alone_and_equals_what_the_api_lists(
    browser: Browser, site: Site
) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, "alice")
        await tab.goto(f"{site.url}/app/week")
        assert "No entries this week." in await tab.locator("main").inner_text()
        await assert_accessible(tab)
        await screenshot(tab, site, "week-empty")
        # A row by the pickers, typed and sent with Enter.
        await tab.get_by_label("Client").fill(CLIENT)
        await tab.get_by_label("Project").fill(PROJECTS[0])
        await tab.get_by_label("Task (optional)").fill(TASK)
        await tab.get_by_label("Task (optional)").press("Enter")
        await tab.wait_for_selector("input.cell")
        # From the top of the page: Tab to the first cell, type, Enter.
        await tab.locator("body").focus()
        await tab.evaluate("document.activeElement.blur()")
        await _tab_to_a_cell(tab)
        first = tab.locator("input.cell").first
        assert await first.evaluate("e => e === document.activeElement")
        await tab.keyboard.type("1:30")
        await tab.keyboard.press("Enter")
        await _week_total(tab, "1:30")
        assert await first.input_value() == "1:30"
        # Enter moved on; the next day's cell, typed as decimal hours and left with Tab.
        second = tab.locator("input.cell").nth(1)
        await second.fill("2,25")
        await second.press("Tab")
        await _week_total(tab, "3:45")
        assert await second.input_value() == "2:15"
        entries = await _entries(site, "alice")
        cells = [await first.input_value(), await second.input_value()]
        assert sorted(e["workedMinutes"] for e in entries) == [
            await _minutes(cell) for cell in cells
        ]
        await tab.reload()  # and it stays
        assert await tab.locator("input.cell").first.input_value() == "1:30"
        await assert_accessible(tab)
        await screenshot(tab, site, "week")
        await tab.set_viewport_size({"width": 360, "height": 800})
        assert await tab.evaluate("document.documentElement.scrollWidth") <= 360
        visible = await tab.locator("input.cell:visible").count()
        assert visible == 1  # the day picked, not seven columns
        await tab.set_viewport_size({"width": 1280, "height": 800})


async def test_a_change_that_lost_a_race_shows_both_versions(browser: Browser, site: Site) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, "bert")
        await tab.goto(f"{site.url}/app/week")
        day = await tab.locator(".day-picker a[aria-current]").get_attribute("href")
        assert day is not None
        date = day.rsplit("=", 1)[1]
        async with site.api() as api:
            body = {
                "user": "bert",
                "clientName": CLIENT,
                "projectName": PROJECTS[1],
                "from": f"{date}T09:00:00Z",
                "workedMinutes": 60,
                "details": "erste",
            }
            created = await api.post("/project_time_entries", json=body)
            assert created.status_code == 201, created.text
            entry = created.json()
            await tab.reload()
            # The grid: the cell's entry changes between page load and save.
            changed = await api.put(
                f"/project_time_entries/{entry['id']}", json={"workedMinutes": 45}
            )
            assert changed.status_code == 200
            cell = tab.locator("td.chosen input.cell").first
            await cell.fill("2:00")
            await cell.press("Tab")
            message = tab.locator(f"#{await cell.get_attribute('id')}-msg")
            await message.get_by_text("Jetzt gespeichert: 0:45.").wait_for()
            assert "inzwischen geändert" in await message.inner_text()
            await message.get_by_role("button", name="Gespeicherten Wert übernehmen").click()
            assert await cell.input_value() == "0:45"
            # The day's list: the note changes between page load and save.
            await tab.reload()
            shown_at = tab.url
            # Edit brings the entry's form in place of its line (week.js), staying on the page.
            await tab.locator(f"#entry-{entry['id']} a.entry-edit").click()
            await tab.get_by_label("Notiz").wait_for()
            assert tab.url == shown_at
            changed = await api.put(
                f"/project_time_entries/{entry['id']}", json={"details": "deren"}
            )
            assert changed.status_code == 200
            await tab.get_by_label("Notiz").fill("meine")
            await tab.get_by_role("button", name="Eintrag speichern").click()
            conflict = tab.locator(".conflict")
            await conflict.wait_for()
            text = await conflict.inner_text()
            assert "meine" in text and "deren" in text
            await assert_accessible(tab)
            await screenshot(tab, site, "week-conflict")
            await conflict.get_by_role("button", name="Meine behalten").click()
            await tab.wait_for_url("**done=entry**")
            after = (await api.get(f"/project_time_entries/{entry['id']}")).json()
    assert (after["details"], after["workedMinutes"]) == ("meine", 45)


async def test_another_persons_entry_cannot_be_opened_by_url(browser: Browser, site: Site) -> None:
    async with site.api() as api:
        body = {
            "user": "bert",
            "clientName": CLIENT,
            "projectName": PROJECTS[0],
            "from": "2025-09-29T09:00:00Z",
            "workedMinutes": 30,
        }
        created = await api.post("/project_time_entries", json=body)
        assert created.status_code == 201, created.text
        theirs = created.json()["id"]
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, "alice")
        other = await tab.goto(f"{site.url}/app/week/entries/{theirs}")
        other_text = await tab.locator("main").inner_text()
        missing = await tab.goto(f"{site.url}/app/week/entries/{theirs + 10000}")
        missing_text = await tab.locator("main").inner_text()
    assert other is not None and missing is not None
    assert other.status == missing.status == 404
    assert other_text.replace(str(theirs), "N") == missing_text.replace(str(theirs + 10000), "N")
