"""How resource routers declare routes: trailing slashes, documented errors, transactions.

Every route answers with and without a trailing slash (SPEC §1) without a redirect, because the
vendor's clients POST to both spellings and a 307 would drop their body on some HTTP stacks.
"""

# No ``from __future__ import annotations``: crud_router builds endpoints in a closure, and
# FastAPI must see their annotations as objects, not as names to look up in module globals.

import contextlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import GenericAlias
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from timetrack import canonical, idempotency, opdocs, preconditions
from timetrack.accounts.auth import AccountDep
from timetrack.audit import service as audit
from timetrack.canonical import QUERY_BOOLEAN
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


def route(
    router: APIRouter,
    method: str,
    path: str,
    *,
    status_code: int = 200,
    responses: dict[int | str, dict[str, Any]] | None = None,
    body: type[BaseModel] | None = None,
    body_required: bool = True,
    example: Any = None,
    errors: Iterable[ErrorCode] = (),
    name: str | None = None,
    description: str | None = None,
    include_in_schema: bool = True,
) -> Callable[[F], F]:
    """Register ``path`` and ``path + '/'`` (the latter hidden from the OpenAPI document).
    ``errors`` are the specific codes the route can answer, beyond those every route of its
    kind can (``opdocs``); ``responses`` may describe their statuses in words."""
    all_responses, extra = opdocs.operation_docs(
        method,
        body=body,
        body_required=body_required,
        example=example,
        errors=errors,
        responses=responses,
    )

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


async def _feed(
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
        QUERY_BOOLEAN,
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


def parse_record_id(text: str, not_found: ErrorCode, label: str) -> int:
    """The id in a path. Anything that cannot be an id answers like an id that does not exist
    (SPEC: a missing id is a 404), not with a validation error about the URL; so does another
    spelling of an id (``019``, ``19%0A``): it names no record, and must not reach one."""
    record_id = canonical.integer(text, 1, MAX_ID)
    if record_id is None:
        raise AppError.of(not_found, f"{label} {text[:40]!r} not found")
    return record_id


def refuse_other_id(data: dict[str, Any], record_id: int) -> None:
    """A body may repeat the record's ``id`` (read-modify-write clients do), as the number or
    its text exactly; not change it."""
    sent = data.get("id", record_id)
    same = sent == str(record_id) or (type(sent) is int and sent == record_id)
    if not same:
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


async def name_filter(
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
    filters: Callable[..., Awaitable[dict[str, Any]]]
    list: Callable[[Tx, int, Page, dict[str, Any]], Awaitable[tuple[list[Row], int]]]
    get: Callable[[Tx, int, int], Awaitable[Row]]
    create: Callable[[Tx, int, Any], Awaitable[Row]]
    update: Callable[[Tx, int, int, Any], Awaitable[Row]]
    delete: Callable[[Tx, int, int], Awaitable[Row]]
    to_wire: Callable[[Row], dict[str, Any]]
    not_found: ErrorCode
    deleted: ErrorCode
    # The specific codes an operation ("create", "update", "delete") can answer beyond the
    # record's 404s and those of every operation of its kind (opdocs).
    errors: dict[str, tuple[ErrorCode, ...]]
    # The request body examples of "create" and "update" (the vendor's, where it has one).
    examples: dict[str, Any]
    conflicts: dict[str, str] = field(default_factory=dict)  # operation -> its 409 in words
    ordering: str = "ordered by id"
    # Slow work on a parsed body (password hashing) done before the transaction opens, so no
    # lock is held meanwhile; its result is what create/update receive.
    prepare: Callable[[Request, Any], Awaitable[Any]] | None = None
    # The table behind the resource, when it is not named like ``plural`` (If-Match locks
    # the record's row there).
    table: str = ""
    # Fields of which a create needs one, all optional by themselves (``user``/``username``).
    create_needs_one_of: tuple[str, ...] = ()


def crud_router(res: Resource) -> APIRouter:
    """List, create, get, update and delete routes, with the vendor's read-by-POST forms."""
    router = APIRouter(tags=[res.plural])
    base = f"/{res.plural}"
    one = f"{base}/{{id}}"
    label = res.singular.replace("_", " ")
    a_label = f"{'an' if label[0] in 'aeiou' else 'a'} {label}"
    if res.create_needs_one_of:
        opdocs.ONE_OF_REQUIRED[res.create_model.__name__] = res.create_needs_one_of
    missing_codes = (res.not_found, res.deleted)
    FiltersDep = Annotated[dict[str, Any], Depends(res.filters)]
    one_doc = {200: {"model": res.read_model, "description": f"The {label}"}}
    many_doc = {
        200: {
            "model": GenericAlias(list, (res.read_model,)),
            "description": f"A page of {res.plural} (bare array)",
        }
    }
    missing = {404: {"description": f"No such {label}, or it is deleted"}}

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
            f"Create {a_label}. An empty body (`{{}}`) lists {plural} instead, as the vendor's "
            "curl examples do; the query parameters then filter.",
            {
                "status_code": 201,
                "body": res.create_model,
                "body_required": False,
                "example": res.examples["create"],
                "errors": res.errors.get("create", ()),
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
            {"responses": {**one_doc, **missing}, "errors": missing_codes},
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
                },
                "errors": (*missing_codes, METHOD_NOT_ALLOWED),
            },
        ),
        (
            "PUT",
            one,
            update_record,
            f"update_{name}",
            f"Update {a_label}.",
            {
                "body": res.update_model,
                "example": res.examples["update"],
                "responses": {**one_doc, **missing, **conflict("update")},
                "errors": (*missing_codes, *res.errors.get("update", ())),
            },
        ),
        (
            "DELETE",
            one,
            delete_record,
            f"delete_{name}",
            f"Delete {a_label}. Deletes are soft: the record leaves lists and answers 404 with "
            'its "exists but is deleted" code.',
            {
                "responses": {**one_doc, **missing, **conflict("delete")},
                "errors": (*missing_codes, *res.errors.get("delete", ())),
            },
        ),
    ]
    for method, path, endpoint, op_name, summary, options in routes:
        route(router, method, path, name=op_name, description=summary, **options)(endpoint)
    return router
