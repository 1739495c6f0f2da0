"""Helpers and constants shared by the tests of this package.

Work reports over HTTP (SPEC §2 "Work reports (timesheets)"), on SQLite and PostgreSQL.

The heart of this file is a worked example: January 2025 of ``anna`` in an account in Bavaria
(country DE, region BY, zone Europe/Berlin), with every expected number written out by hand. The
attendances, absences and working-time models are inserted with SQL, so these tests do not
depend on the APIs that write them.

anna's January:

- working-time model 1000 from 2024-01-01: Monday-Friday 8 h; model 1001 from Thursday
2025-01-16: Monday-Thursday 6 h, Friday 4 h (a deleted model 1002 from 2025-01-20 is ignored); -
public holidays in Bavaria: Wednesday Jan 1 (New Year's Day) and Monday Jan 6 (Epiphany), worked
09:00-11:00 anyway (surcharged, and a vacation booked on it is not counted); - Jan 3: two
attendances, 08:00-12:00 and 12:45-17:15 with a 15-minute break; - Jan 5 (Sunday): worked
10:00-12:00 (surcharged); - Jan 7: a half-day leave (the half-day type) and 08:00-12:00 worked;
- Jan 8: sick; Jan 9: vacation in the second half of the day and 08:00-12:30 worked; - Jan 10: a
vacation still waiting for approval (not counted), 08:00-16:00 with 30 minutes break; - Jan 13:
home office (a type that credits nothing) and 8 h worked; Jan 14: a disapproved vacation,
nothing worked; - Jan 24 (Friday) to Jan 27 (Monday): vacation across a weekend; - Jan 28: an
attendance from 22:00 to 02:00 the next morning (it belongs to Jan 28); - Jan 30: vacation in
the first half, sick in the second; - Jan 31: still clocked in (an open attendance counts for
nothing yet); a deleted attendance on Jan 22, a deleted absence on Jan 20, and attendances
outside January are ignored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database, Tx

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


def without_user(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in ("username", "userId")} for r in records]
