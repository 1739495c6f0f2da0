"""XLSX with typed cells: numbers are numbers, dates are dates, durations are hours (a number)
and ``[h]:mm`` (a time span), booleans are booleans; a header row (frozen) and a totals row of
``SUM`` formulas, each with its value already computed so a reader that does not calculate
(openpyxl, a preview) sees it too (the summary's totals, which are not its rows' sums, are
written as plain numbers).

XlsxWriter's ``constant_memory`` mode writes each row to a temporary file as soon as the next
one starts, so a sheet of any length costs the same memory; the workbook is assembled into a
temporary file when closed, and that file is then sent in chunks. The workbook uses the 1904
date system, in which a spreadsheet shows a negative time span (a timesheet's difference)
instead of ``#####``.

A text cell that looks like a formula is a string cell anyway (never written as a formula);
it also gets the quote prefix, XLSX's own form of a typed leading ``'``, so editing the cell
does not turn it into one either.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from typing import IO, Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from timetrack.exports.language import Style
from timetrack.exports.sheet import Column, Kind, Totals, Values, formula_like

CHUNK_BYTES = 64 * 1024
_DATE = {"de": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
_WIDTHS = {Kind.TEXT: 22, Kind.DATETIME: 17, Kind.DATE: 11, Kind.BOOLEAN: 10}


class XlsxFile:
    """One worksheet written row by row into a temporary file (call from one thread at a
    time: the server runs each step in a worker thread, off the event loop)."""

    def __init__(
        self, columns: Sequence[Column], style: Style, title: str, totals: Values | None = None
    ) -> None:
        # Closed by ``xlsx_bytes`` once sent (or abandoned), not by a with-block here.
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.book = Workbook(
            self.file,
            {
                "constant_memory": True,
                "date_1904": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.sheet: Worksheet = self.book.add_worksheet(title[:31])
        self.columns = list(columns)
        self.style = style
        date = _DATE[style.lang]
        self.formats: dict[str, Format] = {
            "head": self.book.add_format({"bold": True, "bottom": 1}),
            "quoted": self.book.add_format({"quote_prefix": True}),
            "date": self.book.add_format({"num_format": date}),
            "datetime": self.book.add_format({"num_format": f"{date} hh:mm"}),
            "time": self.book.add_format({"num_format": "hh:mm"}),
            "integer": self.book.add_format({"num_format": "0"}),
            "hours": self.book.add_format({"num_format": "0.00"}),
            "hmm": self.book.add_format({"num_format": "[h]:mm;-[h]:mm"}),
            "money": self.book.add_format({"num_format": "#,##0.00"}),
            "total": self.book.add_format({"bold": True, "top": 1}),
        }
        self._cells = [self._cell_writer(column.kind) for column in self.columns]
        self.row = 0
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, _WIDTHS.get(column.kind, 12))
            self.sheet.write_string(0, index, column.heading(style.lang), self.formats["head"])
        self.sheet.freeze_panes(1, 0)
        self.totals = Totals(self.columns, totals)

    def _cell_writer(self, kind: Kind) -> Callable[[int, int, Any], object]:
        sheet, formats = self.sheet, self.formats
        if kind is Kind.TEXT:
            quoted = formats["quoted"]
            return lambda r, c, v: sheet.write_string(r, c, v, quoted if formula_like(v) else None)
        if kind in (Kind.INTEGER, Kind.BOOLEAN):
            plain: Callable[[int, int, Any], object] = (
                sheet.write_number if kind is Kind.INTEGER else sheet.write_boolean
            )
            return plain
        if kind in (Kind.DATE, Kind.DATETIME):
            found = formats[kind.value]
            return lambda r, c, v: sheet.write_datetime(r, c, v, found)
        if kind is Kind.TIME:
            at = formats["time"]
            return lambda r, c, v: sheet.write_datetime(r, c, v.time(), at)
        if kind is Kind.HOURS:
            hours = formats["hours"]
            return lambda r, c, v: sheet.write_number(r, c, v / 3600, hours)
        if kind is Kind.HMM:
            span = formats["hmm"]
            return lambda r, c, v: sheet.write_number(r, c, v / 86400, span)
        money = formats["money"]
        return lambda r, c, v: sheet.write_number(r, c, float(v), money)

    def add(self, rows: Sequence[Values]) -> None:
        cells = self._cells
        for values in rows:
            self.row += 1
            row = self.row
            for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
                if value is not None:
                    cell(row, column, value)
        self.totals.add(rows)

    def _total_value(self, kind: Kind, seconds_or_amount: Any) -> float:
        if kind is Kind.HOURS:
            return float(seconds_or_amount) / 3600
        if kind is Kind.HMM:
            return float(seconds_or_amount) / 86400
        return float(seconds_or_amount)

    def close(self) -> IO[bytes]:
        """Write the totals row, assemble the workbook; the file, at its start."""
        if self.totals.indexes:
            row = self.row + 1
            bold = self.formats["total"]
            self.sheet.write_string(row, 0, self.style.word("total"), bold)
            for index in self.totals.indexes:
                kind = self.columns[index].kind
                value = self._total_value(kind, self.totals.sums[index])
                number = self.book.add_format(
                    {"bold": True, "top": 1, "num_format": self.formats[kind.value].num_format}
                )
                if self.row == 0 or self.totals.given:
                    self.sheet.write_number(row, index, value, number)
                    continue
                first = xl_rowcol_to_cell(1, index)
                last = xl_rowcol_to_cell(self.row, index)
                self.sheet.write_formula(row, index, f"=SUM({first}:{last})", number, value)
        self.book.close()
        self.file.seek(0)
        return self.file


async def xlsx_bytes(
    columns: Sequence[Column],
    style: Style,
    title: str,
    batches: AsyncIterator[list[Values]],
    totals: Values | None = None,
) -> AsyncIterator[bytes]:
    """The XLSX file of ``batches``: written (off the event loop) while the rows are read, then
    sent in chunks. ``totals``, when given, are the totals row's values (no ``SUM``)."""
    book = await asyncio.to_thread(XlsxFile, columns, style, title, totals)
    try:
        async for batch in batches:
            await asyncio.to_thread(book.add, batch)
        file = await asyncio.to_thread(book.close)
        while chunk := await asyncio.to_thread(file.read, CHUNK_BYTES):
            yield chunk
    finally:
        book.file.close()
