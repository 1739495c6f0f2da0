"""Work reports over HTTP (SPEC §2 "Work reports (timesheets)"), on SQLite and PostgreSQL.

The heart of this file is a worked example: January 2025 of ``anna`` in an account in Bavaria
(country DE, region BY, zone Europe/Berlin), with every expected number written out by hand.
The attendances, absences and working-time models are inserted with SQL, so these tests do
not depend on the APIs that write them.

anna's January:

- working-time model 1000 from 2024-01-01: Monday-Friday 8 h; model 1001 from Thursday
  2025-01-16: Monday-Thursday 6 h, Friday 4 h (a deleted model 1002 from 2025-01-20 is ignored);
- public holidays in Bavaria: Wednesday Jan 1 (New Year's Day) and Monday Jan 6 (Epiphany),
  worked 09:00-11:00 anyway (surcharged, and a vacation booked on it is not counted);
- Jan 3: two attendances, 08:00-12:00 and 12:45-17:15 with a 15-minute break;
- Jan 5 (Sunday): worked 10:00-12:00 (surcharged);
- Jan 7: a half-day leave (the half-day type) and 08:00-12:00 worked;
- Jan 8: sick; Jan 9: vacation in the second half of the day and 08:00-12:30 worked;
- Jan 10: a vacation still waiting for approval (not counted), 08:00-16:00 with 30 minutes break;
- Jan 13: home office (a type that credits nothing) and 8 h worked; Jan 14: a disapproved
  vacation, nothing worked;
- Jan 24 (Friday) to Jan 27 (Monday): vacation across a weekend;
- Jan 28: an attendance from 22:00 to 02:00 the next morning (it belongs to Jan 28);
- Jan 30: vacation in the first half, sick in the second;
- Jan 31: still clocked in (an open attendance counts for nothing yet); a deleted attendance
  on Jan 22, a deleted absence on Jan 20, and attendances outside January are ignored.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database, Tx, _SqliteTx
from timetrack.errors import ALL_CODES
from timetrack.postgres import _PgTx
from timetrack.work_reports.schemas import WorkReportPeriodRead, WorkReportRead

KEY = "X-TimeTrack-Api-Key"
SECRET = "X-TimeTrack-Api-Secret"
BERLIN = ZoneInfo("Europe/Berlin")
JANUARY = {"from": "2025-01-01", "to": "2025-01-31"}
VAC, HDL, HO, SICK = 1, 2, 4, 5  # ids of the default absence types of a new account

DAY_KEYS = {
    "username",
    "userId",
    "workDate",
    "workStart",
    "workEnd",
    "targetSeconds",
    "workedSeconds",
    "workTargetDifference",
    "breakSeconds",
    "breakTimes",
    "surchargeSeconds",
    "holidaySeconds",
    "absence1Seconds",
    "absence1ShortName",
    "absence2Seconds",
    "absence2ShortName",
    "absence3Seconds",
    "absence3ShortName",
    "weekday",
    "holiday",
    "holidayName",
}


# --- helpers ----------------------------------------------------------------------------------


def _client(app: FastAPI, creds: Credentials | None = None) -> httpx.AsyncClient:
    headers = {KEY: creds.api_key, SECRET: creds.api_secret} if creds else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver/api/v2/ext",
        headers=headers,
    )


def problem(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert errors[0]["code"] == code, errors
    assert errors[0]["status"] == status
    assert errors[0]["title"] == ALL_CODES[code].title
    item: dict[str, Any] = errors[0]
    return item


def ok(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    assert isinstance(body, list)
    return body


def _strict(model: type[BaseModel]) -> type[BaseModel]:
    return type(
        f"Strict{model.__name__}",
        (model,),
        {"model_config": ConfigDict(**{**model.model_config, "extra": "forbid"})},
    )


async def add_user(api: httpx.AsyncClient, username: str, time_zone: str = "UTC") -> int:
    response = await api.post(
        "/users",
        json={
            "username": username,
            "firstName": username.title(),
            "lastName": "Example",
            "email": f"{username.lower()}@example.com",
            "password": "correct horse battery",
            "timeZone": time_zone,
        },
    )
    assert response.status_code == 201, response.text
    user_id: int = response.json()["id"]
    return user_id


def _stamp() -> datetime:
    return datetime.now(UTC)


async def add_attendance(
    tx: Tx,
    account_id: int,
    record_id: int,
    user_id: int,
    start: str,
    end: str | None,
    break_minutes: int = 0,
    *,
    deleted: bool = False,
) -> None:
    """An attendance from wall-clock ``start`` to ``end`` ('YYYY-MM-DD HH:MM') in Berlin."""
    start_wall = datetime.fromisoformat(start)
    end_wall = datetime.fromisoformat(end) if end else None
    start_at = start_wall.replace(tzinfo=BERLIN).astimezone(UTC)
    end_at = end_wall.replace(tzinfo=BERLIN).astimezone(UTC) if end_wall else None
    worked = None
    if end_at is not None:
        worked = int((end_at - start_at).total_seconds()) // 60 - break_minutes
    await tx.execute(
        "INSERT INTO attendances (account_id, id, user_id, start_at, end_at, start_local, "
        "end_local, time_zone, worked_minutes, break_minutes, notes, manual, created_at, "
        "updated_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, $13, $14)",
        account_id,
        record_id,
        user_id,
        start_at,
        end_at,
        f"{start_wall:%Y-%m-%d %H:%M:%S}",
        f"{end_wall:%Y-%m-%d %H:%M:%S}" if end_wall else None,
        "Europe/Berlin",
        worked,
        break_minutes,
        None,
        True,
        _stamp(),
        _stamp() if deleted else None,
    )


async def add_absence(
    tx: Tx,
    account_id: int,
    record_id: int,
    user_id: int,
    type_id: int,
    first: str,
    last: str | None = None,
    *,
    status: int = 1,
    segment: int = 0,
    deleted: bool = False,
) -> None:
    await tx.execute(
        "INSERT INTO absences (account_id, id, user_id, absence_type_id, start_date, end_date, "
        "status, day_segment, notes, created_at, updated_at, deleted_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
        account_id,
        record_id,
        user_id,
        type_id,
        date.fromisoformat(first),
        date.fromisoformat(last or first),
        status,
        segment,
        None,
        _stamp(),
        _stamp() if deleted else None,
    )


async def add_model(
    tx: Tx,
    account_id: int,
    record_id: int,
    user_id: int,
    valid_from: str,
    week: tuple[int, int, int, int, int, int, int],
    *,
    deleted: bool = False,
) -> None:
    await tx.execute(
        "INSERT INTO working_time_models (account_id, id, user_id, valid_from, monday, tuesday, "
        "wednesday, thursday, friday, saturday, sunday, vacation_days, created_at, updated_at, "
        "deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14)",
        account_id,
        record_id,
        user_id,
        date.fromisoformat(valid_from),
        *week,
        30,
        _stamp(),
        _stamp() if deleted else None,
    )


@dataclass
class Example:
    api: httpx.AsyncClient
    creds: Credentials
    anna: int
    ben: int


async def bavarian_account(database: Database) -> Credentials:
    async with database.transaction(write=True) as tx:
        return await create_account(
            tx,
            f"t-{uuid.uuid4().hex[:12]}",
            timezone="Europe/Berlin",
            country="DE",
            region="BY",
        )


@pytest.fixture
async def example(app: FastAPI, database: Database) -> AsyncIterator[Example]:
    """anna's January 2025 (see the module docstring); ben has no data at all."""
    creds = await bavarian_account(database)
    async with _client(app, creds) as api:
        ben = await add_user(api, "ben")  # created first: the order is by name, not by id
        anna = await add_user(api, "anna")
        acc = creds.account.id
        async with database.transaction(write=True) as tx:
            h8, h6, h4 = 8 * 3600, 6 * 3600, 4 * 3600
            await add_model(tx, acc, 1000, anna, "2024-01-01", (h8, h8, h8, h8, h8, 0, 0))
            await add_model(tx, acc, 1001, anna, "2025-01-16", (h6, h6, h6, h6, h4, 0, 0))
            await add_model(tx, acc, 1002, anna, "2025-01-20", (1, 1, 1, 1, 1, 1, 1), deleted=True)
            attendances: list[tuple[str, str | None, int]] = [
                ("2024-12-31 08:00", "2024-12-31 12:00", 0),  # before the range
                ("2025-01-02 08:00", "2025-01-02 16:30", 30),
                ("2025-01-03 08:00", "2025-01-03 12:00", 0),
                ("2025-01-03 12:45", "2025-01-03 17:15", 15),
                ("2025-01-05 10:00", "2025-01-05 12:00", 0),
                ("2025-01-06 09:00", "2025-01-06 11:00", 0),
                ("2025-01-07 08:00", "2025-01-07 12:00", 0),
                ("2025-01-09 08:00", "2025-01-09 12:30", 0),
                ("2025-01-10 08:00", "2025-01-10 16:00", 30),
                ("2025-01-13 08:00", "2025-01-13 16:30", 30),
                ("2025-01-15 08:00", "2025-01-15 16:30", 30),
                ("2025-01-16 08:00", "2025-01-16 14:00", 0),
                ("2025-01-17 08:00", "2025-01-17 13:00", 0),
                ("2025-01-28 22:00", "2025-01-29 02:00", 0),
                ("2025-01-31 08:00", None, 0),  # still clocked in
                ("2025-02-01 08:00", "2025-02-01 12:00", 0),  # after the range
            ]
            for number, (start, end, pause) in enumerate(attendances, start=1000):
                await add_attendance(tx, acc, number, anna, start, end, pause)
            await add_attendance(
                tx, acc, 1100, anna, "2025-01-22 08:00", "2025-01-22 14:00", deleted=True
            )
            await add_absence(tx, acc, 1000, anna, HDL, "2025-01-07")
            await add_absence(tx, acc, 1001, anna, SICK, "2025-01-08")
            await add_absence(tx, acc, 1002, anna, VAC, "2025-01-09", segment=2)
            await add_absence(tx, acc, 1003, anna, VAC, "2025-01-10", status=0)
            await add_absence(tx, acc, 1004, anna, VAC, "2025-01-14", status=2)
            await add_absence(tx, acc, 1005, anna, HO, "2025-01-13")
            await add_absence(tx, acc, 1006, anna, VAC, "2025-01-24", "2025-01-27")
            await add_absence(tx, acc, 1007, anna, SICK, "2025-01-30", segment=2)
            await add_absence(tx, acc, 1008, anna, VAC, "2025-01-30", segment=1)
            await add_absence(tx, acc, 1009, anna, VAC, "2025-01-06")
            await add_absence(tx, acc, 1010, anna, SICK, "2025-01-20", deleted=True)
        yield Example(api, creds, anna, ben)


# --- the worked example -----------------------------------------------------------------------


class D(NamedTuple):
    """One expected day. Times are Berlin wall clock on that day ("+1": the next day)."""

    day: int
    weekday: int
    target: int
    worked: int
    difference: int
    breaks: int = 0
    surcharge: int = 0
    holiday_seconds: int = 0
    absences: tuple[tuple[str, int], ...] = ()
    start: str | None = None
    end: str | None = None
    break_times: str = ""
    holiday: str | None = None


# anna, January 2025, by hand. Targets: 28800 (8 h) to Wednesday Jan 15; then 21600 (6 h)
# Monday-Thursday and 14400 (4 h) on Fridays. difference = worked + holiday + absences - target.
# fmt: off
ANNA_JANUARY = [
    # day wd  target  worked   diff  break  surch  holiday absences
    D(1,  8,  28800,      0,      0,     0,     0, 28800, holiday="New Year's Day"),
    D(2,  4,  28800,  28800,      0,  1800,     0,     0, start="08:00", end="16:30"),
    D(3,  5,  28800,  29700,    900,  3600,     0,     0, start="08:00", end="17:15",
      break_times="12:00-12:45"),
    D(4,  6,      0,      0,      0),
    D(5,  7,      0,   7200,   7200,     0,  7200,     0, start="10:00", end="12:00"),
    D(6,  8,  28800,   7200,   7200,     0,  7200, 28800, start="09:00", end="11:00",
      holiday="Epiphany"),
    D(7,  2,  28800,  14400,      0,     0,     0,     0, (("HDL", 14400),),
      start="08:00", end="12:00"),
    D(8,  3,  28800,      0,      0,     0,     0,     0, (("SICK", 28800),)),
    D(9,  4,  28800,  16200,   1800,     0,     0,     0, (("VAC", 14400),),
      start="08:00", end="12:30"),
    D(10, 5,  28800,  27000,  -1800,  1800,     0,     0, start="08:00", end="16:00"),
    D(11, 6,      0,      0,      0),
    D(12, 7,      0,      0,      0),
    D(13, 1,  28800,  28800,      0,  1800,     0,     0, (("HO", 0),),
      start="08:00", end="16:30"),
    D(14, 2,  28800,      0, -28800),
    D(15, 3,  28800,  28800,      0,  1800,     0,     0, start="08:00", end="16:30"),
    D(16, 4,  21600,  21600,      0,     0,     0,     0, start="08:00", end="14:00"),
    D(17, 5,  14400,  18000,   3600,     0,     0,     0, start="08:00", end="13:00"),
    D(18, 6,      0,      0,      0),
    D(19, 7,      0,      0,      0),
    D(20, 1,  21600,      0, -21600),
    D(21, 2,  21600,      0, -21600),
    D(22, 3,  21600,      0, -21600),
    D(23, 4,  21600,      0, -21600),
    D(24, 5,  14400,      0,      0,     0,     0,     0, (("VAC", 14400),)),
    D(25, 6,      0,      0,      0),
    D(26, 7,      0,      0,      0),
    D(27, 1,  21600,      0,      0,     0,     0,     0, (("VAC", 21600),)),
    D(28, 2,  21600,  14400,  -7200,     0,     0,     0, start="22:00", end="+1 02:00"),
    D(29, 3,  21600,      0, -21600),
    D(30, 4,  21600,      0,      0,     0,     0,     0, (("VAC", 10800), ("SICK", 10800))),
    D(31, 5,  14400,      0, -14400),
]
# fmt: on

# The month, summed by hand from the table above.
ANNA_JANUARY_TOTALS: dict[str, Any] = {
    "targetSeconds": 554400,  # 11 days x 28800 + 8 x 21600 + 4 x 14400
    "workedSeconds": 242100,
    "workTargetDifference": -139500,  # 242100 + 57600 + 115200 - 554400
    "breakSeconds": 10800,
    "surchargeSeconds": 14400,
    "holidaySeconds": 57600,
    "absenceSeconds": 115200,
    "absences": {"HDL": 14400, "SICK": 39600, "VAC": 61200, "HO": 0},
}


def _wire_time(day: int, clock: str | None) -> str | None:
    if clock is None:
        return None
    offset = 0
    if clock.startswith("+1 "):
        offset, clock = 1, clock[3:]
    when = date(2025, 1, day) + timedelta(days=offset)
    return f"{when}T{clock}:00.000Z"


def expected_record(d: D, username: str, user_id: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "username": username,
        "userId": user_id,
        "workDate": f"2025-01-{d.day:02d}",
        "workStart": _wire_time(d.day, d.start),
        "workEnd": _wire_time(d.day, d.end),
        "targetSeconds": d.target,
        "workedSeconds": d.worked,
        "workTargetDifference": d.difference,
        "breakSeconds": d.breaks,
        "breakTimes": d.break_times,
        "surchargeSeconds": d.surcharge,
        "holidaySeconds": d.holiday_seconds,
        "weekday": d.weekday,
        "holiday": d.holiday is not None,
        "holidayName": d.holiday,
    }
    for slot in range(3):
        name, seconds = d.absences[slot] if slot < len(d.absences) else (None, 0)
        record[f"absence{slot + 1}Seconds"] = seconds
        record[f"absence{slot + 1}ShortName"] = name
    return record


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


# --- grouped ----------------------------------------------------------------------------------


def period(
    label: str,
    start: str,
    end: str,
    days: int,
    target: int,
    worked: int,
    difference: int,
    breaks: int,
    surcharge: int,
    holiday: int,
    absences: dict[str, int],
    balance: int,
) -> dict[str, Any]:
    return {
        "period": label,
        "periodStart": start,
        "periodEnd": end,
        "days": days,
        "targetSeconds": target,
        "workedSeconds": worked,
        "workTargetDifference": difference,
        "breakSeconds": breaks,
        "surchargeSeconds": surcharge,
        "holidaySeconds": holiday,
        "absenceSeconds": sum(absences.values()),
        "absences": absences,
        "overtimeBalance": balance,
    }


# anna's ISO weeks of January, by hand from ANNA_JANUARY (weeks 1 and 5 clipped to January).
# fmt: off
ANNA_WEEKS = [
    #       label       start         end      days target  worked    diff  break surch  holiday
    period("2025-W01", "2025-01-01", "2025-01-05", 5,  86400,  65700,   8100, 5400, 7200, 28800,
           {}, 8100),
    period("2025-W02", "2025-01-06", "2025-01-12", 7, 144000,  64800,   7200, 1800, 7200, 28800,
           {"HDL": 14400, "SICK": 28800, "VAC": 14400}, 15300),
    period("2025-W03", "2025-01-13", "2025-01-19", 7, 122400,  97200, -25200, 3600,    0,     0,
           {"HO": 0}, -9900),
    period("2025-W04", "2025-01-20", "2025-01-26", 7, 100800,      0, -86400,    0,    0,     0,
           {"VAC": 14400}, -96300),
    period("2025-W05", "2025-01-27", "2025-01-31", 5, 100800,  14400, -43200,    0,    0,     0,
           {"VAC": 32400, "SICK": 10800}, -139500),
]
# fmt: on


def without_user(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in ("username", "userId")} for r in records]


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


# --- bad input --------------------------------------------------------------------------------


class TestBadInput:
    async def test_from_and_to_are_required(self, api: httpx.AsyncClient) -> None:
        for path in ("/work_reports", "/work_reports/grouped"):
            extra = {"groupBy": "month"} if path.endswith("grouped") else {}
            item = problem(await api.get(path, params={"to": "2025-01-31", **extra}), 400, 10013)
            assert item["source"] == {"parameter": "from"}
            item = problem(await api.get(path, params={"from": "2025-01-01", **extra}), 400, 10013)
            assert item["source"] == {"parameter": "to"}

    async def test_malformed_dates(self, api: httpx.AsyncClient) -> None:
        for bad in ("2025-1-01", "2025-02-30", "2025-01-01T24:00:00Z", "yesterday", ""):
            item = problem(
                await api.get("/work_reports", params={"from": bad, "to": "2025-01-31"}), 400, 10013
            )
            assert item["source"] == {"parameter": "from"}
        item = problem(
            await api.get("/work_reports", params={"from": "2025-01-01", "to": "x" * 41}),
            400,
            10013,
        )
        assert item["source"] == {"parameter": "to"}

    async def test_reversed_range(self, api: httpx.AsyncClient) -> None:
        params = {"from": "2025-01-02", "to": "2025-01-01"}
        problem(await api.get("/work_reports", params=params), 400, 19011)
        problem(
            await api.get("/work_reports/grouped", params={**params, "groupBy": "week"}), 400, 19011
        )

    async def test_at_most_366_days(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "alice")
        leap_year = await api.get(
            "/work_reports", params={"from": "2024-01-01", "to": "2024-12-31"}
        )
        assert ok(leap_year) and leap_year.headers["X-Total-Count"] == "366"
        too_long = {"from": "2024-01-01", "to": "2025-01-01"}  # 367 days
        problem(await api.get("/work_reports", params=too_long), 400, 19010)
        problem(
            await api.get("/work_reports/grouped", params={**too_long, "groupBy": "year"}),
            400,
            19010,
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
            item = problem(
                await api.get(path, params={**JANUARY, "username": "nobody", **extra}), 400, 14040
            )
            assert item["source"] == {"parameter": "username"}

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
            problem(await api.get(path, params={**day, "userId": "bob", **extra}), 400, 10013)

    async def test_a_deleted_user_is_unknown_and_not_listed(self, api: httpx.AsyncClient) -> None:
        gone = await add_user(api, "gone")
        await add_user(api, "kept")
        assert (await api.delete(f"/users/{gone}")).status_code == 200
        problem(await api.get("/work_reports", params={**JANUARY, "username": "gone"}), 400, 14040)
        records = ok(await api.get("/work_reports", params=JANUARY))
        assert {r["username"] for r in records} == {"kept"}

    async def test_group_by(self, api: httpx.AsyncClient) -> None:
        for params in ({}, {"groupBy": "day"}, {"groupBy": ""}):
            item = problem(
                await api.get("/work_reports/grouped", params={**JANUARY, **params}), 400, 10013
            )
            assert item["source"] == {"parameter": "groupBy"}

    async def test_paging_parameters(self, api: httpx.AsyncClient) -> None:
        problem(await api.get("/work_reports", params={**JANUARY, "limit": 1001}), 400, 10013)
        problem(await api.get("/work_reports", params={**JANUARY, "page_number": -1}), 400, 10013)

    async def test_post_with_a_body_is_refused(self, api: httpx.AsyncClient) -> None:
        for path in ("/work_reports", "/work_reports/grouped/"):
            params = {**JANUARY, "groupBy": "week"}
            problem(await api.post(path, params=params, json={"username": "x"}), 405, 10008)

    async def test_other_methods(self, api: httpx.AsyncClient) -> None:
        problem(await api.put("/work_reports", params=JANUARY, json={}), 405, 10008)
        problem(await api.delete("/work_reports", params=JANUARY), 405, 10008)
        problem(await api.get("/work_reports/1"), 404, 10007)

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
        problem(await api.get("/work_reports", params=backwards), 400, 19011)
        await add_user(api, "alice")
        await add_user(api, "bob", "America/New_York")
        assert ok(await api.get("/work_reports", params={**backwards, "username": "bob"}))
        problem(await api.get("/work_reports", params=backwards), 400, 19011)
        # A leap year in UTC; in New York it starts on 31 December 2023: 367 days.
        leap = {"from": "2024-01-01T00:00:00+00:00", "to": "2024-12-31"}
        assert ok(await api.get("/work_reports", params={**leap, "username": "alice"}))
        problem(await api.get("/work_reports", params=leap), 400, 19010)
        problem(
            await api.get("/work_reports/grouped", params={**leap, "groupBy": "year"}), 400, 19010
        )


class TestAuth:
    @pytest.mark.usefixtures("database")  # wrong credentials are looked up: anon on each database
    async def test_credentials_required(self, anon: httpx.AsyncClient) -> None:
        weekly = {**JANUARY, "groupBy": "week"}
        for path in ("/work_reports", "/work_reports/", "/work_reports/grouped"):
            problem(await anon.get(path, params=weekly), 401, 10001)
            problem(await anon.post(path, params=weekly, json={}), 401, 10001)
        wrong = {KEY: "ttk_nope", SECRET: "tts_nope"}
        problem(await anon.get("/work_reports", params=JANUARY, headers=wrong), 401, 10002)


class TestTenantIsolation:
    async def test_another_accounts_user_is_unknown(
        self, example: Example, other_api: httpx.AsyncClient
    ) -> None:
        for name in ("anna", "ben"):
            problem(
                await other_api.get("/work_reports", params={**JANUARY, "username": name}),
                400,
                14040,
            )
            problem(
                await other_api.get(
                    "/work_reports/grouped",
                    params={**JANUARY, "username": name, "groupBy": "month"},
                ),
                400,
                14040,
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
        async with _client(app, creds) as other:
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
