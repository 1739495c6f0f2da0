"""``/timers/project_timer`` (also served at ``/project_timer``, as the vendor does)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from timetrack import idempotency
from timetrack.accounts.auth import AccountDep
from timetrack.audit import service as audit
from timetrack.db import Tx
from timetrack.errors import METHOD_NOT_ALLOWED, PARAMETER_INVALID, AppError
from timetrack.preconditions import not_modified
from timetrack.routing import object_response, read, route, write
from timetrack.timers import service
from timetrack.timers.schemas import TimerEvent, TimerRead, TimerStart, TimerStopped
from timetrack.times import TIMESTAMP_PATTERN, TimeFormatError, WireTime, parse_timestamp
from timetrack.users.service import user_by_name
from timetrack.wire import NAME_MAX, parse_body, read_object

router = APIRouter(tags=["project timer"])
_PREFIXES = ("/timers/project_timer", "/project_timer")

Responses = dict[int | str, dict[str, Any]]
_STATE: Responses = {200: {"model": TimerRead, "description": "The timer"}}
_UNKNOWN_USER: Responses = {400: {"description": "Unknown user (14040) or other invalid input"}}
_READ_ONLY: Responses = {405: {"description": "A body was sent: this only reads"}}


def _date(text: str | None) -> WireTime | None:
    if text is None:
        return None
    try:
        return parse_timestamp(text)
    except TimeFormatError as exc:
        raise AppError.of(PARAMETER_INVALID, f"date: {exc}", parameter="date") from None


async def _get_state(
    request: Request,
    account: AccountDep,
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
    account: AccountDep,
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


Transition = Callable[[Tx, int, Any], Awaitable[dict[str, Any]]]


def _transition(
    name: str, model: type[TimerEvent], action: Transition
) -> Callable[..., Awaitable[Response]]:
    async def endpoint(request: Request, account: AccountDep) -> Response:
        body, ignored = parse_body(model, await read_object(request))
        async with write(request) as tx:
            if (replay := await idempotency.claim(tx, request, account.id)) is not None:
                return replay
            # The audit log keys a timer by its user's id, and keeps its state before and after.
            user = await user_by_name(tx, account.id, body.username, field="username")
            before = await service.state(tx, account.id, user["username"], None)
            result = await action(tx, account.id, body)
            await _audit(request, tx, account.id, name, user["id"], before, result)
            return await idempotency.keep(tx, request, object_response(result, ignored=ignored))

    return endpoint


async def _audit(
    request: Request,
    tx: Tx,
    account_id: int,
    name: str,
    user_id: int,
    before: dict[str, Any],
    result: dict[str, Any],
) -> None:
    after = {k: v for k, v in result.items() if k != "projectTimeEntry"}
    await audit.record_request(
        tx, request, account_id, name, "project_timer", user_id, before=before, after=after
    )
    if "projectTimeEntry" in result:  # a stop books an entry: its create is recorded too
        entry = result["projectTimeEntry"]
        await audit.record_request(
            tx, request, account_id, "create", "project_time_entries", entry["id"], after=entry
        )


_ACTIONS: list[tuple[str, type[TimerEvent], Transition, dict[int | str, dict[str, Any]], str]] = [
    (
        "start",
        TimerStart,
        service.start,
        {**_STATE, 409: {"description": "The timer is playing or paused (18010)"}},
        "Start the user's timer on a project.",
    ),
    (
        "pause",
        TimerEvent,
        service.pause,
        {**_STATE, 409: {"description": "The timer is not playing (18011)"}},
        "Pause a playing timer; time until resume counts as break.",
    ),
    (
        "resume",
        TimerEvent,
        service.resume,
        {**_STATE, 409: {"description": "The timer is not paused (18011)"}},
        "Resume a paused timer.",
    ),
    (
        "stop",
        TimerEvent,
        service.stop,
        {
            200: {"model": TimerStopped, "description": "The stopped timer and the booked entry"},
            409: {"description": "The timer is stopped already (18011)"},
        },
        "Stop the timer and book a project time entry from its start to `date`.",
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
            responses={**_STATE, **_UNKNOWN_USER, **(_READ_ONLY if method == "POST" else {})},
            name=f"{'get' if method == 'GET' else 'post'}_project_timer{suffix}",
            description=endpoint.__doc__,
            include_in_schema=visible,
        )(endpoint)
    for action, model, handler, responses, doc in _ACTIONS:
        route(
            router,
            "POST",
            f"{prefix}/{action}",
            body=model,
            responses={**responses, **_UNKNOWN_USER},
            name=f"{action}_project_timer{suffix}",
            description=doc,
            include_in_schema=visible,
        )(_transition(action, model, handler))
