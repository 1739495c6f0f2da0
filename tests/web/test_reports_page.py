"""The reports page in process: its figures are the API's summary for the same viewer and
filters, wrong filters are answered as the page with each error at its field (never a 500),
an empty period says so, and the download links answer the export to the page's session."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.app import API_PREFIX
from timetrack.web import report_charts, reports
from timetrack.web.report_filters import preset_days

from .conftest import PASSWORD, csrf_of

ROOT = "http://testserver"
APRIL = {"period": "custom", "from": "2026-04-01", "to": "2026-04-30"}
# (user, project, day, minutes, billable, hour rate)
ENTRIES = [
    ("carla", "Website", "2026-04-01", 90, True, 80),
    ("carla", "Support", "2026-04-02", 60, False, 80),
    ("dora", "Website", "2026-04-01", 120, True, 100),
    ("dora", "Website", "2026-05-04", 45, True, 100),  # outside April
]
_LINK = re.compile(r'href="(/api/v2/ext/exports/reports/summary\?[^"]+)"')
_CELL = re.compile(r'<td class="num">([^<]*)</td>')


async def _sign_in(app: FastAPI, account: Credentials, username: str) -> httpx.AsyncClient:
    browser = client(app, base_url=ROOT)
    form = await browser.get("/app/signin")
    fields = {
        "csrf": csrf_of(form.text),
        "account": account.account.slug,
        "username": username,
        "password": PASSWORD,
        "next": "/app/reports",
    }
    assert (await browser.post("/app/signin", data=fields)).status_code == 303
    return browser


@pytest.fixture
async def people(app: FastAPI, account: Credentials) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """Carla (a user) and Dora (an admin) signed in, with their entries of April."""
    async with client(app, account) as api:
        for username, admin in (("carla", False), ("dora", True)):
            body = {
                "username": username,
                "firstName": username.title(),
                "lastName": "Example",
                "email": f"{username}@example.com",
                "password": PASSWORD,
                "admin": admin,
            }
            assert (await api.post("/users", json=body)).status_code == 201
        await api.post("/clients", json={"name": "Acme"})
        for project in ("Website", "Support"):
            await api.post("/projects", json={"clientName": "Acme", "projectName": project})
        for user, project, day, minutes, billable, rate in ENTRIES:
            entry = {
                "user": user,
                "clientName": "Acme",
                "projectName": project,
                "from": f"{day}T09:00:00.000Z",
                "workedMinutes": minutes,
                "billable": billable,
                "hourRate": rate,
                "tags": "#design #web" if minutes == 90 else "",
            }
            assert (await api.post("/project_time_entries", json=entry)).status_code == 201
    signed = {name: await _sign_in(app, account, name) for name in ("carla", "dora")}
    yield signed
    for browser in signed.values():
        await browser.aclose()


def _worked(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


async def test_the_page_shows_the_api_summary_for_the_same_filters(
    people: dict[str, httpx.AsyncClient],
) -> None:
    dora = people["dora"]
    query = {**APRIL, "groupBy": "project", "subGroupBy": "user"}
    page = await dora.get("/app/reports", params=query)
    assert page.status_code == 200, page.text
    params = {k: v for k, v in query.items() if k != "period"}
    api = (await dora.get(f"{API_PREFIX}/reports/summary", params=params)).json()
    totals = api["totals"]
    assert (totals["workedMinutes"], totals["billableMinutes"]) == (270, 210)
    footer = page.text[page.text.index("<tfoot>") :]
    assert _CELL.findall(footer)[:2] == [_worked(270), _worked(210)]
    assert totals["amount"] == 320 and "€320.00" in footer  # 1.5 h x 80 + 2 h x 100, in euros
    body = page.text[page.text.index("<tbody>") : page.text.index("</tbody>")]
    for group in api["groups"]:
        assert f">{group['name']}</th>" in body
        for sub in group["groups"]:
            assert f">{sub['name']}</th>" in body
    assert "<svg" in page.text and 'id="report-bars-title"' in page.text
    assert "<script" not in page.text and " style=" not in page.text  # the strict CSP holds


@pytest.mark.parametrize(
    ("group_by", "sub_group_by"),
    [("project", ""), ("day", ""), ("tag", ""), ("billable", ""), ("user", "project")],
)
async def test_the_charts_add_up_to_the_reports_totals_however_it_is_grouped(
    people: dict[str, httpx.AsyncClient], group_by: str, sub_group_by: str
) -> None:
    query = {**APRIL, "groupBy": group_by, "subGroupBy": sub_group_by}
    page = await people["dora"].get("/app/reports", params=query)
    assert page.status_code == 200, page.text
    bars = re.findall(r'<g class="bar"><title>[^<]*: (\d+):(\d\d)</title>', page.text)
    assert len(bars) == 30  # every day of April, empty ones too
    assert sum(int(h) * 60 + int(m) for h, m in bars) == 270  # a two-tag entry counts once
    slices = re.findall(r'<circle class="slice"[^>]*><title>([^<]*): (\d+:\d\d) ', page.text)
    assert slices == [("Website", "3:30"), ("Support", "1:00")]


async def test_a_user_sees_only_their_own_time_and_no_amounts(
    people: dict[str, httpx.AsyncClient],
) -> None:
    carla = people["carla"]
    page = await carla.get("/app/reports", params={**APRIL, "groupBy": "user"})
    assert page.status_code == 200, page.text
    footer = page.text[page.text.index("<tfoot>") :]
    assert _CELL.findall(footer) == [_worked(150), _worked(90)]  # no amount column
    assert ">dora<" not in page.text  # neither in the table nor in the people to choose
    assert '<option value="carla"' in page.text
    refused = await carla.get("/app/reports", params={**APRIL, "username": "dora"})
    assert refused.status_code == 400
    assert "There is nobody of this name whose time you may see." in refused.text


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"from": "2026-04-30", "to": "2026-04-01"}, "to", "The end of the period is before"),
        ({"groupBy": "weather"}, "groupBy", "Choose a grouping from the list."),
        ({"groupBy": "user", "subGroupBy": "user"}, "subGroupBy", "Choose a sub-grouping"),
        ({"from": "April"}, "from", "Enter a date as YYYY-MM-DD"),
        ({"rounding": "up", "roundingMinutes": "0"}, "roundingMinutes", "Check this field."),
        ({"rounding": "sideways"}, "rounding", "Choose a rounding from the list."),
        ({"tag": "two tags"}, "tag", "Check this field."),
        ({"projectId": "x"}, "projectId", "Check this field."),
    ],
)
async def test_wrong_filters_are_shown_at_their_field_not_as_a_failure(
    people: dict[str, httpx.AsyncClient], query: dict[str, str], field: str, words: str
) -> None:
    page = await people["dora"].get("/app/reports", params={**APRIL, **query})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    error = re.search(rf'<p class="error" id="{field}-error">([^<]+)</p>', page.text)
    assert error is not None, page.text
    assert html.unescape(error.group(1)).startswith(words)
    assert f'<a href="#{field}">' in page.text  # the summary at the top leads to the field
    assert "<tfoot>" not in page.text


async def test_a_period_without_time_says_so_and_how_to_change_it(
    people: dict[str, httpx.AsyncClient],
) -> None:
    page = await people["dora"].get(
        "/app/reports", params={"period": "custom", "from": "2020-01-01", "to": "2020-01-31"}
    )
    assert page.status_code == 200
    assert "No time is booked in this period with these filters." in page.text
    assert "<table" not in page.text and "Download as" not in page.text


async def test_the_download_links_answer_the_files_to_the_session(
    people: dict[str, httpx.AsyncClient],
) -> None:
    dora = people["dora"]
    page = await dora.get("/app/reports", params={**APRIL, "groupBy": "client"})
    links = [html.unescape(link) for link in _LINK.findall(page.text)]
    assert len(links) == 3
    kinds = {
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }
    for link in links:
        assert "from=2026-04-01" in link and "groupBy=client" in link
        kind = link.rsplit("format=", 1)[1]
        response = await dora.get(link)  # the cookie alone: a GET needs no CSRF token
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(kinds[kind])
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment") and f".{kind}" in disposition


def test_the_presets_are_the_weeks_and_months_around_today() -> None:
    today = date(2026, 3, 4)  # a Wednesday
    assert preset_days("this-week", today, 0) == (date(2026, 3, 2), date(2026, 3, 8))
    assert preset_days("last-week", today, 6) == (date(2026, 2, 22), date(2026, 2, 28))
    assert preset_days("this-month", today, 0) == (date(2026, 3, 1), date(2026, 3, 31))
    assert preset_days("last-month", today, 0) == (date(2026, 2, 1), date(2026, 2, 28))
    assert preset_days("this-year", today, 0) == (date(2026, 1, 1), date(2026, 12, 31))


def test_bars_are_days_up_to_five_weeks_then_weeks_then_months() -> None:
    first = date(2026, 1, 1)
    assert report_charts.bar_unit(first, date(2026, 2, 4)) == "day"
    assert report_charts.bar_unit(first, date(2026, 2, 5)) == "week"
    assert report_charts.bar_unit(first, date(2027, 1, 7)) == "month"
    weeks = report_charts.bar_keys("week", date(2026, 1, 1), date(2026, 1, 12))
    assert weeks == [("2026-W01", date(2025, 12, 29)), ("2026-W02", date(2026, 1, 5)),
                     ("2026-W03", date(2026, 1, 12))]  # fmt: skip
    months = report_charts.bar_keys("month", date(2026, 1, 31), date(2026, 3, 1))
    assert [key for key, _ in months] == ["2026-01", "2026-02", "2026-03"]


def test_the_export_link_is_the_apis_route() -> None:
    assert f"{API_PREFIX}/exports/reports/summary" == reports.EXPORT
