"""CSV: UTF-8 with a byte-order mark (without it, spreadsheets open UTF-8 as a legacy code
page and break every umlaut), a header row, then one line per row; fields as ``language``
writes them. Written chunk by chunk as the rows arrive, so memory stays flat.

A text cell that a spreadsheet would read as a formula (``=HYPERLINK(...)``, ``+``, ``-``,
``@``, a leading tab or carriage return) is written with a leading ``'`` (OWASP's advice on
CSV injection): the spreadsheet shows it as text. Numbers are written as numbers, a negative
one with its minus sign.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence

from timetrack.exports.language import Style
from timetrack.exports.sheet import FORMULA_STARTS, Column, Kind, Values, formula_like

BOM = "\ufeff"
_S = FORMULA_STARTS


def guarded(text: str) -> str:
    """A text cell as a spreadsheet can only take for text."""
    return "'" + text if formula_like(text) else text


class CsvRows:
    """Turns rows of values into CSV text, one batch at a time."""

    def __init__(self, columns: Sequence[Column], style: Style) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(
            self._buffer, delimiter=style.csv_delimiter, lineterminator="\r\n"
        )
        kinds = ["guarded" if c.kind is Kind.TEXT else c.kind.value for c in columns]
        self._row = style.row(kinds)
        self._header = [guarded(column.heading(style.lang)) for column in columns]

    def _take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text

    def header(self) -> str:
        self._writer.writerow(self._header)
        return BOM + self._take()

    def rows(self, rows: Sequence[Values]) -> str:
        self._writer.writerows(map(self._row, rows))
        return self._take()


async def csv_bytes(
    columns: Sequence[Column], style: Style, batches: AsyncIterator[list[Values]]
) -> AsyncIterator[bytes]:
    """The CSV file of ``batches`` of rows, a chunk of bytes per batch."""
    writer = CsvRows(columns, style)
    yield writer.header().encode()
    async for batch in batches:
        yield writer.rows(batch).encode()
