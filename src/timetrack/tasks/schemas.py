from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import Money, Name, NameUpdate, Notes, shown_rate
from timetrack.wire import WireModel


class TaskCreate(WireModel):
    name: Name
    notes: Notes | None = None
    hour_rate: Money | None = None


class TaskUpdate(WireModel):
    """``name`` is read-only: accepted only with its current value."""

    name: NameUpdate
    notes: Notes | None = None
    hour_rate: Money | None = None


class TaskRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    name: str
    notes: str | None
    hour_rate: float | None = shown_rate()
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")
