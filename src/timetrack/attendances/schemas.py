from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import (
    BoolUpdate,
    CoordinateText,
    Latitude,
    Longitude,
    Minutes,
    MinutesUpdate,
    Name,
    NameUpdate,
    Notes,
    Timestamp,
    TimestampUpdate,
    WireBool,
)
from timetrack.filters import ListFilter
from timetrack.spans import StartBound
from timetrack.wire import WireModel

_OPEN_DOC = "leave out (with workedMinutes) for an open attendance: clocked in, not yet out"
_DATE_DOC = "the caller's current local wall-clock time, ...T09:00:00.000Z"


class _AttendanceFields(WireModel):
    user: Name | None = Field(default=None, description="username (or send `username`)")
    username: Name | None = None
    notes: Notes | None = None
    latitude_start: Latitude | None = None
    longitude_start: Longitude | None = None
    latitude_end: Latitude | None = None
    longitude_end: Longitude | None = None
    to: Timestamp | None = Field(default=None, description=_OPEN_DOC)
    worked_minutes: Minutes | None = None
    break_minutes: Minutes | None = None


class AttendanceCreate(_AttendanceFields):
    from_: Timestamp = Field(alias="from")
    manual: WireBool = Field(default=True, description="true: typed in; false: recorded live")


class AttendanceUpdate(_AttendanceFields):
    """Fields left out keep their value. ``to: null`` re-opens the attendance (clocked in
    again); ``workedMinutes: null`` is allowed only where the result is open."""

    user: NameUpdate
    username: NameUpdate
    from_: TimestampUpdate = Field(alias="from")
    break_minutes: MinutesUpdate
    manual: BoolUpdate


class ClockIn(WireModel):
    """``/attendances/clock_in``: opens an attendance at ``date``."""

    username: Name
    date: Timestamp = Field(description=_DATE_DOC)
    latitude: Latitude | None = Field(default=None, description="where: stored as latitudeStart")
    longitude: Longitude | None = Field(default=None, description="where: stored as longitudeStart")
    notes: Notes | None = None


class ClockOut(WireModel):
    """``/attendances/clock_out``: closes the user's open attendance at ``date``."""

    username: Name
    date: Timestamp = Field(description=_DATE_DOC)
    latitude: Latitude | None = Field(default=None, description="where: stored as latitudeEnd")
    longitude: Longitude | None = Field(default=None, description="where: stored as longitudeEnd")
    notes: Notes | None = Field(default=None, description="replaces the attendance's notes")
    break_minutes: Minutes | None = Field(
        default=None, description="the break taken; default: the attendance's (0 unless set)"
    )


class AttendanceRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    user: str = Field(description="username")
    user_id: int
    from_: str = Field(alias="from", description="local wall-clock time, ...T09:00:00.000Z")
    to: str | None = Field(description="local wall-clock time; null while clocked in")
    notes: str | None
    manual: bool = Field(description="true when typed in, false when recorded by clock-in")
    worked_minutes: int | None = Field(description="work without breaks; null while clocked in")
    break_minutes: int
    latitude_start: CoordinateText
    longitude_start: CoordinateText
    latitude_end: CoordinateText
    longitude_end: CoordinateText
    time_zone: str = Field(description="the user's IANA zone the times are written in")
    from_utc: str = Field(description="the true UTC instant of from")
    to_utc: str | None = Field(description="the true UTC instant of to; null while clocked in")
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")


@dataclass(frozen=True, slots=True)
class AttendanceFilter(ListFilter):
    """The list's query parameters, read and checked (``attendances.router``)."""

    username: str | None = None  # `user`, else `username`: the whole name, any case
    user_id: int | None = None
    start_from: StartBound | None = None  # `from`
    start_to: StartBound | None = None  # `to`
