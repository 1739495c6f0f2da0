"""The week grid: one person's project time of seven days as rows (client, project, task) by
days, with the totals and each day's working-time target (the read, :func:`load_week`), and
what typing a duration into one cell does (the write, :mod:`timetrack.web.cells`).

Everything is read through the services the API uses, under the request's grant
(``grants.require``): the entries as ``GET /project_time_entries?userId=&from=&to=`` lists
them, the targets as ``GET /work_reports?userId=&from=&to=`` computes them. So the grid shows
what the API answers for the same person and days, and a person out of the caller's reach
answers like one that does not exist.

- **Days.** An entry counts on the local date it starts on (as the list's ``from``/``to`` and
  the reports attribute it), with its ``workedMinutes`` (its break not included).
- **Target and difference.** A day's target is the work report's ``targetSeconds`` (the
  working-time model valid that day; Monday-Friday 8 h without one). Its credit is what a
  public holiday or approved absences credit that day (``holidaySeconds``, ``absenceNSeconds``),
  and ``difference = booked + credit - target``: a holiday or a day of leave is not a day
  short. The booked time is project time, not attendance (which the attendance page compares).
- **Grants.** Each function asks for the permission it needs (``grants.require``: reading
  entries, then work reports; ``cells.set_cell`` writing entries), so a page's route may call
  them in any order after its own permission check.
- **First day of the week** (:func:`first_weekday`): by CLDR's week data for a territory,
  through Babel: the region written in the person's language (``en-US``), else their country,
  else the account's; with none, the language's default (Monday for ``de`` and ``en``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError

from timetrack import grants, preconditions
from timetrack.accounts.service import Account
from timetrack.db import Row, Tx
from timetrack.policy import Action, Resource
from timetrack.spans import start_bound
from timetrack.time_entries import service as entries
from timetrack.time_entries.schemas import EntryFilter
from timetrack.users.service import get_user
from timetrack.wire import dumps
from timetrack.work_reports import service as work_reports

DAYS = 7


@cache
def _territory_first_day(territory: str) -> int | None:
    try:
        return Locale.parse(f"und_{territory}").first_week_day
    except (UnknownLocaleError, ValueError):
        return None


def first_weekday(language: str | None, *countries: str | None) -> int:
    """The first day of the week (0 Monday ... 6 Sunday) for a person with ``language``
    (``de``, ``en-US``) living in the first of ``countries`` given (theirs, the account's)."""
    parts = (language or "en").replace("_", "-").split("-")
    regions = [p for p in parts[1:] if len(p) == 2 and p.isalpha()]
    for territory in [*regions, *countries]:
        if territory and (day := _territory_first_day(territory.upper())) is not None:
            return day
    try:
        return Locale.parse(parts[0].lower()).first_week_day
    except (UnknownLocaleError, ValueError):
        return 0


def week_start(day: date, first: int) -> date:
    """The first day of the week ``day`` is in, weeks starting on weekday ``first``."""
    return day - timedelta(days=(day.weekday() - first) % DAYS)


def entry_version(row: Row) -> str:
    """An entry's ETag, as ``GET /project_time_entries/{id}`` answers it for this caller."""
    keys = tuple(row.keys())
    try:
        return _version_of(tuple(row[k] for k in keys), keys, grants.rates_shown())
    except TypeError:  # a value that cannot be a cache key
        return _version(row)


def _version(row: Row) -> str:
    return preconditions.etag_of(dumps(grants.shown(entries.to_wire(row))))


# A week page shows the version of each cell's entry, a hash of its whole wire form: some
# 15 µs each, a tenth of a busy week's page. The same row (every column, as read) under the
# same view of rates always gives the same ETag, and the grid's rows are read again on each
# load, so they are remembered by their values.
@lru_cache(maxsize=1024)
def _version_of(values: tuple[Any, ...], keys: tuple[str, ...], rates: bool) -> str:
    # ``rates``: the current grant's, under which the hash is made (grants.shown).
    return _version(dict(zip(keys, values, strict=True)))


@dataclass(frozen=True, slots=True, order=True)
class RowKey:
    """What a grid row books on: a project, and a task or none."""

    project_id: int
    task_id: int | None


@dataclass(frozen=True, slots=True)
class Cell:
    day: date
    minutes: int
    entry_ids: tuple[int, ...]
    # The ETag of its one entry, which a change of the cell sends back (``cells.set_cell``);
    # None for an empty cell and for one of several entries, which the grid does not change.
    version: str | None

    @property
    def editable(self) -> bool:
        """Whether typing into the cell can change it: several entries are changed one by one
        in the day view (``cells.set_cell`` says why)."""
        return len(self.entry_ids) <= 1


@dataclass(frozen=True, slots=True)
class GridRow:
    key: RowKey
    client_id: int
    client_name: str
    project_name: str
    task_name: str | None
    cells: tuple[Cell, ...]

    @property
    def total(self) -> int:
        return sum(cell.minutes for cell in self.cells)


@dataclass(frozen=True, slots=True)
class DayTotal:
    """One day's booked minutes against its working-time target (see the module doc)."""

    day: date
    minutes: int
    target: int
    credit: int
    holiday: str | None

    @property
    def difference(self) -> int:
        return self.minutes + self.credit - self.target


@dataclass(frozen=True, slots=True)
class Week:
    user_id: int
    username: str
    time_zone: str
    days: tuple[date, ...]
    rows: tuple[GridRow, ...]
    totals: tuple[DayTotal, ...]
    # The week's entries as ``entries_between`` lists them (the page's day list takes its
    # day's from here rather than reading them again).
    entries: tuple[Row, ...] = ()

    @property
    def minutes(self) -> int:
        return sum(day.minutes for day in self.totals)

    @property
    def target(self) -> int:
        return sum(day.target for day in self.totals)

    @property
    def difference(self) -> int:
        return sum(day.difference for day in self.totals)


def local_start(row: Row) -> datetime:
    """An entry's wall-clock start in its person's zone."""
    return _wall(row["start_local"])


def local_end(row: Row) -> datetime:
    return _wall(row["end_local"])


def _wall(value: object) -> datetime:
    """A stored wall clock (``LOCAL_FORMAT``; a datetime from PostgreSQL) to the second:
    ``fromisoformat`` reads that form ten times faster than ``strptime`` (a week page reads
    some hundred of them)."""
    return datetime.fromisoformat(str(value)[:19])


async def entries_between(
    tx: Tx, account_id: int, user_id: int, first: date, last: date
) -> list[Row]:
    """The person's live entries starting from ``first`` to ``last`` (local dates, both
    included), as ``GET /project_time_entries?userId=&from=&to=`` lists them to the current
    grant, in its order."""
    query = EntryFilter(
        user_id=user_id,
        start_from=start_bound("from", first.isoformat(), upper=False),
        start_to=start_bound("to", last.isoformat(), upper=True),
    )
    statement = await entries.select_all(tx, account_id, query)
    if statement is None:
        return []
    sql, args = statement
    return await tx.fetch(sql, *args)


def _name_order(row: Row) -> tuple[Any, ...]:
    """Rows by client, project and task name (casefolded: the same on both databases), the
    row without a task first, ids last so equal names keep one order."""
    task = row["task_name"]
    return (
        row["client_name"].casefold(),
        row["project_name"].casefold(),
        task is not None,
        (task or "").casefold(),
        row["client_id"],
        row["project_id"],
        row["task_id"] or 0,
    )


def grid_rows(rows: Sequence[Row], days: Sequence[date]) -> tuple[GridRow, ...]:
    """The rows of the entries by ``days``; entries on other days are left out."""
    index = {day: i for i, day in enumerate(days)}
    by_key: dict[RowKey, list[list[Row]]] = {}
    first_of: dict[RowKey, Row] = {}
    for row in rows:
        position = index.get(local_start(row).date())
        if position is None:
            continue
        key = RowKey(row["project_id"], row["task_id"])
        first_of.setdefault(key, row)
        by_key.setdefault(key, [[] for _ in days])[position].append(row)
    grid = []
    for key, named in sorted(first_of.items(), key=lambda item: _name_order(item[1])):
        cells = tuple(
            Cell(
                day,
                sum(int(e["worked_minutes"]) for e in found),
                tuple(int(e["id"]) for e in found),
                entry_version(found[0]) if len(found) == 1 else None,
            )
            for day, found in zip(days, by_key[key], strict=True)
        )
        grid.append(
            GridRow(
                key,
                named["client_id"],
                named["client_name"],
                named["project_name"],
                named["task_name"],
                cells,
            )
        )
    return tuple(grid)


async def load_week(
    tx: Tx, account: Account, user_id: int, first: date, user: Row | None = None
) -> Week:
    """The grid of the seven days from ``first`` of the person with ``user_id``: 404
    (``USER_NOT_FOUND``) when the caller's grant does not reach their time entries. ``user``:
    their row (``get_user``), when the caller has read it already."""
    grants.require(Resource.TIME_ENTRIES, Action.READ)
    if user is None:
        user = await get_user(tx, account.id, user_id)
    days = tuple(first + timedelta(days=n) for n in range(DAYS))
    listed = await entries_between(tx, account.id, user_id, days[0], days[-1])
    rows = grid_rows(listed, days)
    grants.require(Resource.WORK_REPORTS, Action.READ)
    # The targets as the work reports count them, for the person read above.
    span = work_reports.Range(days[0], days[-1])
    reports = {d.work_date: d for d in await work_reports.targets(tx, account, user, span)}
    totals = []
    for position, day in enumerate(days):
        report = reports.get(day)
        totals.append(
            DayTotal(
                day,
                sum(row.cells[position].minutes for row in rows),
                0 if report is None else report.target // 60,
                0 if report is None else report.credits // 60,
                None if report is None else report.holiday,
            )
        )
    return Week(
        user_id, user["username"], user["time_zone"], days, rows, tuple(totals), tuple(listed)
    )
