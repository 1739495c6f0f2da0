from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, RootModel, WithJsonSchema
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import (
    BoolUpdate,
    CoordinateText,
    Latitude,
    Longitude,
    Minutes,
    MinutesUpdate,
    Money,
    MoneyUpdate,
    Name,
    NameUpdate,
    Notes,
    Timestamp,
    TimestampUpdate,
    WireBool,
    shown_rate,
)
from timetrack.filters import ListFilter
from timetrack.spans import StartBound
from timetrack.wire import WireModel

TAGS_MAX = 1000
# The most entries one bulk create takes (docs/api.md, "Limits"): a batch is one transaction,
# so this bounds how long it holds the write lock and how large its answer is.
BULK_MAX = 1000


def _tags(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError('must be a string of hashtags like "#meeting #remote"')
    if len(value) > TAGS_MAX or "\x00" in value:
        raise ValueError(f"must be at most {TAGS_MAX} characters")
    return value


Tags = Annotated[
    str,
    PlainValidator(_tags),
    WithJsonSchema({"type": "string", "maxLength": TAGS_MAX, "example": "#meeting #remote"}),
]


class _EntryFields(WireModel):
    user: Name | None = Field(default=None, description="username (or send `username`)")
    username: Name | None = None
    task: Name | None = Field(default=None, description="task name")
    hour_rate: Money | None = Field(
        default=None, description="default: the task's, project's, then user's rate, else 0"
    )
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    latitude1: Latitude | None = None
    longitude1: Longitude | None = None
    details: Notes | None = None
    tags: Tags | None = None
    to: Timestamp | None = None
    worked_minutes: Minutes | None = None
    break_minutes: Minutes | None = None


class EntryCreate(_EntryFields):
    client_name: Name
    project_name: Name
    from_: Timestamp = Field(alias="from")
    billable: WireBool = True
    flat_rate: WireBool = False


class EntryBatch(RootModel[list[EntryCreate]]):
    """The body of a bulk create: 1 to 1000 entries, each as a single create takes it."""

    root: list[EntryCreate] = Field(min_length=1, max_length=BULK_MAX)


class EntryUpdate(_EntryFields):
    """Fields left out keep their value; ``task: null`` removes the task."""

    user: NameUpdate
    username: NameUpdate
    client_name: NameUpdate
    project_name: NameUpdate
    from_: TimestampUpdate = Field(alias="from")
    to: TimestampUpdate
    worked_minutes: MinutesUpdate
    break_minutes: MinutesUpdate
    hour_rate: MoneyUpdate
    billable: BoolUpdate
    flat_rate: BoolUpdate


class EntryRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    user: str = Field(description="username")
    user_id: int
    client_name: str
    client_id: int
    project_name: str
    project_id: int
    task: str | None
    task_id: int | None
    hour_rate: float = shown_rate()
    latitude: CoordinateText
    longitude: CoordinateText
    latitude1: CoordinateText
    longitude1: CoordinateText
    billable: bool
    flat_rate: bool
    details: str | None
    tags: str | None
    from_: str = Field(alias="from", description="local wall-clock time, ...T09:00:00.000Z")
    to: str = Field(description="local wall-clock time, ...T17:00:00.000Z")
    worked_minutes: int
    break_minutes: int
    time_zone: str = Field(description="the user's IANA zone the times are written in")
    from_utc: str = Field(description="the true UTC instant of from")
    to_utc: str = Field(description="the true UTC instant of to")
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")


@dataclass(frozen=True, slots=True)
class EntryFilter(ListFilter):
    """The list's query parameters, read and checked (``time_entries.router``)."""

    username: str | None = None  # `user`, else `username`: the whole name, any case
    user_id: int | None = None
    client_name: str | None = None  # substrings of names
    client_id: int | None = None
    project_name: str | None = None
    project_id: int | None = None
    task: str | None = None
    task_id: int | None = None
    billable: bool | None = None
    start_from: StartBound | None = None  # `from`
    start_to: StartBound | None = None  # `to`
