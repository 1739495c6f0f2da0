"""Work reports (timesheets, SPEC §2): the data of a range loaded, then handed to ``calc``.

Whatever the range and the number of users, a report reads each table once: the account's
users, then the attendances, the approved absences (with their types) and the working-time
models of the users on the requested page, for the whole range. Public holidays come from the
``holidays`` package by each user's country and region (or the account's), computed once per
distinct place.

Records are ordered by username (case-insensitively, then by id) and date. Every user has one
record per day of their range (one per period in the grouped report), so a page is a slice of
the users' records in turn and only the users on that page are loaded. The range is the same
for every user unless ``from`` or ``to`` is a timestamp with an offset: that names an instant,
whose date is taken in each user's own zone (``day_ranges``), and the tables are then read
once per distinct range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from timetrack import grants
from timetrack.accounts.service import Account
from timetrack.day_ranges import DayBound
from timetrack.db import Row, Tx
from timetrack.errors import (
    REPORT_RANGE_REVERSED,
    REPORT_RANGE_TOO_LONG,
    USER_UNKNOWN,
    AppError,
)
from timetrack.paging import Page
from timetrack.public_holidays import Place, holidays_between, place
from timetrack.times import LOCAL_FORMAT
from timetrack.users.service import user_by_name
from timetrack.work_reports import calc

MAX_DAYS = 366
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class Range:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def check_range(first: date, last: date) -> Range:
    if last < first:
        raise AppError.of(
            REPORT_RANGE_REVERSED, f"to ({last}) is before from ({first})", parameter="to"
        )
    found = Range(first, last)
    if found.days > MAX_DAYS:
        raise AppError.of(
            REPORT_RANGE_TOO_LONG,
            f"the range has {found.days} days; at most {MAX_DAYS} are allowed",
            parameter="to",
        )
    return found


@dataclass(frozen=True, slots=True)
class Bounds:
    """``from`` and ``to`` as sent: dates, or timestamps standing for a date in a zone."""

    first: DayBound
    last: DayBound

    @property
    def zoned(self) -> bool:
        return self.first.zoned or self.last.zoned

    def span_in(self, zone_name: str) -> Range:
        """The checked range of days for a user in ``zone_name``."""
        return check_range(self.first.date_in(zone_name), self.last.date_in(zone_name))


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    # The user's own holiday place; None: the account's (as stored, see public_holidays.place).
    country: str | None = None
    region: str | None = None


async def _users(
    tx: Tx, account_id: int, username: str | None, user_id: int | None = None
) -> list[tuple[User, str]]:
    """The named user, or every non-deleted user of the account, in report order, each with
    their time zone; only the one with ``user_id`` when it is given (another account's id:
    nobody)."""
    users = await _named_or_all(tx, account_id, username)
    return users if user_id is None else [u for u in users if u[0].id == user_id]


async def _named_or_all(tx: Tx, account_id: int, username: str | None) -> list[tuple[User, str]]:
    if username:
        try:
            row = await user_by_name(tx, account_id, username, field="username")
        except AppError:
            raise AppError.of(
                USER_UNKNOWN, f"no user named {username!r}", parameter="username"
            ) from None
        return [(User(row["id"], row["username"], row["country"], row["region"]), row["time_zone"])]
    rows = await tx.fetch(
        "SELECT id, username, username_key, time_zone, country, region FROM users "
        f"WHERE account_id = $1 AND deleted_at IS NULL{grants.owner_sql('id')}",
        account_id,
    )
    # Sorted here, not by the database: collations differ between SQLite and PostgreSQL.
    rows = sorted(rows, key=lambda r: (r["username_key"], r["id"]))
    return [(User(r["id"], r["username"], r["country"], r["region"]), r["time_zone"]) for r in rows]


def _spans(bounds: Bounds, zones: list[str], account_zone: str) -> list[Range]:
    """Each user's range: the same for all unless a bound is an instant, whose date is taken in
    each user's own zone. Every user's range is checked, so whether a request is refused does
    not depend on the page; with no user at all, in the account's zone."""
    if not bounds.zoned or not zones:
        span = bounds.span_in(account_zone)
        return [span] * len(zones)
    by_zone = {zone: bounds.span_in(zone) for zone in dict.fromkeys(zones)}
    return [by_zone[zone] for zone in zones]


def _in_list(ids: list[int], start: int) -> str:
    """``IN ($start, ...)`` for ``ids`` (plain placeholders work on both databases)."""
    return "IN (" + ", ".join(f"${n}" for n in range(start, start + len(ids))) + ")"


def _week(row: Row) -> calc.Week:
    mo, tu, we, th, fr, sa, su = (int(row[day]) for day in _WEEKDAYS)
    return (mo, tu, we, th, fr, sa, su)


def _wall(text: str) -> datetime:
    return datetime.strptime(text, LOCAL_FORMAT)


@dataclass
class _Data:
    models: list[calc.Model]
    shifts: list[calc.Shift]
    absences: list[calc.Absence]


async def _load(
    tx: Tx, account_id: int, users: list[User], span: Range, *, shifts: bool = True
) -> dict[int, _Data]:
    """Attendances (unless not ``shifts``), approved absences and models of ``users`` for
    ``span``: one query each."""
    data = {u.id: _Data([], [], []) for u in users}
    if not users:
        return data
    ids = [u.id for u in users]
    first_local = span.first.strftime(LOCAL_FORMAT)
    after_local = (span.last + timedelta(days=1)).strftime(LOCAL_FORMAT)
    # Closed attendances starting in the range, by their local (wall-clock) start.
    attended = (
        await tx.fetch(
            "SELECT user_id, start_at, end_at, start_local, end_local, break_minutes "
            "FROM attendances WHERE account_id = $1 AND deleted_at IS NULL AND end_at IS NOT NULL "
            f"AND start_local >= $2 AND start_local < $3 AND user_id {_in_list(ids, 4)} "
            "ORDER BY user_id, start_local, id",
            account_id,
            first_local,
            after_local,
            *ids,
        )
        if shifts
        else []
    )
    for row in attended:
        data[row["user_id"]].shifts.append(
            calc.Shift(
                start=_wall(row["start_local"]),
                end=_wall(row["end_local"]),
                break_seconds=row["break_minutes"] * 60,
                start_at=row["start_at"],
                end_at=row["end_at"],
            )
        )
    # Approved absences meeting the range, with their type's short name and flags (a deleted
    # type still describes the absences that use it).
    for row in await tx.fetch(
        "SELECT a.user_id, a.start_date, a.end_date, a.day_segment, t.short_name, "
        "t.credits_target, t.half_day FROM absences a JOIN absence_types t "
        "ON t.account_id = a.account_id AND t.id = a.absence_type_id "
        "WHERE a.account_id = $1 AND a.deleted_at IS NULL AND a.status = 1 "
        f"AND a.start_date <= $3 AND a.end_date >= $2 AND a.user_id {_in_list(ids, 4)} "
        "ORDER BY a.user_id, a.start_date, a.day_segment, a.id",
        account_id,
        span.first,
        span.last,
        *ids,
    ):
        data[row["user_id"]].absences.append(
            calc.Absence(
                first=row["start_date"],
                last=row["end_date"],
                short_name=row["short_name"],
                day_segment=row["day_segment"],
                half_day=bool(row["half_day"]),
                credits_target=bool(row["credits_target"]),
            )
        )
    # Every model that starts before the range ends: the last one before it still applies.
    for row in await tx.fetch(
        f"SELECT user_id, valid_from, {', '.join(_WEEKDAYS)} FROM working_time_models "
        "WHERE account_id = $1 AND deleted_at IS NULL AND valid_from <= $2 "
        f"AND user_id {_in_list(ids, 3)} ORDER BY user_id, valid_from",
        account_id,
        span.last,
        *ids,
    ):
        data[row["user_id"]].models.append(calc.Model(row["valid_from"], _week(row)))
    return data


def _wire_local(wall: datetime | None) -> str | None:
    return None if wall is None else wall.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def day_to_wire(user: User, day: calc.Day) -> dict[str, Any]:
    item: dict[str, Any] = {
        "username": user.username,
        "userId": user.id,
        "workDate": day.work_date.isoformat(),
        "workStart": _wire_local(day.work_start),
        "workEnd": _wire_local(day.work_end),
        "targetSeconds": day.target,
        "workedSeconds": day.worked,
        "workTargetDifference": day.difference,
        "breakSeconds": day.breaks,
        "breakTimes": ", ".join(day.break_times),
        "surchargeSeconds": day.surcharge,
        "holidaySeconds": day.holiday_seconds,
    }
    for slot in range(calc.MAX_ABSENCES_PER_DAY):
        name, seconds = day.absences[slot] if slot < len(day.absences) else (None, 0)
        item[f"absence{slot + 1}Seconds"] = seconds
        item[f"absence{slot + 1}ShortName"] = name
    item["weekday"] = day.weekday
    # The vendor's ``holiday`` is a Boolean; the name is ours, beside it.
    item["holiday"] = day.holiday is not None
    item["holidayName"] = day.holiday
    return item


def period_to_wire(user: User, totals: calc.PeriodTotals) -> dict[str, Any]:
    return {
        "username": user.username,
        "userId": user.id,
        "period": totals.period.label,
        "periodStart": totals.period.first.isoformat(),
        "periodEnd": totals.period.last.isoformat(),
        "days": len(totals.days),
        **totals.totals,
        "overtimeBalance": totals.balance,
    }


async def _page_of_users(
    tx: Tx,
    account: Account,
    username: str | None,
    bounds: Bounds,
    page: Page,
    per_user: Callable[[Range], int],
    user_id: int | None = None,
) -> tuple[list[tuple[User, list[calc.Day]]], int, int, int]:
    """The users on ``page`` (each with ``per_user(range)`` records) with their days computed.

    Returns them, the total record count, and the slice of their records the page shows.
    """
    listed = await _users(tx, account.id, username, user_id)
    spans = _spans(bounds, [zone for _, zone in listed], account.timezone)
    count_of = {span: per_user(span) for span in set(spans)}  # one range in all, as a rule
    counts = [count_of[span] for span in spans]
    total = sum(counts)
    start, stop = page.offset, min(page.offset + page.limit, total)
    if start >= stop:
        return [], total, 0, 0
    chosen: list[tuple[User, Range]] = []
    skip, seen = 0, 0
    for (user, _), span, count in zip(listed, spans, counts, strict=True):
        if seen + count > start and seen < stop:
            if not chosen:
                skip = start - seen  # the first user's records before the page
            chosen.append((user, span))
        seen += count
    # One load per distinct range: one in all unless the users' zones give different dates.
    by_span: dict[Range, list[User]] = {}
    for user, span in chosen:
        by_span.setdefault(span, []).append(user)
    data: dict[int, _Data] = {}
    for span, users in by_span.items():
        data |= await _load(tx, account.id, users, span)
    # Holidays once per distinct place, over the union of the ranges.
    first, last = min(s.first for s in by_span), max(s.last for s in by_span)
    places = {u.id: place(u.country, u.region, account.country, account.region) for u, _ in chosen}
    calendars: dict[Place, dict[date, str]] = {
        where: holidays_between(*where, first, last) for where in set(places.values())
    }
    computed = [
        (
            user,
            calc.build_days(
                span.first,
                span.last,
                data[user.id].models,
                data[user.id].shifts,
                data[user.id].absences,
                calendars[places[user.id]],
            ),
        )
        for user, span in chosen
    ]
    return computed, total, skip, skip + (stop - start)


async def daily(
    tx: Tx,
    account: Account,
    username: str | None,
    bounds: Bounds,
    page: Page,
    user_id: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of day records and the total count."""
    computed, total, begin, end = await _page_of_users(
        tx, account, username, bounds, page, lambda span: span.days, user_id
    )
    items = [day_to_wire(user, day) for user, days in computed for day in days]
    return items[begin:end], total


async def targets(tx: Tx, account: Account, user: Row, span: Range) -> list[calc.Day]:
    """The days of a person whose row (``users``) the caller has read, as :func:`daily` counts
    their target and credits (working-time models, public holidays, approved absences), without
    reading their attendances: the worked time is left 0 (the week page books project time)."""
    known = User(user["id"], user["username"], user["country"], user["region"])
    data = (await _load(tx, account.id, [known], span, shifts=False))[known.id]
    where = place(known.country, known.region, account.country, account.region)
    calendar = holidays_between(*where, span.first, span.last)
    return calc.build_days(span.first, span.last, data.models, [], data.absences, calendar)


async def grouped(
    tx: Tx,
    account: Account,
    username: str | None,
    bounds: Bounds,
    by: calc.GroupBy,
    page: Page,
    user_id: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of period records (per user and week, month or year) and the total count."""

    def count(span: Range) -> int:
        return len(calc.periods(span.first, span.last, by))

    computed, total, begin, end = await _page_of_users(
        tx, account, username, bounds, page, count, user_id
    )
    items = [
        period_to_wire(user, totals) for user, days in computed for totals in calc.group(days, by)
    ]
    return items[begin:end], total
