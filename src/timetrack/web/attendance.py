"""The attendance page: clock in and out, today's and this week's attendances, and the balance
of worked time against the target.

Clocking is a form post to the API's own service (``attendances.service.clock_in`` and
``clock_out`` under the attendances' write permission, in one write transaction, with the
audit entry ``POST /attendances/clock_in`` writes), answered by a redirect back here with a
short confirmation. The server's clock decides the time, as the timer page's actions do. An open
attendance (clocked in, not yet out) is the one with no end, as the API answers it (``to``
null); it may have started before this week, so it is read by itself
(``service.open_attendance``).

The numbers come from the services the API answers with: the attendances as ``GET
/attendances?userId=&from=&to=`` lists them, the week's target, worked time and difference as
``GET /work_reports?from=&to=`` gives them per day, and the running balance as ``GET
/work_reports/grouped?groupBy=year&from=<since>&to=<today>`` gives ``overtimeBalance``.
A day's report counts closed attendances only, so a running one shows its elapsed time apart.

The balance starts on 1 January, or on the person's first day here when that is later
(``work_reports.first_day``: added, first working-time model, first attendance). Work
reports count the default week's target before a person's first model, as the API documents;
counted from 1 January, somebody added today would owe the whole year's target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from timetrack.attendances import service
from timetrack.attendances.schemas import AttendanceFilter, ClockIn, ClockOut
from timetrack.audit import service as audit
from timetrack.auth.permissions import allowed
from timetrack.crud import Feed
from timetrack.day_ranges import DayBound
from timetrack.errors import (
    ATTENDANCE_ALREADY_CLOCKED_IN,
    ATTENDANCE_BREAK_TOO_LONG,
    ATTENDANCE_CLOCK_OUT_BEFORE_IN,
    ATTENDANCE_NOT_CLOCKED_IN,
    ATTENDANCE_OVERLAP,
    AppError,
    ErrorCode,
)
from timetrack.handlers import read, write
from timetrack.paging import Page
from timetrack.policy import Action, Resource
from timetrack.spans import start_bound
from timetrack.times import utc_to_local
from timetrack.users.service import get_user
from timetrack.web import render
from timetrack.web.durations import format_minutes
from timetrack.web.guard import Visit, signed_in
from timetrack.web.problems import reworded
from timetrack.web.week import DAYS, first_weekday, week_start
from timetrack.wire import parse_body
from timetrack.work_reports import service as work_reports
from timetrack.work_reports.first_day import first_known_day


def _(message: str) -> str:
    """Marks a message for the catalogs (test_i18n extracts ``_(...)``); translated when shown."""
    return message


PATH = f"{render.PREFIX}/attendance"
_FIELDS = {"/breakMinutes": "break", "/notes": "notes"}
_DONE = {
    "clock_in": _("Clocked in."),
    "clock_out": _("Clocked out; the attendance is booked."),
}
_WORDS: dict[ErrorCode, str] = {
    ATTENDANCE_ALREADY_CLOCKED_IN: _("You are clocked in already."),
    ATTENDANCE_NOT_CLOCKED_IN: _("You are not clocked in. Reload the page."),
    ATTENDANCE_OVERLAP: _("An attendance of yours already covers this moment."),
    ATTENDANCE_BREAK_TOO_LONG: _("The break is longer than the time you were present."),
    ATTENDANCE_CLOCK_OUT_BEFORE_IN: _("Clock out after you clocked in: wait a minute."),
}
_UNREADABLE = {"break": _("Enter the break in whole minutes, such as 30.")}
# A week of attendances is a handful; one page of the API's list holds them all.
_WEEK_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Shift:
    """One attendance as the page shows it (local wall-clock times of the person's zone)."""

    id: int
    day: date
    start: datetime
    end: datetime | None
    break_minutes: int
    worked_minutes: int | None


@dataclass(frozen=True, slots=True)
class Balance:
    """Minutes from the work reports: the target, the worked time and their difference."""

    target: int
    worked: int
    difference: int


def _local(text: str) -> datetime:
    """The wire's local wall-clock text (``2026-03-02T09:00:00.000Z``) as a naive datetime."""
    return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")


def _shift(item: dict[str, Any]) -> Shift:
    start = _local(item["from"])
    end = None if item["to"] is None else _local(item["to"])
    return Shift(item["id"], start.date(), start, end, item["breakMinutes"], item["workedMinutes"])


def _balance(reports: list[dict[str, Any]]) -> Balance:
    return Balance(
        sum(int(r["targetSeconds"]) for r in reports) // 60,
        sum(int(r["workedSeconds"]) for r in reports) // 60,
        sum(int(r["workTargetDifference"]) for r in reports) // 60,
    )


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


async def _show(visit: Visit, status_code: int = 200, error: AppError | None = None) -> Response:
    account = await allowed(Resource.ATTENDANCES, Action.READ)(visit.caller)
    user_id = visit.caller.principal.user_id or 0
    now = datetime.now(UTC)
    async with read(visit.request) as tx:
        user = await get_user(tx, account.id, user_id)
        today = utc_to_local(now, user["time_zone"]).date()
        first = week_start(today, first_weekday(user["language"], user["country"], account.country))
        last = first + timedelta(days=DAYS - 1)
        query = AttendanceFilter(
            user_id=user_id,
            start_from=start_bound("from", first.isoformat(), upper=False),
            start_to=start_bound("to", last.isoformat(), upper=True),
        )
        rows, _total = await service.list_attendances(
            tx, account.id, Page(0, _WEEK_LIMIT), Feed(), query
        )
        running = await service.open_attendance(tx, account.id, user["username"])
        await allowed(Resource.WORK_REPORTS, Action.READ)(visit.caller)
        week_bounds = work_reports.Bounds(DayBound(first), DayBound(last))
        days, _total = await work_reports.daily(
            tx, account, user["username"], week_bounds, Page(0, DAYS), user_id
        )
        first_day = await first_known_day(tx, account.id, user_id)
        since = max(date(today.year, 1, 1), min(first_day or date.min, today))
        year_bounds = work_reports.Bounds(DayBound(since), DayBound(today))
        year, _total = await work_reports.grouped(
            tx, account, user["username"], year_bounds, "year", Page(0, 1), user_id
        )
    shifts = [_shift(service.to_wire(row)) for row in rows]
    open_shift = None if running is None else _shift(service.to_wire(running))
    elapsed = 0
    if running is not None:
        started = _local(service.to_wire(running)["fromUtc"]).replace(tzinfo=UTC)
        elapsed = max(0, int((now - started).total_seconds()) // 60)
    done = _DONE.get(visit.request.query_params.get("done", ""))
    return visit.page(
        "attendance.html",
        status_code,
        today=today,
        first=first,
        last=last,
        today_shifts=[s for s in shifts if s.day == today],
        week_shifts=shifts,
        running=open_shift,
        elapsed=format_minutes(elapsed),
        today_balance=_balance([d for d in days if d["workDate"] == today.isoformat()]),
        week_balance=_balance(days),
        running_balance=(int(year[0]["overtimeBalance"]) // 60) if year else 0,
        balance_since=since,
        hm=format_minutes,
        values=visit.form,
        problems=reworded(error, visit.texts, _FIELDS, _WORDS, _UNREADABLE) if error else [],
        done=visit.texts.gettext(done) if done else None,
    )


@signed_in(Resource.ATTENDANCES, Action.READ)
async def attendance_page(visit: Visit) -> Response:
    return await _show(visit)


def _body(visit: Visit, action: str) -> dict[str, Any]:
    body: dict[str, Any] = {"username": visit.username, "date": _now_text()}
    if notes := visit.form.get("notes", "").strip():
        body["notes"] = notes
    if action == "clock_out" and (minutes := visit.form.get("break", "").strip()):
        body["breakMinutes"] = minutes  # as text: the API's own check words the refusal
    return body


def _action(action: str) -> Route:
    @signed_in(Resource.ATTENDANCES, Action.WRITE)
    async def endpoint(visit: Visit) -> Response:
        request, account_id = visit.request, visit.account.id
        try:
            if action == "clock_in":
                opening, _ignored = parse_body(ClockIn, _body(visit, action))
                async with write(request) as tx:
                    row = await service.clock_in(tx, account_id, opening)
                    after = service.to_wire(row)
                    await audit.record_request(
                        tx, request, account_id, action, "attendances", row["id"], after=after
                    )
            else:
                closing, _ignored = parse_body(ClockOut, _body(visit, action))
                async with write(request) as tx:
                    before = await service.open_attendance(tx, account_id, closing.username)
                    row = await service.clock_out(tx, account_id, closing)
                    await audit.record_request(
                        tx,
                        request,
                        account_id,
                        action,
                        "attendances",
                        row["id"],
                        before=None if before is None else service.to_wire(before),
                        after=service.to_wire(row),
                    )
        except AppError as exc:
            return await _show(visit, exc.status, exc)
        return RedirectResponse(f"{PATH}?done={action}", status_code=303)

    endpoint.__name__ = f"attendance_{action}"
    return Route(f"/attendance/{action}", endpoint, methods=["POST"])


ROUTES = [
    Route("/attendance", attendance_page, methods=["GET"]),
    _action("clock_in"),
    _action("clock_out"),
]
