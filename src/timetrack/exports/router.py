"""``/exports/...``: files of the time entries, the attendances, a user's timesheet and the
summary report.

Each answers a file (never JSON) with ``Content-Disposition``; everything that can fail runs
before its first byte (``stream.open_export``), so a failure still answers the envelope.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from timetrack import ignored_query
from timetrack.accounts.service import Account
from timetrack.attendances import service as attendances
from timetrack.attendances.router import list_filter as attendance_filter
from timetrack.attendances.schemas import AttendanceFilter
from timetrack.auth.permissions import allowed
from timetrack.db import Snapshot
from timetrack.errors import (
    EXPORT_FORMAT_UNKNOWN,
    EXPORT_LANGUAGE_UNKNOWN,
    EXPORT_MONTH_INVALID,
    REPORTS_GROUPING_REPEATED,
    REPORTS_GROUPING_UNKNOWN,
    REPORTS_RANGE_REVERSED,
    REPORTS_RANGE_TOO_LONG,
    REPORTS_ROUNDING_INVALID,
    USER_UNKNOWN,
)
from timetrack.exports import service, summary, timesheet
from timetrack.exports.language import Lang, Style, style
from timetrack.exports.schemas import (
    Format,
    LanguageDep,
    SummaryFormatDep,
    TableFormatDep,
    TimesheetFormatDep,
    TimesheetQueryDep,
)
from timetrack.exports.sheet import Sheet
from timetrack.exports.stream import (
    Export,
    Select,
    disposition,
    export_time,
    open_export,
    period_parts,
)
from timetrack.handlers import read
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.reports import service as reports
from timetrack.reports.query import EntriesDep, GroupingsDep
from timetrack.route_docs import route
from timetrack.time_entries.router import list_filter as entry_filter
from timetrack.time_entries.schemas import EntryFilter

router = APIRouter(tags=["exports"])


class ExportResponse(StreamingResponse):
    """A streamed export that closes its snapshot however the response ends: sent in full,
    cut off by the client, or never started."""

    def __init__(self, request: Request, export: Export) -> None:
        headers = {
            "Content-Disposition": disposition(export.name),
            **ignored_query.headers(request),
        }
        super().__init__(export.body, media_type=export.media_type, headers=headers)
        self._close = export.close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._close()


_BINARY = {"type": "string", "format": "binary"}


def _docs(what: str, media_types: tuple[str, ...]) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": f"{what}: a file, streamed, named in `Content-Disposition`",
            "content": {media: {"schema": _BINARY} for media in media_types},
        },
        400: {"description": "An unknown format or language, or an invalid filter"},
    }


_TABLES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_TABLE_CODES = (EXPORT_FORMAT_UNKNOWN, EXPORT_LANGUAGE_UNKNOWN)


async def _table_export(
    request: Request,
    account: Account,
    sheet: Sheet,
    format: Format,
    lang: Lang | None,
    select: Callable[[Snapshot], Awaitable[Select]],
) -> Response:
    shown = service.shown(sheet)

    async def prepare(tx: Snapshot) -> tuple[Select, Style, str]:
        chosen = await service.caller_language(tx, account, lang)
        params = request.query_params
        name = "_".join(
            [
                account.slug,
                sheet.name,
                *period_parts(params.get("from"), params.get("to")),
                export_time(),
            ]
        )
        return await select(tx), style(chosen), name

    export = await open_export(request.app.state.db, shown, format, prepare)
    return ExportResponse(request, export)


@route(
    router,
    "GET",
    "/exports/project_time_entries",
    name="export_project_time_entries",
    description=(
        "The time entries the list (`GET /project_time_entries`) shows with the same filters, "
        'all of them, in its order, as CSV or XLSX (docs/api.md, "Exports", gives the '
        "columns). Hour rate and amount only for those who see rates."
    ),
    responses=_docs("The entries", _TABLES),
    errors=_TABLE_CODES,
)
async def export_entries(
    request: Request,
    account: Annotated[Account, Depends(allowed(Subject.TIME_ENTRIES, Action.READ))],
    query: Annotated[EntryFilter, Depends(entry_filter)],
    format: TableFormatDep,
    lang: LanguageDep,
) -> Response:
    async def select(tx: Snapshot) -> Select:
        return await service.select_entries(tx, account.id, query)

    return await _table_export(request, account, service.ENTRIES, format, lang, select)


@route(
    router,
    "GET",
    "/exports/attendances",
    name="export_attendances",
    description=(
        "The attendances the list (`GET /attendances`) shows with the same filters, all of "
        'them, in its order, as CSV or XLSX: for payroll (docs/api.md, "Exports").'
    ),
    responses=_docs("The attendances", _TABLES),
    errors=_TABLE_CODES,
)
async def export_attendances(
    request: Request,
    account: Annotated[Account, Depends(allowed(Subject.ATTENDANCES, Action.READ))],
    query: Annotated[AttendanceFilter, Depends(attendance_filter)],
    format: TableFormatDep,
    lang: LanguageDep,
) -> Response:
    async def select(tx: Snapshot) -> Select:
        return await attendances.select_all(tx, account.id, query)

    return await _table_export(request, account, service.ATTENDANCES, format, lang, select)


@route(
    router,
    "GET",
    "/exports/timesheet",
    name="export_timesheet",
    description=(
        "One user's months from the work reports (`GET /work_reports`): per day the target, "
        "worked time, breaks, absences, holidays, the difference and the running balance. "
        "The PDF has a page per month, laid out for the employee's and the manager's "
        "signatures."
    ),
    responses=_docs("The timesheet", ("application/pdf", *_TABLES)),
    errors=(*_TABLE_CODES, EXPORT_MONTH_INVALID, USER_UNKNOWN),
)
async def export_timesheet(
    request: Request,
    account: Annotated[Account, Depends(allowed(Subject.WORK_REPORTS, Action.READ))],
    query: TimesheetQueryDep,
    format: TimesheetFormatDep,
    lang: LanguageDep,
) -> Response:
    async with read(request) as tx:
        chosen = style(await service.caller_language(tx, account, lang))
        sheet = await service.timesheet(tx, account, query, chosen)
    export = await timesheet.export(account, sheet, format, chosen, export_time())
    return ExportResponse(request, export)


@route(
    router,
    "GET",
    "/exports/reports/summary",
    name="export_report_summary",
    description=(
        "The summary report (`GET /reports/summary`) with the same parameters and figures, a "
        "row per group (and per subgroup with `subGroupBy`), as CSV, XLSX or PDF "
        '(docs/api.md, "Exports", gives the columns). The amount only for those who see rates.'
    ),
    responses=_docs("The summary", (*_TABLES, "application/pdf")),
    errors=(
        *_TABLE_CODES,
        REPORTS_GROUPING_UNKNOWN,
        REPORTS_GROUPING_REPEATED,
        REPORTS_RANGE_REVERSED,
        REPORTS_RANGE_TOO_LONG,
        REPORTS_ROUNDING_INVALID,
        USER_UNKNOWN,
    ),
)
async def export_summary(
    request: Request,
    account: Annotated[Account, Depends(allowed(Subject.REPORTS, Action.READ))],
    query: EntriesDep,
    groupings: GroupingsDep,
    format: SummaryFormatDep,
    lang: LanguageDep,
) -> Response:
    async with read(request) as tx:
        chosen = style(await service.caller_language(tx, account, lang))
        report = await reports.summary(tx, account, query, groupings)
    export = await summary.export(account, report, groupings, format, chosen, export_time())
    return ExportResponse(request, export)
