"""What an export writes besides numbers: names in any script the PDF's font covers (Polish,
Cyrillic, Greek), a replacement mark for the characters it lacks, and the words of the
``billable`` groups in the export's language, in CSV, XLSX and PDF."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from exports.common import book, make_user, pdf_text, workbook_sheet

SUMMARY = "/exports/reports/summary"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
# Cyrillic and Greek letters that look like Latin ones, on purpose.
CLIENTS = ("Łukasz Żółć Sp. z o.o.", "Юлия ООО", "Σοφία Α.Ε.")  # noqa: RUF001


async def _named_in_three_scripts(api: httpx.AsyncClient) -> None:
    await make_user(api, "lukasz", firstName="Łukasz", lastName="Żółć Юлия Σοφία")
    for n, client in enumerate(CLIENTS):
        await book(api, "lukasz", client, f"2025-01-0{n + 6}")


async def test_the_summary_pdf_prints_polish_cyrillic_and_greek_names(
    api: httpx.AsyncClient,
) -> None:
    await _named_in_three_scripts(api)
    params = YEAR | {"groupBy": "client", "format": "pdf", "lang": "en"}
    _, text = pdf_text(await api.get(SUMMARY, params=params))
    for client in CLIENTS:
        assert client in text
    assert "?" not in text


async def test_the_timesheet_pdf_prints_the_persons_name_in_any_of_them(
    api: httpx.AsyncClient,
) -> None:
    await _named_in_three_scripts(api)
    params = {"username": "lukasz", "month": "2025-01", "lang": "de"}
    _, text = pdf_text(await api.get("/exports/timesheet", params=params))
    assert "Łukasz Żółć Юлия Σοφία (lukasz)" in text
    assert "Stundenzettel: Januar 2025" in text


async def test_a_character_the_font_lacks_prints_as_the_replacement_mark(
    api: httpx.AsyncClient,
) -> None:
    await make_user(api, "anna")
    await book(api, "anna", "山田 Trading 😀", "2025-01-06")
    params = YEAR | {"groupBy": "client", "format": "pdf"}
    _, text = pdf_text(await api.get(SUMMARY, params=params))
    assert "\ufffd\ufffd Trading \ufffd" in text


async def _billable_and_not(api: httpx.AsyncClient) -> None:
    await make_user(api, "anna")
    await book(api, "anna", "Acme", "2025-01-06", hourRate=80)
    await book(api, "anna", "Acme", "2025-01-07", billable=False)


WORDS = {"de": ["abrechenbar", "nicht abrechenbar"], "en": ["billable", "not billable"]}


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_billable_groups_are_named_in_the_exports_language(
    api: httpx.AsyncClient, lang: str
) -> None:
    await _billable_and_not(api)
    params = YEAR | {"groupBy": "billable", "lang": lang}
    response = await api.get(SUMMARY, params=params | {"format": "csv"})
    delimiter = ";" if lang == "de" else ","
    _, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter)
    assert [row[0] for row in rows] == WORDS[lang]
    sheet = workbook_sheet(await api.get(SUMMARY, params=params | {"format": "xlsx"}))
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == WORDS[lang]
    _, text = pdf_text(await api.get(SUMMARY, params=params | {"format": "pdf"}))
    lines = text.splitlines()
    for word in WORDS[lang]:
        assert any(line.startswith(f"{word} ") for line in lines), (word, text)


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_billable_subgroups_are_named_in_the_exports_language(
    api: httpx.AsyncClient, lang: str
) -> None:
    await _billable_and_not(api)
    params = YEAR | {"groupBy": "client", "subGroupBy": "billable", "lang": lang}
    sheet = workbook_sheet(await api.get(SUMMARY, params=params | {"format": "xlsx"}))
    rows = list(sheet.iter_rows(min_row=2, max_row=4, values_only=True))
    assert [row[:3] for row in rows] == [
        (1, "Acme", None),
        (2, "Acme", WORDS[lang][0]),
        (2, "Acme", WORDS[lang][1]),
    ]
