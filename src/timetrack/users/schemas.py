from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic.alias_generators import to_camel

from timetrack.times import is_zone
from timetrack.wire import Money, Name, ShortText, WireBool, WireModel

PASSWORD_MIN = 8
PASSWORD_MAX = 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


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
    return value.strip()


def _language(value: Any) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise ValueError("must be a language code like de, en or pt-BR")
    return value


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


class _UserFields(WireModel):
    personal_number: ShortText | None = None
    hour_rate: Money | None = None


class UserCreate(_UserFields):
    username: Name
    first_name: Name
    last_name: Name
    email: UserEmail
    password: Password
    admin: WireBool = False
    team_lead: WireBool = False
    language: Language = "en"
    enabled: WireBool = True
    time_zone: TimeZone | None = Field(default=None, description="default: the account's zone")


class UserUpdate(_UserFields):
    """``username`` and ``enabled`` are read-only: accepted only with their current value."""

    username: Name | None = None
    enabled: WireBool | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    email: UserEmail | None = None
    password: Password | None = None
    admin: WireBool | None = None
    team_lead: WireBool | None = None
    language: Language | None = None
    time_zone: TimeZone | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    admin: bool
    team_lead: bool
    language: str
    personal_number: str | None
    enabled: bool
    time_zone: str = Field(description="IANA time zone")
    hour_rate: float | None
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")
