"""``/attendances``: the five CRUD routes, and ``/attendances/clock_in`` and ``/clock_out``.

The clock routes are registered before the CRUD routes: ``POST /attendances/{id}`` (the
vendor's read-by-POST) would otherwise take ``clock_in`` for an id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from timetrack import idempotency
from timetrack.accounts.service import Account
from timetrack.attendances import service
from timetrack.attendances.schemas import (
    AttendanceCreate,
    AttendanceFilter,
    AttendanceRead,
    AttendanceUpdate,
    ClockIn,
    ClockOut,
)
from timetrack.audit import service as audit
from timetrack.auth.permissions import allowed
from timetrack.db import Row, Tx
from timetrack.errors import (
    ATTENDANCE_ALREADY_CLOCKED_IN,
    ATTENDANCE_BREAK_TOO_LONG,
    ATTENDANCE_CLOCK_OUT_BEFORE_IN,
    ATTENDANCE_DELETED,
    ATTENDANCE_END_BEFORE_START,
    ATTENDANCE_NOT_CLOCKED_IN,
    ATTENDANCE_NOT_FOUND,
    ATTENDANCE_OVERLAP,
    ATTENDANCE_WORKED_INCONSISTENT,
    USER_UNKNOWN,
)
from timetrack.filters import UserIdParam, UserParam, one_user
from timetrack.handlers import object_response, write
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.route_docs import route
from timetrack.routing import Resource
from timetrack.spans import start_bound
from timetrack.times import DATE_OR_TIMESTAMP_PATTERN
from timetrack.wire import WireModel, parse_body, read_object

_BOUND: dict[str, Any] = {
    "max_length": 40,
    "json_schema_extra": {"pattern": DATE_OR_TIMESTAMP_PATTERN},
}
_TIME_DOC = (
    "a date (YYYY-MM-DD) or timestamp; attendances starting in the range match. Without an "
    "offset (or with Z) it is compared with each attendance's local wall-clock start, with an "
    "explicit offset with the true instant"
)
_CONFLICTS = (
    "It overlaps another attendance of the user, or would be a second open one: the user is "
    "clocked in already"
)
_WRITE_CODES = (
    USER_UNKNOWN,
    ATTENDANCE_END_BEFORE_START,
    ATTENDANCE_BREAK_TOO_LONG,
    ATTENDANCE_WORKED_INCONSISTENT,
    ATTENDANCE_OVERLAP,
    ATTENDANCE_ALREADY_CLOCKED_IN,
)


async def list_filter(
    user: UserParam = None,
    username: UserParam = None,
    user_id: UserIdParam = None,
    from_: Annotated[str | None, Query(alias="from", description=_TIME_DOC, **_BOUND)] = None,
    to: Annotated[str | None, Query(description=_TIME_DOC, **_BOUND)] = None,
) -> AttendanceFilter:
    """The list's query parameters, read and checked; the export takes the same."""
    return AttendanceFilter(
        username=one_user(user, username),
        user_id=user_id,
        start_from=start_bound("from", from_, upper=False) if from_ else None,
        start_to=start_bound("to", to, upper=True) if to else None,
    )


router = APIRouter(tags=["attendances"])
# Clocking in and out writes attendances.
Clocks = Annotated[Account, Depends(allowed(Subject.ATTENDANCES, Action.WRITE))]

Clock = Callable[[Tx, int, Any], Awaitable[Row]]


def _clock(
    name: str, model: type[WireModel], action: Clock, status_code: int
) -> Callable[..., Any]:
    async def endpoint(request: Request, account: Clocks) -> Response:
        body, ignored = parse_body(model, await read_object(request))
        async with write(request) as tx:
            if (replay := await idempotency.claim(tx, request, account.id)) is not None:
                return replay
            before = None
            if isinstance(body, ClockOut):
                before = await service.open_attendance(tx, account.id, body.username)
            row = await action(tx, account.id, body)
            after = service.to_wire(row)
            await audit.record_request(
                tx,
                request,
                account.id,
                name,
                "attendances",
                row["id"],
                before=None if before is None else service.to_wire(before),
                after=after,
            )
            response = object_response(after, status_code=status_code, ignored=ignored)
            if status_code == 201:
                collection = request.url.path.rstrip("/").rsplit("/", 1)[0]
                response.headers["Location"] = f"{collection}/{row['id']}"
            return await idempotency.keep(tx, request, response)

    return endpoint


route(
    router,
    "POST",
    "/attendances/clock_in",
    status_code=201,
    body=ClockIn,
    responses={
        201: {"model": AttendanceRead, "description": "The new, open attendance"},
        409: {
            "description": "The user is clocked in already, or `date` falls inside another "
            "attendance of the user or before one"
        },
    },
    example={"username": "tester", "date": "2020-10-01T08:00:00.000Z"},
    errors=(USER_UNKNOWN, ATTENDANCE_ALREADY_CLOCKED_IN, ATTENDANCE_OVERLAP),
    name="clock_in_attendance",
    description="Clock a user in at `date`: opens an attendance (`to` null, `manual` false).",
)(_clock("clock_in", ClockIn, service.clock_in, 201))
route(
    router,
    "POST",
    "/attendances/clock_out",
    body=ClockOut,
    responses={
        200: {"model": AttendanceRead, "description": "The closed attendance"},
        400: {
            "description": "`date` is not after the clock-in, the break does not fit, an "
            "unknown user or other invalid input"
        },
        409: {"description": "The user is not clocked in"},
    },
    example={"username": "tester", "date": "2020-10-01T16:30:00.000Z", "breakMinutes": 30},
    errors=(
        USER_UNKNOWN,
        ATTENDANCE_CLOCK_OUT_BEFORE_IN,
        ATTENDANCE_BREAK_TOO_LONG,
        ATTENDANCE_NOT_CLOCKED_IN,
    ),
    name="clock_out_attendance",
    description="Clock a user out at `date`: closes the user's open attendance.",
)(_clock("clock_out", ClockOut, service.clock_out, 200))

router.include_router(
    Resource(
        singular="attendance",
        plural="attendances",
        read_model=AttendanceRead,
        create_model=AttendanceCreate,
        update_model=AttendanceUpdate,
        filters=list_filter,
        list=service.list_attendances,
        get=service.get_attendance,
        create=service.create_attendance,
        update=service.update_attendance,
        delete=service.delete_attendance,
        columns=service.COLUMNS,
        not_found=ATTENDANCE_NOT_FOUND,
        deleted=ATTENDANCE_DELETED,
        errors={"create": _WRITE_CODES, "update": _WRITE_CODES},
        examples={
            "create": {
                "user": "tester",
                "from": "2020-10-01T08:00:00.000Z",
                "to": "2020-10-01T16:30:00.000Z",
                "breakMinutes": 30,
                "notes": "Office",
            },
            "update": {"breakMinutes": 45, "notes": "Office, long lunch"},
        },
        conflicts={"create": _CONFLICTS, "update": _CONFLICTS},
        create_needs_one_of=("user", "username"),
        ordering="ordered by the local start time, then id",
    ).router()
)
