"""German and English: headings come with each column (``sheet.Column``); numbers, dates and
words come from here, from Babel's CLDR data for the language (``lang=de|en``).

CSV is written for the spreadsheet of that language to open as it is: English with ``,``
between fields and ``.`` before decimals, German with ``;`` between fields (its decimal
separator is the comma) and ``,`` before decimals. Dates are ``yyyy-MM-dd`` in English (never
the US month-first order a reader could misread) and ``dd.MM.yyyy`` in German.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date, get_day_names
from babel.numbers import get_decimal_symbol

from timetrack.exports.sheet import FORMULA_STARTS

Lang = Literal["de", "en"]
LANGUAGES: tuple[Lang, ...] = ("de", "en")
_LOCALES: dict[Lang, str] = {"de": "de_DE", "en": "en_GB"}
_DATE_PATTERNS: dict[Lang, str] = {"de": "dd.MM.yyyy", "en": "yyyy-MM-dd"}
_WORDS: dict[Lang, dict[str, str]] = {
    "de": {
        "yes": "ja",
        "no": "nein",
        "billable": "abrechenbar",  # the groups of a summary by ``billable``
        "not_billable": "nicht abrechenbar",
        "total": "Summe",
        "page": "Seite {page} von {pages}",
        "timesheet": "Stundenzettel",
        "employee": "Mitarbeiter",
        "manager": "Vorgesetzter",
        "date_signature": "Datum, Unterschrift",
        "account": "Konto",
        "period": "Zeitraum",
        "created": "Erstellt",
        "summary": "Zusammenfassung",
        "rounding": "Rundung",
        "up": "aufgerundet",
        "down": "abgerundet",
        "nearest": "kaufmännisch gerundet",
    },
    "en": {
        "yes": "yes",
        "no": "no",
        "billable": "billable",
        "not_billable": "not billable",
        "total": "Total",
        "page": "Page {page} of {pages}",
        "timesheet": "Timesheet",
        "employee": "Employee",
        "manager": "Manager",
        "date_signature": "Date, signature",
        "account": "Account",
        "period": "Period",
        "created": "Created",
        "summary": "Summary",
        "rounding": "Rounding",
        "up": "up",
        "down": "down",
        "nearest": "to the nearest",
    },
}


def language_of(code: str | None) -> Lang:
    """A user's ``language`` (``de``, ``de-AT``, ``en``, ``pt-BR``, ...) as an export language:
    German for any German, else English."""
    return "de" if code is not None and code.lower().split("-")[0] == "de" else "en"


class Style:
    """How one language writes what an export holds."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.locale = Locale.parse(_LOCALES[lang])
        self.decimal = get_decimal_symbol(self.locale)
        self.csv_delimiter = ";" if self.decimal == "," else ","
        self.date_pattern = _DATE_PATTERNS[lang]
        self.words = _WORDS[lang]
        self._days = get_day_names("wide", locale=self.locale)

    def word(self, key: str) -> str:
        return self.words[key]

    # Dates repeat from row to row (a year has 366 of them): Babel formats each once.
    @lru_cache(maxsize=1024)  # noqa: B019 - one Style per language, kept for the process
    def day(self, value: date) -> str:
        return str(format_date(value, self.date_pattern, locale=self.locale))

    def weekday(self, value: date) -> str:
        return str(self._days[value.weekday()])

    def month(self, value: date) -> str:
        return str(format_date(value, "LLLL yyyy", locale=self.locale))

    def number(self, value: float | Decimal) -> str:
        """Two decimal places, no grouping (a spreadsheet reads ``1234,50``; ``1.234,50`` it
        may take for a date or text)."""
        text = f"{value:.2f}"
        return text if self.decimal == "." else text.replace(".", self.decimal)

    def _expression(self, kind: str, v: str) -> str:
        """Python source of the text of the value named ``v`` of ``kind`` (``sheet.Kind``
        values, and ``guarded``: a text cell with the CSV's formula guard); None is empty.

        Where the language's date pattern is ISO 8601 (English), dates and times are written
        by ``isoformat``, which gives Babel's text for that pattern in C; decimals are Python's
        with the locale's decimal symbol (Babel's)."""
        iso = self.date_pattern == "yyyy-MM-dd"
        comma = "" if self.decimal == "." else f".replace('.', {self.decimal!r})"
        expressions = {
            "text": v,
            "guarded": f'("\'" + {v} if {v}.startswith(_STARTS) else {v})',
            "integer": f"str({v})",
            "date": f"{v}.isoformat()" if iso else f"day({v})",
            "datetime": f"{v}.isoformat(' ', 'minutes')"
            if iso
            else f"day({v}.date()) + ' ' + {v}.isoformat()[11:16]",
            "time": f"{v}.isoformat()[11:16]",
            "hours": f"f'{{{v} / 3600:.2f}}'{comma}",
            "hmm": f"hmm({v})",
            "money": f"f'{{{v}:.2f}}'{comma}",
            "boolean": f"(yes if {v} else no)",
        }
        return f"('' if {v} is None else {expressions[kind]})"

    def _compile(self, source: str) -> Any:
        """An expression built by ``_expression`` from fixed templates (never from data) as
        a function. An export writes millions of cells: a call per cell cost the CSV export
        half its speed against hand-written code, so a row is one call instead."""
        names = {
            "_STARTS": FORMULA_STARTS,
            "day": self.day,
            "hmm": hmm,
            "yes": self.words["yes"],
            "no": self.words["no"],
        }
        return eval(source, names)

    def cell(self, kind: str) -> Callable[[Any], str]:
        """The text of one value of ``kind`` (the PDF's cells)."""
        return self._compile(f"lambda v: {self._expression(kind, 'v')}")  # type: ignore[no-any-return]

    def row(self, kinds: Sequence[str]) -> Callable[[Sequence[Any]], list[str]]:
        """The texts of a row whose values are of ``kinds``, in one call (the CSV's rows)."""
        names = [f"v{i}" for i in range(len(kinds))]
        unpack = ", ".join(names) + ("," if len(names) == 1 else "")
        cells = ", ".join(self._expression(k, n) for k, n in zip(kinds, names, strict=True))
        return self._compile(f"lambda row: (lambda {unpack}: [{cells}])(*row)")  # type: ignore[no-any-return]


def hmm(seconds: int) -> str:
    """Seconds as hours and minutes, ``-1:05`` when negative; to the nearest minute, half a
    minute up (integer arithmetic: this runs twice per row of an export)."""
    if seconds < 0:
        return "-" + hmm(-seconds)
    hours, minutes = divmod((seconds + 30) // 60, 60)
    return f"{hours}:{minutes:02d}"


@lru_cache(maxsize=2)
def style(lang: Lang) -> Style:
    return Style(lang)


def timestamp(moment: datetime) -> str:
    """The moment of an export in a file name: 20260131T170502Z."""
    return moment.strftime("%Y%m%dT%H%M%SZ")
