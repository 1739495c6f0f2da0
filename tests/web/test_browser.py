"""The web app in a real browser, on each database: signing in and out, the language of the
person, the timer from start to a booked entry, and on every page no serious or critical
accessibility violation (axe-core) and a screenshot at desktop and phone width."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from browser import watched_tab

from .conftest import CLIENT, PROJECTS, TASK, Site, screenshot, sign_in

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page


async def assert_accessible(tab: Page) -> None:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(tab)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad


async def test_a_person_signs_in_with_errors_shown_and_signs_out(
    browser: Browser, site: Site
) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await tab.goto(f"{site.url}/app/timer")
        assert tab.url.endswith("/app/signin?next=/app/timer")
        await assert_accessible(tab)
        await screenshot(tab, site, "signin")
        await sign_in(tab, site, "alice", "not the password")
        summary = tab.locator(".summary")
        assert "The account, username or password is wrong." in await summary.inner_text()
        await assert_accessible(tab)
        await screenshot(tab, site, "signin-error")
        await sign_in(tab, site, "alice")
        assert tab.url == f"{site.url}/app/timer"
        assert await tab.locator("h1").inner_text() == "Timer"
        await tab.get_by_role("button", name="Sign out").click()
        await tab.wait_for_url(f"{site.url}/app/signin")
        await tab.goto(f"{site.url}/app/timer")
        assert "/app/signin" in tab.url  # the session has ended


async def test_each_person_reads_the_pages_in_their_language(browser: Browser, site: Site) -> None:
    expected = {
        "alice": ("en", "Sign out", "Client", "Start"),
        "bert": ("de", "Abmelden", "Kunde", "Starten"),
    }
    for username, (lang, sign_out, client, start) in expected.items():
        async with watched_tab(browser, site.url) as (tab, _):
            await sign_in(tab, site, username)
            assert await tab.locator("html").get_attribute("lang") == lang
            assert await tab.get_by_role("button", name=sign_out).count() == 1
            assert await tab.get_by_label(client).count() == 1
            assert await tab.get_by_role("button", name=start).count() == 1


async def test_a_timer_started_paused_resumed_and_stopped_books_one_entry(
    browser: Browser, site: Site
) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, "alice")
        await assert_accessible(tab)
        await screenshot(tab, site, "timer-stopped")
        # The keyboard path: type into the pickers, Enter sends the form.
        await tab.get_by_label("Client").fill(CLIENT)
        await tab.get_by_label("Project").fill(PROJECTS[1])
        await tab.get_by_label("Task (optional)").fill(TASK)
        await tab.get_by_label("Task (optional)").press("Enter")
        await tab.wait_for_url("**/app/timer?done=start")
        assert await tab.get_by_role("status").inner_text() == "Timer started."
        clock = tab.locator("#clock")
        before = await clock.bounding_box()
        first = await clock.inner_text()
        await tab.wait_for_function(
            "t => document.getElementById('clock').textContent !== t", arg=first
        )
        assert await clock.bounding_box() == before  # ticking moves nothing
        # Two hours worked, then a pause of half an hour.
        await site.shift_timer("alice", timedelta(hours=2), timedelta(hours=2))
        await tab.get_by_role("button", name="Pause").click()
        await tab.wait_for_url("**/app/timer?done=pause")
        await site.shift_timer("alice", timedelta(minutes=30), timedelta(minutes=30))
        await tab.get_by_role("button", name="Resume").click()
        await tab.wait_for_url("**/app/timer?done=resume")
        await tab.get_by_role("button", name="Stop").click()
        await tab.wait_for_url("**/app/timer?done=stop")
        assert await tab.get_by_role("status").inner_text() == "Timer stopped; the time is booked."
    async with site.api() as api:
        response = await api.get("/project_time_entries", params={"user": "alice"})
        entries = response.json()
    assert len(entries) == 1, entries
    (entry,) = entries
    assert (entry["projectName"], entry["task"]) == (PROJECTS[1], TASK)
    assert (entry["workedMinutes"], entry["breakMinutes"]) == (120, 30), entry


async def test_a_timer_running_too_long_warns_on_a_page_fit_for_phones(
    browser: Browser, site: Site
) -> None:
    async with watched_tab(browser, site.url) as (tab, _):
        await sign_in(tab, site, "bert")
        await tab.get_by_label("Kunde").fill(CLIENT)
        await tab.get_by_label("Projekt").fill(PROJECTS[0])
        await tab.get_by_role("button", name="Starten").click()
        await tab.wait_for_url("**/app/timer?done=start")
        assert await tab.locator("#overdue").is_hidden()
        await site.shift_timer("bert", timedelta(hours=11), timedelta(hours=11))
        await tab.goto(f"{site.url}/app/timer")
        warning = tab.get_by_role("alert")
        assert "vor mehr als 10 Stunden" in await warning.inner_text()
        await assert_accessible(tab)
        await screenshot(tab, site, "timer-running")
        await tab.set_viewport_size({"width": 360, "height": 800})
        scroll_width = await tab.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 360  # nothing wider than a phone
        await tab.get_by_role("button", name="Stoppen").click()
        await tab.wait_for_url("**/app/timer?done=stop")
