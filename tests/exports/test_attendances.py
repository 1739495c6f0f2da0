"""``GET /exports/attendances``: the attendances list as CSV or XLSX, for payroll."""

from __future__ import annotations

from datetime import datetime

import httpx
from conftest import assert_error

from exports.common import ATTENDANCE_KEYS, csv_rows, make_user, minutes, ok, workbook_sheet

PATH = "/exports/attendances"


async def _clock(
    api: httpx.AsyncClient, user: str, start: str, end: str | None, **extra: object
) -> None:
    body = {"user": user, "from": start, **({"to": end} if end else {}), **extra}
    await ok(await api.post("/attendances", json=body))


async def test_the_csv_parses_back_to_the_list(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient
) -> None:
    await make_user(api, "anna")
    await make_user(other_api, "anna")
    await _clock(api, "anna", "2025-01-06T08:00:00.000Z", "2025-01-06T16:30:00.000Z",
                 breakMinutes=30, notes="=1+1")  # fmt: skip
    await _clock(api, "anna", "2025-01-07T08:00:00.000Z", None)  # still clocked in
    await _clock(other_api, "anna", "2025-01-06T07:00:00.000Z", "2025-01-06T09:00:00.000Z")
    listed = (await api.get("/attendances")).json()
    keys, rows = csv_rows(await api.get(PATH))
    assert keys == ATTENDANCE_KEYS
    assert [int(r["id"]) for r in rows] == [a["id"] for a in listed]
    assert rows[0]["from"] == "2025-01-06 08:00" and rows[0]["to"] == "2025-01-06 16:30"
    assert (rows[0]["workedHours"], rows[0]["workedHMM"]) == ("8.00", "8:00")
    assert (rows[0]["breakHours"], rows[0]["breakHMM"]) == ("0.50", "0:30")
    assert rows[0]["notes"] == "'=1+1"
    assert (rows[1]["to"], rows[1]["workedHours"]) == ("", "")  # open: nothing worked yet
    sheet = workbook_sheet(await api.get(PATH, params={"format": "xlsx", "lang": "de"}))
    assert [c.value for c in sheet[1]][:3] == ["ID", "Datum", "Benutzer"]
    first = [c.value for c in sheet[2]]
    assert first[ATTENDANCE_KEYS.index("from")] == datetime(2025, 1, 6, 8, 0)
    assert minutes(first[ATTENDANCE_KEYS.index("workedHMM")]) == 480
    totals = [c.value for c in sheet[4]]
    assert totals[0] == "Summe" and str(totals[ATTENDANCE_KEYS.index("workedHours")]).startswith(
        "=SUM("
    )


async def test_filters_and_formats_are_checked_before_anything_is_sent(
    api: httpx.AsyncClient,
) -> None:
    assert_error(await api.get(PATH, params={"format": "pdf"}), 400, 23010, parameter="format")
    assert_error(await api.get(PATH, params={"to": "2025-02-30"}), 400, 10013, parameter="to")
    empty = await api.get(PATH, params={"user": "nobody"})
    assert csv_rows(empty)[1] == []
