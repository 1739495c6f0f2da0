"""Work report requests that are refused; credentials; another account's users."""

from __future__ import annotations

import httpx
import pytest
from conftest import KEY, SECRET, assert_error, client
from fastapi import FastAPI

from timetrack.db import Database

from .common import (
    ANNA_JANUARY,
    JANUARY,
    SICK,
    Example,
    add_absence,
    add_attendance,
    add_user,
    bavarian_account,
    expected_record,
    ok,
)


class TestBadInput:
    async def test_from_and_to_are_required(self, api: httpx.AsyncClient) -> None:
        for path in ("/work_reports", "/work_reports/grouped"):
            extra = {"groupBy": "month"} if path.endswith("grouped") else {}
            assert_error(
                await api.get(path, params={"to": "2025-01-31", **extra}),
                400,
                10013,
                parameter="from",
            )
            assert_error(
                await api.get(path, params={"from": "2025-01-01", **extra}),
                400,
                10013,
                parameter="to",
            )

    async def test_malformed_dates(self, api: httpx.AsyncClient) -> None:
        for bad in ("2025-1-01", "2025-02-30", "2025-01-01T24:00:00Z", "yesterday", ""):
            assert_error(
                await api.get("/work_reports", params={"from": bad, "to": "2025-01-31"}),
                400,
                10013,
                parameter="from",
            )
        assert_error(
            await api.get("/work_reports", params={"from": "2025-01-01", "to": "x" * 41}),
            400,
            10013,
            parameter="to",
        )

    async def test_reversed_range(self, api: httpx.AsyncClient) -> None:
        params = {"from": "2025-01-02", "to": "2025-01-01"}
        assert_error(await api.get("/work_reports", params=params), 400, 19011, parameter="to")
        assert_error(
            await api.get("/work_reports/grouped", params={**params, "groupBy": "week"}),
            400,
            19011,
            parameter="to",
        )

    async def test_at_most_366_days(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "alice")
        leap_year = await api.get(
            "/work_reports", params={"from": "2024-01-01", "to": "2024-12-31"}
        )
        assert ok(leap_year) and leap_year.headers["X-Total-Count"] == "366"
        too_long = {"from": "2024-01-01", "to": "2025-01-01"}  # 367 days
        assert_error(await api.get("/work_reports", params=too_long), 400, 19010, parameter="to")
        assert_error(
            await api.get("/work_reports/grouped", params={**too_long, "groupBy": "year"}),
            400,
            19010,
            parameter="to",
        )
        year = await api.get(
            "/work_reports/grouped",
            params={"from": "2024-01-01", "to": "2024-12-31", "groupBy": "week", "limit": 100},
        )
        # 2024-01-01 is a Monday and 2024-12-30/31 belong to 2025-W01: 53 periods
        assert year.headers["X-Total-Count"] == "53"
        assert ok(year)[-1]["period"] == "2025-W01"

    async def test_unknown_username(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "alice")
        for path, extra in (("/work_reports", {}), ("/work_reports/grouped", {"groupBy": "week"})):
            assert_error(
                await api.get(path, params={**JANUARY, "username": "nobody", **extra}),
                400,
                14040,
                parameter="username",
            )

    async def test_user_id_filter(self, api: httpx.AsyncClient) -> None:
        alice, bob = await add_user(api, "alice"), await add_user(api, "bob")
        day: dict[str, str | int] = {"from": "2025-01-06", "to": "2025-01-07"}
        for path, extra in (("/work_reports", {}), ("/work_reports/grouped", {"groupBy": "week"})):
            records = ok(await api.get(path, params={**day, "userId": bob, **extra}))
            assert records and {r["userId"] for r in records} == {bob}
            both = {**day, "userId": alice, "username": "ALICE", **extra}
            assert {r["userId"] for r in ok(await api.get(path, params=both))} == {alice}
            other = {**day, "userId": bob, "username": "alice", **extra}
            assert ok(await api.get(path, params=other)) == []
            response = await api.get(path, params={**day, "userId": 999, **extra})
            assert ok(response) == [] and response.headers["X-Total-Count"] == "0"
            assert_error(
                await api.get(path, params={**day, "userId": "bob", **extra}),
                400,
                10013,
                parameter="userId",
            )

    async def test_a_deleted_user_is_unknown_and_not_listed(self, api: httpx.AsyncClient) -> None:
        gone = await add_user(api, "gone")
        await add_user(api, "kept")
        assert (await api.delete(f"/users/{gone}")).status_code == 200
        assert_error(
            await api.get("/work_reports", params={**JANUARY, "username": "gone"}),
            400,
            14040,
            parameter="username",
        )
        records = ok(await api.get("/work_reports", params=JANUARY))
        assert {r["username"] for r in records} == {"kept"}

    async def test_group_by(self, api: httpx.AsyncClient) -> None:
        for params in ({}, {"groupBy": "day"}, {"groupBy": ""}):
            assert_error(
                await api.get("/work_reports/grouped", params={**JANUARY, **params}),
                400,
                10013,
                parameter="groupBy",
            )

    async def test_paging_parameters(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.get("/work_reports", params={**JANUARY, "limit": 1001}),
            400,
            10013,
            parameter="limit",
        )
        assert_error(
            await api.get("/work_reports", params={**JANUARY, "page_number": -1}),
            400,
            10013,
            parameter="page_number",
        )

    async def test_post_with_a_body_is_refused(self, api: httpx.AsyncClient) -> None:
        for path in ("/work_reports", "/work_reports/grouped/"):
            params = {**JANUARY, "groupBy": "week"}
            assert_error(await api.post(path, params=params, json={"username": "x"}), 405, 10008)

    async def test_other_methods(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.put("/work_reports", params=JANUARY, json={}), 405, 10008)
        assert_error(await api.delete("/work_reports", params=JANUARY), 405, 10008)
        assert_error(await api.get("/work_reports/1"), 404, 10007)

    async def test_no_country_means_no_holidays(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "alice")
        records = ok(
            await api.get("/work_reports", params={"from": "2025-01-01", "to": "2025-01-01"})
        )
        assert records[0]["weekday"] == 3 and records[0]["holiday"] is False
        assert records[0]["holidayName"] is None
        assert records[0]["workTargetDifference"] == -28800

    async def test_no_users(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/work_reports", params=JANUARY)
        assert ok(response) == [] and response.headers["X-Total-Count"] == "0"
        assert "Link" not in response.headers


class TestAuth:
    @pytest.mark.usefixtures("database")  # wrong credentials are looked up: anon on each database
    async def test_credentials_required(self, anon: httpx.AsyncClient) -> None:
        weekly = {**JANUARY, "groupBy": "week"}
        for path in ("/work_reports", "/work_reports/", "/work_reports/grouped"):
            assert_error(await anon.get(path, params=weekly), 401, 10001)
            assert_error(await anon.post(path, params=weekly, json={}), 401, 10001)
        wrong = {KEY: "ttk_nope", SECRET: "tts_nope"}
        assert_error(await anon.get("/work_reports", params=JANUARY, headers=wrong), 401, 10002)


class TestTenantIsolation:
    async def test_another_accounts_user_is_unknown(
        self, example: Example, other_api: httpx.AsyncClient
    ) -> None:
        for name in ("anna", "ben"):
            assert_error(
                await other_api.get("/work_reports", params={**JANUARY, "username": name}),
                400,
                14040,
                parameter="username",
            )
            assert_error(
                await other_api.get(
                    "/work_reports/grouped",
                    params={**JANUARY, "username": name, "groupBy": "month"},
                ),
                400,
                14040,
                parameter="username",
            )

    async def test_another_account_sees_only_its_own_users(
        self, example: Example, other_api: httpx.AsyncClient
    ) -> None:
        empty = await other_api.get("/work_reports", params=JANUARY)
        assert ok(empty) == [] and empty.headers["X-Total-Count"] == "0"
        own = await add_user(other_api, "anna")  # the same name, another account
        response = await other_api.get("/work_reports", params={**JANUARY, "limit": 100})
        records = ok(response)
        assert response.headers["X-Total-Count"] == "31"
        assert {(r["username"], r["userId"]) for r in records} == {("anna", own)}
        # none of the first account's attendances, absences or models leak in
        assert sum(r["workedSeconds"] for r in records) == 0
        assert all(r["absence1ShortName"] is None for r in records)
        # no country on this account: no holidays, default model Monday-Friday 8 h
        assert sum(r["targetSeconds"] for r in records) == 23 * 28800
        grouped = ok(
            await other_api.get("/work_reports/grouped", params={**JANUARY, "groupBy": "month"})
        )
        assert [(r["username"], r["workedSeconds"]) for r in grouped] == [("anna", 0)]

    async def test_same_ids_in_another_account_do_not_mix(
        self, example: Example, database: Database, app: FastAPI
    ) -> None:
        """Ids count per account: rows with the very same ids in a second account stay apart."""
        creds = await bavarian_account(database)
        async with client(app, creds) as other:
            user = await add_user(other, "carl")
            async with database.transaction(write=True) as tx:
                await add_attendance(
                    tx, creds.account.id, 1002, user, "2025-01-03 06:00", "2025-01-03 07:00"
                )
                await add_absence(tx, creds.account.id, 1001, user, SICK, "2025-01-09")
            mine = ok(
                await example.api.get("/work_reports", params={**JANUARY, "username": "anna"})
            )
            assert mine == [expected_record(d, "anna", example.anna) for d in ANNA_JANUARY]
            theirs = ok(
                await other.get("/work_reports", params={"from": "2025-01-03", "to": "2025-01-09"})
            )
            assert [r["workedSeconds"] for r in theirs] == [3600, 0, 0, 0, 0, 0, 0]
            assert [r["absence1ShortName"] for r in theirs] == [None] * 6 + ["SICK"]
