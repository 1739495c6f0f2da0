"""What an export is made of, whatever its format: columns (a heading per language and a kind
that says how the value is written) and rows of plain Python values in column order.

A new export is a list of ``Column``s and a function from a database row to a ``Values``
tuple; the CSV, XLSX and PDF writers do the rest (docs/api.md, "Exports").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from timetrack.db import Row


class Kind(Enum):
    """How a value is written. Durations are seconds; the two duration kinds are the decimal
    hours and the ``h:mm`` of the same value, in two columns."""

    TEXT = "text"  # str or None; guarded against formula injection (``guarded``)
    INTEGER = "integer"  # an id
    DATE = "date"  # datetime.date
    DATETIME = "datetime"  # a naive local wall-clock datetime, to the minute
    TIME = "time"  # a naive local wall-clock datetime, its time of day only
    HOURS = "hours"  # seconds -> decimal hours, two places
    HMM = "hmm"  # seconds -> h:mm (negative: -h:mm)
    MONEY = "money"  # Decimal, two places
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the column's name in docs/api.md
    en: str
    de: str
    kind: Kind
    total: bool = False  # summed in the XLSX and PDF totals row
    money: bool = False  # shown only where ``grants.rates_shown()``

    def heading(self, lang: str) -> str:
        return self.de if lang == "de" else self.en


Values = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    """The columns of one export and how a row of the database becomes its values."""

    name: str  # what the file holds: "project_time_entries", "timesheet", ...
    columns: tuple[Column, ...]
    values: Callable[[Row], Values]

    def without_money(self) -> Sheet:
        """The sheet without its money columns (rates hidden from the caller)."""
        kept = [i for i, c in enumerate(self.columns) if not c.money]
        if len(kept) == len(self.columns):
            return self
        full = self.values

        def values(row: Row) -> Values:
            every = full(row)
            return tuple(every[i] for i in kept)

        return Sheet(self.name, tuple(self.columns[i] for i in kept), values)


def duration(key: str, en: str, de: str, *, total: bool = True) -> tuple[Column, Column]:
    """The decimal-hours column and the h:mm column of one duration."""
    return (
        Column(f"{key}Hours", f"{en} (h)", f"{de} (h)", Kind.HOURS, total=total),
        Column(f"{key}HMM", f"{en} (h:mm)", f"{de} (h:mm)", Kind.HMM, total=total),
    )


# OWASP's list of the first characters with which a spreadsheet reads a cell as a formula (or,
# for tab and carriage return, may once the cell is trimmed).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


class Totals:
    """The running sums of a sheet's ``total`` columns while its rows pass; or, ``given``,
    totals made elsewhere (a summary's rows are groups and subgroups, and tag groups may
    count an entry twice: summing its rows would not give its totals)."""

    def __init__(self, columns: Sequence[Column], given: Values | None = None) -> None:
        self.indexes = [i for i, c in enumerate(columns) if c.total]
        self.given = given is not None
        self.sums: dict[int, Any] = {i: (given[i] if given else 0) or 0 for i in self.indexes}
        self.rows = 0

    def add(self, rows: Sequence[Values]) -> None:
        self.rows += len(rows)
        if self.given:
            return
        for i in self.indexes:
            self.sums[i] += sum(row[i] or 0 for row in rows)


# A PDF report (pdf_writer.render): here, apart from the writer, so building one does not
# import fpdf and fontTools (some 45 MiB per process), which load with the first PDF.
@dataclass(frozen=True, slots=True)
class Section:
    title: str  # "January 2025"
    rows: Sequence[Values]
    totals: Values | None = None  # the totals row when it is not the rows' sums


@dataclass(frozen=True, slots=True)
class Report:
    title: str  # "Timesheet"
    account: str
    subject: str | None  # whom it is about: "Anna Example (anna)"; None: the account's
    period: str
    created: datetime
    sections: Sequence[Section]
    signatures: bool = True
    lines: Sequence[tuple[str, str]] = field(default_factory=tuple)
