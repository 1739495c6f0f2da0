"""What each export holds: its columns (the fixed order docs/api.md lists) and where its rows
come from. The entries and attendances read the list's own statement (``select_all`` of their
services: the same filters, scope and order as every page of the list); the timesheet is the
work reports' days (``work_reports.service.daily``, the routes' own service).

An entry's amount is not computed here: the statement reads it from the reports' own SQL
expression (``reports.sql.amount_cents``), so a row of the export bills what the same entry
bills in ``GET /reports/detailed`` and in every sum of ``GET /reports/summary``, to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from timetrack import grants
from timetrack.accounts.service import Account
from timetrack.day_ranges import DayBound
from timetrack.db import Row, Tx
from timetrack.exports.language import Lang, Style, language_of
from timetrack.exports.schemas import TimesheetQuery
from timetrack.exports.sheet import Column, Kind, Sheet, Values, duration
from timetrack.paging import Page
from timetrack.reports.sql import amount_cents, money
from timetrack.time_entries import service as entries
from timetrack.time_entries.schemas import EntryFilter
from timetrack.work_reports import service as work_reports

# Unrounded minutes: the export has no rounding, as the detailed report without one.
ENTRY_AMOUNT = f"{amount_cents('e.worked_minutes')} AS amount_cents"


def _local(text: str | None) -> datetime | None:
    """Stored wall-clock text (``2025-03-04 09:00:00``) as a naive datetime."""
    return None if text is None else datetime.fromisoformat(text)


def _seconds(minutes: int | None) -> int | None:
    return None if minutes is None else minutes * 60


async def select_entries(
    tx: Tx, account_id: int, query: EntryFilter
) -> tuple[str, list[Any]] | None:
    """The statement of the entries export (the server's and the CLI's): the list's, with
    each entry's amount."""
    return await entries.select_all(tx, account_id, query, extra=ENTRY_AMOUNT)


ENTRY_COLUMNS = (
    Column("id", "ID", "ID", Kind.INTEGER),
    Column("date", "Date", "Datum", Kind.DATE),
    Column("user", "User", "Benutzer", Kind.TEXT),
    Column("client", "Client", "Kunde", Kind.TEXT),
    Column("project", "Project", "Projekt", Kind.TEXT),
    Column("task", "Task", "Tätigkeit", Kind.TEXT),
    Column("details", "Details", "Beschreibung", Kind.TEXT),
    Column("tags", "Tags", "Tags", Kind.TEXT),
    Column("from", "From", "Von", Kind.DATETIME),
    Column("to", "To", "Bis", Kind.DATETIME),
    Column("timeZone", "Time zone", "Zeitzone", Kind.TEXT),
    *duration("break", "Break", "Pause"),
    *duration("worked", "Worked", "Arbeitszeit"),
    Column("billable", "Billable", "Abrechenbar", Kind.BOOLEAN),
    Column("flatRate", "Flat rate", "Pauschal", Kind.BOOLEAN),
    Column("hourRate", "Hour rate", "Stundensatz", Kind.MONEY, money=True),
    Column("amount", "Amount", "Betrag", Kind.MONEY, total=True, money=True),
)


def _entry(row: Row) -> Values:
    start = datetime.fromisoformat(row["start_local"])
    brk, worked = row["break_minutes"] * 60, row["worked_minutes"] * 60
    return (
        row["id"],
        start.date(),
        row["username"],
        row["client_name"],
        row["project_name"],
        row["task_name"],
        row["details"],
        row["tags"],
        start,
        datetime.fromisoformat(row["end_local"]),
        row["time_zone"],
        brk,
        brk,
        worked,
        worked,
        bool(row["billable"]),
        bool(row["flat_rate"]),
        Decimal(row["hour_rate"]),
        money(row["amount_cents"]),
    )


ENTRIES = Sheet("project-time-entries", ENTRY_COLUMNS, _entry)

ATTENDANCE_COLUMNS = (
    Column("id", "ID", "ID", Kind.INTEGER),
    Column("date", "Date", "Datum", Kind.DATE),
    Column("user", "User", "Benutzer", Kind.TEXT),
    Column("from", "From", "Von", Kind.DATETIME),
    Column("to", "To", "Bis", Kind.DATETIME),
    Column("timeZone", "Time zone", "Zeitzone", Kind.TEXT),
    *duration("break", "Break", "Pause"),
    *duration("worked", "Worked", "Arbeitszeit"),
    Column("manual", "Manual", "Manuell", Kind.BOOLEAN),
    Column("notes", "Notes", "Notizen", Kind.TEXT),
)


def _attendance(row: Row) -> Values:
    start = datetime.fromisoformat(row["start_local"])
    brk, worked = row["break_minutes"] * 60, _seconds(row["worked_minutes"])
    return (
        row["id"],
        start.date(),
        row["username"],
        start,
        _local(row["end_local"]),  # None while clocked in
        row["time_zone"],
        brk,
        brk,
        worked,
        worked,
        bool(row["manual"]),
        row["notes"],
    )


ATTENDANCES = Sheet("attendances", ATTENDANCE_COLUMNS, _attendance)


def shown(sheet: Sheet) -> Sheet:
    """The sheet as the current request may see it: without money unless rates are shown."""
    return sheet if grants.rates_shown() else sheet.without_money()


async def caller_language(tx: Tx, account: Account, asked: Lang | None) -> Lang:
    """``lang`` when asked, else the language of the person asking (English for the account
    key, which is nobody: accounts have no language of their own)."""
    if asked is not None:
        return asked
    principal = grants.current_principal()
    if principal is None or principal.user_id is None:
        return "en"
    code = await tx.fetchval(
        "SELECT language FROM users WHERE account_id = $1 AND id = $2",
        account.id,
        principal.user_id,
    )
    return language_of(code)


# --- the timesheet ----------------------------------------------------------------------------

TIMESHEET_COLUMNS = (
    Column("date", "Date", "Datum", Kind.DATE),
    Column("weekday", "Weekday", "Wochentag", Kind.TEXT),
    Column("start", "Start", "Beginn", Kind.TIME),
    Column("end", "End", "Ende", Kind.TIME),
    *duration("target", "Target", "Soll"),
    *duration("worked", "Worked", "Ist"),
    *duration("breaks", "Breaks", "Pausen"),
    Column("absences", "Absences", "Abwesenheiten", Kind.TEXT),
    *duration("absence", "Absence", "Abwesenheit"),
    Column("holiday", "Holiday", "Feiertag", Kind.TEXT),
    *duration("holidayCredit", "Holiday credit", "Feiertagsgutschrift"),
    *duration("difference", "Difference", "Differenz"),
    *duration("balance", "Balance", "Saldo", total=False),
)


@dataclass(frozen=True, slots=True)
class Timesheet:
    username: str
    full_name: str
    first: date
    last: date
    months: list[tuple[date, list[Values]]]  # each month's first day and its rows

    @property
    def rows(self) -> list[Values]:
        return [row for _, rows in self.months for row in rows]


def _wall(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.removesuffix(".000Z"))


def _month_end(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    following = date(index // 12, index % 12 + 1, 1) if index // 12 <= 9999 else None
    return date(9999, 12, 31) if following is None else date.fromordinal(following.toordinal() - 1)


async def timesheet(tx: Tx, account: Account, query: TimesheetQuery, style: Style) -> Timesheet:
    """One user's days from the work reports, with the running balance from the first day;
    a user out of the caller's reach is unknown there (14040)."""
    first, last = query.first_month, _month_end(query.first_month, query.months)
    bounds = work_reports.Bounds(DayBound(first), DayBound(last))
    days, _ = await work_reports.daily(tx, account, query.username, bounds, Page(0, 400))
    person = await tx.fetchrow(
        "SELECT username, first_name, last_name FROM users WHERE account_id = $1 AND id = $2",
        account.id,
        days[0]["userId"],
    )
    assert person is not None
    months: list[tuple[date, list[Values]]] = []
    balance = 0
    for day in days:
        on = date.fromisoformat(day["workDate"])
        absence = sum(day[f"absence{n}Seconds"] for n in (1, 2, 3))
        names = [day[f"absence{n}ShortName"] for n in (1, 2, 3) if day[f"absence{n}ShortName"]]
        balance += day["workTargetDifference"]
        row = (
            on,
            style.weekday(on),
            _wall(day["workStart"]),
            _wall(day["workEnd"]),
            *(day["targetSeconds"],) * 2,
            *(day["workedSeconds"],) * 2,
            *(day["breakSeconds"],) * 2,
            ", ".join(names) or None,
            absence,
            absence,
            day["holidayName"],
            *(day["holidaySeconds"],) * 2,
            *(day["workTargetDifference"],) * 2,
            balance,
            balance,
        )
        if not months or months[-1][0].month != on.month:
            months.append((on.replace(day=1), []))
        months[-1][1].append(row)
    full_name = f"{person['first_name'] or ''} {person['last_name'] or ''}".strip()
    return Timesheet(person["username"], full_name, first, last, months)
