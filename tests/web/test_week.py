"""The week grid's read (src/timetrack/web/week.py): rows, cells and totals equal what the API
lists and reports for the same person and days, and the grant decides whose week one sees."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from timetrack.accounts.service import Credentials
from timetrack.db import Database
from timetrack.errors import USER_NOT_FOUND, AppError
from timetrack.web.week import first_weekday, load_week, week_start

from .grid import HOLIDAY, MONDAY, book, catalogue, person, signed_in


@pytest.mark.parametrize(
    ("language", "countries", "first"),
    [
        ("de", (), 0),
        ("en", (), 0),
        ("en-US", (), 6),  # the region written in the language wins
        ("en_US", ("DE",), 6),
        ("de", ("US",), 6),  # else the person's country
        ("en", (None, "US"), 6),  # else the account's
        ("en", ("XX", "SA"), 6),  # a territory CLDR does not know is passed over
        ("pt-BR", (), 6),
        ("de-AT", ("US",), 0),
        ("en", ("gb",), 0),
        (None, (), 0),
        ("zz", (), 0),  # no such language: Monday, ISO's
        ("ar", ("MV",), 4),  # the Maldives start on Friday
    ],
)
def test_the_first_day_of_the_week_follows_the_territory(
    language: str | None, countries: tuple[str | None, ...], first: int
) -> None:
    assert first_weekday(language, *countries) == first


@pytest.mark.parametrize("first", range(7))
def test_a_week_starts_on_its_first_day_on_or_before_the_day(first: int) -> None:
    for offset in range(14):
        day = MONDAY + timedelta(days=offset)
        start = week_start(day, first)
        assert start.weekday() == first
        assert 0 <= (day - start).days < 7


async def test_rows_cells_and_totals_are_the_entries_of_the_week(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    monday = await book(api, "2025-09-29T09:00:00Z", 90)
    await book(api, "2025-09-29T13:00:00Z", 30, task="Design")
    first = await book(api, "2025-09-30T08:00:00Z", 60, client="beta", project="App")
    second = await book(api, "2025-09-30T14:00:00Z", 45, client="beta", project="App")
    await book(api, "2025-10-05T23:30:00Z", 120)  # Sunday late: counts on Sunday
    await book(api, "2025-09-28T23:59:00Z", 60)  # the Sunday before
    await book(api, "2025-10-06T00:00:00Z", 60)  # the Monday after
    await book(api, "2025-09-29T09:00:00Z", 240, user="bob")

    async with database.transaction(write=False) as tx:
        week = await load_week(tx, account.account, ids["alice"], MONDAY)

    assert week.days == tuple(MONDAY + timedelta(days=n) for n in range(7))
    assert week.username == "alice"
    names = [(r.client_name, r.project_name, r.task_name) for r in week.rows]
    assert names == [
        ("Acme", "Website", None),
        ("Acme", "Website", "Design"),
        ("beta", "App", None),
    ]
    website, design, app = week.rows
    assert [c.minutes for c in website.cells] == [90, 0, 0, 0, 0, 0, 120]
    assert [c.minutes for c in design.cells] == [30, 0, 0, 0, 0, 0, 0]
    assert [c.minutes for c in app.cells] == [0, 105, 0, 0, 0, 0, 0]
    assert (website.total, design.total, app.total) == (210, 30, 105)
    assert [d.minutes for d in week.totals] == [120, 105, 0, 0, 0, 0, 120]
    assert week.minutes == 345
    assert app.cells[1].entry_ids == (first["id"], second["id"])
    assert not app.cells[1].editable and app.cells[1].version is None
    assert website.cells[0].entry_ids == (monday["id"],)
    assert website.cells[1].editable and website.cells[1].entry_ids == ()

    # The cell's version is the ETag the API answers for the entry, and the minutes are the
    # ones the API lists for the same person and days.
    response = await api.get(f"/project_time_entries/{monday['id']}")
    assert website.cells[0].version == response.headers["ETag"]
    listed = await api.get(
        "/project_time_entries",
        params={"userId": ids["alice"], "from": "2025-09-29", "to": "2025-10-05"},
    )
    assert week.minutes == sum(e["workedMinutes"] for e in listed.json())


async def test_targets_credit_holidays_and_the_difference_counts_them(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    await book(api, "2025-09-29T09:00:00Z", 500)  # Monday, 20 min over
    await book(api, "2025-10-03T10:00:00Z", 60)  # on the holiday
    await book(api, "2025-10-04T10:00:00Z", 30)  # Saturday

    async with database.transaction(write=False) as tx:
        week = await load_week(tx, account.account, ids["alice"], MONDAY)

    reports = await api.get(
        "/work_reports", params={"userId": ids["alice"], "from": "2025-09-29", "to": "2025-10-05"}
    )
    assert [d.target for d in week.totals] == [r["targetSeconds"] // 60 for r in reports.json()]
    assert [d.target for d in week.totals] == [480, 480, 480, 480, 480, 0, 0]
    holiday = week.totals[4]
    assert holiday.day == HOLIDAY
    assert holiday.credit == 480 and holiday.holiday is not None
    assert holiday.difference == 60
    assert [d.difference for d in week.totals] == [20, -480, -480, -480, 60, 30, 0]
    assert week.target == 2400
    assert week.difference == 20 - 3 * 480 + 60 + 30


async def test_an_empty_week_has_no_rows_and_its_targets(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    sunday = date(2025, 9, 28)  # a week that starts on Sunday, as in the United States
    async with database.transaction(write=False) as tx:
        week = await load_week(tx, account.account, ids["alice"], sunday)
    assert week.rows == ()
    assert week.days[0] == sunday and week.days[-1] == date(2025, 10, 4)
    assert [d.target for d in week.totals] == [0, 480, 480, 480, 480, 480, 0]
    assert week.minutes == 0


async def test_a_person_sees_their_own_week_and_not_another_persons(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    await book(api, "2025-09-29T09:00:00Z", 60)
    await book(api, "2025-09-29T09:00:00Z", 30, user="bob")
    bob = person(account.account.id, ids["bob"], "bob")
    async with database.transaction(write=False) as tx:
        with signed_in(bob):
            own = await load_week(tx, account.account, ids["bob"], MONDAY)
            with pytest.raises(AppError) as refused:
                await load_week(tx, account.account, ids["alice"], MONDAY)
    assert own.minutes == 30
    assert refused.value.problems[0].code is USER_NOT_FOUND


async def test_a_team_lead_sees_a_members_week(
    api: httpx.AsyncClient, account: Credentials, database: Database
) -> None:
    ids = await catalogue(api)
    await book(api, "2025-09-29T09:00:00Z", 75)
    lead = person(account.account.id, ids["bob"], "bob", leads=frozenset({ids["alice"]}))
    async with database.transaction(write=False) as tx:
        with signed_in(lead):
            week = await load_week(tx, account.account, ids["alice"], MONDAY)
    assert week.minutes == 75
    assert [d.target for d in week.totals][:5] == [480] * 5
