"""The reports page in a real browser, on each database: the totals a person reads equal
``GET /reports/summary`` for the same filters, a user sees only their own time, the download
links answer files, the charts' text stays readable on a phone, and the page passes axe-core
with data and empty, at 1280 and 360 px."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest
from browser import watched_tab

from .conftest import CLIENT, PASSWORD, PROJECTS, TASK, Site, screenshot, sign_in
from .test_browser import assert_accessible

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

ADMIN = "erik"
FROM, TO = "2026-04-01", "2026-04-30"
# (user, project, day, minutes, billable)
ENTRIES = [
    ("alice", PROJECTS[0], "2026-04-01", 90, True),
    ("alice", PROJECTS[1], "2026-04-14", 45, False),
    ("bert", PROJECTS[0], "2026-04-02", 240, True),
    ("erik", PROJECTS[1], "2026-04-20", 30, True),
    ("bert", PROJECTS[0], "2026-05-02", 60, True),  # after the period
]


@pytest.fixture(scope="module")
async def booked(site: Site) -> AsyncIterator[Site]:
    """The site with an admin and April's entries."""
    async with site.api() as api:
        body = {
            "username": ADMIN,
            "firstName": "Erik",
            "lastName": "Example",
            "email": "erik@example.com",
            "password": PASSWORD,
            "language": "en",
            "admin": True,
        }
        assert (await api.post("/users", json=body)).status_code == 201
        for user, project, day, minutes, billable in ENTRIES:
            entry = {
                "user": user,
                "clientName": CLIENT,
                "projectName": project,
                "task": TASK,
                "from": f"{day}T09:00:00.000Z",
                "workedMinutes": minutes,
                "billable": billable,
                "hourRate": 60,
            }
            assert (await api.post("/project_time_entries", json=entry)).status_code == 201
    yield site


async def _api_summary(site: Site, **params: str) -> dict[str, Any]:
    async with site.api() as api:
        response = await api.get("/reports/summary", params={"from": FROM, "to": TO, **params})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _hm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


async def _choose(tab: Page, group_by: str) -> None:
    """The keyboard's way through the form: choose, type, send with Enter."""
    await tab.get_by_label("Period", exact=True).select_option("custom")
    await tab.get_by_label("From").fill(FROM)
    await tab.get_by_label("To", exact=True).fill(TO)
    await tab.get_by_label("Group by").select_option(label=group_by)
    await tab.get_by_role("button", name="Show report").click()
    await tab.wait_for_load_state()


async def _table(tab: Page) -> tuple[list[tuple[str, str]], list[str]]:
    """The table's rows (name, worked) and its totals row's cells."""
    rows = []
    for row in await tab.locator(".report-table tbody tr").all():
        name = await row.locator("th").inner_text()
        rows.append((name, await row.locator("td").first.inner_text()))
    totals = await tab.locator(".report-table tfoot td").all_inner_texts()
    return rows, totals


async def test_the_totals_a_person_reads_equal_the_api_summary(
    browser: Browser, booked: Site
) -> None:
    async with watched_tab(browser, booked.url) as (tab, _):
        await sign_in(tab, booked, ADMIN)
        await tab.get_by_role("link", name="Reports").click()
        for group_by, grouping in (("Project", "project"), ("User", "user")):
            await _choose(tab, group_by)
            api = await _api_summary(booked, groupBy=grouping)
            rows, totals = await _table(tab)
            assert rows == [(g["name"], _hm(g["workedMinutes"])) for g in api["groups"]]
            worked, billable = api["totals"]["workedMinutes"], api["totals"]["billableMinutes"]
            assert totals == [_hm(worked), _hm(billable), f"€{api['totals']['amount']:,.2f}"]
        assert (worked, billable) == (405, 360)
        await assert_accessible(tab)
        await screenshot(tab, booked, "reports")
        await tab.set_viewport_size({"width": 360, "height": 800})
        assert await tab.evaluate("document.documentElement.scrollWidth") <= 360


async def test_a_user_sees_only_their_own_time(browser: Browser, booked: Site) -> None:
    async with watched_tab(browser, booked.url) as (tab, _):
        await sign_in(tab, booked, "alice")
        await tab.goto(f"{booked.url}/app/reports")
        await tab.get_by_text("Filters and rounding").click()
        people = await tab.get_by_label("User", exact=True).locator("option").all_inner_texts()
        assert people[1:] == ["alice"]  # after "everybody you may see": herself only
        await _choose(tab, "User")
        rows, totals = await _table(tab)
        own = await _api_summary(booked, groupBy="user", username="alice")
        assert rows == [("alice", _hm(135))]
        assert totals == [_hm(own["totals"]["workedMinutes"]), _hm(90)]  # no amounts shown


async def test_the_download_links_answer_the_report_as_files(
    browser: Browser, booked: Site
) -> None:
    types = {
        "CSV": "text/csv",
        "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "PDF": "application/pdf",
    }
    async with watched_tab(browser, booked.url) as (tab, _):
        await sign_in(tab, booked, ADMIN)
        await tab.goto(f"{booked.url}/app/reports")
        await _choose(tab, "Client")
        for kind, media_type in types.items():
            link = tab.get_by_role("link", name=f"Download as {kind}")
            href = await link.get_attribute("href")
            assert href is not None and f"from={FROM}" in href
            # The tab's own cookies: what a click on the link sends.
            response = await tab.context.request.get(f"{booked.url}{href}")
            assert response.status == 200, await response.text()
            assert response.headers["content-type"].startswith(media_type)
            disposition = response.headers["content-disposition"]
            assert disposition.startswith("attachment") and f".{kind.lower()}" in disposition


async def test_an_empty_period_says_what_to_do_in_german(browser: Browser, booked: Site) -> None:
    async with watched_tab(browser, booked.url) as (tab, _):
        await sign_in(tab, booked, "bert")
        await tab.goto(f"{booked.url}/app/reports?period=custom&from=2020-01-01&to=2020-01-31")
        assert "keine Zeit gebucht" in await tab.locator(".report .empty").inner_text()
        await assert_accessible(tab)
        await screenshot(tab, booked, "reports-empty")
        await tab.goto(f"{booked.url}/app/reports?period=custom&from=2026-04-30&to=2026-04-01")
        assert "vor seinem Anfang" in await tab.locator("#to-error").inner_text()
        await assert_accessible(tab)
        await screenshot(tab, booked, "reports-error")


# Every chart text as drawn: its font size times the scale the SVG is drawn at, and its box.
_CHART_TEXTS = """() => [...document.querySelectorAll('.report-chart svg text')]
  .filter(t => getComputedStyle(t).display !== 'none')
  .map(t => {
    const box = t.getBoundingClientRect();
    return {
      cls: t.getAttribute('class') || '',
      px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
      left: box.left, right: box.right,
    };
  })"""
_BOX = "e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; }"
# (from, to, bars): a month's days, and a year's weeks
CHART_PERIODS = [(FROM, TO, 30), ("2026-01-01", "2026-12-31", 53)]


async def _book_long_project_names(site: Site) -> None:
    """Nine projects with long names, in June 2025 (outside every other test's period): a
    donut of the largest seven and "Others", with legend rows that must wrap on a phone."""
    async with site.api() as api:
        for n in range(9):
            name = f"Customer portal redesign, phase {n + 1} (accessibility audit)"
            body = {"clientName": CLIENT, "projectName": name}
            assert (await api.post("/projects", json=body)).status_code == 201
            entry = {
                "user": "alice",
                "clientName": CLIENT,
                "projectName": name,
                "from": f"2025-06-{n + 2:02d}T09:00:00.000Z",
                "workedMinutes": 30 * (n + 1),
            }
            assert (await api.post("/project_time_entries", json=entry)).status_code == 201


async def test_the_charts_stay_readable_on_a_phone_and_a_desktop(
    browser: Browser, booked: Site
) -> None:
    """At 360 and 1280 px: every chart text is drawn at 11 CSS px or more, the labels shown
    under the bars do not overlap, the page does not scroll sideways, and the donut's legend
    sits under the ring on the phone and beside it on the desktop."""
    await _book_long_project_names(booked)
    periods = [*CHART_PERIODS, ("2025-06-01", "2025-06-30", 30)]
    async with watched_tab(browser, booked.url) as (tab, _):
        await sign_in(tab, booked, ADMIN)
        for first, last, count in periods:
            query = f"period=custom&from={first}&to={last}&groupBy=project"
            await tab.goto(f"{booked.url}/app/reports?{query}")
            assert await tab.locator(".chart-bars .bar").count() == count
            for width in (360, 1280):
                await tab.set_viewport_size({"width": width, "height": 800})
                texts = await tab.evaluate(_CHART_TEXTS)
                assert min(t["px"] for t in texts) >= 11, (width, first)
                labels = sorted((t["left"], t["right"]) for t in texts if "label" in t["cls"])
                assert len(labels) >= 3
                assert all(a[1] <= b[0] for a, b in itertools.pairwise(labels)), (width, labels)
                assert await tab.evaluate("document.documentElement.scrollWidth") <= width
                ring = await tab.locator(".chart-ring").evaluate(_BOX)
                legend = await tab.locator(".chart-legend").evaluate(_BOX)
                if width == 360:
                    assert legend[1] >= ring[3]  # under the ring
                else:
                    assert legend[0] >= ring[2] and legend[1] < ring[3]  # beside it
                await assert_accessible(tab)
            await screenshot(tab, booked, f"reports-charts-{first}")
