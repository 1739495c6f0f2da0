"""``/users/{id}/working_time_models`` and ``/users/{id}/leave_balance``.

Models are addressed under their user: a model belongs to exactly one user, and the user's
404 (unknown, deleted, or another account's id) comes first, with the user codes.
"""

# No ``from __future__ import annotations``: FastAPI must see the endpoints' annotations as
# objects (as in routing.py).

from types import GenericAlias
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from timetrack import grants, idempotency, preconditions
from timetrack.accounts.service import Account
from timetrack.audit import service as audit
from timetrack.auth.permissions import allowed
from timetrack.canonical import QUERY_INTEGER
from timetrack.db import Row, Tx
from timetrack.errors import (
    METHOD_NOT_ALLOWED,
    USER_DELETED,
    USER_NOT_FOUND,
    WORKING_TIME_MODEL_DATE_TAKEN,
    WORKING_TIME_MODEL_DELETED,
    WORKING_TIME_MODEL_NOT_FOUND,
    AppError,
)
from timetrack.handlers import (
    created_response,
    object_response,
    parse_record_id,
    read,
    refuse_other_id,
    write,
)
from timetrack.paging import PageDep, list_response
from timetrack.policy import Action
from timetrack.policy import Resource as Subject
from timetrack.route_docs import RecordId, route
from timetrack.routing import FeedDep
from timetrack.times import MAX_YEAR, MIN_YEAR
from timetrack.wire import parse_body, read_object
from timetrack.working_time import service
from timetrack.working_time.schemas import (
    LeaveBalanceRead,
    WorkingTimeModelCreate,
    WorkingTimeModelRead,
    WorkingTimeModelUpdate,
)

router = APIRouter(tags=["working-time models"])
Reads = Annotated[Account, Depends(allowed(Subject.WORKING_TIME_MODELS, Action.READ))]
Writes = Annotated[Account, Depends(allowed(Subject.WORKING_TIME_MODELS, Action.WRITE))]
Balances = Annotated[Account, Depends(allowed(Subject.LEAVE_BALANCE, Action.READ))]
_BASE = "/users/{id}/working_time_models"
_ONE = _BASE + "/{modelId}"
_BALANCE = "/users/{id}/leave_balance"

Responses = dict[int | str, dict[str, Any]]
ModelId = Annotated[
    str, Path(alias="modelId", description="the working-time model's id", examples=["1"])
]
_NO_USER: Responses = {404: {"description": "No such user, or it is deleted"}}
_MISSING: Responses = {
    404: {
        "description": "No such user, or it is deleted; no such model of the user, or it is deleted"
    }
}
_USER_CODES = (USER_NOT_FOUND, USER_DELETED)
_MODEL_CODES = (*_USER_CODES, WORKING_TIME_MODEL_NOT_FOUND, WORKING_TIME_MODEL_DELETED)
_EXAMPLE = {
    "validFrom": "2025-01-01",
    "mondaySeconds": 28800,
    "tuesdaySeconds": 28800,
    "wednesdaySeconds": 28800,
    "thursdaySeconds": 28800,
    "fridaySeconds": 14400,
    "vacationDaysPerYear": 28,
}
_ONE_DOC: Responses = {200: {"model": WorkingTimeModelRead, "description": "The model"}}
_MANY_DOC: Responses = {
    200: {
        "model": GenericAlias(list, (WorkingTimeModelRead,)),
        "description": "The user's models, ordered by validFrom (bare array; [] when the user "
        "has none and works the default model)",
    }
}
_TAKEN: Responses = {409: {"description": "The user has a model with this validFrom"}}


def _user_id(text: str) -> int:
    return parse_record_id(text, USER_NOT_FOUND, "user")


def _model_id(text: str) -> int:
    return parse_record_id(text, WORKING_TIME_MODEL_NOT_FOUND, "working-time model")


# ``current``, ``audited`` and ``require_version`` are the web app's admin page's too
# (web/admin_working_time.py): its writes are these routes' writes, audited and checked alike.


async def current(tx: Tx, account_id: int, user_id: int, model_id: int) -> Row | None:
    """The model an update or delete starts from, for the audit log (None: the write itself
    answers the 404)."""
    try:
        return await service.get_model(tx, account_id, user_id, model_id)
    except AppError:
        return None


async def audited(
    request: Request, tx: Tx, account_id: int, action: str, row: Row, before: Row | None = None
) -> dict[str, Any]:
    """The model's wire form, once the write is in the audit log (as in routing.Resource.router)."""
    item = service.to_wire(row)
    if action != "update" or before is None or audit.changed(before, row):
        old = None if before is None else service.to_wire(before)
        await audit.record_request(
            tx,
            request,
            account_id,
            action,
            audit.WORKING_TIME_MODELS,
            row["id"],
            before=old,
            after=item,
        )
    return item


async def require_version(
    tx: Tx, account_id: int, user_id: int, model_id: int, header: str, *, deleting: bool
) -> None:
    """412 unless ``header`` (an ``If-Match`` value) names the model's current version."""

    async def wire() -> dict[str, Any]:
        return service.to_wire(await service.get_model(tx, account_id, user_id, model_id))

    await preconditions.require_version(
        tx,
        header,
        table="working_time_models",
        account_id=account_id,
        record_id=model_id,
        current=wire,
        deleting=deleting,
    )


async def _if_match(request: Request, tx: Tx, account_id: int, user_id: int, model_id: int) -> None:
    """412 unless ``If-Match`` (when sent) names the model's current version."""
    header = request.headers.get("if-match")
    if header is not None:
        deleting = request.method == "DELETE"
        await require_version(tx, account_id, user_id, model_id, header, deleting=deleting)


async def _refuse_body(request: Request) -> None:
    if await read_object(request):
        raise AppError.of(METHOD_NOT_ALLOWED, "POST here only reads; update with PUT")


@route(
    router,
    "GET",
    _BASE,
    name="list_working_time_models",
    description="List a user's working-time models, ordered by validFrom. A user without "
    "models works the default model (Monday-Friday 8 h, 20 days of leave).",
    responses={**_MANY_DOC, **_NO_USER},
    errors=_USER_CODES,
)
async def list_models(
    request: Request, account: Reads, id: RecordId, page: PageDep, feed: FeedDep
) -> Response:
    user_id = _user_id(id)
    async with read(request) as tx:
        rows, total = await service.list_models(tx, account.id, user_id, page, feed)
    return list_response(request, [service.to_wire(r) for r in rows], total, page)


@route(
    router,
    "POST",
    _BASE,
    status_code=201,
    body=WorkingTimeModelCreate,
    body_required=False,
    name="create_working_time_model",
    description="Create a working-time model for the user. An empty body (`{}`) lists the "
    "user's models instead, as the vendor's curl examples do.",
    responses={
        201: {"model": WorkingTimeModelRead, "description": "The created model"},
        **_MANY_DOC,
        **_NO_USER,
        **_TAKEN,
    },
    example=_EXAMPLE,
    errors=(*_USER_CODES, WORKING_TIME_MODEL_DATE_TAKEN),
)
async def create_model(
    request: Request, account: Reads, id: RecordId, page: PageDep, feed: FeedDep
) -> Response:
    user_id = _user_id(id)
    data = await read_object(request)
    if not data:
        return await list_models(request, account, id, page, feed)
    grants.require(Subject.WORKING_TIME_MODELS, Action.WRITE)
    body, ignored = parse_body(WorkingTimeModelCreate, data)
    async with write(request) as tx:
        if (replay := await idempotency.claim(tx, request, account.id)) is not None:
            return replay
        row = await service.create_model(tx, account.id, user_id, body)
        item = await audited(request, tx, account.id, "create", row)
        return await idempotency.keep(tx, request, created_response(request, item, ignored))


@route(
    router,
    "GET",
    _ONE,
    name="get_working_time_model",
    description="Get one working-time model of the user.",
    responses={**_ONE_DOC, **_MISSING},
    errors=_MODEL_CODES,
)
async def get_model(request: Request, account: Reads, id: RecordId, model_id: ModelId) -> Response:
    user_id, record_id = _user_id(id), _model_id(model_id)
    async with read(request) as tx:
        row = await service.get_model(tx, account.id, user_id, record_id)
        return preconditions.not_modified(request, object_response(service.to_wire(row)))


@route(
    router,
    "POST",
    _ONE,
    name="get_working_time_model_by_post",
    description="Get one working-time model: the vendor's curl examples read with POST and an "
    "empty body.",
    responses={**_ONE_DOC, **_MISSING, 405: {"description": "A body was sent: update with PUT"}},
    errors=(*_MODEL_CODES, METHOD_NOT_ALLOWED),
)
async def get_model_by_post(
    request: Request, account: Reads, id: RecordId, model_id: ModelId
) -> Response:
    await _refuse_body(request)
    return await get_model(request, account, id, model_id)


@route(
    router,
    "PUT",
    _ONE,
    body=WorkingTimeModelUpdate,
    name="update_working_time_model",
    description="Update a working-time model: the fields sent change.",
    responses={**_ONE_DOC, **_MISSING, **_TAKEN},
    example={"fridaySeconds": 28800, "vacationDaysPerYear": 30},
    errors=(*_MODEL_CODES, WORKING_TIME_MODEL_DATE_TAKEN),
)
async def update_model(
    request: Request, account: Writes, id: RecordId, model_id: ModelId
) -> Response:
    user_id, record_id = _user_id(id), _model_id(model_id)
    data = await read_object(request)
    refuse_other_id(data, record_id)
    body, ignored = parse_body(WorkingTimeModelUpdate, data)
    async with write(request) as tx:
        await _if_match(request, tx, account.id, user_id, record_id)
        before = await current(tx, account.id, user_id, record_id)
        row = await service.update_model(tx, account.id, user_id, record_id, body)
        item = await audited(request, tx, account.id, "update", row, before)
        return object_response(item, ignored=ignored)


@route(
    router,
    "DELETE",
    _ONE,
    name="delete_working_time_model",
    description="Delete a working-time model (soft). From then on the user's previous model, "
    "or the default, applies in its place.",
    responses={**_ONE_DOC, **_MISSING},
    errors=_MODEL_CODES,
)
async def delete_model(
    request: Request, account: Writes, id: RecordId, model_id: ModelId
) -> Response:
    user_id, record_id = _user_id(id), _model_id(model_id)
    async with write(request) as tx:
        await _if_match(request, tx, account.id, user_id, record_id)
        before = await current(tx, account.id, user_id, record_id)
        row = await service.delete_model(tx, account.id, user_id, record_id)
        return object_response(await audited(request, tx, account.id, "delete", row, before))


Year = Annotated[
    int | None,
    Query(
        ge=MIN_YEAR,
        le=MAX_YEAR,
        description="the calendar year (default: the current year in the account's time zone)",
    ),
    QUERY_INTEGER,
]
_BALANCE_DOC: Responses = {
    200: {"model": LeaveBalanceRead, "description": "The user's leave balance"},
    **_NO_USER,
}


@route(
    router,
    "GET",
    _BALANCE,
    name="get_leave_balance",
    description="A user's leave in a year, in days: the entitlement (the models' "
    "vacationDaysPerYear prorated over the year, to half days), approved leave taken, leave "
    "waiting for approval, and what remains.",
    responses=_BALANCE_DOC,
    errors=_USER_CODES,
)
async def get_leave_balance(
    request: Request, account: Balances, id: RecordId, year: Year = None
) -> Response:
    user_id = _user_id(id)
    async with read(request) as tx:
        balance = await service.leave_balance(tx, account, user_id, year)
    return preconditions.not_modified(request, object_response(balance))


@route(
    router,
    "POST",
    _BALANCE,
    name="get_leave_balance_by_post",
    description="The leave balance, read with POST and an empty body (the vendor's curl style).",
    responses={**_BALANCE_DOC, 405: {"description": "A body was sent: this only reads"}},
    errors=(*_USER_CODES, METHOD_NOT_ALLOWED),
)
async def get_leave_balance_by_post(
    request: Request, account: Balances, id: RecordId, year: Year = None
) -> Response:
    if await read_object(request):
        raise AppError.of(METHOD_NOT_ALLOWED, "POST here only reads")
    return await get_leave_balance(request, account, id, year)
