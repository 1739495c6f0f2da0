"""Work reports grouped by week, month and year, and the range's bounds in each user's zone."""

from __future__ import annotations

from typing import Any

import httpx
from conftest import assert_error

from .common import (
    ANNA_JANUARY_TOTALS,
    ANNA_WEEKS,
    JANUARY,
    Example,
    add_user,
    ok,
    period,
    without_user,
)


class TestGrouped:
    async def test_weeks_with_the_running_balance(self, example: Example) -> None:
        response = await example.api.get(
            "/work_reports/grouped", params={**JANUARY, "username": "anna", "groupBy": "week"}
        )
        records = ok(response)
        assert response.headers["X-Total-Count"] == "5"
        assert {(r["username"], r["userId"]) for r in records} == {("anna", example.anna)}
        assert without_user(records) == ANNA_WEEKS

    async def test_the_weeks_sum_the_days(self, example: Example) -> None:
        days = ok(await example.api.get("/work_reports", params={**JANUARY, "username": "anna"}))
        weeks = ok(
            await example.api.get(
                "/work_reports/grouped", params={**JANUARY, "username": "anna", "groupBy": "week"}
            )
        )
        for week in weeks:
            inside = [d for d in days if week["periodStart"] <= d["workDate"] <= week["periodEnd"]]
            assert len(inside) == week["days"]
            for key in ("targetSeconds", "workedSeconds", "workTargetDifference", "breakSeconds"):
                assert sum(d[key] for d in inside) == week[key], key
        assert weeks[-1]["overtimeBalance"] == sum(d["workTargetDifference"] for d in days)

    async def test_months_over_two_months(self, example: Example) -> None:
        params = {"username": "anna", "from": "2025-01-01", "to": "2025-02-28", "groupBy": "month"}
        records = without_user(ok(await example.api.get("/work_reports/grouped", params=params)))
        t = ANNA_JANUARY_TOTALS
        assert records == [
            period(
                "2025-01", "2025-01-01", "2025-01-31", 31, t["targetSeconds"], t["workedSeconds"],
                t["workTargetDifference"], t["breakSeconds"], t["surchargeSeconds"],
                t["holidaySeconds"], t["absences"], -139500,
            ),
            # February: model 1001 (16 Monday-Thursdays x 21600 + 4 Fridays x 14400); only the
            # 4 hours of Saturday Feb 1 worked
            period(
                "2025-02", "2025-02-01", "2025-02-28", 28, 403200, 14400, -388800, 0, 0, 0, {},
                -139500 - 388800,
            ),
        ]  # fmt: skip

    async def test_year(self, example: Example) -> None:
        params = {"username": "anna", "from": "2025-01-01", "to": "2025-02-28", "groupBy": "year"}
        records = without_user(ok(await example.api.get("/work_reports/grouped", params=params)))
        assert records == [
            period(
                "2025", "2025-01-01", "2025-02-28", 59, 554400 + 403200, 242100 + 14400, -528300,
                10800, 14400, 57600, {"HDL": 14400, "SICK": 39600, "VAC": 61200, "HO": 0}, -528300,
            )
        ]  # fmt: skip

    async def test_years_across_new_year(self, example: Example) -> None:
        params = {"username": "ben", "from": "2024-12-30", "to": "2025-01-01", "groupBy": "YEAR"}
        records = without_user(ok(await example.api.get("/work_reports/grouped", params=params)))
        # ben: Mon Dec 30 and Tue Dec 31 are working days; Jan 1 is a holiday
        assert records == [
            period("2024", "2024-12-30", "2024-12-31", 2, 57600, 0, -57600, 0, 0, 0, {}, -57600),
            period("2025", "2025-01-01", "2025-01-01", 1, 28800, 0, 0, 0, 0, 28800, {}, -57600),
        ]

    async def test_all_users_and_paging(self, example: Example) -> None:
        params = {**JANUARY, "groupBy": "week"}
        response = await example.api.get("/work_reports/grouped", params=params)
        records = ok(response)
        assert response.headers["X-Total-Count"] == "10"
        assert [(r["username"], r["period"]) for r in records] == [
            (name, f"2025-W0{n}") for name in ("anna", "ben") for n in range(1, 6)
        ]
        assert without_user(records[:5]) == ANNA_WEEKS
        # ben: 23 working days, 2 of them holidays
        assert records[-1]["overtimeBalance"] == -21 * 28800
        page = await example.api.get(
            "/work_reports/grouped", params={**params, "limit": 3, "page_number": 1}
        )
        assert [(r["username"], r["period"]) for r in ok(page)] == [
            ("anna", "2025-W04"),
            ("anna", "2025-W05"),
            ("ben", "2025-W01"),
        ]
        assert page.headers["X-Total-Count"] == "10"
        # The balance of a later page still runs from the range's first day.
        assert ok(page)[1]["overtimeBalance"] == -139500


class TestTimestampBounds:
    """``from``/``to`` sent as timestamps: what is the reports' own (the rule for every range of
    days, and the POST form, is proved in tests/test_day_ranges.py)."""

    async def test_the_vendors_example_as_printed(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "test")
        url = "/work_reports?username=test&from=2020-10-01T00:00:00Z&to=2020-10-31T00:00:00Z"
        # curl -d '{}' sends a POST, form-encoded.
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        for response in (await api.get(url), await api.post(url, content=b"{}", headers=form)):
            records = ok(response)
            assert [r["workDate"] for r in records] == [f"2020-10-{d:02d}" for d in range(1, 32)]
            assert {r["username"] for r in records} == {"test"}

    async def test_users_whose_zones_give_other_dates_are_paged_as_one_list(
        self, api: httpx.AsyncClient
    ) -> None:
        await add_user(api, "alice")
        await add_user(api, "bob", "America/New_York")
        # 03:00 UTC on 1 January is 22:00 on 31 December in New York: bob has 4 days, alice 3.
        params = {"from": "2025-01-01T03:00:00+00:00", "to": "2025-01-03"}
        whole = ok(await api.get("/work_reports", params={**params, "limit": 100}))
        assert [(r["username"], r["workDate"][5:]) for r in whole] == [
            ("alice", "01-01"),
            ("alice", "01-02"),
            ("alice", "01-03"),
            ("bob", "12-31"),
            ("bob", "01-01"),
            ("bob", "01-02"),
            ("bob", "01-03"),
        ]
        pages: list[dict[str, Any]] = []
        for number in range(3):
            page: dict[str, str | int] = {**params, "limit": 3, "page_number": number}
            response = await api.get("/work_reports", params=page)
            assert response.headers["X-Total-Count"] == "7"
            pages += ok(response)
        assert pages == whole
        response = await api.get("/work_reports/grouped", params={**params, "groupBy": "year"})
        assert [(r["username"], r["period"], r["days"]) for r in ok(response)] == [
            ("alice", "2025", 3),
            ("bob", "2024", 1),
            ("bob", "2025", 3),
        ]
        assert response.headers["X-Total-Count"] == "3"

    async def test_the_range_is_checked_in_each_users_zone(self, api: httpx.AsyncClient) -> None:
        # 01:00 UTC on 2 January is still 1 January in New York.
        backwards = {"from": "2025-01-02T01:00:00+00:00", "to": "2025-01-01"}
        # No users yet: checked in the account's zone (UTC).
        assert_error(await api.get("/work_reports", params=backwards), 400, 19011, parameter="to")
        await add_user(api, "alice")
        await add_user(api, "bob", "America/New_York")
        assert ok(await api.get("/work_reports", params={**backwards, "username": "bob"}))
        assert_error(await api.get("/work_reports", params=backwards), 400, 19011, parameter="to")
        # A leap year in UTC; in New York it starts on 31 December 2023: 367 days.
        leap = {"from": "2024-01-01T00:00:00+00:00", "to": "2024-12-31"}
        assert ok(await api.get("/work_reports", params={**leap, "username": "alice"}))
        assert_error(await api.get("/work_reports", params=leap), 400, 19010, parameter="to")
        assert_error(
            await api.get("/work_reports/grouped", params={**leap, "groupBy": "year"}),
            400,
            19010,
            parameter="to",
        )
