from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.absence_types.fields import ShortName, ShortNameUpdate
from timetrack.fieldtypes import BoolUpdate, Color, Name, NameUpdate, WireBool
from timetrack.wire import WireModel


class AbsenceTypeCreate(WireModel):
    name: Name
    short_name: ShortName = Field(description="the short code, e.g. VAC; 1-16 characters")
    color: Color | None = None
    counts_against_entitlement: WireBool = False
    plannable: WireBool = True
    credits_target: WireBool = Field(
        default=True, description="whether an approved absence credits the day's target"
    )
    half_day: WireBool = Field(default=False, description="credits and counts half a day")


class AbsenceTypeUpdate(WireModel):
    """Every field may change; a new ``name`` must not be taken. ``color: null`` clears it."""

    name: NameUpdate
    short_name: ShortNameUpdate
    color: Color | None = None
    counts_against_entitlement: BoolUpdate
    plannable: BoolUpdate
    credits_target: BoolUpdate
    half_day: BoolUpdate


class AbsenceTypeRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int
    name: str
    short_name: str = Field(description="the short code, e.g. VAC")
    color: str | None
    counts_against_entitlement: bool
    plannable: bool
    credits_target: bool
    half_day: bool
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")
