"""The field types of request bodies, in the vendor's dialect: booleans as ``1``/``"true"``,
numbers as text, money with two decimals, names trimmed and checked folded, coordinates as
text, wall-clock timestamps, and the update variants that refuse ``null``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PlainValidator, WithJsonSchema

from timetrack import canonical
from timetrack.times import TIMESTAMP_PATTERN, TimeFormatError, WireTime, parse_timestamp
from timetrack.wire import MINUTES_MAX, MONEY_MAX, NAME_MAX, NOTES_MAX, SHORT_TEXT_MAX, name_key

# --- field types ------------------------------------------------------------------------------


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and (parsed := canonical.boolean(value)) is not None:
        return parsed
    raise ValueError('must be a boolean: true/false, 1/0, "true"/"false" or "1"/"0"')


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("must be a number or a numeric string")
    if isinstance(value, str):
        number = canonical.decimal(value)
        if number is None:
            raise ValueError(f"{value[:40]!r} is not {canonical.DECIMAL_RULE}")
        return number
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return number


def _money(value: Any) -> Decimal:
    number = to_decimal(value)
    if number < 0 or number > MONEY_MAX:
        raise ValueError(f"must be between 0 and {MONEY_MAX}")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("must have at most 2 decimal places")
    return number.quantize(Decimal("0.01"))


def _minutes(value: Any) -> int:
    number = to_decimal(value)
    if number != number.to_integral_value():
        raise ValueError("must be a whole number of minutes")
    if number < 0 or number > MINUTES_MAX:
        raise ValueError(f"must be between 0 and {MINUTES_MAX}")
    return int(number)


def _text(max_length: int, *, strip: bool = False, required: bool = False) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        text: str = value.strip() if strip else value
        if required and not text:
            raise ValueError("must not be empty")
        if len(text) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        if required and len(name_key(text)) > max_length:
            # Names are stored case-folded too (name_key, 255 wide), and folding can lengthen
            # them ("ß" -> "ss"); past the column PostgreSQL would refuse the insert with a 500.
            raise ValueError(f"must be at most {max_length} characters when case-folded")
        if "\x00" in text:
            raise ValueError("must not contain NUL characters")
        return text

    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if required:
        schema["minLength"] = 1
        schema["pattern"] = r"\S"  # not only whitespace: names are trimmed
    return Annotated[str, PlainValidator(check), WithJsonSchema(schema)]


# Matched whole (fullmatch): "$" would let a trailing newline through ("DE\n").
_COLOR = re.compile(r"#?([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")  # also users' e-mail (users/fields.py)


def _pattern_text(
    pattern: re.Pattern[str],
    message: str,
    max_length: int,
    *,
    normalize: Callable[[str], str] = lambda text: text,
) -> Any:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("must be a string")
        if value and (len(value) > max_length or not pattern.fullmatch(value) or "\x00" in value):
            raise ValueError(message)
        return normalize(value)

    # The documented pattern is the checked one; the empty string is allowed too.
    documented = f"^(?:{pattern.pattern})?$"
    return Annotated[
        str,
        PlainValidator(check),
        WithJsonSchema({"type": "string", "maxLength": max_length, "pattern": documented}),
    ]


def _drop_null(schema: dict[str, Any]) -> None:
    """Document an update field whose ``None`` only means "not sent" without its null branch."""
    branches = [b for b in schema.pop("anyOf", []) if b.get("type") != "null"]
    schema.pop("default", None)
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches


def _refuse_null(value: Any) -> Any:
    if value is None:
        raise ValueError("must not be null (leave the field out to keep its value)")
    return value


def not_null(field_type: Any) -> Any:
    """An update-body field that may be left out but not sent as ``null``: the record always
    has a value there, and silently ignoring an explicit null would hide a client's mistake."""
    return Annotated[
        field_type | None,
        Field(default=None, json_schema_extra=_drop_null),
        AfterValidator(_refuse_null),
    ]


_NUMERIC_STRING = {"type": "string", "pattern": canonical.DECIMAL_PATTERN}
# What the money and minutes checks accept when the number is sent as text.
_MONEY_STRING = {"type": "string", "pattern": r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2}0*)?$"}
_MINUTES_STRING = {"type": "string", "pattern": r"^(0|[1-9][0-9]{0,8})(\.0+)?$"}

WireBool = Annotated[
    bool,
    PlainValidator(_to_bool),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "integer", "enum": [0, 1]},
                {"type": "string", "enum": ["true", "false", "1", "0"]},
            ]
        }
    ),
]
Money = Annotated[
    Decimal,
    PlainValidator(_money),
    WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": 0, "maximum": float(MONEY_MAX)}, _MONEY_STRING]}
    ),
]


def shown_rate() -> Any:
    """A Read schema's rate field: left out of the answer for people the account does not
    show rates to (``grants.shown``), so not required."""
    return Field(
        default=None,
        description="left out for people other than admins unless the account shows them rates",
    )


Minutes = Annotated[
    int,
    PlainValidator(_minutes),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 0, "maximum": MINUTES_MAX}, _MINUTES_STRING]}
    ),
]
Name = _text(NAME_MAX, strip=True, required=True)
ShortText = _text(SHORT_TEXT_MAX)
Notes = _text(NOTES_MAX)
Color = _pattern_text(_COLOR, "must be an RGB colour like #1a2b3c", 7)
Country = _pattern_text(
    _COUNTRY, "must be an ISO-3166 alpha-2 country code", 2, normalize=str.upper
)
Email = _pattern_text(EMAIL, "must be an e-mail address", 254)


def _between(low: float, high: float) -> Any:
    def check(value: Any) -> float | None:
        if isinstance(value, str) and not value.strip():
            # The vendor types coordinates as Text: an empty text is no position, as null is.
            return None
        number = float(to_decimal(value))
        if not low <= number <= high:
            raise ValueError(f"must be between {low:g} and {high:g}")
        return number

    return check


_BLANK_STRING = {"type": "string", "pattern": r"^\s*$", "description": "no position (null)"}


def _between_schema(low: float, high: float) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "number", "minimum": low, "maximum": high},
            {**_NUMERIC_STRING, "description": f"a number from {low:g} to {high:g} as text"},
            _BLANK_STRING,
        ],
        "example": "52.52",
    }


# A coordinate arrives as a number or as text (the vendor's type); "" means no position.
Latitude = Annotated[
    float | None, PlainValidator(_between(-90, 90)), WithJsonSchema(_between_schema(-90, 90))
]
Longitude = Annotated[
    float | None, PlainValidator(_between(-180, 180)), WithJsonSchema(_between_schema(-180, 180))
]


def coordinate_text(value: float | None) -> str | None:
    """A stored coordinate as the vendor types it, Text: the shortest decimal that reads back as
    the same number (``52.52``, ``13``, ``0.00001``), never an exponent, so any client can parse
    it and a PUT of it stores exactly what was stored."""
    if value is None:
        return None
    text = repr(value)  # the shortest round-trip form
    if "e" in text:  # repr writes exponents below 1e-4
        text = format(Decimal(text), "f")
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


CoordinateText = Annotated[
    str | None,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}, {"type": "null"}],
            "description": 'decimal text, the vendor\'s type (e.g. "52.52"); null: no position',
            "example": "52.52",
        }
    ),
]


def _timestamp(value: Any) -> WireTime:
    try:
        return parse_timestamp(value)
    except TimeFormatError as exc:
        raise ValueError(str(exc)) from None


Timestamp = Annotated[
    WireTime,
    PlainValidator(_timestamp),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": TIMESTAMP_PATTERN,
            "description": "the user's local wall-clock time, YYYY-MM-DDTHH:MM:SS[.fff]Z; "
            "an explicit offset (+02:00) names an instant, converted to the user's zone",
            "example": "2025-03-04T09:00:00.000Z",
        }
    ),
]

# Update-body variants of the common types (see ``not_null``).
NameUpdate = not_null(Name)
BoolUpdate = not_null(WireBool)
MinutesUpdate = not_null(Minutes)
MoneyUpdate = not_null(Money)
TimestampUpdate = not_null(Timestamp)
