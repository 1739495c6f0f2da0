"""``timetrack export ACCOUNT {entries|attendances|timesheet|summary}``: the API's files,
written by the CLI for the whole account; and ``account update --rates-visible`` deciding
whether people other than admins get the money columns."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from cli_support import Cli, cli_api, cli_runner, point_cli_at
from openpyxl import load_workbook
from pypdf import PdfReader

from timetrack.api_keys import service as api_keys
from timetrack.config import Settings
from timetrack.db import create_database


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    point_cli_at(tmp_path, monkeypatch)
    return cli_runner(capsys)


@pytest.fixture
async def acme(run: Cli) -> dict[str, Any]:
    created = await run("account", "create", "acme", "--name", "Acme", "--json")
    assert created.code == 0, created
    creds: dict[str, Any] = created.json()
    for name in ("anna", "bert"):
        user = {
            "username": name,
            "firstName": name.title(),
            "lastName": "Example",
            "email": f"{name}@example.com",
            "password": "correct horse",
        }
        made = await cli_api(creds, "POST", "/users", user)
        assert made.status_code == 201, made.text
        creds[name] = made.json()["id"]
    for path, body in (
        ("/clients", {"name": "Client"}),
        ("/projects", {"clientName": "Client", "projectName": "P"}),
    ):
        assert (await cli_api(creds, "POST", path, body)).status_code == 201
    for day, person in ((6, "anna"), (7, "bert"), (8, "anna")):
        entry = {
            "user": person,
            "clientName": "Client",
            "projectName": "P",
            "from": f"2025-01-0{day}T09:00:00.000Z",
            "to": f"2025-01-0{day}T11:15:00.000Z",
            "hourRate": 80,
        }
        created_entry = await cli_api(creds, "POST", "/project_time_entries", entry)
        assert created_entry.status_code == 201, created_entry.text
    return creds


async def test_entries_as_csv_like_the_api(run: Cli, acme: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "entries.csv"
    result = await run("export", "acme", "entries", "--user", "anna", "-o", str(target))
    assert result.code == 0, result
    assert result.out.startswith(f"Wrote entries of acme to {target}")
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["ID", "Date", "User"] and rows[0][-2:] == ["Hour rate", "Amount"]
    assert [(r[0], r[2], r[-1]) for r in rows[1:]] == [
        ("1", "anna", "180.00"),
        ("3", "anna", "180.00"),
    ]
    api = await cli_api(acme, "GET", "/exports/project_time_entries?user=anna")
    assert api.content == target.read_bytes()


async def test_entries_as_xlsx_and_a_timesheet_as_pdf(
    run: Cli, acme: dict[str, Any], tmp_path: Path
) -> None:
    book = tmp_path / "entries.xlsx"
    result = await run("export", "acme", "entries", "--format", "xlsx", "--from", "2025-01-07",
                       "--lang", "de", "-o", str(book))  # fmt: skip
    assert result.code == 0, result
    sheet = load_workbook(book).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["ID", "Datum"]
    assert sheet.max_row == 1 + 2 + 1
    pdf = tmp_path / "anna.pdf"
    result = await run("export", "acme", "timesheet", "--user", "anna", "--from", "2025-01",
                       "--to", "2025-02", "-o", str(pdf))  # fmt: skip
    assert result.code == 0, result
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    assert "Timesheet: February 2025" in reader.pages[1].extract_text()


async def test_a_summary_is_the_apis_file(run: Cli, acme: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "summary.csv"
    result = await run("export", "acme", "summary", "--group-by", "user", "--sub-group-by", "day",
                       "--from", "2025-01-01", "--to", "2025-01-31", "-o", str(target))  # fmt: skip
    assert result.code == 0, result
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Level", "User", "Day", "Entries", "Worked (h)", "Worked (h:mm)",
                       "Billable (h)", "Billable (h:mm)", "Amount"]  # fmt: skip
    assert [(r[0], r[1], r[2], r[5], r[8]) for r in rows[1:]] == [
        ("1", "anna", "", "4:30", "360.00"),
        ("2", "anna", "2025-01-06", "2:15", "180.00"),
        ("2", "anna", "2025-01-08", "2:15", "180.00"),
        ("1", "bert", "", "2:15", "180.00"),
        ("2", "bert", "2025-01-07", "2:15", "180.00"),
    ]
    query = "groupBy=user&subGroupBy=day&from=2025-01-01&to=2025-01-31"
    api = await cli_api(acme, "GET", f"/exports/reports/summary?{query}")
    assert api.content == target.read_bytes()
    pdf = tmp_path / "summary.pdf"
    result = await run("export", "acme", "summary", "--group-by", "project", "--from",
                       "2025-01-01", "--to", "2025-01-31", "--format", "pdf", "--lang", "de",
                       "--user", "bert", "-o", str(pdf))  # fmt: skip
    assert result.code == 0, result
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Zusammenfassung: Projekt" in text and "Summe" in text and "Seite 1 von 1" in text
    assert "2:15" in text and "4:30" not in text  # bert's only


async def test_mistakes_are_one_line(run: Cli, acme: dict[str, Any], tmp_path: Path) -> None:
    target = str(tmp_path / "x")
    for argv, message in (
        (("entries", "--format", "pdf"), "format: 'pdf' is not one of csv, xlsx"),
        (("entries", "--from", "soon"), "from:"),
        (("timesheet", "--from", "2025-01"), "a timesheet needs --user and --from YYYY-MM"),
        (("timesheet", "--user", "anna", "--from", "2025-01", "--to", "2026-01"), "12 months"),
        (("timesheet", "--user", "nobody", "--from", "2025-01"), "no user named 'nobody'"),
        (("summary", "--from", "2025-01-01"), "a summary needs --group-by, --from and --to"),
        (
            ("summary", "--group-by", "decade", "--from", "2025-01-01", "--to", "2025-01-31"),
            "groupBy: must be one of",
        ),
        (
            ("summary", "--group-by", "user", "--from", "2025-02-01", "--to", "2025-01-31"),
            "is before from",
        ),
    ):
        result = await run("export", "acme", *argv, "-o", target)
        assert result.code == 1, (argv, result)
        assert result.err.startswith("timetrack: ") and message in result.err, (argv, result)


async def test_rates_visible_decides_whether_people_get_the_money_columns(
    run: Cli, acme: dict[str, Any]
) -> None:
    settings = Settings()
    database = create_database(settings.effective_database_url)
    await database.open()
    try:
        async with database.transaction(write=True) as tx:
            key = await api_keys.create(
                tx,
                acme["account"]["id"],
                acme["anna"],
                name="anna",
                scopes=frozenset({"read"}),
                expires_at=None,
                allowed=None,
            )
    finally:
        await database.close()
    anna = {"apiKey": key.key, "apiSecret": key.secret}

    async def header() -> list[str]:
        response = await cli_api(anna, "GET", "/exports/project_time_entries?lang=en")
        assert response.status_code == 200, response.text
        return next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    assert "Hour rate" not in await header() and "Amount" not in await header()
    assert (await run("account", "update", "acme", "--rates-visible", "yes")).code == 0
    assert (await header())[-2:] == ["Hour rate", "Amount"]
