"""Field types of absence bodies."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from timetrack import canonical
from timetrack.canonical import INTEGER_PATTERN
from timetrack.fieldtypes import not_null
from timetrack.times import DATE_OR_TIMESTAMP_PATTERN, TimeFormatError, parse_date_or_timestamp

WAITING, APPROVED, DISAPPROVED = 0, 1, 2
FULL_DAY, FIRST_HALF, SECOND_HALF = 0, 1, 2


def _wire_date(value: Any) -> date:
    """A date; a timestamp is accepted too and stands for the date it is written with."""
    if not isinstance(value, str):
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        parsed = parse_date_or_timestamp(value)
    except TimeFormatError as exc:
        raise ValueError(str(exc)) from None
    return parsed if isinstance(parsed, date) else parsed.wall.date()


def _small_int(value: Any) -> int | None:
    """An integer sent as a number or a numeric string (``1``, ``"1"``, ``1.0``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return canonical.integer(value)
    return None


def _choice(message: str) -> Any:
    def check(value: Any) -> int:
        number = _small_int(value)
        if number not in (0, 1, 2):
            raise ValueError(message)
        return number

    return check


def _type_id(value: Any) -> int:
    number = _small_int(value)
    if number is None:
        raise ValueError("must be the id of an absence type (an integer)")
    return number


_INT_OR_STRING = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": INTEGER_PATTERN}]}

WireDate = Annotated[
    date,
    PlainValidator(_wire_date),
    WithJsonSchema(
        {"type": "string", "pattern": DATE_OR_TIMESTAMP_PATTERN, "example": "2026-07-01"}
    ),
]
Status = Annotated[
    int,
    PlainValidator(_choice("must be 0 (waiting), 1 (approved) or 2 (disapproved)")),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "enum": [0, 1, 2]},
                {"type": "string", "enum": ["0", "1", "2"]},
            ],
            "description": "0 waiting for approval, 1 approved, 2 disapproved",
        }
    ),
]
DaySegment = Annotated[
    int,
    PlainValidator(_choice("must be 0 (full day), 1 (first half) or 2 (second half)")),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "enum": [0, 1, 2]},
                {"type": "string", "enum": ["0", "1", "2"]},
            ],
            "description": "0 full day, 1 first half, 2 second half (1 and 2: a single day)",
        }
    ),
]
TypeId = Annotated[
    int,
    PlainValidator(_type_id),
    WithJsonSchema({**_INT_OR_STRING, "description": "the id of an absence type"}),
]

StatusUpdate = not_null(Status)
WireDateUpdate = not_null(WireDate)
DaySegmentUpdate = not_null(DaySegment)
TypeIdUpdate = not_null(TypeId)
