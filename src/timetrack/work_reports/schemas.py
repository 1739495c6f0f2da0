"""Response models of the work reports (for the OpenAPI document; responses are plain dicts)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class _Read(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class WorkReportRead(_Read):
    """One user's day."""

    username: str
    user_id: int
    work_date: str = Field(description="YYYY-MM-DD")
    work_start: str | None = Field(
        description="first clock-in, local wall clock ...T08:00:00.000Z; null without attendance"
    )
    work_end: str | None = Field(description="last clock-out, local wall clock; null without one")
    target_seconds: int = Field(description="the working-time model's target for the day")
    worked_seconds: int = Field(description="attendance time without breaks")
    work_target_difference: int = Field(description="worked + holiday + absences - target")
    break_seconds: int = Field(description="breaks of the attendances plus gaps between them")
    break_times: str = Field(
        description='the gaps between attendances, "HH:MM-HH:MM" joined by ", "; "" when none'
    )
    surcharge_seconds: int = Field(description="worked time on a Sunday or a public holiday")
    holiday_seconds: int = Field(description="the target, credited on a public holiday")
    absence1_seconds: int
    absence1_short_name: str | None
    absence2_seconds: int
    absence2_short_name: str | None
    absence3_seconds: int
    absence3_short_name: str | None
    weekday: int = Field(description="1 Monday ... 7 Sunday; 8 on a public holiday")
    holiday: bool = Field(description="whether the day is a public holiday")
    holiday_name: str | None = Field(description="the public holiday's name, or null")


class WorkReportPeriodRead(_Read):
    """One user's week, month or year."""

    username: str
    user_id: int
    period: str = Field(description='"2025-W02" (ISO week), "2025-01" or "2025"')
    period_start: str = Field(description="the period's first day within the range, YYYY-MM-DD")
    period_end: str = Field(description="the period's last day within the range, YYYY-MM-DD")
    days: int = Field(description="the number of days summed")
    target_seconds: int
    worked_seconds: int
    work_target_difference: int
    break_seconds: int
    surcharge_seconds: int
    holiday_seconds: int
    absence_seconds: int = Field(description="absence1..3Seconds of the days, summed")
    absences: dict[str, int] = Field(description="absence seconds by absence type short name")
    overtime_balance: int = Field(
        description="the running workTargetDifference from the range's first day to period end"
    )
