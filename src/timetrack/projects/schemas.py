from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import (
    BoolUpdate,
    Minutes,
    Money,
    Name,
    NameUpdate,
    Notes,
    WireBool,
    shown_rate,
)
from timetrack.filters import ListFilter
from timetrack.users.lists import Usernames, UsernamesUpdate
from timetrack.wire import WireModel

_ASSIGNED = (
    "the users assigned to the project: what an external user may see and book on; "
    "usernames, answered sorted"
)


class _ProjectFields(WireModel):
    notes: Notes | None = None
    hour_rate: Money | None = None
    time_estimated: Minutes | None = Field(default=None, description="minutes")
    budget_estimated: Money | None = None


class ProjectCreate(_ProjectFields):
    project_name: Name
    client_name: Name = Field(description="name of an existing client")
    project_enabled: WireBool = True
    assigned_users: Usernames = Field(default_factory=list, description=_ASSIGNED)


class ProjectUpdate(_ProjectFields):
    """Any field; a new ``clientName`` moves the project to that (existing) client."""

    project_name: NameUpdate
    client_name: NameUpdate
    project_enabled: BoolUpdate
    assigned_users: UsernamesUpdate


class ProjectRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    project_name: str
    client_name: str
    client_id: int
    project_enabled: bool
    notes: str | None
    hour_rate: float | None = shown_rate()
    time_estimated: int | None = Field(description="minutes")
    budget_estimated: float | None = shown_rate()
    assigned_users: list[str] = Field(description=_ASSIGNED)
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")


@dataclass(frozen=True, slots=True)
class ProjectFilter(ListFilter):
    """The list's query parameters, read and checked (``projects.router``)."""

    project_name: str | None = None  # substrings of names
    client_name: str | None = None
    client_id: int | None = None
