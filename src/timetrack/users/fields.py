"""Field types of user bodies."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from timetrack.fieldtypes import EMAIL, not_null
from timetrack.public_holidays import has_holidays
from timetrack.times import is_zone
from timetrack.wire import name_key

PASSWORD_MIN = 8
PASSWORD_MAX = 1024
# Matched whole (fullmatch): "$" would let a trailing newline through ("de\n").
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z]{2,4})?")


def check_password(value: Any) -> str:
    """The rules a new password must meet (API and CLI alike); ValueError says which."""
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if len(value) < PASSWORD_MIN:
        raise ValueError(f"must be at least {PASSWORD_MIN} characters")
    if len(value) > PASSWORD_MAX:
        raise ValueError(f"must be at most {PASSWORD_MAX} characters")
    if not value.strip() or len(set(value)) < 3:
        raise ValueError("is too weak: use at least three different characters")
    return value


def _email(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 254 or not EMAIL.fullmatch(value.strip()):
        raise ValueError("must be an e-mail address")
    if "\x00" in value:
        # PostgreSQL cannot store NUL: it failed with a 500 (SQLite stored it).
        raise ValueError("must not contain NUL characters")
    if len(name_key(value.strip())) > 254:
        # The address is also stored case-folded (email_key, 254 wide) and folding can
        # lengthen it ("ß" -> "ss"); past the column PostgreSQL refused the insert with a 500.
        raise ValueError("must be at most 254 characters when case-folded")
    return value.strip()


def _language(value: Any) -> str:
    if not isinstance(value, str) or not _LANGUAGE.fullmatch(value):
        raise ValueError("must be a language code like de, en or pt-BR")
    primary, _, region = value.partition("-")
    return primary.lower() + (f"-{region}" if region else "")


# The vendor documents personalNumber as a Number, and its clients send 1234; others use text
# such as "A-17". It is stored as text and answered as a JSON number when the text is one
# exactly: canonical digits ("007" is not 7, so it stays "007") within the integers every JSON
# client reads exactly (an IEEE double's 53 bits; JavaScript loses digits beyond).
PERSONAL_NUMBER_MAX = 255
SAFE_INTEGER = 2**53 - 1
_CANONICAL_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,15}")


def _personal_number(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("must be a whole number or a string, not a boolean")
    if isinstance(value, float):
        if not value.is_integer():
            # 1234.5 is almost surely a mistake, and a float's text is ambiguous (1234.50?).
            raise ValueError('must be a whole number; send other values as a string ("1234.5")')
        value = int(value)
    if isinstance(value, int):
        if abs(value) > SAFE_INTEGER:
            raise ValueError(
                f"must be between -{SAFE_INTEGER} and {SAFE_INTEGER} when sent as a number "
                "(many JSON clients lose digits beyond); send longer ones as a string"
            )
        return str(value)
    if not isinstance(value, str):
        raise ValueError("must be a whole number or a string")
    if len(value) > PERSONAL_NUMBER_MAX:
        raise ValueError(f"must be at most {PERSONAL_NUMBER_MAX} characters")
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def personal_number_to_wire(stored: str | None) -> int | str | None:
    """The stored text as the wire shows it: a JSON number when it is one exactly."""
    if stored is not None and _CANONICAL_INTEGER.fullmatch(stored):
        number = int(stored)
        if abs(number) <= SAFE_INTEGER:
            return number
    return stored


REGION_MAX = 32


def _holiday_country(value: Any) -> str:
    if not isinstance(value, str) or not has_holidays(value.upper()):
        raise ValueError("must be an ISO-3166 alpha-2 country code with public holidays, like DE")
    return value.upper()


def _region(value: Any) -> str:
    # Only the form here: which regions exist depends on the country (users.service).
    if not isinstance(value, str) or not value.strip() or len(value) > REGION_MAX:
        raise ValueError(f"must be a subdivision code like BY or NY (1 to {REGION_MAX} characters)")
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value.strip()


def _time_zone(value: Any) -> str:
    if not isinstance(value, str) or not is_zone(value):
        raise ValueError("must be an IANA time zone like Europe/Berlin")
    return value


Password = Annotated[
    str,
    PlainValidator(check_password),
    WithJsonSchema(
        {"type": "string", "minLength": PASSWORD_MIN, "maxLength": PASSWORD_MAX, "writeOnly": True}
    ),
]
UserEmail = Annotated[
    str, PlainValidator(_email), WithJsonSchema({"type": "string", "format": "email"})
]
Language = Annotated[
    str, PlainValidator(_language), WithJsonSchema({"type": "string", "example": "de"})
]
_PERSONAL_NUMBER_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "integer", "minimum": -SAFE_INTEGER, "maximum": SAFE_INTEGER},
        {"type": "string", "maxLength": PERSONAL_NUMBER_MAX},
    ],
    "description": "a whole number or a text; answered as a number when the stored text is "
    'a whole number written canonically ("1234", not "007"), else as the text',
    "example": 1234,
}
HolidayCountry = Annotated[
    str,
    PlainValidator(_holiday_country),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^[A-Za-z]{2}$",
            "description": "ISO-3166 alpha-2, for public holidays; null: the account's",
            "example": "US",
        }
    ),
]
Region = Annotated[
    str,
    PlainValidator(_region),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": REGION_MAX,
            "description": "a subdivision of the user's country (or the account's, when the "
            "user has none) as the holidays package names it, e.g. BY or NY; null: none of "
            "the user's own (a user without a country then takes the account's region)",
            "example": "NY",
        }
    ),
]
PersonalNumber = Annotated[
    str, PlainValidator(_personal_number), WithJsonSchema(_PERSONAL_NUMBER_SCHEMA)
]
PersonalNumberRead = Annotated[
    int | str | None,
    WithJsonSchema(
        {
            "oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}],
            "description": _PERSONAL_NUMBER_SCHEMA["description"],
        }
    ),
]
TimeZone = Annotated[
    str,
    PlainValidator(_time_zone),
    WithJsonSchema({"type": "string", "description": "IANA time zone", "example": "Europe/Berlin"}),
]

EmailUpdate = not_null(UserEmail)
PasswordUpdate = not_null(Password)
LanguageUpdate = not_null(Language)
TimeZoneUpdate = not_null(TimeZone)
