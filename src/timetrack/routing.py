"""How resource routers declare routes: trailing slashes, documented errors, transactions.

Every route answers with and without a trailing slash (SPEC §1) without a redirect, because the
vendor's clients POST to both spellings and a 307 would drop their body on some HTTP stacks.
"""

# No ``from __future__ import annotations``: crud_router builds endpoints in a closure, and
# FastAPI must see their annotations as objects, not as names to look up in module globals.

import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import GenericAlias
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from timetrack import idempotency, ignored_query, preconditions
from timetrack.accounts.auth import AccountDep
from timetrack.audit import service as audit
from timetrack.db import Row, Tx
from timetrack.errors import (
    FIELD_READ_ONLY,
    METHOD_NOT_ALLOWED,
    PARAMETER_INVALID,
    AppError,
    ErrorCode,
)
from timetrack.filters import NAME_DOC
from timetrack.paging import Page, PageDep, list_response
from timetrack.times import DATE_OR_TIMESTAMP_PATTERN, TimeFormatError, parse_instant
from timetrack.wire import (
    MAX_ID,
    NAME_MAX,
    WireModel,
    dumps,
    ignored_headers,
    parse_body,
    read_object,
)

F = TypeVar("F", bound=Callable[..., Any])

# Request-body models, whose schemas the OpenAPI document adds to its components (bodies are
# read by ``wire.read_object`` rather than by FastAPI, so FastAPI does not see them).
BODY_MODELS: list[type[BaseModel]] = []


class ErrorSource(BaseModel):
    pointer: str | None = Field(default=None, description="JSON pointer into the request body")
    parameter: str | None = Field(default=None, description="name of the query parameter")


class ErrorItem(BaseModel):
    title: str
    status: int
    code: int = Field(description="stable numeric code; see the error table in docs/errors.md")
    detail: str
    source: ErrorSource | None = None


class ErrorEnvelope(BaseModel):
    errors: list[ErrorItem]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorEnvelope, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("Invalid request: malformed JSON, wrong types, values out of range"),
    401: _error("Missing or wrong API key / secret"),
    403: _error("The account is disabled"),
    413: _error("Request body too large"),
    429: _error("Too many requests"),
    500: _error("Unexpected server error"),
    503: _error("Database unavailable"),
}


def body_doc(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    if model not in BODY_MODELS:
        BODY_MODELS.append(model)
    return {
        "requestBody": {
            "required": required,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def route(
    router: APIRouter,
    method: str,
    path: str,
    *,
    status_code: int = 200,
    responses: dict[int | str, dict[str, Any]] | None = None,
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    name: str | None = None,
    description: str | None = None,
    include_in_schema: bool = True,
) -> Callable[[F], F]:
    """Register ``path`` and ``path + '/'`` (the latter hidden from the OpenAPI document)."""
    all_responses = {**ERROR_RESPONSES, **(responses or {})}
    for status, doc in all_responses.items():
        if int(status) >= 400:
            all_responses[status] = {"model": ErrorEnvelope, **doc}
    extra = body_doc(body, required=body_required) if body is not None else None
    headers = _header_docs(method, method == "POST" and body is not None, all_responses)
    if headers:
        extra = {**(extra or {}), **headers}

    def decorator(endpoint: F) -> F:
        for spelled, visible in ((path, include_in_schema), (path + "/", False)):
            router.add_api_route(
                spelled,
                endpoint,
                methods=[method],
                status_code=status_code,
                response_class=Response,
                responses=all_responses,
                openapi_extra=extra,
                include_in_schema=visible,
                name=name if visible else None,
                operation_id=name if visible else None,
                description=description,
            )
        return endpoint

    return decorator


def _header_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }


def _header_docs(
    method: str, writes: bool, responses: dict[int | str, dict[str, Any]]
) -> dict[str, Any]:
    """The concurrency headers of a route in the OpenAPI document: ``ETag`` on every
    single-object answer, ``If-None-Match`` on reads of one, ``If-Match`` and its 412 on
    ``PUT``/``DELETE``, ``Idempotency-Key`` and its 409 on ``POST``s that write.
    ``responses`` is completed in place; the result holds the header parameters."""
    single = False
    reads = method == "GET" or (method == "POST" and not writes)
    for status in (200, 201):
        doc = responses.get(status)
        if doc is None:
            continue
        if status == 200 and (reads or isinstance(doc.get("model"), GenericAlias)):
            # Every read (a list, also POST's list form; one object) names ignored parameters.
            headers = {**doc.get("headers", {}), **ignored_query.HEADER_DOC}
            doc = responses[status] = {**doc, "headers": headers}
        if isinstance(doc.get("model"), GenericAlias):
            continue  # a list: no ETag
        single = True
        headers = dict(preconditions.ETAG_HEADER_DOC)
        if writes:
            headers.update(idempotency.REPLAYED_HEADER_DOC)
        responses[status] = {**doc, "headers": {**doc.get("headers", {}), **headers}}
    parameters = []
    if method == "GET" and single:
        parameters.append(_header_param("If-None-Match", preconditions.IF_NONE_MATCH_DOC))
        responses[304] = {"description": "Not modified: `If-None-Match` names the current ETag"}
    if method in ("PUT", "DELETE"):
        parameters.append(_header_param("If-Match", preconditions.IF_MATCH_DOC))
        responses[412] = {
            "model": ErrorEnvelope,
            "description": "`If-Match` names an older version: the record has changed (10030)",
        }
    if writes:
        parameters.append(_header_param(idempotency.HEADER, idempotency.HEADER_DOC))
        reused = "The Idempotency-Key was used with another request (10031)"
        conflict = responses.get(409)
        responses[409] = {
            "model": ErrorEnvelope,
            "description": f"{conflict['description']}; or: {reused}" if conflict else reused,
        }
    return {"parameters": parameters} if parameters else {}


def _feed(
    updated_since: Annotated[
        str | None,
        Query(
            alias="updatedSince",
            max_length=40,
            json_schema_extra={"pattern": DATE_OR_TIMESTAMP_PATTERN},
            description="change feed: only records changed at or after this UTC instant "
            "(YYYY-MM-DDTHH:MM:SS[.fff]Z or with an offset; a date means its midnight UTC)",
        ),
    ] = None,
    include_deleted: Annotated[
        bool,
        Query(
            alias="includeDeleted",
            description="change feed: include deleted records (marked `deleted: true`)",
        ),
    ] = False,
) -> dict[str, Any]:
    since = None
    if updated_since is not None:
        try:
            since = parse_instant(updated_since)
        except TimeFormatError as exc:
            raise AppError.of(
                PARAMETER_INVALID, f"updatedSince: {exc}", parameter="updatedSince"
            ) from None
    return {"updated_since": since, "include_deleted": include_deleted}


FeedDep = Annotated[dict[str, Any], Depends(_feed)]


RecordId = Annotated[str, Path(description="the record's id", examples=["1"])]
_DIGITS = re.compile(r"^[0-9]{1,19}$")


def parse_record_id(text: str, not_found: ErrorCode, label: str) -> int:
    """The id in a path. Anything that cannot be an id answers like an id that does not exist
    (SPEC: a missing id is a 404), not with a validation error about the URL."""
    if _DIGITS.match(text) and 1 <= int(text) <= MAX_ID:
        return int(text)
    raise AppError.of(not_found, f"{label} {text[:40]!r} not found")


def refuse_other_id(data: dict[str, Any], record_id: int) -> None:
    """A body may repeat the record's ``id`` (read-modify-write clients do); not change it."""
    if "id" in data and str(data["id"]).strip() != str(record_id):
        raise AppError.of(FIELD_READ_ONLY, "id cannot be changed", pointer="/id")


def read(request: Request) -> contextlib.AbstractAsyncContextManager[Tx]:
    """A read-only transaction (one snapshot: a page and its total agree)."""
    return request.app.state.db.transaction(write=False)  # type: ignore[no-any-return]


def read_one(request: Request) -> contextlib.AbstractAsyncContextManager[Tx]:
    """For a read of one statement: no transaction around it (``Database.reader``)."""
    return request.app.state.db.reader()  # type: ignore[no-any-return]


def write(request: Request) -> contextlib.AbstractAsyncContextManager[Tx]:
    """The request's one write transaction; it commits before the response is sent."""
    return request.app.state.db.transaction(write=True)  # type: ignore[no-any-return]


def object_response(
    content: dict[str, Any], *, status_code: int = 200, ignored: list[str] | None = None
) -> Response:
    """One object; its ``ETag`` validates these very bytes (``preconditions.py``)."""
    body = dumps(content)
    headers = ignored_headers(ignored or [])
    headers["ETag"] = preconditions.etag_of(body)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


def created_response(request: Request, content: dict[str, Any], ignored: list[str]) -> Response:
    response = object_response(content, status_code=201, ignored=ignored)
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{content['id']}"
    return response


def name_filter(
    name: Annotated[
        str | None,
        Query(max_length=NAME_MAX, description=NAME_DOC.format("record")),
    ] = None,
) -> dict[str, Any]:
    """The list filter of resources filtered by their ``name`` only."""
    return {"name": name}


@dataclass(frozen=True)
class Resource:
    """What ``crud_router`` needs to serve one resource the vendor's way."""

    singular: str
    plural: str
    read_model: type[BaseModel]
    create_model: type[WireModel]
    update_model: type[WireModel]
    # A FastAPI dependency declaring the list filters as query parameters.
    filters: Callable[..., dict[str, Any]]
    list: Callable[[Tx, int, Page, dict[str, Any]], Awaitable[tuple[list[Row], int]]]
    get: Callable[[Tx, int, int], Awaitable[Row]]
    create: Callable[[Tx, int, Any], Awaitable[Row]]
    update: Callable[[Tx, int, int, Any], Awaitable[Row]]
    delete: Callable[[Tx, int, int], Awaitable[Row]]
    to_wire: Callable[[Row], dict[str, Any]]
    not_found: ErrorCode
    deleted: ErrorCode
    conflicts: dict[str, str]  # operation -> description of its 409
    ordering: str = "ordered by id"
    # Slow work on a parsed body (password hashing) done before the transaction opens, so no
    # lock is held meanwhile; its result is what create/update receive.
    prepare: Callable[[Request, Any], Awaitable[Any]] | None = None
    # The table behind the resource, when it is not named like ``plural`` (If-Match locks
    # the record's row there).
    table: str = ""


def crud_router(res: Resource) -> APIRouter:
    """List, create, get, update and delete routes, with the vendor's read-by-POST forms."""
    router = APIRouter(tags=[res.plural])
    base = f"/{res.plural}"
    one = f"{base}/{{id}}"
    label = res.singular.replace("_", " ")
    FiltersDep = Annotated[dict[str, Any], Depends(res.filters)]
    one_doc = {200: {"model": res.read_model, "description": f"The {label}"}}
    many_doc = {
        200: {
            "model": GenericAlias(list, (res.read_model,)),
            "description": f"A page of {res.plural} (bare array)",
        }
    }
    missing = {
        404: {
            "description": f"No such {label} ({res.not_found.code}) "
            f"or it is deleted ({res.deleted.code})"
        }
    }

    async def current(tx: Tx, account_id: int, record_id: int) -> Row | None:
        """The record an update or delete starts from, for the audit log (None: the write
        itself answers the 404)."""
        try:
            return await res.get(tx, account_id, record_id)
        except AppError:
            return None

    async def audited(
        request: Request, tx: Tx, account_id: int, action: str, row: Row, before: Row | None = None
    ) -> dict[str, Any]:
        """The record's wire form, once the write is in the audit log (in the same transaction).
        An update that applied nothing changed nothing, and is not recorded."""
        item = res.to_wire(row)
        if action != "update" or before is None or audit.changed(before, row):
            old = None if before is None else res.to_wire(before)
            await audit.record_request(
                tx, request, account_id, action, res.plural, row["id"], before=old, after=item
            )
        return item

    async def if_match(request: Request, tx: Tx, account_id: int, record_id: int) -> None:
        """412 unless ``If-Match`` (when sent) names the record's current version."""

        async def wire() -> dict[str, Any]:
            return res.to_wire(await res.get(tx, account_id, record_id))

        await preconditions.require_if_match(
            request,
            tx,
            table=res.table or res.plural,
            account_id=account_id,
            record_id=record_id,
            current=wire,
        )

    def conflict(op: str) -> dict[int | str, dict[str, Any]]:
        return {409: {"description": res.conflicts[op]}} if op in res.conflicts else {}

    async def list_records(
        request: Request, account: AccountDep, page: PageDep, filters: FiltersDep, feed: FeedDep
    ) -> Response:
        async with read(request) as tx:
            rows, total = await res.list(tx, account.id, page, {**filters, **feed})
        return list_response(request, [res.to_wire(r) for r in rows], total, page)

    async def create_record(
        request: Request, account: AccountDep, page: PageDep, filters: FiltersDep, feed: FeedDep
    ) -> Response:
        data = await read_object(request)
        if not data:
            return await list_records(request, account, page, filters, feed)
        body, ignored = parse_body(res.create_model, data)
        if res.prepare is not None:
            body = await res.prepare(request, body)
        # Responses are built inside the transaction: if encoding failed, nothing is committed.
        async with write(request) as tx:
            if (replay := await idempotency.claim(tx, request, account.id)) is not None:
                return replay
            row = await res.create(tx, account.id, body)
            item = await audited(request, tx, account.id, "create", row)
            return await idempotency.keep(tx, request, created_response(request, item, ignored))

    async def get_record(request: Request, account: AccountDep, id: RecordId) -> Response:
        record_id = parse_record_id(id, res.not_found, label)
        async with read_one(request) as tx:  # every resource's get is one statement
            row = await res.get(tx, account.id, record_id)
            return preconditions.not_modified(request, object_response(res.to_wire(row)))

    async def get_record_by_post(request: Request, account: AccountDep, id: RecordId) -> Response:
        if await read_object(request):
            raise AppError.of(METHOD_NOT_ALLOWED, "POST on a record only reads; update with PUT")
        return await get_record(request, account, id)

    async def update_record(request: Request, account: AccountDep, id: RecordId) -> Response:
        record_id = parse_record_id(id, res.not_found, label)
        data = await read_object(request)
        refuse_other_id(data, record_id)
        body, ignored = parse_body(res.update_model, data)
        if res.prepare is not None:
            body = await res.prepare(request, body)
        async with write(request) as tx:
            await if_match(request, tx, account.id, record_id)
            before = await current(tx, account.id, record_id)
            row = await res.update(tx, account.id, record_id, body)
            item = await audited(request, tx, account.id, "update", row, before)
            return object_response(item, ignored=ignored)

    async def delete_record(request: Request, account: AccountDep, id: RecordId) -> Response:
        record_id = parse_record_id(id, res.not_found, label)
        async with write(request) as tx:
            await if_match(request, tx, account.id, record_id)
            before = await current(tx, account.id, record_id)
            row = await res.delete(tx, account.id, record_id)
            return object_response(await audited(request, tx, account.id, "delete", row, before))

    name, plural = res.singular, res.plural  # names of operations; `label` is for people
    routes: list[tuple[str, str, Callable[..., Any], str, str, dict[str, Any]]] = [
        (
            "GET",
            base,
            list_records,
            f"list_{plural}",
            f"List {plural}, {res.ordering}.",
            {"responses": many_doc},
        ),
        (
            "POST",
            base,
            create_record,
            f"create_{name}",
            f"Create a {label}. An empty body (`{{}}`) lists {plural} instead, as the vendor's "
            "curl examples do; the query parameters then filter.",
            {
                "status_code": 201,
                "body": res.create_model,
                "body_required": False,
                "responses": {
                    201: {"model": res.read_model, "description": f"The created {label}"},
                    **many_doc,
                    **conflict("create"),
                },
            },
        ),
        (
            "GET",
            one,
            get_record,
            f"get_{name}",
            f"Get one {label}.",
            {"responses": {**one_doc, **missing}},
        ),
        (
            "POST",
            one,
            get_record_by_post,
            f"get_{name}_by_post",
            f"Get one {label}: the vendor's curl examples read with POST and an empty body.",
            {
                "responses": {
                    **one_doc,
                    **missing,
                    405: {"description": "A body was sent: update with PUT"},
                }
            },
        ),
        (
            "PUT",
            one,
            update_record,
            f"update_{name}",
            f"Update a {label}.",
            {"body": res.update_model, "responses": {**one_doc, **missing, **conflict("update")}},
        ),
        (
            "DELETE",
            one,
            delete_record,
            f"delete_{name}",
            f"Delete a {label}. Deletes are soft: the record leaves lists and answers 404 with "
            'its "exists but is deleted" code.',
            {"responses": {**one_doc, **missing, **conflict("delete")}},
        ),
    ]
    for method, path, endpoint, op_name, summary, options in routes:
        route(router, method, path, name=op_name, description=summary, **options)(endpoint)
    return router
