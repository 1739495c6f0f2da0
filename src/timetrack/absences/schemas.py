from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.absences.fields import (
    DaySegment,
    DaySegmentUpdate,
    StatusUpdate,
    TypeId,
    TypeIdUpdate,
    WireDate,
    WireDateUpdate,
)
from timetrack.day_ranges import DayBound
from timetrack.fieldtypes import Name, NameUpdate, Notes
from timetrack.filters import ListFilter
from timetrack.wire import WireModel


class AbsenceCreate(WireModel):
    """``status`` is not a create field: a new absence waits for approval (0); a ``status``
    sent is ignored and named in ``X-Ignored-Fields``."""

    username: Name | None = Field(default=None, description="the user (or send `user`)")
    user: Name | None = Field(default=None, description="alternative to `username`")
    from_: WireDate = Field(alias="from", description="first day (inclusive), YYYY-MM-DD")
    to: WireDate = Field(description="last day (inclusive), YYYY-MM-DD")
    absence_type: TypeId
    day_segment: DaySegment | None = Field(
        default=None, alias="day_segment", description="default 0 (full day)"
    )
    day_segment_camel: DaySegment | None = Field(
        default=None, alias="daySegment", description="alternative to `day_segment`"
    )
    notes: Notes | None = None


class AbsenceUpdate(WireModel):
    """Only ``status`` changes. The other fields may be sent with their current value (clients
    that read, modify and write back send the whole object); a different value is refused."""

    status: StatusUpdate
    username: NameUpdate
    user: NameUpdate
    from_: WireDateUpdate = Field(alias="from")
    to: WireDateUpdate
    absence_type: TypeIdUpdate
    day_segment: DaySegmentUpdate = Field(alias="day_segment")
    day_segment_camel: DaySegmentUpdate = Field(alias="daySegment")
    notes: Notes | None = None


class AbsenceRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    user: str = Field(description="username")
    user_id: int = Field(alias="user_id")
    from_: str = Field(alias="from", description="first day (inclusive), YYYY-MM-DD")
    to: str = Field(description="last day (inclusive), YYYY-MM-DD")
    status: int = Field(description="0 waiting for approval, 1 approved, 2 disapproved")
    absence_type: int = Field(description="the absence type's id")
    absence_type_name: str = Field(description="the absence type's short code, e.g. VAC")
    color: str | None = Field(description="the absence type's colour")
    is_plannable: bool = Field(alias="is_plannable", description="the absence type's plannable")
    day_segment: int = Field(
        alias="day_segment", description="0 full day, 1 first half, 2 second half"
    )
    notes: str | None
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")


@dataclass(frozen=True, slots=True)
class AbsenceFilter(ListFilter):
    """The list's query parameters, read and checked (``absences.router``)."""

    username: str | None = None  # `user`, else `username`: the whole name, any case
    user_id: int | None = None
    first_day: DayBound | None = None  # `from` (or `startDate`): absences ending on it or later
    last_day: DayBound | None = None  # `to` (or `endDate`): absences starting on it or earlier
    absence_type: int | None = None
    status: int | None = None
