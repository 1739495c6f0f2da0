"""``GET /exports/project_time_entries``: the list's entries as CSV or XLSX (docs/api.md,
"Exports")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import httpx
import pytest
from conftest import assert_error

from exports.common import (
    DANGEROUS,
    ENTRY_KEYS,
    book,
    cached_values_sheet,
    csv_rows,
    make_user,
    minutes,
    workbook_sheet,
)
from timetrack.exports import stream

PATH = "/exports/project_time_entries"


async def _entries(api: httpx.AsyncClient) -> list[dict[str, object]]:
    await make_user(api, "anna")
    await make_user(api, "bert")
    made = [
        await book(api, "anna", "Acme GmbH", "2025-01-06", details='Müller & Söhne, "quoted"'),
        await book(api, "bert", "Acme GmbH", "2025-01-07", "08:00", "16:45", billable=False),
        await book(api, "anna", "Zeta", "2025-01-08", "13:00", "13:20", tags="#a #b"),
    ]
    return made


async def test_the_csv_parses_back_to_the_rows_of_the_list(api: httpx.AsyncClient) -> None:
    await _entries(api)
    listed = (await api.get("/project_time_entries", params={"limit": 1000})).json()
    keys, rows = csv_rows(await api.get(PATH, params={"format": "csv"}))
    assert keys == ENTRY_KEYS  # the account key sees the rates
    assert len(rows) == len(listed) == 3
    for row, entry in zip(rows, listed, strict=True):
        assert int(row["id"]) == entry["id"]
        assert row["user"] == entry["user"]
        assert row["client"] == entry["clientName"]
        assert row["project"] == entry["projectName"]
        assert row["details"] == (entry["details"] or "")
        assert row["tags"] == (entry["tags"] or "")
        assert row["date"] == entry["from"][:10]
        assert row["from"] == entry["from"][:16].replace("T", " ")
        assert row["to"] == entry["to"][:16].replace("T", " ")
        assert row["timeZone"] == entry["timeZone"]
        assert round(float(row["workedHours"]) * 60) == entry["workedMinutes"]
        hours, minutes = row["workedHMM"].split(":")
        assert int(hours) * 60 + int(minutes) == entry["workedMinutes"]
        assert row["billable"] == ("yes" if entry["billable"] else "no")
        assert Decimal(row["hourRate"]) == Decimal(str(entry["hourRate"]))
    assert [r["workedHMM"] for r in rows] == ["1:30", "8:45", "0:20"]
    assert [r["workedHours"] for r in rows] == ["1.50", "8.75", "0.33"]


async def test_german_csv_has_german_headings_semicolons_and_decimal_commas(
    api: httpx.AsyncClient,
) -> None:
    await _entries(api)
    response = await api.get(PATH, params={"lang": "de"})
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("ID;Datum;Benutzer;Kunde;Projekt;Tätigkeit")
    _, rows = csv_rows(response, lang="de", delimiter=";")
    assert [r["workedHours"] for r in rows] == ["1,50", "8,75", "0,33"]
    assert [r["date"] for r in rows] == ["06.01.2025", "07.01.2025", "08.01.2025"]
    assert [r["billable"] for r in rows] == ["ja", "nein", "ja"]
    assert rows[0]["from"] == "06.01.2025 09:00"


async def test_the_xlsx_has_typed_cells_and_a_totals_row(api: httpx.AsyncClient) -> None:
    await _entries(api)
    await api.put("/project_time_entries/1", json={"hourRate": 100})
    response = await api.get(PATH, params={"format": "xlsx"})
    sheet = workbook_sheet(response)
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["ID", "Date", "User"]
    col = {key: index for index, key in enumerate(ENTRY_KEYS)}
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4  # three entries and the totals
    first = rows[0]
    assert first[col["id"]] == 1 and isinstance(first[col["id"]], int)
    assert first[col["date"]] == datetime(2025, 1, 6)
    assert first[col["from"]] == datetime(2025, 1, 6, 9, 0)
    assert first[col["workedHours"]] == pytest.approx(1.5)
    assert first[col["billable"]] is True
    assert first[col["hourRate"]] == pytest.approx(100.0)
    assert first[col["amount"]] == pytest.approx(150.0)
    assert rows[1][col["amount"]] == 0  # not billable
    totals = rows[3]
    assert totals[0] == "Total"
    assert totals[col["workedHours"]] == "=SUM(N2:N4)"
    calculated = next(iter(cached_values_sheet(response).iter_rows(min_row=5, values_only=True)))
    assert calculated[col["workedHours"]] == pytest.approx(1.5 + 8.75 + 20 / 60)
    assert minutes(calculated[col["workedHMM"]]) == 90 + 525 + 20
    assert calculated[col["amount"]] == pytest.approx(150.0 + float(rows[2][col["amount"]]))


async def test_a_formula_in_a_text_cannot_run_in_a_spreadsheet(api: httpx.AsyncClient) -> None:
    await make_user(api, "anna")
    for n, name in enumerate(DANGEROUS):
        await book(api, "anna", name, f"2025-02-{n + 1:02d}", details=name)
    listed = (await api.get("/project_time_entries")).json()
    # Names are stored trimmed; details as sent, tab and carriage return included.
    assert [e["details"] for e in listed] == list(DANGEROUS)
    assert listed[0]["clientName"] == DANGEROUS[0]
    _, rows = csv_rows(await api.get(PATH))
    for row, entry in zip(rows, listed, strict=True):
        assert row["details"] == "'" + entry["details"]
        assert row["client"] == (
            "'" + entry["clientName"] if entry["clientName"][0] in "=+-@" else entry["clientName"]
        )
        assert row["workedHours"] == "1.50"  # numbers stay numbers
    sheet = workbook_sheet(await api.get(PATH, params={"format": "xlsx"}))
    details = ENTRY_KEYS.index("details")
    for row, name in zip(sheet.iter_rows(min_row=2, max_row=7), DANGEROUS, strict=True):
        cell = row[details]
        # A string, never a formula (openpyxl leaves XLSX's escape of a carriage return as is).
        assert cell.data_type == "s" and cell.value.replace("_x000D_", "\r") == name
        assert cell.quotePrefix  # edited, it stays text
        assert row[ENTRY_KEYS.index("workedHours")].data_type == "n"


async def test_negative_numbers_are_not_taken_for_formulas() -> None:
    from timetrack.exports.csv_writer import CsvRows
    from timetrack.exports.language import style
    from timetrack.exports.service import TIMESHEET_COLUMNS

    day = (date(2025, 1, 1), "-Mon", None, None, 0, 0, 0, 0, 0, 0, None, 0, 0, None, 0, 0)
    row = (*day, -5400, -5400, -5400, -5400)
    text = CsvRows(TIMESHEET_COLUMNS, style("en")).rows([row])
    assert (
        text == "2025-01-01,'-Mon,,,0.00,0:00,0.00,0:00,0.00,0:00,,0.00,0:00,,0.00,0:00,"
        "-1.50,-1:30,-1.50,-1:30\r\n"
    )


async def test_another_accounts_entries_never_appear(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient
) -> None:
    await _entries(api)
    await make_user(other_api, "anna")
    await book(other_api, "anna", "Other Ltd", "2025-01-06")
    _, mine = csv_rows(await api.get(PATH))
    _, theirs = csv_rows(await other_api.get(PATH))
    assert {r["client"] for r in mine} == {"Acme GmbH", "Zeta"}
    assert [r["client"] for r in theirs] == ["Other Ltd"]
    sheet = workbook_sheet(await other_api.get(PATH, params={"format": "xlsx"}))
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Other Ltd", None]


async def test_the_filters_are_the_lists(api: httpx.AsyncClient) -> None:
    await _entries(api)
    for params in (
        {"user": "anna"},
        {"clientName": "acme"},
        {"from": "2025-01-07", "to": "2025-01-07"},
        {"billable": "false"},
        {"user": "nobody"},
    ):
        listed = (await api.get("/project_time_entries", params=params)).json()
        _, rows = csv_rows(await api.get(PATH, params=params))
        assert [int(r["id"]) for r in rows] == [e["id"] for e in listed], params
    refused = await api.get(PATH, params={"from": "yesterday"})
    assert_error(refused, 400, 10013, parameter="from")


async def test_a_long_export_is_read_in_chunks_from_one_snapshot(
    api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(api, "anna")
    for day in range(1, 8):
        await book(api, "anna", "Acme", f"2025-03-{day:02d}")
    monkeypatch.setattr(stream, "CHUNK_ROWS", 2)
    _, rows = csv_rows(await api.get(PATH))
    assert [int(r["id"]) for r in rows] == list(range(1, 8))
    sheet = workbook_sheet(await api.get(PATH, params={"format": "xlsx"}))
    assert sheet.max_row == 9  # the header, seven entries, the totals


async def test_the_file_is_named_for_what_and_when(api: httpx.AsyncClient, account: object) -> None:
    await _entries(api)
    response = await api.get(PATH, params={"from": "2025-01-01", "to": "2025-01-31"})
    disposition = response.headers["content-disposition"]
    slug = account.account.slug  # type: ignore[attr-defined]
    assert disposition.startswith(
        f'attachment; filename="{slug}_project-time-entries_2025-01-01_2025-01-31_'
    )
    assert disposition.endswith(
        ".csv\"; filename*=UTF-8''" + disposition.split("filename*=UTF-8''")[1]
    )
    everything = await api.get(PATH, params={"format": "xlsx"})
    assert f"{slug}_project-time-entries_all_" in everything.headers["content-disposition"]
    assert everything.headers["content-disposition"].split('"')[1].endswith(".xlsx")


@pytest.mark.parametrize(
    ("params", "code", "parameter"),
    [
        ({"format": "pdf"}, 23010, "format"),
        ({"format": "json"}, 23010, "format"),
        ({"lang": "fr"}, 23011, "lang"),
    ],
)
async def test_an_unknown_format_or_language_answers_the_envelope(
    api: httpx.AsyncClient, params: dict[str, str], code: int, parameter: str
) -> None:
    assert_error(await api.get(PATH, params=params), 400, code, parameter=parameter)
