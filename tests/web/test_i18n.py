"""Every word the pages show is in both catalogs, and each language formats as its locale
does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from jinja2.ext import babel_extract

from timetrack.exports.language import Lang
from timetrack.web import (
    admin_account,
    admin_table,
    guard,
    i18n,
    problems,
    render,
    report_charts,
    reports,
    timer,
    week_grid,
)
from timetrack.web.i18n import Texts, from_accept_language

WEB = Path(render.__file__).parent
# The callables that mark a message (Babel's form: name → argument positions, None: the first).
KEYWORDS: dict[str, None] = {"_": None, "gettext": None}


def _template_messages() -> set[str]:
    found = set()
    for path in sorted((WEB / "templates").glob("*.html")):
        with path.open("rb") as template:
            for _line, _function, message, _comments in babel_extract(
                template, list(KEYWORDS), [], {}
            ):
                if isinstance(message, str):
                    found.add(message)
    return found


def admin_messages() -> set[str]:
    """The admin pages' tables: labels, section names, error words, confirmations."""
    found = set(admin_table.LABELS.values()) | set(admin_table.WORDS.values())
    found |= set(admin_table.DONE.values()) | set(admin_account.LABELS.values())
    found |= {admin_table.LIST_HINT, admin_table.PASSWORD_EDIT_HINT, admin_account.SAVED}
    found |= set(admin_table.HINTS.values()) | {admin_table.SECRET_ONCE}
    for section in admin_table.SECTIONS:
        found |= {section.title, section.singular, section.search_label}
    found |= {page.title for page in admin_table.OWN_PAGES}
    return found


def _python_messages() -> set[str]:
    found = set()
    for path in sorted(WEB.glob("*.py")):
        with path.open("rb") as module:
            for _line, _function, message, _comments in extract_python(module, KEYWORDS, [], {}):
                if isinstance(message, str):
                    found.add(message)
    # Words kept in tables and translated where they are shown.
    found |= {item.label for item in guard.NAV}
    found |= set(problems._WORDS.values()) | {problems._GENERIC, problems._FIELD_INVALID}
    found |= set(timer._DONE.values())
    for table in (
        reports._WORDS,
        reports._NO_NAME,
        report_charts._TITLES,
        reports.PRESET_LABELS,
        reports.GROUP_LABELS,
        reports.ROUNDING_LABELS,
        reports.BILLABLE_LABELS,
    ):
        found |= set(table.values())
    found |= {reports._DATE_WORDS}
    found |= admin_messages()
    found |= {*week_grid._DONE.values(), *week_grid._DURATION_WORDS.values()}
    found |= set(week_grid._CELL_WORDS.values())
    return found


def test_the_templates_use_messages_at_all() -> None:
    assert {"Sign in", "Timer", "Sign out"} <= _template_messages()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_message_of_the_pages_is_in_the_catalog(lang: Lang) -> None:
    missing = sorted((_template_messages() | _python_messages()) - set(i18n.catalog(lang)))
    assert not missing, f"not in {i18n.catalog_path(lang)}: {missing}"


# Words German writes as English does.
SAME_IN_GERMAN = {"Timer", "Pause", "Name", "Budget", "Team", "Teams"}


def test_the_german_catalog_translates_every_message() -> None:
    german = i18n.catalog("de")
    untranslated = [m for m, text in german.items() if text == m and m not in SAME_IN_GERMAN]
    assert not untranslated


def test_dates_numbers_and_week_starts_follow_the_locale() -> None:
    de, en = Texts("de"), Texts("en")
    assert de.date(date(2026, 3, 1)) == "01.03.2026"
    assert en.date(date(2026, 3, 1)) == "1 Mar 2026"
    assert (de.number(1234.5), en.number(1234.5)) == ("1.234,50", "1,234.50")
    assert de.first_week_day == en.first_week_day == 0  # Monday in Germany and Britain


def test_the_clock_counts_hours_past_a_day() -> None:
    assert i18n.clock(0) == "0:00:00"
    assert i18n.clock(26 * 3600 + 61) == "26:01:01"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr-FR, en;q=0.5, de;q=0.7", "de"),
        ("en-US", "en"),
        ("fr", "en"),
        ("", "en"),
        ("de;q=0", "en"),
    ],
)
def test_the_sign_in_page_speaks_the_browsers_first_language_we_have(
    header: str, lang: str
) -> None:
    assert from_accept_language(header) == lang
