from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import (
    BoolUpdate,
    Color,
    Country,
    Email,
    Name,
    NameUpdate,
    Notes,
    ShortText,
    WireBool,
)
from timetrack.wire import WireModel


class _ClientFields(WireModel):
    color: Color | None = None
    notes: Notes | None = None
    email: Email | None = None
    phone: ShortText | None = None
    address: ShortText | None = None
    address2: ShortText | None = None
    address_zip_code: ShortText | None = None
    address_city: ShortText | None = None
    address_country: Country | None = Field(default=None, description="ISO-3166 alpha-2")
    contact_person: ShortText | None = None
    field1: ShortText | None = None
    field2: ShortText | None = None
    field3: ShortText | None = None


class ClientCreate(_ClientFields):
    name: Name
    enabled: WireBool = True


class ClientUpdate(_ClientFields):
    """``name`` and ``enabled`` are read-only: accepted only with their current value."""

    name: NameUpdate
    enabled: BoolUpdate


class ClientRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    name: str
    enabled: bool
    color: str | None
    notes: str | None
    email: str | None
    phone: str | None
    address: str | None
    address2: str | None
    address_zip_code: str | None
    address_city: str | None
    address_country: str | None
    contact_person: str | None
    field1: str | None
    field2: str | None
    field3: str | None
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")
