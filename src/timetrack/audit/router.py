"""``/audit_log``: the account's audit entries, read-only, paged like every list."""

# No ``from __future__ import annotations``: FastAPI must see the endpoints' annotations as
# objects (as in routing.py).

from datetime import date, datetime
from types import GenericAlias
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from timetrack.accounts.service import Account
from timetrack.audit import service
from timetrack.audit.schemas import AuditEntryRead, AuditFilter
from timetrack.auth.permissions import allowed
from timetrack.canonical import QUERY_INTEGER
from timetrack.errors import METHOD_NOT_ALLOWED, PARAMETER_INVALID, AppError
from timetrack.handlers import read
from timetrack.paging import PageDep, list_response
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.route_docs import route
from timetrack.routing import FeedDep
from timetrack.times import (
    DATE_OR_TIMESTAMP_PATTERN,
    TimeFormatError,
    parse_date_or_timestamp,
    parse_instant,
)
from timetrack.wire import MAX_ID, read_object

router = APIRouter(tags=["audit log"])
Reads = Annotated[Account, Depends(allowed(Subject.AUDIT_LOG, Action.READ))]
_BOUND: dict[str, Any] = {
    "max_length": 40,
    "json_schema_extra": {"pattern": DATE_OR_TIMESTAMP_PATTERN},
}

_TIME_DOC = (
    "a UTC timestamp YYYY-MM-DDTHH:MM:SS[.fff]Z (or with an offset), or a date: a whole UTC day "
    "(`from` its start, `to` its end); compared with each entry's `at`"
)


def _bound(name: str, text: str) -> date | datetime:
    try:
        parsed = parse_date_or_timestamp(text)
        return parsed if isinstance(parsed, date) else parse_instant(text)
    except TimeFormatError as exc:
        raise AppError.of(PARAMETER_INVALID, f"{name}: {exc}", parameter=name) from None


async def _filters(
    resource: Annotated[
        str | None,
        Query(max_length=64, description="the collection written, e.g. `clients`"),
    ] = None,
    record_id: Annotated[
        int | None,
        Query(alias="recordId", ge=1, le=MAX_ID, description="the record's id"),
        QUERY_INTEGER,
    ] = None,
    action: Annotated[
        str | None, Query(max_length=32, description="e.g. `create`, `update`, `delete`, `stop`")
    ] = None,
    from_: Annotated[str | None, Query(alias="from", description=_TIME_DOC, **_BOUND)] = None,
    to: Annotated[str | None, Query(description=_TIME_DOC, **_BOUND)] = None,
) -> AuditFilter:
    return AuditFilter(
        resource=resource or None,
        record_id=record_id,
        action=action or None,
        since=_bound("from", from_) if from_ else None,
        until=_bound("to", to) if to else None,
    )


FiltersDep = Annotated[AuditFilter, Depends(_filters)]
_MANY: dict[int | str, dict[str, Any]] = {
    200: {
        "model": GenericAlias(list, (AuditEntryRead,)),
        "description": "A page of audit entries, ordered by id (bare array)",
    }
}


@route(
    router,
    "GET",
    "/audit_log",
    name="list_audit_log",
    description="The account's audit log: one entry per write, ordered by id. Entries are "
    "never changed or deleted; `updatedSince` keeps entries from that instant on, and "
    "`includeDeleted` changes nothing.",
    responses=_MANY,
)
async def list_audit_log(
    request: Request, account: Reads, page: PageDep, filters: FiltersDep, feed: FeedDep
) -> Response:
    async with read(request) as tx:
        rows, total = await service.list_entries(tx, account.id, page, feed, filters)
    return list_response(request, [service.to_wire(r) for r in rows], total, page)


@route(
    router,
    "POST",
    "/audit_log",
    name="list_audit_log_by_post",
    description="The audit log, read with POST and an empty body (the vendor's curl style).",
    responses={**_MANY, 405: {"description": "A body was sent: the audit log is read-only"}},
    errors=(METHOD_NOT_ALLOWED,),
)
async def list_audit_log_by_post(
    request: Request, account: Reads, page: PageDep, filters: FiltersDep, feed: FeedDep
) -> Response:
    if await read_object(request):
        raise AppError.of(METHOD_NOT_ALLOWED, "the audit log is read-only")
    return await list_audit_log(request, account, page, filters, feed)
