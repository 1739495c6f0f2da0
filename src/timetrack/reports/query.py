"""What every report reads from its query string: the period, the entry list's filters, the
rounding and, for the summary, the grouping; parsed and checked before any I/O.

The period is a range of days, each bound a date or a timestamp standing for its date, as in
every report (``day_ranges``): an entry counts on the local date it starts on, in the zone it
was booked in. The filters are the entry list's (``filters``), spelled the same.
"""

# No ``from __future__ import annotations``: FastAPI reads the dependencies' annotations.

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from timetrack import filters
from timetrack.canonical import QUERY_BOOLEAN, QUERY_INTEGER
from timetrack.day_ranges import DAY_BOUND_DOC, DayBound, day_bound, day_query
from timetrack.errors import (
    PARAMETER_INVALID,
    REPORTS_GROUPING_REPEATED,
    REPORTS_GROUPING_UNKNOWN,
    REPORTS_RANGE_REVERSED,
    REPORTS_RANGE_TOO_LONG,
    REPORTS_ROUNDING_INVALID,
    AppError,
)
from timetrack.filters import (
    ClientIdParam,
    ClientNameParam,
    ProjectIdParam,
    ProjectNameParam,
    TaskIdParam,
    TaskNameParam,
    UserIdParam,
    UserParam,
)

Grouping = Literal[
    "client", "project", "task", "user", "team", "billable", "tag", "day", "week", "month", "year"
]
GROUPINGS: tuple[Grouping, ...] = (
    "client", "project", "task", "user", "team", "billable", "tag", "day", "week", "month", "year",
)  # fmt: skip
ROUNDINGS = ("none", "up", "down", "nearest")
DEFAULT_ROUNDING_MINUTES = 15
MAX_YEARS = 5
_RANGE_DOC = f"{DAY_BOUND_DOC}; both days included, at most {MAX_YEARS} years"


@dataclass(frozen=True, slots=True)
class Rounding:
    """How each entry's worked minutes are rounded before they are summed."""

    mode: str = "none"
    minutes: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "minutes": self.minutes}


@dataclass(frozen=True, slots=True)
class Period:
    """The days a report covers; a missing bound leaves that side open (all time)."""

    first: DayBound | None = None
    last: DayBound | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "from": None if self.first is None else self.first.written.isoformat(),
            "to": None if self.last is None else self.last.written.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class EntryChoice:
    """The filters of a report (``EntryQuery`` without its period and rounding),
    read once for every report and export that sums entries."""

    username: str | None = None
    user_id: int | None = None
    client_name: str | None = None
    client_id: int | None = None
    project_name: str | None = None
    project_id: int | None = None
    task: str | None = None
    task_id: int | None = None
    billable: bool | None = None
    tag: str | None = None  # with its "#"


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryQuery(EntryChoice):
    """The entries a report sums, and how it rounds them."""

    period: Period
    rounding: Rounding


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year without one
        return day.replace(year=day.year + years, month=3, day=1)


def check_period(first: DayBound | None, last: DayBound | None) -> Period:
    """The period, refused when ``to`` is before ``from`` or it spans over five years (the
    dates as written: a timestamp's date in its own offset)."""
    if first is not None and last is not None:
        if last.written < first.written:
            raise AppError.of(
                REPORTS_RANGE_REVERSED,
                f"to ({last.written}) is before from ({first.written})",
                parameter="to",
            )
        if last.written >= _years_later(first.written, MAX_YEARS):
            limit = _years_later(first.written, MAX_YEARS) - timedelta(days=1)
            raise AppError.of(
                REPORTS_RANGE_TOO_LONG,
                f"a report spans at most {MAX_YEARS} years: from {first.written} to {limit}",
                parameter="to",
            )
    return Period(first, last)


async def required_period(
    from_: Annotated[str, day_query(_RANGE_DOC, alias="from")],
    to: Annotated[str, day_query(_RANGE_DOC)],
) -> Period:
    return check_period(day_bound("from", from_), day_bound("to", to))


async def optional_period(
    from_: Annotated[
        str | None, day_query(_RANGE_DOC + "; without it, from the first entry", alias="from")
    ] = None,
    to: Annotated[str | None, day_query(_RANGE_DOC + "; without it, to the last entry")] = None,
) -> Period:
    return check_period(
        day_bound("from", from_) if from_ else None, day_bound("to", to) if to else None
    )


async def rounding(
    mode: Annotated[
        str | None,
        Query(
            alias="rounding",
            max_length=10,
            description="how each entry's worked minutes are rounded before summing: `none` "
            "(default), `up`, `down` or `nearest` (halves up) to a multiple of roundingMinutes",
        ),
    ] = None,
    minutes: Annotated[
        int | None,
        Query(
            alias="roundingMinutes",
            ge=1,
            le=1440,
            description=f"the multiple, 1..1440 (default {DEFAULT_ROUNDING_MINUTES} with a "
            "rounding mode)",
        ),
        QUERY_INTEGER,
    ] = None,
) -> Rounding:
    wanted = (mode or "none").strip().lower()
    if wanted not in ROUNDINGS:
        raise AppError.of(
            REPORTS_ROUNDING_INVALID,
            f"rounding: must be one of {', '.join(ROUNDINGS)}",
            parameter="rounding",
        )
    if wanted == "none":
        # A multiple without a mode rounds nothing, as the answer's `rounding` then says: a
        # step alone is not enough to guess whether to round up, down or to the nearest.
        return Rounding()
    return Rounding(wanted, minutes or DEFAULT_ROUNDING_MINUTES)


RoundingDep = Annotated[Rounding, Depends(rounding)]
TagParam = Annotated[
    str | None,
    Query(
        max_length=255,
        description="entries whose `tags` hold this tag (a word starting with `#`, the `#` "
        "optional here; compared as written)",
    ),
]


def _tag(text: str | None) -> str | None:
    tag = (text or "").strip()
    if not tag:
        return None
    if any(character.isspace() for character in tag):
        raise AppError.of(PARAMETER_INVALID, "tag: one tag, without spaces", parameter="tag")
    return tag if tag.startswith("#") else f"#{tag}"


async def entry_choice(
    username: UserParam = None,
    user_id: UserIdParam = None,
    client_name: ClientNameParam = None,
    client_id: ClientIdParam = None,
    project_name: ProjectNameParam = None,
    project_id: ProjectIdParam = None,
    task: TaskNameParam = None,
    task_id: TaskIdParam = None,
    billable: Annotated[bool | None, QUERY_BOOLEAN] = None,
    tag: TagParam = None,
) -> EntryChoice:
    return EntryChoice(
        username=filters.one_user(None, username),
        user_id=user_id,
        client_name=client_name or None,
        client_id=client_id,
        project_name=project_name or None,
        project_id=project_id,
        task=task or None,
        task_id=task_id,
        billable=billable,
        tag=_tag(tag),
    )


ChoiceDep = Annotated[EntryChoice, Depends(entry_choice)]


def entry_query(period: Period, rounded: Rounding, chosen: EntryChoice) -> EntryQuery:
    chosen_fields = {f.name: getattr(chosen, f.name) for f in fields(chosen)}
    return EntryQuery(period=period, rounding=rounded, **chosen_fields)


async def _entries(
    period: Annotated[Period, Depends(required_period)], rounded: RoundingDep, chosen: ChoiceDep
) -> EntryQuery:
    return entry_query(period, rounded, chosen)


EntriesDep = Annotated[EntryQuery, Depends(_entries)]


def _grouping(parameter: str, text: str) -> Grouping:
    wanted = text.strip().lower()
    if wanted not in GROUPINGS:
        raise AppError.of(
            REPORTS_GROUPING_UNKNOWN,
            f"{parameter}: must be one of {', '.join(GROUPINGS)}",
            parameter=parameter,
        )
    return wanted


_GROUP_DOC = "one of " + ", ".join(f"`{g}`" for g in GROUPINGS)


async def groupings(
    group_by: Annotated[
        str, Query(alias="groupBy", max_length=20, description="the first level: " + _GROUP_DOC)
    ],
    sub_group_by: Annotated[
        str | None,
        Query(
            alias="subGroupBy",
            max_length=20,
            description="the second level within each group (optional): " + _GROUP_DOC,
        ),
    ] = None,
) -> tuple[Grouping, ...]:
    first = _grouping("groupBy", group_by)
    if not sub_group_by or not sub_group_by.strip():
        return (first,)
    second = _grouping("subGroupBy", sub_group_by)
    if second == first:
        raise AppError.of(
            REPORTS_GROUPING_REPEATED,
            f"subGroupBy repeats groupBy ({first})",
            parameter="subGroupBy",
        )
    return first, second


GroupingsDep = Annotated[tuple[Grouping, ...], Depends(groupings)]
