"""The vendor's JSON conventions, written once for every resource.

Request bodies are read here rather than by FastAPI's body machinery because the vendor's
dialect needs the raw object: an empty ``POST`` is a read, unknown keys are reported back in
``X-Ignored-Fields``, and read-only fields may be echoed unchanged. Responses are encoded with
orjson straight to bytes (FastAPI's ``jsonable_encoder`` path measured 5-11x slower).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import orjson
from fastapi import Request
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from starlette.responses import Response

from timetrack import canonical
from timetrack.db import Row
from timetrack.errors import (
    BODY_NOT_OBJECT,
    FIELD_READ_ONLY,
    AppError,
    Problem,
    problems_from_validation,
)
from timetrack.jsonbody import load_json
from timetrack.times import TIMESTAMP_PATTERN, TimeFormatError, WireTime, parse_timestamp

# Documented limits (docs/api.md, "Limits").
NAME_MAX = 255
SHORT_TEXT_MAX = 255
NOTES_MAX = 10_000
MONEY_MAX = Decimal("9999999999.99")
MINUTES_MAX = 100_000_000
MAX_ID = 2**63 - 1

JSON_MEDIA = "application/json"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, default=_default)


def json_response(
    content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(dumps(content), status_code=status_code, media_type=JSON_MEDIA, headers=headers)


# --- request bodies ---------------------------------------------------------------------------


async def read_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; an empty body reads as ``{}``."""
    raw = await request.body()
    if not raw.strip():
        return {}
    data = load_json(raw)
    if not isinstance(data, dict):
        raise AppError.of(BODY_NOT_OBJECT, f"expected a JSON object, got {type(data).__name__}")
    return data


class WireModel(BaseModel):
    """Base of request-body schemas: camelCase on the wire, unknown keys ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=False, extra="ignore", frozen=True
    )

    @classmethod
    def wire_names(cls) -> frozenset[str]:
        return frozenset(f.alias or name for name, f in cls.model_fields.items())


M = TypeVar("M", bound=WireModel)


def parse_body(model: type[M], data: dict[str, Any]) -> tuple[M, list[str]]:
    """Validate ``data`` against ``model``; also return the keys it ignored, in body order."""
    known = model.wire_names()
    ignored = [key for key in data if key not in known]
    try:
        return model.model_validate(data), ignored
    except ValidationError as exc:
        raise AppError(*problems_from_validation(list(exc.errors()), in_body=True)) from None


def sent(model: WireModel) -> set[str]:
    """Python names of the fields the client actually sent."""
    return set(model.model_fields_set)


# Printable ASCII but space, the separator and the escape character itself.
_HEADER_SAFE = "".join(c for c in string.punctuation if c not in "%,")
IGNORED_HEADER_MAX = 2000


def ignored_headers(ignored: list[str]) -> dict[str, str]:
    """``X-Ignored-Fields``, naming the keys a write ignored.

    The keys are the client's own text, so each is %-encoded outside printable ASCII: a key
    beyond Latin-1 made the response fail with a 500 after the write had committed, and CR/LF
    would have injected headers. Past about 2000 characters the list ends with ``...``, since
    many HTTP clients refuse large headers.
    """
    names: list[str] = []
    length = 0
    for key in ignored:
        name = quote(key, safe=_HEADER_SAFE)
        length += len(name) + 2
        if length > IGNORED_HEADER_MAX:
            names.append("...")
            break
        names.append(name)
    return {"X-Ignored-Fields": ", ".join(names)} if names else {}


def refuse_read_only_changes(model: WireModel, current: Row, fields: Iterable[str]) -> None:
    """Allow a read-only field only when it repeats the stored value."""
    problems = []
    for name in fields:
        if name in model.model_fields_set and getattr(model, name) != current[name]:
            alias = type(model).model_fields[name].alias or name
            problems.append(
                Problem(FIELD_READ_ONLY, f"{alias} cannot be changed", pointer=f"/{alias}")
            )
    if problems:
        raise AppError(*problems)


# --- field types ------------------------------------------------------------------------------


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and (parsed := canonical.boolean(value)) is not None:
        return parsed
    raise ValueError('must be a boolean: true/false, 1/0, "true"/"false" or "1"/"0"')


def _to_decimal(value: Any) -> Decimal:
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
    number = _to_decimal(value)
    if number < 0 or number > MONEY_MAX:
        raise ValueError(f"must be between 0 and {MONEY_MAX}")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError("must have at most 2 decimal places")
    return number.quantize(Decimal("0.01"))


def _minutes(value: Any) -> int:
    number = _to_decimal(value)
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


def name_key(name: str) -> str:
    """The form names are compared in, the same on both databases: Unicode canonical caseless
    matching (NFD, casefold; stored as NFC), so "Café" typed precomposed or with a combining
    accent, and "STRASSE"/"straße", are one name."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).casefold())


def like_pattern(text: str) -> str:
    """A ``LIKE ... ESCAPE '\\'`` pattern matching ``text`` as a case-insensitive substring."""
    escaped = name_key(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _between(low: float, high: float) -> Any:
    def check(value: Any) -> float | None:
        if isinstance(value, str) and not value.strip():
            # The vendor types coordinates as Text: an empty text is no position, as null is.
            return None
        number = float(_to_decimal(value))
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
