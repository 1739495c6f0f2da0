"""Field types of user bodies."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema

from timetrack.times import is_zone
from timetrack.wire import name_key, not_null

PASSWORD_MIN = 8
PASSWORD_MAX = 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{2,4})?$")


def _password(value: Any) -> str:
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
    if not isinstance(value, str) or len(value) > 254 or not _EMAIL.match(value.strip()):
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
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise ValueError("must be a language code like de, en or pt-BR")
    primary, _, region = value.partition("-")
    return primary.lower() + (f"-{region}" if region else "")


def _time_zone(value: Any) -> str:
    if not isinstance(value, str) or not is_zone(value):
        raise ValueError("must be an IANA time zone like Europe/Berlin")
    return value


Password = Annotated[
    str,
    PlainValidator(_password),
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
TimeZone = Annotated[
    str,
    PlainValidator(_time_zone),
    WithJsonSchema({"type": "string", "description": "IANA time zone", "example": "Europe/Berlin"}),
]

EmailUpdate = not_null(UserEmail)
PasswordUpdate = not_null(Password)
LanguageUpdate = not_null(Language)
TimeZoneUpdate = not_null(TimeZone)
