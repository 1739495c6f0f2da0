from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import Name, NameUpdate
from timetrack.filters import ListFilter
from timetrack.users.lists import Usernames, UsernamesUpdate
from timetrack.wire import WireModel

_LEADS = (
    "users who lead the team: each must have teamLead or admin; a lead need not be a member, "
    "and is not listed under members too"
)


class TeamCreate(WireModel):
    name: Name
    leads: Usernames = Field(default_factory=list, description=_LEADS)
    members: Usernames = Field(default_factory=list)


class TeamUpdate(WireModel):
    """Any field; a list sent replaces the whole list, one left out stays as it is."""

    name: NameUpdate
    leads: UsernamesUpdate
    members: UsernamesUpdate


class TeamRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    name: str
    leads: list[str] = Field(description="usernames of the live leads, sorted")
    members: list[str] = Field(description="usernames of the live members, sorted")
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")


@dataclass(frozen=True, slots=True)
class TeamFilter(ListFilter):
    """The list's query parameters, read and checked (``teams.router``)."""

    name: str | None = None  # a substring of the name
    username: str | None = None  # a whole username: the teams that user leads or belongs to
