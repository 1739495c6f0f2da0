"""An entry's amount is one rule: the entries export bills each entry what ``GET
/reports/detailed`` bills it (both read ``reports.sql.amount_cents``), and the export's rows
add up to ``GET /reports/summary``'s total, on values where a second rule would drift: rates
with cents, minutes that give half a cent, flat rates, zero and inherited rates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from exports.common import book, cached_values_sheet, csv_rows, make_user

PATH = "/exports/project_time_entries"
PERIOD = {"from": "2025-01-01", "to": "2025-01-31"}
# (start, end, entry fields, the amount by hand)
AWKWARD: list[tuple[str, str, dict[str, Any], str]] = [
    ("09:00", "10:01", {"hourRate": "99.99"}, "101.66"),  # 101.6565
    ("09:00", "09:30", {"hourRate": "0.01"}, "0.01"),  # half a cent, up
    ("09:00", "09:45", {"hourRate": "12.34"}, "9.26"),  # 9.255: a float would give 9.25
    ("09:00", "09:01", {"hourRate": "33.33"}, "0.56"),  # 0.5555
    ("09:00", "09:17", {"hourRate": "49.99", "flatRate": True}, "49.99"),  # once
    ("09:00", "17:00", {"hourRate": "0"}, "0.00"),
    ("09:00", "11:00", {"hourRate": "80", "billable": False}, "0.00"),
    ("09:00", "09:10", {}, "0.00"),  # no rate anywhere: 0
    ("00:00", "23:59", {"hourRate": "9999999.99"}, "239833333.09"),  # 1439 min: 239833333.0935
]


async def _book_awkward(api: httpx.AsyncClient) -> dict[int, str]:
    await make_user(api, "anna")
    by_id = {}
    for day, (start, end, fields, amount) in enumerate(AWKWARD, start=6):
        entry = await book(api, "anna", "Acme", f"2025-01-{day:02d}", start, end, **fields)
        by_id[entry["id"]] = amount
    return by_id


async def _detailed(api: httpx.AsyncClient) -> dict[int, Decimal]:
    response = await api.get("/reports/detailed", params=PERIOD | {"limit": 1000})
    assert response.status_code == 200, response.text
    return {
        row["id"]: Decimal(str(row["amount"])).quantize(Decimal("0.01")) for row in response.json()
    }


async def test_each_rows_amount_is_the_detailed_reports(api: httpx.AsyncClient) -> None:
    by_hand = await _book_awkward(api)
    detailed = await _detailed(api)
    _, rows = csv_rows(await api.get(PATH, params=PERIOD | {"lang": "en"}))
    exported = {int(row["id"]): Decimal(row["amount"]) for row in rows}
    assert exported == detailed
    assert exported == {entry_id: Decimal(amount) for entry_id, amount in by_hand.items()}


async def test_the_exports_total_is_the_summarys(api: httpx.AsyncClient) -> None:
    await _book_awkward(api)
    report = await api.get("/reports/summary", params=PERIOD | {"groupBy": "user"})
    assert report.status_code == 200, report.text
    total = Decimal(str(report.json()["totals"]["amount"])).quantize(Decimal("0.01"))
    _, rows = csv_rows(await api.get(PATH, params=PERIOD | {"lang": "en"}))
    assert sum(Decimal(row["amount"]) for row in rows) == total
    response = await api.get(PATH, params=PERIOD | {"format": "xlsx"})
    last = list(cached_values_sheet(response).iter_rows(values_only=True))[-1]
    assert last[0] == "Total" and Decimal(str(last[-1])).quantize(Decimal("0.01")) == total
