"""``/timers/project_timer`` (also served at ``/project_timer``, as the vendor does)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from timetrack import idempotency
from timetrack.accounts.service import Account
from timetrack.auth.permissions import allowed
from timetrack.errors import (
    CLIENT_UNKNOWN,
    ENTRY_END_BEFORE_START,
    METHOD_NOT_ALLOWED,
    PARAMETER_INVALID,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    TIMER_ALREADY_RUNNING,
    TIMER_CONCURRENT_CHANGE,
    TIMER_DATE_BEFORE_LAST_EVENT,
    TIMER_WRONG_STATE,
    USER_UNKNOWN,
    AppError,
    ErrorCode,
)
from timetrack.handlers import object_response, read, write
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.preconditions import not_modified
from timetrack.route_docs import route
from timetrack.timers import service, transitions
from timetrack.timers.schemas import TimerEvent, TimerRead, TimerStart, TimerStopped
from timetrack.times import TIMESTAMP_PATTERN, TimeFormatError, WireTime, parse_timestamp
from timetrack.wire import NAME_MAX, parse_body, read_object

router = APIRouter(tags=["project timer"])
Reads = Annotated[Account, Depends(allowed(Subject.TIMER, Action.READ))]
Writes = Annotated[Account, Depends(allowed(Subject.TIMER, Action.WRITE))]
_PREFIXES = ("/timers/project_timer", "/project_timer")

Responses = dict[int | str, dict[str, Any]]
_STATE: Responses = {200: {"model": TimerRead, "description": "The timer"}}
_READ_ONLY: Responses = {405: {"description": "A body was sent: this only reads"}}
# Pause, resume and stop move a timer on from its last event.
_ADVANCE = (USER_UNKNOWN, TIMER_WRONG_STATE, TIMER_DATE_BEFORE_LAST_EVENT, TIMER_CONCURRENT_CHANGE)
# The vendor's examples: the start body as printed, the others with its `date` an hour on.
_EVENT = {"username": "test", "date": "2020-10-23T16:00:00.000Z"}
_START = {
    "username": "test",
    "clientName": "Client 006",
    "projectName": "Project 006_1",
    "date": "2020-10-23T15:00:00.000Z",
}


def _date(text: str | None) -> WireTime | None:
    if text is None:
        return None
    try:
        return parse_timestamp(text)
    except TimeFormatError as exc:
        raise AppError.of(PARAMETER_INVALID, f"date: {exc}", parameter="date") from None


async def _get_state(
    request: Request,
    account: Reads,
    username: Annotated[str, Query(max_length=NAME_MAX)],
    date: Annotated[
        str | None,
        Query(
            max_length=40,
            description="caller's local time; extends durations",
            json_schema_extra={"pattern": TIMESTAMP_PATTERN},
        ),
    ] = None,
) -> Response:
    """The timer of a user (a timer never started reads as stopped)."""
    when = _date(date)
    async with read(request) as tx:
        state = await service.state(tx, account.id, username, when)
    return not_modified(request, object_response(state))


async def _state_by_post(
    request: Request,
    account: Reads,
    username: Annotated[str, Query(max_length=NAME_MAX)],
    date: Annotated[
        str | None, Query(max_length=40, json_schema_extra={"pattern": TIMESTAMP_PATTERN})
    ] = None,
) -> Response:
    """The timer of a user, read with POST and an empty body (the vendor's curl style)."""
    if await read_object(request):
        raise AppError.of(
            METHOD_NOT_ALLOWED, "POST here only reads; use /start, /pause, /resume or /stop"
        )
    return await _get_state(request, account, username, date)


def _transition(name: str, model: type[TimerEvent]) -> Callable[..., Awaitable[Response]]:
    async def endpoint(request: Request, account: Writes) -> Response:
        body, ignored = parse_body(model, await read_object(request))
        async with write(request) as tx:
            if (replay := await idempotency.claim(tx, request, account.id)) is not None:
                return replay
            result = await transitions.run(request, tx, account.id, name, body)
            return await idempotency.keep(tx, request, object_response(result, ignored=ignored))

    return endpoint


_ACTIONS: list[tuple[str, type[TimerEvent], Responses, tuple[ErrorCode, ...], str, Any]] = [
    (
        "start",
        TimerStart,
        {**_STATE, 409: {"description": "The timer is playing or paused"}},
        (USER_UNKNOWN, CLIENT_UNKNOWN, PROJECT_UNKNOWN, TASK_UNKNOWN, TIMER_ALREADY_RUNNING),
        "Start the user's timer on a project.",
        _START,
    ),
    (
        "pause",
        TimerEvent,
        {**_STATE, 409: {"description": "The timer is not playing"}},
        _ADVANCE,
        "Pause a playing timer; time until resume counts as break.",
        _EVENT,
    ),
    (
        "resume",
        TimerEvent,
        {**_STATE, 409: {"description": "The timer is not paused"}},
        _ADVANCE,
        "Resume a paused timer.",
        {**_EVENT, "date": "2020-10-23T16:15:00.000Z"},
    ),
    (
        "stop",
        TimerEvent,
        {
            200: {"model": TimerStopped, "description": "The stopped timer and the booked entry"},
            409: {"description": "The timer is stopped already"},
        },
        (*_ADVANCE, ENTRY_END_BEFORE_START),
        "Stop the timer and book a project time entry from its start to `date`.",
        {**_EVENT, "date": "2020-10-23T17:00:00.000Z"},
    ),
]

for prefix in _PREFIXES:
    visible = prefix == _PREFIXES[0]
    suffix = "" if visible else "_legacy_path"
    for method, endpoint in (("GET", _get_state), ("POST", _state_by_post)):
        route(
            router,
            method,
            prefix,
            responses={**_STATE, **(_READ_ONLY if method == "POST" else {})},
            errors=(USER_UNKNOWN, METHOD_NOT_ALLOWED) if method == "POST" else (USER_UNKNOWN,),
            name=f"{'get' if method == 'GET' else 'post'}_project_timer{suffix}",
            description=endpoint.__doc__,
            include_in_schema=visible,
        )(endpoint)
    for action, model, responses, errors, doc, example in _ACTIONS:
        route(
            router,
            "POST",
            f"{prefix}/{action}",
            body=model,
            example=example,
            errors=errors,
            responses=responses,
            name=f"{action}_project_timer{suffix}",
            description=doc,
            include_in_schema=visible,
        )(_transition(action, model))
