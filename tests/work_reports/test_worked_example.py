"""The work report of a worked example, day by day, against hand-computed figures."""

from __future__ import annotations

from typing import Any

import pytest

from timetrack.db import _SqliteTx
from timetrack.postgres import _PgTx
from timetrack.work_reports.schemas import WorkReportPeriodRead, WorkReportRead

from .common import (
    ANNA_JANUARY,
    ANNA_JANUARY_TOTALS,
    DAY_KEYS,
    JANUARY,
    Example,
    _strict,
    expected_record,
    ok,
)


class TestWorkedExample:
    def test_the_table_adds_up(self) -> None:
        for d in ANNA_JANUARY:
            credits = d.holiday_seconds + sum(s for _, s in d.absences)
            assert d.difference == d.worked + credits - d.target, d
        assert sum(d.target for d in ANNA_JANUARY) == ANNA_JANUARY_TOTALS["targetSeconds"]
        assert sum(d.worked for d in ANNA_JANUARY) == ANNA_JANUARY_TOTALS["workedSeconds"]
        assert (
            sum(d.difference for d in ANNA_JANUARY) == ANNA_JANUARY_TOTALS["workTargetDifference"]
        )
        assert sum(d.breaks for d in ANNA_JANUARY) == ANNA_JANUARY_TOTALS["breakSeconds"]
        assert sum(d.surcharge for d in ANNA_JANUARY) == ANNA_JANUARY_TOTALS["surchargeSeconds"]
        assert sum(d.holiday_seconds for d in ANNA_JANUARY) == ANNA_JANUARY_TOTALS["holidaySeconds"]
        absences: dict[str, int] = {}
        for d in ANNA_JANUARY:
            for name, seconds in d.absences:
                absences[name] = absences.get(name, 0) + seconds
        assert absences == ANNA_JANUARY_TOTALS["absences"]
        assert sum(absences.values()) == ANNA_JANUARY_TOTALS["absenceSeconds"]

    async def test_every_day_of_january(self, example: Example) -> None:
        response = await example.api.get("/work_reports", params={**JANUARY, "username": "anna"})
        records = ok(response)
        assert response.headers["X-Total-Count"] == "31"
        assert len(records) == 31
        for record, d in zip(records, ANNA_JANUARY, strict=True):
            assert set(record) == DAY_KEYS
            assert record == expected_record(d, "anna", example.anna), d.day

    async def test_one_day_written_out(self, example: Example) -> None:
        records = ok(
            await example.api.get(
                "/work_reports",
                params={"username": "ANNA", "from": "2025-01-03", "to": "2025-01-03"},
            )
        )
        assert records == [
            {
                "username": "anna",
                "userId": example.anna,
                "workDate": "2025-01-03",
                "workStart": "2025-01-03T08:00:00.000Z",
                "workEnd": "2025-01-03T17:15:00.000Z",
                "targetSeconds": 28800,
                "workedSeconds": 29700,  # 4 h + 4.5 h - 15 min
                "workTargetDifference": 900,
                "breakSeconds": 3600,  # 15 min in the second attendance + the 45 min gap
                "breakTimes": "12:00-12:45",
                "surchargeSeconds": 0,
                "holidaySeconds": 0,
                "absence1Seconds": 0,
                "absence1ShortName": None,
                "absence2Seconds": 0,
                "absence2ShortName": None,
                "absence3Seconds": 0,
                "absence3ShortName": None,
                "weekday": 5,
                "holiday": False,
                "holidayName": None,
            }
        ]

    async def test_records_match_the_documented_model(self, example: Example) -> None:
        records = ok(await example.api.get("/work_reports", params=JANUARY))
        for record in records:
            _strict(WorkReportRead).model_validate(
                record, strict=True, by_alias=True, by_name=False
            )
        grouped = ok(
            await example.api.get("/work_reports/grouped", params={**JANUARY, "groupBy": "week"})
        )
        for record in grouped:
            _strict(WorkReportPeriodRead).model_validate(
                record, strict=True, by_alias=True, by_name=False
            )

    async def test_a_range_inside_a_vacation_and_after_a_model_change(
        self, example: Example
    ) -> None:
        records = ok(
            await example.api.get(
                "/work_reports",
                params={"username": "anna", "from": "2025-01-25", "to": "2025-01-27"},
            )
        )
        # The vacation started on Jan 24 and the model on Jan 16: both still apply.
        assert records == [
            expected_record(ANNA_JANUARY[n - 1], "anna", example.anna) for n in (25, 26, 27)
        ]

    async def test_all_users_by_username_then_date(self, example: Example) -> None:
        response = await example.api.get("/work_reports", params={**JANUARY, "limit": 100})
        records = ok(response)
        assert response.headers["X-Total-Count"] == "62"
        assert [r["username"] for r in records] == ["anna"] * 31 + ["ben"] * 31
        assert [r["workDate"] for r in records[31:]] == [f"2025-01-{n:02d}" for n in range(1, 32)]
        ben = records[31:]
        assert {r["userId"] for r in ben} == {example.ben}
        # ben: no model (Monday-Friday 8 h), no attendance; the holidays are credited.
        assert ben[0]["weekday"] == 8 and ben[0]["holidaySeconds"] == 28800
        assert ben[5]["holiday"] is True and ben[5]["holidayName"] == "Epiphany"
        assert ben[5]["workTargetDifference"] == 0
        assert ben[6]["targetSeconds"] == 28800 and ben[6]["workTargetDifference"] == -28800
        assert ben[4]["targetSeconds"] == 0 and ben[4]["weekday"] == 7
        assert sum(r["targetSeconds"] for r in ben) == 23 * 28800
        assert sum(r["workTargetDifference"] for r in ben) == -21 * 28800

    async def test_paging_is_a_slice_of_users_times_days(self, example: Example) -> None:
        first = await example.api.get("/work_reports", params={**JANUARY, "limit": 40})
        page0 = ok(first)
        assert first.headers["X-Total-Count"] == "62"
        assert 'rel="next"' in first.headers["Link"]
        assert [r["username"] for r in page0] == ["anna"] * 31 + ["ben"] * 9
        assert page0[-1]["workDate"] == "2025-01-09"
        second = await example.api.get(
            "/work_reports", params={**JANUARY, "limit": 40, "page_number": 1}
        )
        page1 = ok(second)
        assert [r["workDate"] for r in page1] == [f"2025-01-{n:02d}" for n in range(10, 32)]
        assert {r["username"] for r in page1} == {"ben"}
        assert 'rel="prev"' in second.headers["Link"] and 'rel="next"' not in second.headers["Link"]
        # the 1-based alias, an empty count, a page past the end
        alias = ok(
            await example.api.get("/work_reports", params={**JANUARY, "limit": 40, "page": 2})
        )
        assert alias == page1
        counted = await example.api.get("/work_reports", params={**JANUARY, "limit": 0})
        assert ok(counted) == [] and counted.headers["X-Total-Count"] == "62"
        beyond = await example.api.get(
            "/work_reports", params={**JANUARY, "limit": 40, "page_number": 5}
        )
        assert ok(beyond) == [] and beyond.headers["X-Total-Count"] == "62"
        # default page size 50
        assert len(ok(await example.api.get("/work_reports", params=JANUARY))) == 50

    async def test_one_query_per_table_whatever_the_range(
        self, example: Example, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        statements: list[str] = []
        for tx_class in (_SqliteTx, _PgTx):
            original = tx_class.fetch

            async def fetch(self: Any, sql: str, *args: Any, _original: Any = original) -> Any:
                statements.append(sql)
                return await _original(self, sql, *args)

            monkeypatch.setattr(tx_class, "fetch", fetch)
        year: dict[str, str | int] = {"from": "2025-01-01", "to": "2025-12-31", "limit": 1000}
        assert len(ok(await example.api.get("/work_reports", params=year))) == 2 * 365
        tables = [sql.split(" FROM ")[1].split()[0] for sql in statements]
        assert tables == ["users", "attendances", "absences", "working_time_models"]
        statements.clear()
        grouped = {**year, "groupBy": "week"}
        assert ok(await example.api.get("/work_reports/grouped", params=grouped))
        assert len(statements) == 4

    async def test_post_with_an_empty_body_and_trailing_slashes(self, example: Example) -> None:
        params = {**JANUARY, "username": "anna"}
        expected = ok(await example.api.get("/work_reports", params=params))
        for path in ("/work_reports", "/work_reports/"):
            assert ok(await example.api.post(path, params=params, json={})) == expected
            assert ok(await example.api.post(path, params=params)) == expected
            assert ok(await example.api.get(path, params=params)) == expected
        weekly = {**params, "groupBy": "week"}
        grouped = ok(await example.api.get("/work_reports/grouped", params=weekly))
        for path in ("/work_reports/grouped", "/work_reports/grouped/"):
            assert ok(await example.api.post(path, params=weekly, json={})) == grouped
            assert ok(await example.api.get(path, params=weekly)) == grouped
