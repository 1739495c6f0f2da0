"""Date-range filters over whole days that take a date or a timestamp (SPEC §1 "Dates and times").

Work reports and absences count whole days, yet the vendor's own example sends timestamps
(``GET /work_reports?username=test&from=2020-10-01T00:00:00Z&to=2020-10-31T00:00:00Z``). So each
bound of such a range is a date, or a timestamp standing for its calendar date in the user's
zone. A timestamp with ``Z`` or without an offset is wall-clock time already, so its date is the
one written. One with an explicit offset names an instant, like every other instant on the wire,
and its date is that instant's date in the zone of the user the bound applies to: over many
users it may be a different date for each, and each user's own zone applies.

This module parses such a bound once for every filter (``day_bound``), declares the query
parameter once (``day_query``), and turns a bound that depends on the zone into one SQL condition
over the users of an account (``per_zone_condition``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Query

from timetrack.db import Tx
from timetrack.errors import PARAMETER_INVALID, AppError
from timetrack.times import (
    DATE_OR_TIMESTAMP_PATTERN,
    TimeFormatError,
    parse_date_or_timestamp,
    utc_to_local,
)

DAY_BOUND_DOC = (
    "a date YYYY-MM-DD, or a timestamp standing for its date: with Z or no offset the date "
    "written (wall-clock time, as everywhere), with an offset (+02:00) the instant's date in the "
    "user's time zone (each user's own over several users)"
)


@dataclass(frozen=True, slots=True)
class DayBound:
    """One end of a range of days, as sent."""

    written: date  # the date as written
    instant: datetime | None = None  # the instant a timestamp with an offset names (UTC)

    @property
    def zoned(self) -> bool:
        """Whether the date depends on the user's zone."""
        return self.instant is not None

    def date_in(self, zone_name: str) -> date:
        """The calendar date this bound stands for, for a user in ``zone_name``."""
        if self.instant is None:
            return self.written
        return utc_to_local(self.instant, zone_name).date()


def day_bound(parameter: str, text: str) -> DayBound:
    """Parse one bound of a range of days; a malformed one is a 400 naming ``parameter``."""
    try:
        value = parse_date_or_timestamp(text)
    except TimeFormatError as exc:
        raise AppError.of(PARAMETER_INVALID, f"{parameter}: {exc}", parameter=parameter) from None
    if isinstance(value, date):
        return DayBound(value)
    if value.offset is None:
        return DayBound(value.wall.date())
    return DayBound(value.wall.date(), value.instant("UTC"))


def day_query(description: str = DAY_BOUND_DOC, *, alias: str | None = None) -> Any:
    """The declaration of a query parameter that is such a bound (for ``Annotated``)."""
    return Query(
        alias=alias,
        description=description,
        max_length=40,
        json_schema_extra={"pattern": DATE_OR_TIMESTAMP_PATTERN},
    )


async def per_zone_condition(
    tx: Tx,
    account_id: int,
    condition: str,
    bound: DayBound,
    *,
    user_column: str,
    username_key: str | None = None,
    as_value: Callable[[date], Any] = lambda day: day,
) -> tuple[Any, ...]:
    """``condition`` (with one ``{}`` for the date) for records of users in any zone, as a
    filter condition followed by its values.

    The dates ``bound`` stands for are worked out for each zone the account's users live in (or
    the users of that name), and users are picked by zone: a zone is one of a few dozen values
    and selects many users, where a list of user ids would grow with the account. When every
    zone gives one date (the usual case: all users in one zone) it is a plain comparison.
    ``user_column`` is the filtered table's user id (``a.user_id``); ``as_value`` makes the
    value compared of each date (a wall-clock text, for a column of those).
    """
    sql = "SELECT DISTINCT time_zone FROM users WHERE account_id = $1"
    args: list[Any] = [account_id]
    if username_key is not None:
        sql += " AND username_key = $2"
        args.append(username_key)
    zones_by_date: dict[date, list[str]] = {}
    for row in await tx.fetch(sql, *args):
        zones_by_date.setdefault(bound.date_in(row["time_zone"]), []).append(row["time_zone"])
    if len(zones_by_date) <= 1:
        # No users: nothing can match, and the date written is as good as any.
        return condition, as_value(next(iter(zones_by_date), bound.written))
    parts, values = [], []
    for day, zones in sorted(zones_by_date.items()):
        marks = ", ".join("{}" for _ in zones)
        parts.append(
            f"({condition} AND {user_column} IN (SELECT id FROM users "
            f"WHERE account_id = $1 AND time_zone IN ({marks})))"
        )
        values += [as_value(day), *sorted(zones)]
    return f"({' OR '.join(parts)})", *values
