"""A user's own ``country``/``region``: written and read on ``/users``, and the public holidays
that work reports (daily and grouped) and the leave balance give each user from it.

The account is in Germany (DE, no region): German Unity Day, Friday 2025-10-03, is a holiday
there, not in New York; Independence Day, Friday 2025-07-04, the other way round.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest
from conftest import assert_error, client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database
from timetrack.public_holidays import holidays_between, place, supported
from timetrack.work_reports import service as reports

KEY = "X-TimeTrack-Api-Key"
SECRET = "X-TimeTrack-Api-Secret"
UNITY_DAY = {"from": "2025-10-03", "to": "2025-10-03"}
INDEPENDENCE_DAY = {"from": "2025-07-04", "to": "2025-07-04"}


async def _account(database: Database, **options: Any) -> Credentials:
    async with database.transaction(write=True) as tx:
        return await create_account(tx, f"t-{uuid.uuid4().hex[:12]}", **options)


@pytest.fixture
async def german(app: FastAPI, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh account in Germany (country DE, no region)."""
    async with client(app, await _account(database, country="DE")) as caller:
        yield caller


def user_body(username: str, **fields: Any) -> dict[str, Any]:
    """A user create body with ``fields`` added (or overriding)."""
    return {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": "correct horse battery",
        **fields,
    }


async def add_user(api: httpx.AsyncClient, username: str, **fields: Any) -> dict[str, Any]:
    response = await api.post("/users", json=user_body(username, **fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def report(api: httpx.AsyncClient, path: str = "/work_reports", **params: str) -> Any:
    response = await api.get(path, params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def holidays_of(api: httpx.AsyncClient, span: dict[str, str]) -> dict[str, Any]:
    """username -> the holiday name of the span's single day (None when it is none)."""
    records = await report(api, **span)
    assert all(r["holiday"] is (r["holidayName"] is not None) for r in records)
    return {r["username"]: r["holidayName"] for r in records}


class TestWriteAndRead:
    async def test_default_is_the_accounts(self, german: httpx.AsyncClient) -> None:
        user = await add_user(german, "anna")
        assert user["country"] is None and user["region"] is None
        assert (await german.get(f"/users/{user['id']}")).json() == user

    async def test_codes_are_stored_in_the_packages_spelling(
        self, german: httpx.AsyncClient
    ) -> None:
        user = await add_user(german, "nyc", country="us", region="ny")
        assert (user["country"], user["region"]) == ("US", "NY")
        assert (await german.get("/users")).json() == [user]

    async def test_a_region_of_the_accounts_country(self, german: httpx.AsyncClient) -> None:
        user = await add_user(german, "munich", region="by")
        assert (user["country"], user["region"]) == (None, "BY")

    async def test_a_region_needs_a_country(self, api: httpx.AsyncClient) -> None:
        # ``api``'s account has no country.
        response = await api.post(
            "/users",
            json=user_body("x", region="BY"),
        )
        assert "needs a country" in assert_error(response, 400, 14060, pointer="/region")["detail"]
        assert (await api.get("/users")).json() == []

    @pytest.mark.parametrize(
        "fields",
        [
            {"region": "NY"},  # the account's country, DE, has no NY
            {"country": "US", "region": "BY"},
            {"country": "AT", "region": "Augsburg"},
        ],
    )
    async def test_a_region_the_country_does_not_have(
        self, german: httpx.AsyncClient, fields: dict[str, str]
    ) -> None:
        response = await german.post(
            "/users",
            json=user_body("x", **fields),
        )
        detail = assert_error(response, 400, 14060, pointer="/region")["detail"]
        assert "known:" in detail
        assert (await german.get("/users")).json() == []

    @pytest.mark.parametrize(
        ("fields", "pointer"),
        [
            ({"country": "XX"}, "/country"),
            ({"country": "USA"}, "/country"),
            ({"country": "D"}, "/country"),
            ({"country": ""}, "/country"),
            ({"country": 49}, "/country"),
            ({"region": ""}, "/region"),
            ({"region": "  "}, "/region"),
            ({"region": 9}, "/region"),
            ({"region": "R" * 33}, "/region"),
            ({"region": "B\x00Y"}, "/region"),
        ],
    )
    async def test_malformed_codes(
        self, german: httpx.AsyncClient, fields: dict[str, Any], pointer: str
    ) -> None:
        response = await german.post(
            "/users",
            json=user_body("x", **fields),
        )
        assert_error(response, 400, 10011, pointer=pointer)

    async def test_update_checks_the_pair_as_it_will_be_stored(
        self, german: httpx.AsyncClient
    ) -> None:
        user = await add_user(german, "anna", region="BY")
        url = f"/users/{user['id']}"
        # BY is not a region of the US: the stored region is named, nothing changes.
        detail = assert_error(
            await german.put(url, json={"country": "US"}), 400, 14060, pointer="/region"
        )["detail"]
        assert "'BY'" in detail
        assert (await german.get(url)).json() == user
        moved = await german.put(url, json={"country": "US", "region": "NY"})
        assert moved.status_code == 200, moved.text
        assert (moved.json()["country"], moved.json()["region"]) == ("US", "NY")
        assert_error(await german.put(url, json={"country": None}), 400, 14060, pointer="/region")
        cleared = await german.put(url, json={"country": None, "region": None})
        assert (cleared.json()["country"], cleared.json()["region"]) == (None, None)

    async def test_own_get_body_is_accepted_back(self, app: FastAPI, database: Database) -> None:
        creds = await _account(database, country="DE")
        async with client(app, creds) as api:
            user = await add_user(api, "anna", region="BY")
            response = await api.put(f"/users/{user['id']}", json=user)
            assert response.status_code == 200, response.text
            # Even once the account has moved to a country without that region, the stored
            # pair is not refused again (for holidays, the region then no longer applies).
            async with database.transaction(write=True) as tx:
                await tx.execute(
                    "UPDATE accounts SET country = 'AT' WHERE id = $1", creds.account.id
                )
            again = await api.put(f"/users/{user['id']}", json=response.json())
            assert again.status_code == 200, again.text
            # 2025-12-08, a Monday, is a nationwide holiday in Austria, not in Bavaria.
            span = {"from": "2025-12-08", "to": "2025-12-08", "username": "anna"}
            assert (await report(api, **span))[0]["holidayName"] == "Immaculate Conception"


class TestHolidaysPerUser:
    @pytest.fixture
    async def people(self, german: httpx.AsyncClient) -> httpx.AsyncClient:
        await add_user(german, "berlin")
        await add_user(german, "newyork", country="US", region="NY")
        await add_user(german, "munich", region="BY")
        return german

    async def test_daily_report(self, people: httpx.AsyncClient) -> None:
        assert await holidays_of(people, UNITY_DAY) == {
            "berlin": "German Unity Day",
            "munich": "German Unity Day",
            "newyork": None,
        }
        assert await holidays_of(people, INDEPENDENCE_DAY) == {
            "berlin": None,
            "munich": None,
            "newyork": "Independence Day",
        }
        # New York's own: Lincoln's Birthday; Bavaria's own: Epiphany.
        lincoln = {"from": "2025-02-12", "to": "2025-02-12"}
        assert await holidays_of(people, lincoln) == {
            "berlin": None,
            "munich": None,
            "newyork": "Lincoln's Birthday",
        }
        epiphany = {"from": "2025-01-06", "to": "2025-01-06"}
        assert await holidays_of(people, epiphany) == {
            "berlin": None,
            "munich": "Epiphany",
            "newyork": None,
        }

    async def test_one_user_by_name(self, people: httpx.AsyncClient) -> None:
        [day] = await report(people, username="NEWYORK", **INDEPENDENCE_DAY)
        assert (day["holiday"], day["weekday"], day["holidaySeconds"]) == (True, 8, 28800)
        [day] = await report(people, username="newyork", **UNITY_DAY)
        assert (day["holiday"], day["weekday"], day["holidaySeconds"]) == (False, 5, 0)

    async def test_grouped_report(self, people: httpx.AsyncClient) -> None:
        week = {"from": "2025-09-29", "to": "2025-10-05", "groupBy": "week"}
        records = await report(people, "/work_reports/grouped", **week)
        by_user = {r["username"]: r for r in records}
        assert by_user["berlin"]["holidaySeconds"] == 28800
        assert by_user["berlin"]["targetSeconds"] == 5 * 28800
        assert by_user["newyork"]["holidaySeconds"] == 0
        assert by_user["newyork"]["workTargetDifference"] == -5 * 28800
        july = {"from": "2025-06-30", "to": "2025-07-06", "groupBy": "week"}
        records = await report(people, "/work_reports/grouped", **july)
        assert {r["username"]: r["holidaySeconds"] for r in records} == {
            "berlin": 0,
            "munich": 0,
            "newyork": 28800,
        }

    async def test_leave_balance(self, people: httpx.AsyncClient) -> None:
        # A week of vacation, Monday 29 September to Friday 3 October 2025, for both.
        users = {u["username"]: u["id"] for u in (await people.get("/users")).json()}
        for name in ("berlin", "newyork"):
            response = await people.post(
                "/absences",
                json={"username": name, "from": "2025-09-29", "to": "2025-10-03", "absenceType": 1},
            )
            assert response.status_code == 201, response.text
        planned = {}
        for name in ("berlin", "newyork"):
            response = await people.get(f"/users/{users[name]}/leave_balance?year=2025")
            assert response.status_code == 200, response.text
            planned[name] = response.json()["plannedDays"]
        assert planned == {"berlin": 4.0, "newyork": 5.0}

    async def test_each_place_is_computed_once(
        self, people: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await add_user(people, "hamburg")  # a second user of the account's place
        await add_user(people, "albany", country="US", region="NY")
        calls: list[tuple[Any, ...]] = []

        def counting(*args: Any) -> dict[date, str]:
            calls.append(args)
            return holidays_between(*args)

        monkeypatch.setattr(reports, "holidays_between", counting)
        await report(people, **{"from": "2025-10-01", "to": "2025-10-31"})
        places = [c[:2] for c in calls]
        assert len(places) == 3
        assert set(places) == {("DE", None), ("DE", "BY"), ("US", "NY")}


class TestPlace:
    """``public_holidays.place``: the user's own place, else the account's."""

    def test_rules(self) -> None:
        assert place(None, None, "DE", "BY") == ("DE", "BY")
        assert place(None, "HH", "DE", "BY") == ("DE", "HH")
        assert place("US", None, "DE", "BY") == ("US", None)
        assert place("US", "NY", "DE", None) == ("US", "NY")
        assert place(None, None, None, None) == (None, None)
        assert place(None, "BY", None, None) == (None, None)
        # A region the country no longer has falls back to the nationwide holidays.
        assert place(None, "BY", "AT", None) == ("AT", None)


async def test_the_longest_region_the_package_knows_fits_an_account_and_a_user(
    app: FastAPI, database: Database
) -> None:
    """Every region code of the holidays package fits ``accounts.region`` and ``users.region``
    (PostgreSQL refused "São Paulo Capital", 17 characters, in 16)."""
    longest = max((r for regions in supported().values() for r in regions), key=len)
    country = next(c for c, regions in supported().items() if longest in regions and len(c) == 2)
    async with client(app, await _account(database, country=country, region=longest)) as api:
        user = await api.post(
            "/users",
            json=user_body("ana", region=longest),
        )
        assert user.status_code == 201, user.text
        assert (user.json()["country"], user.json()["region"]) == (None, longest)
