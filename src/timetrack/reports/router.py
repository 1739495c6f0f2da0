"""``/reports/summary``, ``/reports/detailed`` and ``/reports/projects``: read-only sums of
project time entries (docs/api.md, "Reports"). Each answers ``GET`` and, like every list, a
``POST`` with an empty body (or ``{}``)."""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations.

from decimal import Decimal
from types import GenericAlias
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from timetrack import grants, preconditions
from timetrack.accounts.service import Account
from timetrack.auth.permissions import allowed
from timetrack.errors import (
    METHOD_NOT_ALLOWED,
    REPORTS_GROUPING_REPEATED,
    REPORTS_GROUPING_UNKNOWN,
    REPORTS_RANGE_REVERSED,
    REPORTS_RANGE_TOO_LONG,
    REPORTS_ROUNDING_INVALID,
    USER_UNKNOWN,
    AppError,
)
from timetrack.handlers import object_response, read
from timetrack.paging import PageDep, list_response
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.reports import service
from timetrack.reports.query import (
    ChoiceDep,
    EntriesDep,
    EntryQuery,
    GroupingsDep,
    Period,
    RoundingDep,
    entry_query,
    optional_period,
)
from timetrack.reports.schemas import DetailedRead, ProjectBudgetRead, SummaryRead
from timetrack.route_docs import route
from timetrack.wire import read_object

router = APIRouter(tags=["reports"])
Reads = Annotated[Account, Depends(allowed(Subject.REPORTS, Action.READ))]


async def _budget_query(
    period: Annotated[Period, Depends(optional_period)], rounded: RoundingDep, chosen: ChoiceDep
) -> EntryQuery:
    return entry_query(period, rounded, chosen)


BudgetQueryDep = Annotated[EntryQuery, Depends(_budget_query)]

# The headers of the detailed list's totals; the amount's only where rates are shown.
_TOTAL_HEADERS = {
    "X-Total-Worked-Minutes": "workedMinutes",
    "X-Total-Break-Minutes": "breakMinutes",
    "X-Total-Billable-Minutes": "billableMinutes",
    "X-Total-Amount": "amount",
    "X-Currency": "currency",
}


async def _refuse_body(request: Request) -> None:
    if await read_object(request):
        raise AppError.of(METHOD_NOT_ALLOWED, "reports are read-only; POST only reads")


async def summary(
    request: Request, account: Reads, query: EntriesDep, groupings: GroupingsDep
) -> Response:
    if request.method == "POST":
        await _refuse_body(request)
    async with read(request) as tx:
        content = await service.summary(tx, account, query, groupings)
    return preconditions.not_modified(request, object_response(content))


async def detailed(request: Request, account: Reads, page: PageDep, query: EntriesDep) -> Response:
    if request.method == "POST":
        await _refuse_body(request)
    async with read(request) as tx:
        items, totals = await service.detailed(tx, account, query, page)
    response = list_response(request, items, totals["entries"], page)
    shown = grants.shown(totals)  # the amount only where rates are
    for header, field in _TOTAL_HEADERS.items():
        if field in shown:
            total = shown[field]
            response.headers[header] = f"{total:.2f}" if isinstance(total, Decimal) else str(total)
    return response


async def projects(
    request: Request, account: Reads, page: PageDep, query: BudgetQueryDep
) -> Response:
    if request.method == "POST":
        await _refuse_body(request)
    async with read(request) as tx:
        items, total = await service.projects(tx, account, query, page)
    return list_response(request, items, total, page)


_RANGE_CODES = (REPORTS_RANGE_REVERSED, REPORTS_RANGE_TOO_LONG, REPORTS_ROUNDING_INVALID)
_COMMON_CODES = (*_RANGE_CODES, USER_UNKNOWN)
_FILTERS = "username=ann&projectName=Website&rounding=up&roundingMinutes=15"
_TOTALS_HEADERS_DOC = {
    header: {
        "description": f"the `{field}` of all the entries that match, over every page"
        + (" (left out where rates are)" if field == "amount" else ""),
        "schema": {"type": "string"},
    }
    for header, field in _TOTAL_HEADERS.items()
}


def _bad_request(extra: str = "") -> dict[int | str, dict[str, Any]]:
    return {
        400: {
            "description": "A missing or malformed parameter, `to` before `from`, a range over "
            f"5 years, a bad rounding, an unknown username{extra}"
        }
    }


_SUMMARY_DOC = (
    "Sums of the project time entries the caller reaches, from `from` to `to` (both days "
    "included; each entry counts on the local date it starts on), by `groupBy` and optionally "
    f"`subGroupBy` within each group. Example: `?from=2026-01-01&to=2026-12-31&groupBy=project"
    f"&subGroupBy=user&{_FILTERS}`."
)
_DETAILED_DOC = (
    "The entries a summary with the same query sums, paged and ordered like "
    "`/project_time_entries`, each with its `roundedMinutes` and `amount`; the totals of all "
    "pages are in the `X-Total-*` headers."
)
_PROJECTS_DOC = (
    "Per live project the caller sees: its time and budget estimates against the worked "
    "minutes and the amount of its entries in the period (all time without `from`/`to`), "
    "ordered by client name, then project name."
)
_ROUTES: list[tuple[str, Any, str, str, dict[int | str, dict[str, Any]], tuple[Any, ...]]] = [
    (
        "/reports/summary",
        summary,
        "report_summary",
        _SUMMARY_DOC,
        {
            200: {"model": SummaryRead, "description": "The totals and the groups"},
            **_bad_request(", a bad `groupBy` or `subGroupBy`"),
        },
        (REPORTS_GROUPING_UNKNOWN, REPORTS_GROUPING_REPEATED),
    ),
    (
        "/reports/detailed",
        detailed,
        "report_detailed",
        _DETAILED_DOC,
        {
            200: {
                "model": GenericAlias(list, (DetailedRead,)),
                "description": "A page of entries (bare array)",
                "headers": _TOTALS_HEADERS_DOC,
            },
            **_bad_request(),
        },
        (),
    ),
    (
        "/reports/projects",
        projects,
        "report_projects",
        _PROJECTS_DOC,
        {
            200: {
                "model": GenericAlias(list, (ProjectBudgetRead,)),
                "description": "A page of projects (bare array)",
            },
            **_bad_request(),
        },
        (),
    ),
]

for _path, _endpoint, _name, _doc, _docs, _codes in _ROUTES:
    for _method in ("GET", "POST"):
        by_post = _method == "POST"
        route(
            router,
            _method,
            _path,
            name=f"{_name}_by_post" if by_post else _name,
            description=_doc
            + (" Read with POST and an empty body (or `{}`), the vendor's curl style." * by_post),
            responses={
                **_docs,
                **({405: {"description": "POST with a non-empty body"}} if by_post else {}),
            },
            errors=(*_codes, *_COMMON_CODES) + ((METHOD_NOT_ALLOWED,) if by_post else ()),
        )(_endpoint)
