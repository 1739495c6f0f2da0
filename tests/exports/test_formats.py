"""How values are written, whatever the export: durations as h:mm, decimals in each
language, and the formula guard of CSV text (the writers' own rules, docs/api.md "CSV")."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal

import pytest

from timetrack.exports.csv_writer import CsvRows
from timetrack.exports.language import hmm, language_of, style
from timetrack.exports.sheet import Column, Kind


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (29, "0:00"), (30, "0:01"), (5400, "1:30"), (-2700, "-0:45"),
     (48 * 3600 + 60, "48:01")],
)  # fmt: skip
def test_hmm_is_to_the_nearest_minute_with_a_sign(seconds: int, text: str) -> None:
    assert hmm(seconds) == text


def test_each_language_writes_its_own_numbers_dates_and_words() -> None:
    columns = [
        Column("d", "D", "D", Kind.DATE),
        Column("t", "T", "T", Kind.DATETIME),
        Column("h", "H", "H", Kind.HOURS),
        Column("m", "M", "M", Kind.MONEY),
        Column("b", "B", "B", Kind.BOOLEAN),
        Column("x", "X", "X", Kind.TEXT),
    ]
    row = (date(2025, 3, 4), datetime(2025, 3, 4, 9, 5), 5400, Decimal("1234.5"), True, "-x")
    assert CsvRows(columns, style("en")).rows([row]) == (
        "2025-03-04,2025-03-04 09:05,1.50,1234.50,yes,'-x\r\n"
    )
    assert CsvRows(columns, style("de")).rows([row]) == (
        "04.03.2025;04.03.2025 09:05;1,50;1234,50;ja;'-x\r\n"
    )
    empty = (None,) * len(columns)
    assert CsvRows(columns, style("de")).rows([empty]) == ";;;;;\r\n"


@pytest.mark.parametrize(
    ("code", "lang"), [("de", "de"), ("de-AT", "de"), ("DE", "de"), ("en", "en"),
                       ("pt-BR", "en"), (None, "en")],
)  # fmt: skip
def test_a_users_language_picks_german_or_english(code: str | None, lang: str) -> None:
    assert language_of(code) == lang


def test_a_worker_loads_the_pdf_and_xlsx_writers_only_with_the_first_such_file() -> None:
    # fpdf, fontTools and XlsxWriter weigh some 35 MiB a process: not in every idle worker.
    code = (
        "import sys, timetrack.app, timetrack.cli; "
        "print(sorted(m for m in ('fpdf', 'fontTools', 'xlsxwriter') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
