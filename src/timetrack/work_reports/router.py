"""``/work_reports`` and ``/work_reports/grouped``: read-only timesheets (SPEC §2)."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

from dataclasses import dataclass
from types import GenericAlias
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from timetrack.accounts.service import Account
from timetrack.auth.permissions import allowed
from timetrack.day_ranges import DAY_BOUND_DOC, day_bound, day_query
from timetrack.errors import (
    METHOD_NOT_ALLOWED,
    PARAMETER_INVALID,
    REPORT_RANGE_REVERSED,
    REPORT_RANGE_TOO_LONG,
    USER_UNKNOWN,
    AppError,
)
from timetrack.filters import UserIdParam
from timetrack.handlers import read
from timetrack.paging import PageDep, list_response
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.route_docs import route
from timetrack.wire import NAME_MAX, read_object
from timetrack.work_reports import calc, service
from timetrack.work_reports.schemas import WorkReportPeriodRead, WorkReportRead

router = APIRouter(tags=["work reports"])
Reads = Annotated[Account, Depends(allowed(Subject.WORK_REPORTS, Action.READ))]

_BASE = "/work_reports"
_DATE_DOC = f"{DAY_BOUND_DOC}; the range includes both ends and spans at most 366 days"


@dataclass(frozen=True, slots=True)
class ReportQuery:
    username: str | None
    bounds: service.Bounds
    user_id: int | None = None


async def _query(
    from_: Annotated[str, day_query(_DATE_DOC, alias="from")],
    to: Annotated[str, day_query(_DATE_DOC)],
    username: Annotated[
        str | None,
        Query(
            max_length=NAME_MAX,
            description="one user (whole name, any case); without it, every user of the account",
        ),
    ] = None,
    user_id: UserIdParam = None,
) -> ReportQuery:
    bounds = service.Bounds(day_bound("from", from_), day_bound("to", to))
    if not bounds.zoned:
        bounds.span_in("UTC")  # the same in every zone: refuse a bad range before any I/O
    who = username.strip() if username else None
    return ReportQuery(who or None, bounds, user_id)


QueryDep = Annotated[ReportQuery, Depends(_query)]


async def _group_by(
    group_by: Annotated[
        str, Query(alias="groupBy", max_length=10, description="`week`, `month` or `year`")
    ],
) -> calc.GroupBy:
    wanted = group_by.strip().lower()
    for choice in calc.GROUP_BYS:
        if wanted == choice:
            return choice
    raise AppError.of(
        PARAMETER_INVALID, "groupBy: must be week, month or year", parameter="groupBy"
    )


GroupByDep = Annotated[calc.GroupBy, Depends(_group_by)]


async def _refuse_body(request: Request) -> None:
    if await read_object(request):
        raise AppError.of(METHOD_NOT_ALLOWED, "work reports are read-only; POST only reads")


async def list_work_reports(
    request: Request, account: Reads, page: PageDep, query: QueryDep
) -> Response:
    async with read(request) as tx:
        items, total = await service.daily(
            tx, account, query.username, query.bounds, page, query.user_id
        )
    return list_response(request, items, total, page)


async def list_work_reports_by_post(
    request: Request, account: Reads, page: PageDep, query: QueryDep
) -> Response:
    await _refuse_body(request)
    return await list_work_reports(request, account, page, query)


async def grouped_work_reports(
    request: Request, account: Reads, page: PageDep, query: QueryDep, by: GroupByDep
) -> Response:
    async with read(request) as tx:
        items, total = await service.grouped(
            tx, account, query.username, query.bounds, by, page, query.user_id
        )
    return list_response(request, items, total, page)


async def grouped_work_reports_by_post(
    request: Request, account: Reads, page: PageDep, query: QueryDep, by: GroupByDep
) -> Response:
    await _refuse_body(request)
    return await grouped_work_reports(request, account, page, query, by)


def _responses(model: type, what: str, *, post: bool) -> dict[int | str, dict[str, Any]]:
    refused: dict[int | str, dict[str, Any]] = (
        {405: {"description": "POST with a non-empty body"}} if post else {}
    )
    return {
        200: {"model": GenericAlias(list, (model,)), "description": f"{what} (bare array)"},
        400: {
            "description": "Invalid or missing from/to/groupBy, a range over 366 days, to "
            "before from, an unknown username"
        },
        **refused,
    }


_DAILY = (
    "One record per user and day from `from` to `to`, ordered by username and date; "
    "X-Total-Count is users x days."
)
_GROUPED = (
    "Per user and week, month or year: the sums of the daily records and the running "
    "overtime balance from `from`."
)
_ROUTES: list[tuple[str, str, Any, str, str, dict[int | str, dict[str, Any]]]] = [
    (
        "GET",
        _BASE,
        list_work_reports,
        "list_work_reports",
        _DAILY,
        _responses(WorkReportRead, "A page of day records", post=False),
    ),
    (
        "POST",
        _BASE,
        list_work_reports_by_post,
        "list_work_reports_by_post",
        _DAILY + " Read with POST and an empty body, the vendor's curl style.",
        _responses(WorkReportRead, "A page of day records", post=True),
    ),
    (
        "GET",
        f"{_BASE}/grouped",
        grouped_work_reports,
        "list_grouped_work_reports",
        _GROUPED,
        _responses(WorkReportPeriodRead, "A page of period records", post=False),
    ),
    (
        "POST",
        f"{_BASE}/grouped",
        grouped_work_reports_by_post,
        "list_grouped_work_reports_by_post",
        _GROUPED + " Read with POST and an empty body, the vendor's curl style.",
        _responses(WorkReportPeriodRead, "A page of period records", post=True),
    ),
]

for _method, _path, _endpoint, _name, _doc, _docs in _ROUTES:
    route(
        router,
        _method,
        _path,
        name=_name,
        description=_doc,
        responses=_docs,
        errors=(REPORT_RANGE_TOO_LONG, REPORT_RANGE_REVERSED, USER_UNKNOWN)
        + ((METHOD_NOT_ALLOWED,) if _method == "POST" else ()),
    )(_endpoint)
