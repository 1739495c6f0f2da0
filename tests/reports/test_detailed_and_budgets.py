"""GET /reports/detailed (the entries with their rounded minutes and amounts, the totals in
headers) and GET /reports/projects (estimates against what was used)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .common import JANUARY, TOTAL_AMOUNT, TOTAL_WORKED, book, build


@pytest.fixture
async def users(api: httpx.AsyncClient) -> dict[str, int]:
    return await build(api)


async def test_each_row_has_its_rounded_minutes_and_amount(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    params = {**JANUARY, "rounding": "up", "roundingMinutes": "15", "limit": "2"}
    first = await api.get("/reports/detailed", params=params)
    assert first.status_code == 200, first.text
    assert [(r["workedMinutes"], r["roundedMinutes"], r["amount"]) for r in first.json()] == [
        (90, 90, 90.0),
        (50, 60, 60.0),
    ]
    assert first.headers["X-Total-Count"] == "6"
    assert 'rel="next"' in first.headers["Link"]
    # 90 + 60 + 240 + 15 + 240 + 30 minutes; 7 min by 15 up is 15 at 90.00 = 22.50.
    assert first.headers["X-Total-Worked-Minutes"] == str(90 + 60 + 240 + 15 + 240 + 30)
    assert first.headers["X-Total-Break-Minutes"] == "10"
    assert first.headers["X-Total-Billable-Minutes"] == str(90 + 60 + 15 + 240 + 30)
    assert first.headers["X-Total-Amount"] == "452.50"  # 90 + 60 + 22.50 + 250 + 30
    assert first.headers["X-Currency"] == "EUR"
    last = await api.get("/reports/detailed", params={**params, "page_number": "2"})
    assert [(r["user"], r["flatRate"], r["amount"]) for r in last.json()] == [
        ("bob", True, 250.0),
        ("bob", False, 30.0),
    ]
    assert last.headers["X-Total-Amount"] == "452.50"


async def test_rows_are_the_entries_as_the_entry_list_answers_them(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    rows = (await api.get("/reports/detailed", params={**JANUARY, "username": "bob"})).json()
    listed = (await api.get("/project_time_entries", params={**JANUARY, "user": "bob"})).json()
    assert [
        {k: v for k, v in r.items() if k not in ("roundedMinutes", "amount")} for r in rows
    ] == (listed)


async def test_an_empty_page_still_carries_the_totals(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    response = await api.get("/reports/detailed", params={**JANUARY, "limit": "0"})
    assert (response.json(), response.headers["X-Total-Count"]) == ([], "6")
    assert response.headers["X-Total-Worked-Minutes"] == str(TOTAL_WORKED)
    assert response.headers["X-Total-Amount"] == f"{TOTAL_AMOUNT:.2f}"
    none = await api.get("/reports/detailed", params={"from": "2030-01-01", "to": "2030-01-31"})
    assert (none.json(), none.headers["X-Total-Count"]) == ([], "0")
    assert none.headers["X-Total-Amount"] == "0.00"


def _budget(projects: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(p for p in projects if p["projectName"] == name)


async def test_projects_set_their_estimates_against_what_was_used(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    response = await api.get("/reports/projects", params=JANUARY)
    assert response.status_code == 200, response.text
    assert [p["projectName"] for p in response.json()] == ["App", "Website", "Shop"]
    website = _budget(response.json(), "Website")
    assert website == {
        "projectId": website["projectId"],
        "projectName": "Website",
        "clientId": website["clientId"],
        "clientName": "Acme",
        "entries": 3,
        "timeEstimated": 600,
        "workedMinutes": 160,
        "timeUsedPercent": 26.7,
        "budgetEstimated": 1000.0,
        "amount": 160.0,
        "budgetUsedPercent": 16.0,
        "currency": "EUR",
    }
    app = _budget(response.json(), "App")
    assert (app["timeUsedPercent"], app["budgetUsedPercent"]) == (None, None)


async def test_projects_without_a_period_count_all_time(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    await book(api, "ann", "Acme", "Website", None, "2019-05-01T09:00:00Z", "2019-05-01T10:00:00Z")
    all_time = (await api.get("/reports/projects", params={"projectName": "web"})).json()
    assert [(p["projectName"], p["workedMinutes"]) for p in all_time] == [("Website", 220)]
    since = await api.get("/reports/projects", params={"from": "2026-01-06"})
    assert _budget(since.json(), "Website")["workedMinutes"] == 20
    until = await api.get("/reports/projects", params={"to": "2019-12-31"})
    assert _budget(until.json(), "Website")["workedMinutes"] == 60
    paged = await api.get("/reports/projects", params={"limit": "1", "page_number": "1"})
    assert [p["projectName"] for p in paged.json()] == ["Website"]
    assert paged.headers["X-Total-Count"] == "3"
    beta = await api.get("/reports/projects", params={"clientName": "BET"})
    assert [p["projectName"] for p in beta.json()] == ["Shop"]
