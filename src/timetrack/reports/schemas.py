"""Response models of the reports (for the OpenAPI document; responses are plain dicts)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from timetrack.fieldtypes import shown_rate
from timetrack.time_entries.schemas import EntryRead

_AMOUNT = "the entries' amounts, in the account's currency (see docs/api.md, Reports); " + (
    "left out for people other than admins unless the account shows them rates"
)


class _Read(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class RoundingRead(_Read):
    mode: str = Field(description="`none`, `up`, `down` or `nearest`")
    minutes: int | None = Field(description="the multiple rounded to; null for `none`")


class TotalsRead(_Read):
    entries: int = Field(description="the number of entries counted")
    worked_minutes: int = Field(description="their worked minutes, each rounded as named")
    break_minutes: int = Field(description="their break minutes (never rounded)")
    billable_minutes: int = Field(description="the worked minutes of the billable ones")
    amount: float | None = Field(default=None, description=_AMOUNT)
    currency: str = Field(description="the account's ISO 4217 code, e.g. EUR")


class GroupRead(_Read):
    key: Any = Field(
        description="the id (client, project, task, user, team), `true`/`false` (billable), "
        "the tag, or the period (`2026-01-31`, `2026-W05`, `2026-01`, `2026`); null for the "
        "entries without a task, team or tag"
    )
    name: str | None = Field(description="the name, username, tag or period; null with key null")
    entries: int
    worked_minutes: int
    billable_minutes: int
    amount: float | None = Field(default=None, description=_AMOUNT)
    groups: list[GroupRead] | None = Field(
        default=None, description="the subgroups (`subGroupBy`), only on the first level"
    )


class SummaryRead(_Read):
    from_: str = Field(alias="from", description="the first day, YYYY-MM-DD")
    to: str = Field(description="the last day, YYYY-MM-DD")
    rounding: RoundingRead
    totals: TotalsRead
    groups: list[GroupRead] = Field(description="sorted by name (periods by date)")


class DetailedRead(EntryRead):
    rounded_minutes: int = Field(description="workedMinutes rounded as the query asks")
    amount: float | None = shown_rate()


class ProjectBudgetRead(_Read):
    project_id: int
    project_name: str
    client_id: int
    client_name: str
    entries: int = Field(description="the entries counted in the period")
    time_estimated: int | None = Field(description="the project's estimate in minutes, or null")
    worked_minutes: int = Field(description="the entries' worked minutes, rounded as asked")
    time_used_percent: float | None = Field(
        description="workedMinutes / timeEstimated x 100, one decimal; null without an estimate"
    )
    budget_estimated: float | None = shown_rate()
    amount: float | None = shown_rate()
    budget_used_percent: float | None = Field(
        default=None,
        description="amount / budgetEstimated x 100, one decimal; null without a budget; "
        "left out where rates are",
    )
    currency: str
