"""Field types of working-time model bodies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from timetrack.canonical import UNSIGNED_DECIMAL_PATTERN

# to_decimal: the coercion every number on the wire shares (JSON numbers, plain decimal text).
from timetrack.fieldtypes import not_null, to_decimal
from timetrack.times import DATE_PATTERN, TimeFormatError, parse_date
from timetrack.work_reports.calc import DEFAULT_WEEK

DAY_SECONDS_MAX = 86_400
VACATION_DAYS_MAX = Decimal(366)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The default week (Monday-Friday 8 h): the one timesheets apply to a user without a model.
DEFAULT_DAY_SECONDS = dict(zip(WEEKDAYS, DEFAULT_WEEK, strict=True))
# A user without any working-time model, and a new model that does not say otherwise, gets 20
# days of leave a year: the EU minimum of four weeks (directive 2003/88/EC, art. 7) for a
# Monday-Friday week, which is also Germany's statutory minimum.
DEFAULT_VACATION_DAYS = Decimal(20)


def _seconds(value: Any) -> int:
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError("must be a whole number of seconds")
    if not 0 <= number <= DAY_SECONDS_MAX:
        raise ValueError(f"must be between 0 and {DAY_SECONDS_MAX} seconds")
    return int(number)


def parse_vacation_days(value: Any) -> Decimal:
    number = to_decimal(value)
    if not 0 <= number <= VACATION_DAYS_MAX:
        raise ValueError(f"must be between 0 and {VACATION_DAYS_MAX}")
    if number != number.quantize(Decimal("0.1")):
        raise ValueError("must have at most 1 decimal place")
    return number.quantize(Decimal("0.1"))


def parse_valid_from(value: Any) -> date:
    try:
        return parse_date(value)
    except TimeFormatError as exc:
        raise ValueError(str(exc)) from None


DaySeconds = Annotated[
    int,
    PlainValidator(_seconds),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": DAY_SECONDS_MAX},
                {"type": "string", "pattern": UNSIGNED_DECIMAL_PATTERN},
            ]
        }
    ),
]
VacationDays = Annotated[
    Decimal,
    PlainValidator(parse_vacation_days),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(VACATION_DAYS_MAX)},
                {"type": "string", "pattern": UNSIGNED_DECIMAL_PATTERN},
            ],
            "description": "days of leave per year, at most one decimal place (27.5)",
        }
    ),
]
WireDate = Annotated[
    date,
    PlainValidator(parse_valid_from),
    WithJsonSchema(
        {"type": "string", "format": "date", "pattern": DATE_PATTERN, "example": "2026-07-01"}
    ),
]

WireDateUpdate = not_null(WireDate)
DaySecondsUpdate = not_null(DaySeconds)
VacationDaysUpdate = not_null(VacationDays)
