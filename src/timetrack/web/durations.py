"""What a person types into a week-grid cell, read as minutes, and minutes written as ``h:mm``.

Accepted (spaces around and between the parts are ignored, letters in any case):

- clock form ``h:mm``: ``1:30``, ``0:05``, ``8:00``, ``:45`` (minutes two digits, under 60);
- decimal hours with a point or a comma (the German decimal separator): ``1.5``, ``1,5``,
  ``.25``, ``8``; a plain number is hours, as in Toggl's and Kimai's grids;
- units: ``90m``, ``90min``, ``2h``, ``1.5h``, ``1h30``, ``1h 30m``, ``1h30min``;
- nothing (or only spaces): 0, which the grid takes as "no time in this cell".

Decimal hours are rounded to the nearest minute, halves up (``0.01`` h is 36 s: 1 minute), so
what the cell shows afterwards (``format_minutes``) is what is booked. A day cell holds at most
24 hours. Anything else raises :class:`DurationError`, whose ``reason`` the page turns into a
sentence in the person's language and whose message says the same in English for the log.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

DAY_MINUTES = 24 * 60
# Longer than any duration anybody types; refusing it early keeps Decimal away from a
# thousand-digit number pasted into a cell.
MAX_TEXT = 24

Reason = Literal["invalid", "negative", "too_long"]

_CLOCK = re.compile(r"(\d{0,3}):([0-5]\d)", re.ASCII)
_NUMBER = r"\d+(?:[.,]\d*)?|[.,]\d+"
_DECIMAL = re.compile(_NUMBER, re.ASCII)
# ``1h30`` and ``1h 30m``: the minutes' unit may be left out after hours, never alone.
_UNITS = re.compile(
    rf"(?:(?P<hours>{_NUMBER})\s*h(?:ours?|rs?)?)?\s*(?:(?P<minutes>\d+)\s*(?P<unit>m|min)?)?",
    re.ASCII,  # other scripts' digits are not what a grid expects, and ``\d`` takes them
)


class DurationError(ValueError):
    """A cell's text that is not a duration the grid books."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


def _hours(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _whole_minutes(hours: Decimal) -> int:
    return int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _read(text: str) -> int | None:
    """The minutes ``text`` (stripped, lower case, no sign) stands for; None if it is none of
    the forms."""
    if clock := _CLOCK.fullmatch(text):
        return int(clock[1] or 0) * 60 + int(clock[2])
    if _DECIMAL.fullmatch(text):
        return _whole_minutes(_hours(text))
    units = _UNITS.fullmatch(text)
    if units is None or not (units["hours"] or units["minutes"]):
        return None
    if units["minutes"] and not units["hours"] and not units["unit"]:
        return None  # a bare number is decimal hours, read above
    minutes = int(units["minutes"] or 0)
    if units["hours"] and minutes >= 60:
        return None  # "1h 75m" is a typo, not 2:15
    return _whole_minutes(_hours(units["hours"] or "0")) + minutes


def parse_minutes(text: str, *, limit: int = DAY_MINUTES) -> int:
    """The minutes ``text`` stands for (0 for an empty cell); at most ``limit`` minutes."""
    cleaned = text.strip().lower()
    if not cleaned:
        return 0
    if len(cleaned) > MAX_TEXT:
        raise DurationError("invalid", f"{cleaned[:MAX_TEXT]!r}... is not a duration")
    if cleaned.startswith(("-", "\u2212")):
        raise DurationError("negative", f"{cleaned!r}: a duration cannot be negative")
    minutes = _read(cleaned.removeprefix("+").strip())
    if minutes is None:
        raise DurationError(
            "invalid", f"{cleaned!r} is not a duration (write 1:30, 1.5, 1,5, 90m or 1h30)"
        )
    if minutes > limit:
        raise DurationError(
            "too_long", f"{cleaned!r} is {format_minutes(minutes)}, over {format_minutes(limit)}"
        )
    return minutes


def format_minutes(minutes: int) -> str:
    """``h:mm`` (``0:05``, ``8:00``, ``26:30``), with a minus sign before a negative one (a
    difference to the target)."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"
