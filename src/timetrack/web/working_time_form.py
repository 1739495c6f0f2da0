"""A working-time model as the admin page shows and reads it: target hours per weekday as
``h:mm`` (the API stores seconds), days of leave as a number in the person's locale.

Hours are typed as the week grid reads them (``durations.parse_minutes``: ``8``, ``7:30``,
``7,5``, ``450m``) and sent to the API as seconds; the API checks the range (at most a day)
itself, so its refusal, not ours, says what is wrong with ``25``. A text that is no duration at
all never reaches the API: the page refuses it with the parser's message, in the envelope's
form, next to its field. On the edit form a day left as it was shown keeps its stored seconds
exactly (a model set through the API to 28,830 s shows ``8:00:30``, which no person types).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from timetrack.errors import FIELD_INVALID, AppError, Problem
from timetrack.web.durations import DurationError, format_minutes, parse_minutes
from timetrack.web.i18n import Texts
from timetrack.working_time.fields import DEFAULT_DAY_SECONDS, DEFAULT_VACATION_DAYS, WEEKDAYS

VALID_FROM = "validFrom"
VACATION = "vacationDaysPerYear"
DAY_FIELDS = tuple(f"{day}Seconds" for day in WEEKDAYS)  # Monday first, as the API's fields
# The API refuses a day over 24 hours in its own words; the parser only has to read the text.
_ANY_LENGTH = 10**9


def hours_text(seconds: int) -> str:
    """``h:mm``, with ``:ss`` only where a model set through the API holds odd seconds."""
    minutes, rest = divmod(seconds, 60)
    return format_minutes(minutes) + (f":{rest:02d}" if rest else "")


def days_text(texts: Texts, days: float | Decimal) -> str:
    """Days of leave in the locale (``27,5`` in German), without a needless ``,0``."""
    number = Decimal(str(days))
    return texts.number(float(number), 0 if number == number.to_integral_value() else 1)


def week_seconds(item: dict[str, Any]) -> int:
    return sum(int(item[field]) for field in DAY_FIELDS)


def new_values(texts: Texts) -> dict[str, str]:
    """A new model's form: the default week (Monday-Friday 8 h) and the default leave."""
    values = {f"{day}Seconds": hours_text(DEFAULT_DAY_SECONDS[day]) for day in WEEKDAYS}
    values[VACATION] = days_text(texts, DEFAULT_VACATION_DAYS)
    return values


def values_of(texts: Texts, item: dict[str, Any]) -> dict[str, str]:
    """A model's wire form as the edit form's initial values."""
    values = {field: hours_text(int(item[field])) for field in DAY_FIELDS}
    values[VALID_FROM] = str(item[VALID_FROM])
    values[VACATION] = days_text(texts, item[VACATION])
    return values


def _seconds(text: str, field: str, shown: dict[str, Any] | None) -> int:
    if shown is not None and text == hours_text(int(shown[field])):
        return int(shown[field])
    try:
        return parse_minutes(text, limit=_ANY_LENGTH) * 60
    except DurationError as exc:
        raise AppError(Problem(FIELD_INVALID, str(exc), pointer=f"/{field}")) from None


def body_of(form: dict[str, str], shown: dict[str, Any] | None) -> dict[str, Any]:
    """The API body the form says: a create's (``shown`` None), or an update of ``shown`` (the
    model as stored) sending every field. A create leaves out an empty date and leave (the API
    requires the one and defaults the other); an empty day is 0 hours. Raises ``AppError``
    naming every day whose text is no duration."""
    body: dict[str, Any] = {}
    valid_from = form.get(VALID_FROM, "").strip()
    if valid_from or shown is not None:
        body[VALID_FROM] = valid_from
    unreadable: list[Problem] = []
    for field in DAY_FIELDS:
        try:
            body[field] = _seconds(form.get(field, "").strip(), field, shown)
        except AppError as exc:
            unreadable.extend(exc.problems)
    # The German decimal comma, as the hours take it; the API reads a plain decimal.
    vacation = form.get(VACATION, "").strip().replace(",", ".")
    if vacation or shown is not None:
        body[VACATION] = vacation
    if unreadable:
        raise AppError(*unreadable)
    return body


def pointers() -> dict[str, str]:
    """The body's JSON pointers a problem may name → the input's name (the same)."""
    return {f"/{name}": name for name in (VALID_FROM, *DAY_FIELDS, VACATION)}
