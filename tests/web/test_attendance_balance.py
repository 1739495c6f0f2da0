"""The attendance page's running balance counts from 1 January, or from the person's first day
here when that is later (the day they were added, their first working-time model, their first
attendance: ``work_reports.first_day``), and is what ``GET /work_reports/grouped`` answers
from that day to today. Somebody added today no longer owes the year's target; somebody with a
model since before 1 January counts from 1 January as before. On each database."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from babel.dates import format_date
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.db import Database
from timetrack.web.durations import format_minutes

from .conftest import PASSWORD
from .office import Office, Signed, sign_in, signed_clients

NAME = "nia"
_BALANCE = re.compile(r'<p class="att-running">Balance since ([^:<]+): ([^<]+)</p>')
_TODAY_ROW = re.compile(
    r'<th scope="row">Today</th>(?:<td class="num">[^<]*</td>\s*){2}'
    r'<td class="num">([^<]*)</td>'
)


@pytest.fixture
async def signed() -> AsyncIterator[Signed]:
    async with signed_clients() as clients:
        yield clients


async def add_person(api: httpx.AsyncClient) -> tuple[int, date]:
    """``NAME``, added now: their id and today's date in their zone."""
    body = {
        "username": NAME,
        "firstName": "Nia",
        "lastName": "Example",
        "email": "nia@example.com",
        "password": PASSWORD,
    }
    added = await api.post("/users", json=body)
    assert added.status_code == 201, added.text
    zone = ZoneInfo(added.json()["timeZone"])
    return added.json()["id"], datetime.now(UTC).astimezone(zone).date()


async def add_model(api: httpx.AsyncClient, user_id: int, valid_from: date, hours: int) -> None:
    """A model of ``hours`` a day Monday to Friday from ``valid_from``."""
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday")
    body: dict[str, object] = {f"{day}Seconds": hours * 3600 for day in weekdays}
    body["validFrom"] = valid_from.isoformat()
    made = await api.post(f"/users/{user_id}/working_time_models", json=body)
    assert made.status_code == 201, made.text


async def api_balance(api: httpx.AsyncClient, since: date, today: date) -> str:
    """The running balance ``GET /work_reports/grouped`` answers from ``since`` to today."""
    params = {"username": NAME, "from": since.isoformat(), "to": today.isoformat()}
    answer = await api.get("/work_reports/grouped", params={**params, "groupBy": "year"})
    assert answer.status_code == 200, answer.text
    (year,) = answer.json()
    return format_minutes(int(year["overtimeBalance"]) // 60)


async def page_balance(app: FastAPI, account: Credentials, signed: Signed) -> tuple[str, str]:
    """The page's balance: the day it counts from (as written) and the h:mm."""
    await sign_in(Office(app, account, {}), signed, NAME, "/app/attendance")
    page = (await signed[NAME].get("/app/attendance")).text
    found = _BALANCE.search(page)
    assert found is not None, page
    return found.group(1), found.group(2)


def written(day: date) -> str:
    return format_date(day, "medium", locale="en_GB")


def minutes(hm: str) -> int:
    hours, rest = hm.lstrip("-").split(":")
    return (-1 if hm.startswith("-") else 1) * (int(hours) * 60 + int(rest))


async def test_a_person_added_today_with_a_model_from_today_owes_only_todays_target(
    app: FastAPI, account: Credentials, signed: Signed
) -> None:
    async with Office(app, account, {}).api() as api:
        user_id, today = await add_person(api)
        await add_model(api, user_id, today, 8)
        from_today = await api_balance(api, today, today)
        from_january = await api_balance(api, date(today.year, 1, 1), today)
    since, balance = await page_balance(app, account, signed)
    assert (since, balance) == (written(today), from_today)
    page = (await signed[NAME].get("/app/attendance")).text
    today_row = _TODAY_ROW.search(page)
    assert today_row is not None, page
    assert balance == today_row.group(1)  # today's difference, not a year's
    assert minutes(balance) >= -24 * 60
    if today >= date(today.year, 1, 12):  # a working week at least since 1 January
        assert minutes(from_january) < minutes(balance)


async def test_a_person_added_today_without_a_model_counts_from_today(
    app: FastAPI, account: Credentials, signed: Signed
) -> None:
    async with Office(app, account, {}).api() as api:
        _user_id, today = await add_person(api)
        from_today = await api_balance(api, today, today)
    assert await page_balance(app, account, signed) == (written(today), from_today)


async def test_a_person_whose_model_began_on_1_march_counts_from_1_march(
    app: FastAPI, account: Credentials, signed: Signed
) -> None:
    async with Office(app, account, {}).api() as api:
        user_id, today = await add_person(api)
        march = date(today.year, 3, 1)
        await add_model(api, user_id, march, 6)
        since = min(march, today)  # before 1 March: added today, so today
        expected = await api_balance(api, since, today)
        from_january = await api_balance(api, date(today.year, 1, 1), today)
    assert await page_balance(app, account, signed) == (written(since), expected)
    if today >= date(today.year, 3, 12):
        # From 1 January the default week's 8 hours of January and February would count too.
        assert minutes(from_january) < minutes(expected)


async def test_a_model_since_before_1_january_keeps_the_balance_from_1_january(
    app: FastAPI, account: Credentials, signed: Signed
) -> None:
    async with Office(app, account, {}).api() as api:
        user_id, today = await add_person(api)
        await add_model(api, user_id, date(today.year - 1, 6, 1), 8)
        january = date(today.year, 1, 1)
        expected = await api_balance(api, january, today)
    assert await page_balance(app, account, signed) == (written(january), expected)


async def test_somebody_added_last_year_whose_hours_changed_on_1_march_counts_from_1_january(
    app: FastAPI, account: Credentials, database: Database, signed: Signed
) -> None:
    async with Office(app, account, {}).api() as api:
        user_id, today = await add_person(api)
        await add_model(api, user_id, date(today.year, 3, 1), 6)
    async with database.transaction(write=True) as tx:
        await tx.execute(
            "UPDATE users SET created_at = $3 WHERE account_id = $1 AND id = $2",
            account.account.id,
            user_id,
            datetime(today.year - 1, 9, 1, tzinfo=UTC),
        )
    january = date(today.year, 1, 1)
    async with Office(app, account, {}).api() as api:
        expected = await api_balance(api, january, today)  # the default week before 1 March
    assert await page_balance(app, account, signed) == (written(january), expected)


async def test_attendances_from_before_the_person_was_added_count_from_the_first_one(
    app: FastAPI, account: Credentials, signed: Signed
) -> None:
    async with Office(app, account, {}).api() as api:
        _user_id, today = await add_person(api)
        worked = today - timedelta(days=10)  # booked afterwards, as an import would
        body = {
            "user": NAME,
            "from": f"{worked.isoformat()}T09:00:00.000Z",
            "to": f"{worked.isoformat()}T15:00:00.000Z",
        }
        booked = await api.post("/attendances", json=body)
        assert booked.status_code == 201, booked.text
        since = max(worked, date(today.year, 1, 1))
        expected = await api_balance(api, since, today)
    assert await page_balance(app, account, signed) == (written(since), expected)
