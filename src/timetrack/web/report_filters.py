"""The reports page's filters: its GET form's fields read into the same query the API's
``GET /reports/summary`` reads (``reports.query``: ``check_period``, ``rounding``,
``entry_choice``, ``groupings``), so the page and the API sum the same entries.

The form's fields are named as the API's parameters (``from``, ``to``, ``groupBy``,
``clientId`` ...), plus ``period``: a preset (this week, last month ...) that the page turns
into ``from`` and ``to`` for the person's today and first day of the week, or ``custom`` for
the dates typed. The resolved parameters (:attr:`ReportForm.params`) are what the download
links send to ``/exports/reports/summary``, so a file is the report on the page.

Unlike the API, which answers the first problem it meets, every field is checked, so each
wrong field shows its own error next to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from timetrack import canonical
from timetrack.day_ranges import DayBound, day_bound
from timetrack.errors import PARAMETER_INVALID, AppError, Problem
from timetrack.reports.query import (
    EntryChoice,
    EntryQuery,
    Grouping,
    Period,
    Rounding,
    check_period,
    entry_choice,
    entry_query,
    groupings,
    rounding,
)
from timetrack.wire import MAX_ID, NAME_MAX

PRESETS = ("this-week", "last-week", "this-month", "last-month", "this-year", "custom")
DEFAULT_PRESET = "this-month"
DEFAULT_GROUP = "project"
# The fields the reports page folds under "Filters and rounding" (open when one is set or wrong).
FILTER_FIELDS = (
    "username",
    "clientId",
    "projectId",
    "taskId",
    "billable",
    "tag",
    "rounding",
    "roundingMinutes",
)
# The fields of the form that are the API's own parameters, in the order a link writes them.
API_FIELDS = ("from", "to", "groupBy", "subGroupBy", *FILTER_FIELDS)
_FIELD_MAX = 255  # longer than any value the form offers; the API caps its names the same
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ReportForm:
    """What the form asked for: its fields as the page shows them again, and either the query
    and groupings for the service, or the problems (each naming its field)."""

    values: dict[str, str]
    first: date | None = None
    last: date | None = None
    query: EntryQuery | None = None
    groupings: tuple[Grouping, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    @property
    def params(self) -> dict[str, str]:
        """The API's parameters for the same report (those given)."""
        return {name: self.values[name] for name in API_FIELDS if self.values.get(name)}


def preset_days(preset: str, today: date, first_weekday: int) -> tuple[date, date]:
    """The first and last day of a preset period around ``today`` (weeks starting on
    ``first_weekday``, 0 for Monday)."""
    if preset in ("this-week", "last-week"):
        start = today - timedelta(days=(today.weekday() - first_weekday) % 7)
        if preset == "last-week":
            start -= timedelta(days=7)
        return start, start + timedelta(days=6)
    if preset == "this-year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    month_start = today.replace(day=1)
    if preset == "last-month":
        last = month_start - timedelta(days=1)
        return last.replace(day=1), last
    following = (month_start + timedelta(days=31)).replace(day=1)
    return month_start, following - timedelta(days=1)


def _invalid(parameter: str, detail: str) -> AppError:
    return AppError.of(PARAMETER_INVALID, f"{parameter}: {detail}", parameter=parameter)


def _id(values: Mapping[str, str], name: str) -> int | None:
    text = values.get(name, "")
    if not text:
        return None
    number = canonical.integer(text, 1, MAX_ID)
    if number is None:
        raise _invalid(name, "not one of the choices")
    return number


def _billable(text: str) -> bool | None:
    if not text:
        return None
    chosen = canonical.boolean(text)
    if chosen is None:
        raise _invalid("billable", "true, false or nothing")
    return chosen


def _bound(values: Mapping[str, str], name: str) -> DayBound:
    text = values.get(name, "")
    if not text:
        raise _invalid(name, "a date is needed for a custom period")
    return day_bound(name, text)


class _Checker:
    """Runs each check, keeping its problems (a field's first problem only)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    async def run(self, check: Callable[[], Awaitable[T]], fallback: T) -> T:
        try:
            return await check()
        except AppError as exc:
            taken = {p.parameter for p in self.problems}
            self.problems += [p for p in exc.problems if p.parameter not in taken]
            return fallback


async def read_form(sent: Mapping[str, str], today: date, first_weekday: int) -> ReportForm:
    """The report a query string asks for (``sent``: the last of each name, as browsers send
    a GET form), for a person whose today is ``today``."""
    values = {k: v.strip()[:_FIELD_MAX] for k, v in sent.items() if isinstance(v, str)}
    preset = values.get("period") or ("custom" if values.get("from") else DEFAULT_PRESET)
    if preset not in PRESETS:
        preset = DEFAULT_PRESET
    values["period"] = preset
    values.setdefault("groupBy", DEFAULT_GROUP)
    checks = _Checker()
    first = last = None
    if preset != "custom":
        first, last = preset_days(preset, today, first_weekday)
        values["from"], values["to"] = first.isoformat(), last.isoformat()

    async def period() -> Period:
        return check_period(_bound(values, "from"), _bound(values, "to"))

    chosen_period = await checks.run(period, None)
    if chosen_period is not None and chosen_period.first and chosen_period.last:
        first, last = chosen_period.first.written, chosen_period.last.written

    async def grouped() -> tuple[Grouping, ...]:
        return await groupings(values["groupBy"], values.get("subGroupBy") or None)

    none: tuple[Grouping, ...] = ()
    chosen_groups = await checks.run(grouped, none)

    async def rounded() -> Rounding:
        minutes_text = values.get("roundingMinutes", "")
        minutes = canonical.integer(minutes_text, 1, 1440) if minutes_text else None
        if minutes_text and minutes is None:
            raise _invalid("roundingMinutes", "a whole number of minutes, 1 to 1440")
        return await rounding(values.get("rounding") or None, minutes)

    chosen_rounding = await checks.run(rounded, Rounding())

    async def choice() -> EntryChoice:
        if len(values.get("username", "")) > NAME_MAX:
            raise _invalid("username", "too long")
        return await entry_choice(
            username=values.get("username") or None,
            client_id=_id(values, "clientId"),
            project_id=_id(values, "projectId"),
            task_id=_id(values, "taskId"),
            billable=_billable(values.get("billable", "")),
            tag=values.get("tag") or None,
        )

    chosen = await checks.run(choice, None)
    if checks.problems or chosen_period is None or chosen is None:
        return ReportForm(values, first, last, problems=checks.problems)
    query = entry_query(chosen_period, chosen_rounding, chosen)
    return ReportForm(values, first, last, query, chosen_groups)
