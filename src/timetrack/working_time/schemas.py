"""Bodies and responses of working-time models and the leave balance."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from timetrack.wire import WireModel
from timetrack.working_time.fields import (
    DEFAULT_DAY_SECONDS,
    DEFAULT_VACATION_DAYS,
    DaySeconds,
    DaySecondsUpdate,
    VacationDays,
    VacationDaysUpdate,
    WireDate,
    WireDateUpdate,
)

_VALID_FROM_DOC = "the first day the model applies; it applies until the user's next model starts"


class WorkingTimeModelCreate(WireModel):
    """Every field but validFrom has a default; null for a field means its default."""

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data

    valid_from: WireDate = Field(description=_VALID_FROM_DOC)
    monday_seconds: DaySeconds = DEFAULT_DAY_SECONDS["monday"]
    tuesday_seconds: DaySeconds = DEFAULT_DAY_SECONDS["tuesday"]
    wednesday_seconds: DaySeconds = DEFAULT_DAY_SECONDS["wednesday"]
    thursday_seconds: DaySeconds = DEFAULT_DAY_SECONDS["thursday"]
    friday_seconds: DaySeconds = DEFAULT_DAY_SECONDS["friday"]
    saturday_seconds: DaySeconds = DEFAULT_DAY_SECONDS["saturday"]
    sunday_seconds: DaySeconds = DEFAULT_DAY_SECONDS["sunday"]
    vacation_days_per_year: VacationDays = Field(
        default=DEFAULT_VACATION_DAYS,
        json_schema_extra={"default": float(DEFAULT_VACATION_DAYS)},  # a number, not "20"
    )


class WorkingTimeModelUpdate(WireModel):
    """Every field may change; ``null`` is refused (leave a field out to keep it)."""

    valid_from: WireDateUpdate
    monday_seconds: DaySecondsUpdate
    tuesday_seconds: DaySecondsUpdate
    wednesday_seconds: DaySecondsUpdate
    thursday_seconds: DaySecondsUpdate
    friday_seconds: DaySecondsUpdate
    saturday_seconds: DaySecondsUpdate
    sunday_seconds: DaySecondsUpdate
    vacation_days_per_year: VacationDaysUpdate


class WorkingTimeModelRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    id: int = Field(description="per account")
    user_id: int
    username: str
    valid_from: str = Field(description="YYYY-MM-DD")
    monday_seconds: int
    tuesday_seconds: int
    wednesday_seconds: int
    thursday_seconds: int
    friday_seconds: int
    saturday_seconds: int
    sunday_seconds: int
    vacation_days_per_year: float
    updated_at: str = Field(description="last change, UTC, YYYY-MM-DDTHH:MM:SS.fffZ")
    deleted: bool | None = Field(default=None, description="present (true) on deleted records")


class LeaveBalanceRead(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    user_id: int
    username: str
    year: int
    entitlement_days: float = Field(description="prorated over the year's models, to half days")
    taken_days: float = Field(description="approved leave in the year, in working days")
    planned_days: float = Field(description="leave waiting for approval in the year")
    remaining_days: float = Field(description="entitlement - taken - planned; may be negative")
