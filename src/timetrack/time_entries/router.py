from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from timetrack import filters, grants, idempotency
from timetrack.accounts.service import Account
from timetrack.audit import service as audit
from timetrack.auth.permissions import allowed
from timetrack.canonical import QUERY_BOOLEAN
from timetrack.errors import (
    BULK_EMPTY,
    BULK_NOT_ARRAY,
    BULK_TOO_MANY,
    CLIENT_UNKNOWN,
    ENTRY_BREAK_TOO_LONG,
    ENTRY_DELETED,
    ENTRY_END_BEFORE_START,
    ENTRY_NOT_FOUND,
    ENTRY_WORKED_INCONSISTENT,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    USER_UNKNOWN,
)
from timetrack.filters import (
    ClientIdParam,
    ClientNameParam,
    ProjectIdParam,
    ProjectNameParam,
    TaskIdParam,
    TaskNameParam,
    UserIdParam,
    UserParam,
)
from timetrack.handlers import write
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.route_docs import route
from timetrack.routing import Resource
from timetrack.spans import start_bound
from timetrack.time_entries import bulk, service
from timetrack.time_entries.schemas import (
    EntryBatch,
    EntryCreate,
    EntryFilter,
    EntryRead,
    EntryUpdate,
)
from timetrack.times import DATE_OR_TIMESTAMP_PATTERN
from timetrack.wire import ignored_headers, json_response

_BOUND: dict[str, Any] = {
    "max_length": 40,
    "json_schema_extra": {"pattern": DATE_OR_TIMESTAMP_PATTERN},
}
_TIME_DOC = (
    "a date (YYYY-MM-DD) or timestamp; entries starting in the range match. Without an offset "
    "(or with Z) it is compared with each entry's local wall-clock start, with an explicit "
    "offset with the true instant"
)


async def list_filter(
    user: UserParam = None,
    username: UserParam = None,
    user_id: UserIdParam = None,
    client_name: ClientNameParam = None,
    client_id: ClientIdParam = None,
    project_name: ProjectNameParam = None,
    project_id: ProjectIdParam = None,
    task: TaskNameParam = None,
    task_id: TaskIdParam = None,
    billable: Annotated[bool | None, QUERY_BOOLEAN] = None,
    from_: Annotated[str | None, Query(alias="from", description=_TIME_DOC, **_BOUND)] = None,
    to: Annotated[str | None, Query(description=_TIME_DOC, **_BOUND)] = None,
) -> EntryFilter:
    """The list's query parameters, read and checked; the export takes the same."""
    return EntryFilter(
        username=filters.one_user(user, username),
        user_id=user_id,
        client_name=client_name or None,
        client_id=client_id,
        project_name=project_name or None,
        project_id=project_id,
        task=task or None,
        task_id=task_id,
        billable=billable,
        start_from=start_bound("from", from_, upper=False) if from_ else None,
        start_to=start_bound("to", to, upper=True) if to else None,
    )


_WRITE_CODES = (
    USER_UNKNOWN,
    CLIENT_UNKNOWN,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    ENTRY_END_BEFORE_START,
    ENTRY_BREAK_TOO_LONG,
    ENTRY_WORKED_INCONSISTENT,
)
_EXAMPLE = {
    "user": "test",
    "clientName": "Test company",
    "projectName": "Test project 001",
    "task": "Development",
    "from": "2020-10-23T09:00:00.000Z",
    "to": "2020-10-23T12:30:00.000Z",
    "breakMinutes": 30,
    "details": "Sprint planning",
    "billable": True,
}
_crud = Resource(
    singular="project_time_entry",
    plural="project_time_entries",
    read_model=EntryRead,
    create_model=EntryCreate,
    update_model=EntryUpdate,
    filters=list_filter,
    list=service.list_entries,
    get=service.get_entry,
    create=service.create_entry,
    update=service.update_entry,
    delete=service.delete_entry,
    columns=service.COLUMNS,
    not_found=ENTRY_NOT_FOUND,
    deleted=ENTRY_DELETED,
    errors={"create": _WRITE_CODES, "update": _WRITE_CODES},
    examples={
        "create": _EXAMPLE,
        "update": {"to": "2020-10-23T13:00:00.000Z", "details": "Sprint planning, review"},
    },
    create_needs_one_of=("user", "username"),
    ordering="ordered by the local start time, then id",
    table="time_entries",
).router()

router = APIRouter(tags=["project_time_entries"])
Writes = Annotated[Account, Depends(allowed(Subject.TIME_ENTRIES, Action.WRITE))]


# The bulk create is registered before the CRUD routes: `POST /project_time_entries/{id}` (the
# vendor's read by POST) would otherwise take "bulk" for an id.
@route(
    router,
    "POST",
    "/project_time_entries/bulk",
    status_code=201,
    body=EntryBatch,
    name="bulk_create_project_time_entries",
    description=(
        "Create 1 to 1000 project time entries in one transaction (ours). Each item is what "
        "`POST /project_time_entries` takes and is checked by the same rules. All or nothing: "
        "if any item is invalid nothing is written, and each problem's `source.pointer` starts "
        "with its item's index (`/3/projectName`)."
    ),
    responses={
        201: {
            "model": list[EntryRead],
            "description": "The created entries, in the order sent (bare array, no `Location`)",
            "headers": idempotency.REPLAYED_HEADER_DOC,
        },
        400: {
            "description": "Not an array, empty or over 1000 items; malformed JSON; or an "
            "invalid item, as a single create would answer it, its index first in the pointer"
        },
    },
    example=[
        _EXAMPLE,
        {**_EXAMPLE, "from": "2020-10-23T13:30:00.000Z", "to": "2020-10-23T17:00:00.000Z"},
    ],
    errors=(BULK_NOT_ARRAY, BULK_EMPTY, BULK_TOO_MANY, *_WRITE_CODES),
)
async def bulk_create_entries(request: Request, account: Writes) -> Response:
    bodies, ignored = bulk.parse_batch(await request.body())
    async with write(request) as tx:
        if (replay := await idempotency.claim(tx, request, account.id)) is not None:
            return replay
        rows = await bulk.create_entries(tx, account.id, bodies)
        items = [service.to_wire(row) for row in rows]
        await audit.record_creates(tx, request, account.id, "project_time_entries", items)
        response = json_response(
            grants.shown(items), status_code=201, headers=ignored_headers(ignored)
        )
        return await idempotency.keep(tx, request, response)


router.include_router(_crud)
