"""German and English for the web pages: the words from gettext catalogs (``locale/<lang>/
LC_MESSAGES/messages.po``, read at start-up with Babel's ``read_po``, so there is no compile
step), and dates, numbers, durations and the first day of the week from Babel's CLDR data.

A signed-in person reads their user's ``language`` (``exports.service.caller_language``: German
for any German, else English; accounts have none of their own); the sign-in page, before anyone
is known, the browser's ``Accept-Language``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from timetrack.exports.language import LANGUAGES, Lang

LOCALE_DIR = Path(__file__).parent / "locale"
# The CLDR locales the two languages are formatted in (as the exports write them).
_LOCALES: dict[Lang, str] = {"de": "de_DE", "en": "en_GB"}


def catalog_path(lang: Lang) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@functools.cache
def catalog(lang: Lang) -> dict[str, str]:
    """msgid → translation; an empty translation (the English catalog's) is the msgid."""
    with catalog_path(lang).open("rb") as po:
        # A broken entry stops the start, not a message turned silently into English.
        messages = read_po(po, locale=_LOCALES[lang], abort_invalid=True)
    return {
        str(m.id): str(m.string) or str(m.id)
        for m in messages
        if m.id and isinstance(m.id, str) and isinstance(m.string, str)
    }


@functools.cache
def _locale(lang: Lang) -> Locale:
    return Locale.parse(_LOCALES[lang])


# A week page names its seven days and its range on every load; Babel takes some 20 µs a date,
# as long as the rest of the page's logic for a busy week.
@functools.lru_cache(maxsize=4096)
def _date(lang: Lang, value: date, form: str) -> str:
    return format_date(value, form, locale=_locale(lang))


@dataclass(frozen=True, slots=True)
class Texts:
    """One language's words and formats, handed to every template as ``t`` (and ``_``)."""

    lang: Lang

    @property
    def locale(self) -> Locale:
        return _locale(self.lang)

    def gettext(self, message: str) -> str:
        # A message missing from the catalog shows in English rather than failing the page;
        # tests/web/test_i18n.py keeps every message of the templates in both catalogs.
        return catalog(self.lang).get(message, message)

    def date(self, value: date, form: str = "medium") -> str:
        if type(value) is not date:  # a datetime: its time of day would be cached as well
            return format_date(value, form, locale=self.locale)
        return _date(self.lang, value, form)

    def moment(self, value: datetime, form: str = "medium") -> str:
        return format_datetime(value, form, locale=self.locale)

    def time(self, value: datetime, form: str = "short") -> str:
        return format_time(value, form, locale=self.locale)

    def number(self, value: float, digits: int = 2) -> str:
        return format_decimal(
            value, f"#,##0.{'0' * digits}" if digits else "#,##0", locale=self.locale
        )

    @property
    def first_week_day(self) -> int:
        """0 for Monday ... 6 for Sunday, as the locale starts its weeks."""
        return int(self.locale.first_week_day)


def clock(seconds: int) -> str:
    """``h:mm:ss`` of a running timer (hours unbounded); the same in both languages."""
    hours, rest = divmod(max(0, seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def texts(lang: Lang) -> Texts:
    return Texts(lang)


def from_accept_language(header: str) -> Lang:
    """The first of the browser's languages we have (by its q-values), else English."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    for negative_quality, _, code in sorted(ranked):
        if negative_quality < 0 and code in LANGUAGES:
            return code
    return "en"
