from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import Name, Notes, Timestamp
from timetrack.time_entries.schemas import EntryRead
from timetrack.wire import WireModel

_DATE_DOC = "the caller's current local wall-clock time; durations are computed from these"


class TimerEvent(WireModel):
    """``pause``, ``resume`` and ``stop``."""

    username: Name
    date: Timestamp = Field(description=_DATE_DOC)


class TimerStart(TimerEvent):
    client_name: Name
    project_name: Name
    task_name: Name | None = None
    note: Notes | None = None


class TimerRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    username: str
    started_at: str | None = Field(description="local wall-clock start, ...T09:00:00.000Z")
    worked_seconds: int
    break_seconds: int
    playing: bool
    paused: bool
    stopped: bool
    client_name: str | None
    project_name: str | None
    task_name: str | None
    note: str | None
    time_zone: str | None
    last_event_at: str | None = Field(description="local wall-clock time of the last event")


class TimerStopped(TimerRead):
    project_time_entry_id: int = Field(description="the entry the stop booked")
    project_time_entry: EntryRead
