"""The SQL every report shares: which entries count (the filters, the caller's reach, the
period), an entry's rounded minutes and amount as expressions, and the grouping keys.

Money is summed in whole cents, as integers, so that every sum is exact on both databases and
the sums of groups equal their parent to the cent (a sum of rounded amounts, not a rounded
sum). An entry's amount is:

- not billable: 0;
- billable at an hourly rate: its rounded worked minutes times its ``hourRate`` (frozen when it
  was booked) / 60, rounded to the cent (halves up);
- billable with ``flatRate``: its ``hourRate`` once, a fixed price for the entry whatever its
  minutes (the vendor's flat-rate flag: the work is billed as one item, not by the hour).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from timetrack import filters
from timetrack.crud import Condition, Feed, Filters, scoped_filters
from timetrack.day_ranges import DayBound, per_zone_condition
from timetrack.db import Tx
from timetrack.errors import USER_UNKNOWN, AppError
from timetrack.reports.query import EntryQuery, Rounding
from timetrack.times import LOCAL_FORMAT
from timetrack.users.service import user_by_name
from timetrack.wire import name_key

_RATE_CENTS = "CAST(ROUND(e.hour_rate * 100) AS BIGINT)"


def rounded_minutes(rounding: Rounding) -> str:
    """An entry's worked minutes, rounded as asked (integer arithmetic on both databases;
    ``minutes`` is an integer the query checked, written into the statement)."""
    worked = "e.worked_minutes"
    if rounding.mode == "none" or rounding.minutes is None:
        return worked
    step = int(rounding.minutes)
    if rounding.mode == "up":
        return f"(({worked} + {step - 1}) / {step} * {step})"
    if rounding.mode == "down":
        return f"({worked} / {step} * {step})"
    return f"(({worked} * 2 + {step}) / {2 * step} * {step})"  # nearest, halves up


def amount_cents(minutes: str) -> str:
    """An entry's amount in cents (see the module's docstring). The whole hours and the rest
    are multiplied apart, so no product passes 64 bits within the limits of minutes and rates."""
    hourly = f"({minutes} / 60 * {_RATE_CENTS} + (({minutes} % 60) * {_RATE_CENTS} * 2 + 60) / 120)"
    return (
        f"(CASE WHEN NOT e.billable THEN 0 WHEN e.flat_rate THEN {_RATE_CENTS} ELSE {hourly} END)"
    )


def billable_minutes(minutes: str) -> str:
    return f"(CASE WHEN e.billable THEN {minutes} ELSE 0 END)"


def money(cents: Any) -> Decimal:
    """A sum of cents as the amount the wire carries (SQLite sums integers to an integer,
    PostgreSQL to a numeric)."""
    return Decimal(int(cents or 0)) / 100


def _wall(day: date) -> str:
    """The wall-clock text of a day's midnight, as ``start_local`` is stored."""
    return day.strftime(LOCAL_FORMAT)


async def _bound(
    tx: Tx, account_id: int, bound: DayBound, *, upper: bool, username_key: str | None
) -> Condition:
    """One end of the period as a condition on the entries' local start: an entry counts on
    the local date it starts on (one past midnight counts on the day before)."""
    condition = "e.start_local < {}" if upper else "e.start_local >= {}"

    def edge(day: date) -> str:
        return _wall(day + timedelta(days=1) if upper else day)

    if not bound.zoned:
        return condition, edge(bound.written)
    return await per_zone_condition(
        tx,
        account_id,
        condition,
        bound,
        user_column="e.user_id",
        username_key=username_key,
        as_value=edge,
    )


def _tag_condition(tx: Tx, tag: str) -> Condition:
    """Entries whose space-separated ``tags`` hold ``tag`` as a whole word, as written."""
    find = "strpos" if tx.dialect == "postgresql" else "instr"
    return f"{find}(' ' || e.tags || ' ', {{}}) > 0", f" {tag} "


async def entry_filters(tx: Tx, account_id: int, query: EntryQuery) -> Filters | None:
    """The ``WHERE`` of the entries a report counts (alias ``e``): live ones, of the people
    the caller reaches, matching the filters and the period; None when none can match.

    A ``username`` out of the caller's reach is an unknown user (400, 14040), like one that
    does not exist."""
    conditions: list[Condition] = []
    username_key = None
    if query.username is not None:
        try:
            user = await user_by_name(tx, account_id, query.username, field="username")
        except AppError:
            raise AppError.of(
                USER_UNKNOWN, f"no user named {query.username!r}", parameter="username"
            ) from None
        conditions.append(("e.user_id = {}", user["id"]))
        username_key = name_key(query.username)
    references, lookups = filters.entry_references(query)
    conditions += references
    if query.tag is not None:
        conditions.append(_tag_condition(tx, query.tag))
    period = query.period
    for bound, upper in ((period.first, False), (period.last, True)):
        if bound is not None:
            conditions.append(
                await _bound(tx, account_id, bound, upper=upper, username_key=username_key)
            )
    return await scoped_filters(
        tx, account_id, Feed(), conditions, lookups, alias="e.", owner="user_id"
    )
