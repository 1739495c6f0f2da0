from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import Name, NameUpdate
from timetrack.filters import ListFilter
from timetrack.policy import SCOPES
from timetrack.times import TimeFormatError, parse_instant
from timetrack.wire import NAME_MAX, WireModel


def _instant(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("must be a timestamp like 2027-01-01T00:00:00Z")
    try:
        return parse_instant(value)
    except TimeFormatError as exc:
        raise ValueError(str(exc)) from None


Expiry = Annotated[
    datetime,
    PlainValidator(_instant),
    WithJsonSchema(
        {
            "type": "string",
            "description": "when the key stops working: a UTC instant "
            "(YYYY-MM-DDTHH:MM:SS[.fff]Z or with an offset; a date means its midnight UTC)",
            "example": "2027-01-01T00:00:00Z",
        }
    ),
]


class ApiKeyCreate(WireModel):
    name: Name
    scopes: list[Annotated[str, Field(max_length=40)]] = Field(
        min_length=1,
        max_length=len(SCOPES),
        description=f"what the key may do within its user's role: {', '.join(SCOPES)}",
    )
    username: str | None = Field(
        default=None,
        max_length=NAME_MAX,
        description="whose key (an admin's or the account key's choice); default: the caller",
    )
    expires_at: Expiry | None = None
    allowed_ips: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None,
        max_length=32,
        description="addresses or networks (CIDR) the key is accepted from; null: any",
    )


class ApiKeyUpdate(WireModel):
    """Only the name changes; a key's scopes, addresses and expiry are made with it."""

    name: NameUpdate


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    name: str
    username: str
    user_id: int
    key_prefix: str = Field(description="the key's first characters, to tell keys apart")
    scopes: list[str]
    expires_at: str | None
    allowed_ips: list[str] | None
    last_used_at: str | None = Field(description="to the minute")
    created_at: str
    updated_at: str
    deleted: bool | None = Field(default=None, description="true once revoked")


class ApiKeyCreated(ApiKeyRead):
    """A new key, with its key and secret: shown here once, never again."""

    key: str | None = Field(description="the whole key; null in a replay of the create")
    secret: str | None = Field(description="the secret; null in a replay of the create")


@dataclass(frozen=True, slots=True)
class ApiKeyFilter(ListFilter):
    username: str | None = None  # whose keys, exactly
