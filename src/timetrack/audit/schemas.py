from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.filters import ListFilter


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int = Field(description="per account, in the order the writes committed their entries")
    at: str = Field(description="when the write happened, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    actor: str = Field(
        description='who wrote: "api-key:" and the first characters of the API key, or "cli"'
    )
    action: str = Field(
        description="create, update, delete, start, pause, resume, stop, clock_in, clock_out, "
        "rotate_secret, disable, enable"
    )
    resource: str = Field(description="the collection written, e.g. clients or project_timer")
    record_id: int | None = Field(
        description="the record's id (the user's id for project_timer, the account's for accounts)"
    )
    before: dict[str, Any] | None = Field(
        description="the record as the API showed it before the write; null on a create"
    )
    after: dict[str, Any] | None = Field(
        description="the record as the API showed it after the write"
    )
    request_id: str | None = Field(description="the request's id; null for CLI writes")


@dataclass(frozen=True, slots=True)
class AuditFilter(ListFilter):
    """The list's query parameters, read and checked (``audit.router``)."""

    resource: str | None = None
    record_id: int | None = None
    action: str | None = None
    since: date | datetime | None = None  # `from`: a UTC day, or an instant
    until: date | datetime | None = None  # `to`
