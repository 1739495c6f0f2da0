from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import BoolUpdate, Money, Name, NameUpdate, WireBool, shown_rate
from timetrack.filters import ListFilter
from timetrack.users.fields import (
    EmailUpdate,
    HolidayCountry,
    Language,
    LanguageUpdate,
    Password,
    PasswordUpdate,
    PersonalNumber,
    PersonalNumberRead,
    Region,
    TimeZone,
    TimeZoneUpdate,
    UserEmail,
)
from timetrack.wire import WireModel

_EXTERNAL = (
    "an external employee: sees and books only the projects they are assigned to "
    "(a project's assignedUsers); admin and teamLead take precedence"
)


class _UserFields(WireModel):
    # The hash of the password sent, computed before the write's transaction opens
    # (``users.service.hash_password``): hashing is slow, and no lock is held meanwhile.
    _password_hash: str | None = PrivateAttr(default=None)

    @property
    def password_hash(self) -> str | None:
        return self._password_hash

    def with_password_hash(self, password_hash: str | None) -> Self:
        hashed = self.model_copy()
        hashed._password_hash = password_hash
        return hashed

    personal_number: PersonalNumber | None = None
    hour_rate: Money | None = None
    country: HolidayCountry | None = Field(
        default=None, description="for public holidays; null: the account's"
    )
    region: Region | None = None


class UserCreate(_UserFields):
    username: Name
    first_name: Name
    last_name: Name
    email: UserEmail
    password: Password
    admin: WireBool = False
    team_lead: WireBool = False
    external: WireBool = Field(default=False, description=_EXTERNAL)
    language: Language = "en"
    enabled: WireBool = True
    time_zone: TimeZone | None = Field(default=None, description="default: the account's zone")


class UserUpdate(_UserFields):
    """``username`` and ``enabled`` are read-only: accepted only with their current value."""

    username: NameUpdate
    enabled: BoolUpdate
    first_name: NameUpdate
    last_name: NameUpdate
    email: EmailUpdate
    password: PasswordUpdate
    admin: BoolUpdate
    team_lead: BoolUpdate
    external: BoolUpdate
    language: LanguageUpdate
    time_zone: TimeZoneUpdate


class UserRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    admin: bool
    team_lead: bool
    external: bool = Field(description=_EXTERNAL)
    language: str
    personal_number: PersonalNumberRead
    enabled: bool
    time_zone: str = Field(description="IANA time zone")
    hour_rate: float | None = shown_rate()
    country: str | None = Field(description="for public holidays; null: the account's")
    region: str | None = Field(description="for public holidays; see country")
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")


@dataclass(frozen=True, slots=True)
class UserFilter(ListFilter):
    """The list's query parameters, read and checked (``users.router``)."""

    username: str | None = None  # a substring of the username
    email: str | None = None  # the whole address, any case
