"""``GET /exports/timesheet``: one user's month(s) from the work reports, as PDF, XLSX or CSV.

The data is the work reports' worked example (anna's January 2025 in Bavaria,
tests/work_reports/common.py); what the export shows is checked against what
``/work_reports`` answers for the same user and month.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error
from work_reports.common import Example
from work_reports.conftest import example

from exports.common import cached_values_sheet, csv_rows, minutes, pdf_text, workbook_sheet
from timetrack.exports.language import hmm
from timetrack.exports.service import TIMESHEET_COLUMNS

__all__ = ["example"]  # the fixture, found by pytest among this module's names

PATH = "/exports/timesheet"
JANUARY = {"username": "anna", "month": "2025-01"}
KEYS = [c.key for c in TIMESHEET_COLUMNS]


async def _days(api: httpx.AsyncClient, first: str, last: str) -> list[dict[str, Any]]:
    response = await api.get(
        "/work_reports", params={"username": "anna", "from": first, "to": last, "limit": 1000}
    )
    assert response.status_code == 200, response.text
    days: list[dict[str, Any]] = response.json()
    return days


def _sum(days: list[dict[str, Any]], key: str) -> int:
    return sum(day[key] for day in days)


async def test_the_pdf_shows_the_account_the_person_and_the_totals(example: Example) -> None:
    days = await _days(example.api, "2025-01-01", "2025-01-31")
    pages, text = pdf_text(await example.api.get(PATH, params=JANUARY))
    assert pages == 1
    assert "Timesheet: January 2025" in text
    assert example.creds.account.name in text
    assert "Anna Example (anna)" in text
    assert "Page 1 of 1" in text
    assert "Employee" in text and "Manager" in text  # the signature lines
    total_line = next(line for line in text.splitlines() if line.startswith("Total"))
    for key in ("targetSeconds", "workedSeconds", "workTargetDifference"):
        assert hmm(_sum(days, key)) in total_line, (key, total_line)
    assert "Epiphany" in text or "Heilige Drei" in text  # a holiday of Bavaria


async def test_a_german_pdf_of_three_months_has_a_page_each(example: Example) -> None:
    response = await example.api.get(PATH, params=JANUARY | {"months": "3", "lang": "de"})
    pages, text = pdf_text(response)
    assert pages == 3
    for month in ("Januar 2025", "Februar 2025", "März 2025"):
        assert f"Stundenzettel: {month}" in text
    assert "Seite 3 von 3" in text and "Unterschrift" in text
    name = response.headers["content-disposition"].split('"')[1]
    assert name.startswith(f"{example.creds.account.slug}_timesheet_anna_2025-01_2025-03_")
    assert name.endswith(".pdf")


async def test_the_csv_has_a_row_a_day_with_the_running_balance(example: Example) -> None:
    days = await _days(example.api, "2025-01-01", "2025-01-31")
    keys, rows = csv_rows(await example.api.get(PATH, params=JANUARY | {"format": "csv"}))
    assert keys == KEYS
    assert [r["date"] for r in rows] == [d["workDate"] for d in days]
    balance = 0
    for row, day in zip(rows, days, strict=True):
        balance += day["workTargetDifference"]
        assert row["workedHMM"] == hmm(day["workedSeconds"])
        assert row["targetHMM"] == hmm(day["targetSeconds"])
        assert row["differenceHMM"] == hmm(day["workTargetDifference"])
        assert row["balanceHMM"] == hmm(balance)
        assert row["start"] == (day["workStart"] or "")[11:16]
    assert rows[5]["holiday"] and rows[5]["weekday"] == "Monday"  # January 6th
    assert rows[7]["absences"] == "SICK"


async def test_the_xlsx_totals_are_the_work_reports_sums(example: Example) -> None:
    days = await _days(example.api, "2025-01-01", "2025-01-31")
    response = await example.api.get(PATH, params=JANUARY | {"format": "xlsx"})
    sheet = workbook_sheet(response)
    assert sheet.max_row == 1 + 31 + 1
    totals = next(iter(cached_values_sheet(response).iter_rows(min_row=33, values_only=True)))
    column = {key: index for index, key in enumerate(KEYS)}
    assert totals[0] == "Total"
    for key, field in (("worked", "workedSeconds"), ("target", "targetSeconds")):
        assert totals[column[f"{key}Hours"]] == pytest.approx(_sum(days, field) / 3600)
        assert minutes(totals[column[f"{key}HMM"]]) == round(_sum(days, field) / 60)
    formula = [cell.value for cell in sheet[33]][column["workedHours"]]
    assert str(formula).startswith("=SUM(")


async def test_a_user_out_of_reach_is_an_unknown_user(example: Example) -> None:
    unknown = await example.api.get(PATH, params={"username": "nobody", "month": "2025-01"})
    assert_error(unknown, 400, 14040, parameter="username")


@pytest.mark.parametrize(
    ("params", "code", "parameter"),
    [
        ({"month": "2025-13"}, 23020, "month"),
        ({"month": "January"}, 23020, "month"),
        ({"month": "2025-01", "format": "docx"}, 23010, "format"),
        ({"month": "2025-01", "lang": "es"}, 23011, "lang"),
    ],
)
async def test_invalid_parameters_answer_the_envelope(
    example: Example, params: dict[str, str], code: int, parameter: str
) -> None:
    response = await example.api.get(PATH, params={"username": "anna", **params})
    assert_error(response, 400, code, parameter=parameter)
