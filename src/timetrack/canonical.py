"""One spelling per value: the text forms of integers, numbers and booleans the API accepts.

Python's own parsers take many spellings of one value: ``int()`` reads ``"019"``, ``" 19\\n"``,
``"+19"``, ``"1_9"`` and 19 in full-width digits as 19, ``Decimal()`` reads full-width digits
too, pydantic reads ``"yes"``, ``"on"`` and ``"TRUE"`` as true, and in ``re`` ``\\d`` matches
any Unicode digit and ``$`` matches before a trailing newline. So ``GET /tasks/019`` was task
19, ``DELETE /tasks/19%0A`` deleted it, and an ``hourRate`` of 12 in full-width digits stored
12. A client that sends such a spelling has a bug that the server hid; two spellings of one
value also defeat every comparison a proxy, a cache or an audit makes on the text.

So every integer, number and boolean that arrives as text is read here, whole (``fullmatch``),
against ASCII-only patterns, in the one spelling the server itself writes (docs/api.md, "One
spelling per value"). Timestamps, dates and zone names follow the same rule in ``times``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from pydantic import BeforeValidator

# An integer as the server writes it: ASCII digits, no sign, no leading zero, nothing around.
_INTEGER = re.compile(r"0|[1-9][0-9]*")
# A number as JSON writes it, without the exponent: "50", "12.5", "0.25", "-33.8688".
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
# The patterns above as the OpenAPI document states them (JSON Schema regex, whole value).
INTEGER_PATTERN = "^(0|[1-9][0-9]*)$"
DECIMAL_PATTERN = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
UNSIGNED_DECIMAL_PATTERN = r"^(0|[1-9][0-9]*)(\.[0-9]+)?$"

INTEGER_RULE = "an integer in ASCII digits, without sign, leading zeros or spaces"
DECIMAL_RULE = (
    "a number; as text, plain decimal ASCII digits as JSON writes a number "
    '("50", "12.5"), without spaces, leading zeros, "+" or an exponent'
)
BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False}
BOOLEAN_RULE = 'true or false; as text exactly "true", "false", "1" or "0"'
# Far beyond every range the API has (ids stop at 2^63-1, 19 digits); the bound keeps int()
# from working through a megabyte of digits (or refusing past 4300 with its own error).
_INTEGER_DIGITS_MAX = 100


def integer(text: str, low: int = 0, high: int | None = None) -> int | None:
    """``text`` as an integer from ``low`` to ``high``, if written so; else ``None``."""
    if len(text) <= _INTEGER_DIGITS_MAX and _INTEGER.fullmatch(text):
        value = int(text)
        if low <= value and (high is None or value <= high):
            return value
    return None


def integer_text(text: str) -> bool:
    """Whether ``text`` is an integer written the one way (range aside)."""
    return bool(_INTEGER.fullmatch(text))


def decimal(text: str) -> Decimal | None:
    """``text`` as a number, if written as plain decimal text; else ``None``."""
    return Decimal(text) if _DECIMAL.fullmatch(text) else None


def boolean(text: str) -> bool | None:
    """``text`` as a boolean, if it is ``true``, ``false``, ``1`` or ``0`` exactly."""
    return BOOLEAN_TEXT.get(text)


def _query_integer(value: Any) -> Any:
    if isinstance(value, str) and not integer_text(value):
        raise ValueError(f"must be {INTEGER_RULE}")
    return value


def _query_boolean(value: Any) -> Any:
    if isinstance(value, str):
        parsed = boolean(value)
        if parsed is None:
            raise ValueError(f"must be {BOOLEAN_RULE}")
        return parsed
    return value


# For ``Annotated[int, Query(...), QUERY_INTEGER]``: the text of an integer query parameter is
# checked before pydantic's own, lenient, conversion; the range stays with ``Query(ge, le)``.
QUERY_INTEGER = BeforeValidator(_query_integer)
QUERY_BOOLEAN = BeforeValidator(_query_boolean)
