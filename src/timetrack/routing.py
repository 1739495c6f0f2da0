"""The route factory: the five routes of a resource (``Resource.router``), with the read-by-POST
forms and the change-feed parameters. ``route_docs`` declares them, ``handlers`` holds what
each handler does around its service call.
"""

# No ``from __future__ import annotations``: _crud_router builds endpoints in a closure, and
# FastAPI must see their annotations as objects, not as names to look up in module globals.

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from timetrack import grants, idempotency, opdocs, policy, preconditions
from timetrack.accounts.service import Account
from timetrack.audit import service as audit
from timetrack.auth.permissions import allowed
from timetrack.canonical import QUERY_BOOLEAN
from timetrack.columns import WireColumns
from timetrack.crud import Feed
from timetrack.db import Row, Tx
from timetrack.errors import METHOD_NOT_ALLOWED, PARAMETER_INVALID, AppError, ErrorCode
from timetrack.filters import ListFilter
from timetrack.handlers import (
    created_response,
    object_response,
    parse_record_id,
    read,
    read_one,
    refuse_other_id,
    write,
)
from timetrack.paging import Page, PageDep, list_response
from timetrack.route_docs import RecordId, crud_operations
from timetrack.times import DATE_OR_TIMESTAMP_PATTERN, TimeFormatError, parse_instant
from timetrack.wire import WireModel, parse_body, read_object


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
) -> Feed:
    since = None
    if updated_since is not None:
        try:
            since = parse_instant(updated_since)
        except TimeFormatError as exc:
            raise AppError.of(
                PARAMETER_INVALID, f"updatedSince: {exc}", parameter="updatedSince"
            ) from None
    return Feed(since, include_deleted)


FeedDep = Annotated[Feed, Depends(_feed)]


Create = TypeVar("Create", bound=WireModel)
Update = TypeVar("Update", bound=WireModel)
Filter = TypeVar("Filter", bound=ListFilter)


@dataclass(frozen=True)
class Resource(Generic[Create, Update, Filter]):
    """What ``router`` needs to serve one resource the vendor's way.

    Generic over its create and update bodies and its list filter, so that mypy checks that the
    service's ``create``, ``update`` and ``list`` take what the models and the filter
    dependency give them."""

    singular: str
    plural: str
    read_model: type[BaseModel]
    create_model: type[Create]
    update_model: type[Update]
    # A FastAPI dependency declaring the list filters as query parameters; it returns them
    # read and checked, as the resource's ``filters.ListFilter``, which ``list`` turns into SQL.
    filters: Callable[..., Awaitable[Filter]]
    list: Callable[[Tx, int, Page, Feed, Filter], Awaitable[tuple[list[Row], int]]]
    get: Callable[[Tx, int, int], Awaitable[Row]]
    create: Callable[[Tx, int, Create], Awaitable[Row]]
    update: Callable[[Tx, int, int, Update], Awaitable[Row]]
    delete: Callable[[Tx, int, int], Awaitable[Row]]
    # What the reads select and the answers show (``read_model`` must document the same fields).
    columns: WireColumns
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
    prepare_create: Callable[[Request, Create], Awaitable[Create]] | None = None
    prepare_update: Callable[[Request, Update], Awaitable[Update]] | None = None
    # The table behind the resource, when it is not named like ``plural`` (If-Match locks
    # the record's row there).
    table: str = ""
    # Fields of which a create needs one, all optional by themselves (``user``/``username``).
    create_needs_one_of: tuple[str, ...] = ()
    # What only the create answers, from the created row (a personal key's secret): not in
    # the audit log, and null in an Idempotency-Key replay, so it is never stored.
    shown_once: Callable[[Row], dict[str, Any]] | None = None
    created_model: type[BaseModel] | None = None  # the create's answer, when not read_model

    def __post_init__(self) -> None:
        if (mismatch := self.columns.mismatch(self.read_model)) is not None:
            raise TypeError(f"{self.plural}: {mismatch}")

    async def current(self, tx: Tx, account_id: int, record_id: int) -> Row | None:
        """The record an update or delete starts from, for the audit log (None: the write
        itself answers the 404)."""
        try:
            return await self.get(tx, account_id, record_id)
        except AppError:
            return None

    async def audited(
        self,
        request: Request,
        tx: Tx,
        account_id: int,
        action: str,
        row: Row,
        before: Row | None = None,
    ) -> dict[str, Any]:
        """The record's wire form, once the write is in the audit log (in the same transaction).
        An update that applied nothing changed nothing, and is not recorded. The API's routes
        and the web app's admin pages record their writes alike through this."""
        item = self.columns.to_wire(row)
        if action != "update" or before is None or audit.changed(before, row):
            old = None if before is None else self.columns.to_wire(before)
            await audit.record_request(
                tx, request, account_id, action, self.plural, row["id"], before=old, after=item
            )
        return item

    async def require_version(
        self, tx: Tx, account_id: int, record_id: int, header: str, *, deleting: bool
    ) -> None:
        """412 unless ``header`` (an ``If-Match`` value) names the record's current version."""

        async def wire() -> dict[str, Any]:
            return self.columns.to_wire(await self.get(tx, account_id, record_id))

        await preconditions.require_version(
            tx,
            header,
            table=self.table or self.plural,
            account_id=account_id,
            record_id=record_id,
            current=wire,
            deleting=deleting,
        )

    def router(self) -> APIRouter:
        """The list, create, get, update and delete routes, with the read-by-POST forms.

        A method rather than a function taking the resource: mypy infers ``Resource(...)`` on
        its own here and so checks its type arguments, where as the argument of a generic
        function it let a mismatched ``list`` or filter through."""
        return _crud_router(self)


def _crud_router(res: Resource[Create, Update, Filter]) -> APIRouter:
    router = APIRouter(tags=[res.plural])
    label = res.singular.replace("_", " ")
    if res.create_needs_one_of:
        opdocs.ONE_OF_REQUIRED[res.create_model.__name__] = res.create_needs_one_of
    # Filled by ``res.filters``, so a ``Filter`` (a type alias cannot name the type variable).
    FiltersDep = Annotated[ListFilter, Depends(res.filters)]
    # What the policy calls the resource; a POST on the collection reads (with an empty body)
    # before it may write, so it is allowed to read and asks for writing once it has a body.
    subject = policy.Resource(res.plural)
    Reads = Annotated[Account, Depends(allowed(subject, policy.Action.READ))]
    Writes = Annotated[Account, Depends(allowed(subject, policy.Action.WRITE))]

    current, audited = res.current, res.audited

    async def if_match(request: Request, tx: Tx, account_id: int, record_id: int) -> None:
        """412 unless ``If-Match`` (when sent) names the record's current version."""
        header = request.headers.get("if-match")
        if header is not None:
            deleting = request.method == "DELETE"
            await res.require_version(tx, account_id, record_id, header, deleting=deleting)

    async def list_records(
        request: Request, account: Reads, page: PageDep, filters: FiltersDep, feed: FeedDep
    ) -> Response:
        async with read(request) as tx:
            rows, total = await res.list(tx, account.id, page, feed, cast(Filter, filters))
        return list_response(request, [res.columns.to_wire(r) for r in rows], total, page)

    async def create_record(
        request: Request, account: Reads, page: PageDep, filters: FiltersDep, feed: FeedDep
    ) -> Response:
        data = await read_object(request)
        if not data:
            return await list_records(request, account, page, filters, feed)
        grants.require(subject, policy.Action.WRITE)
        body, ignored = parse_body(res.create_model, data)
        if res.prepare_create is not None:
            body = await res.prepare_create(request, body)
        # Responses are built inside the transaction: if encoding failed, nothing is committed.
        async with write(request) as tx:
            if (replay := await idempotency.claim(tx, request, account.id)) is not None:
                return replay
            row = await res.create(tx, account.id, body)
            item = await audited(request, tx, account.id, "create", row)
            if res.shown_once is None:
                return await idempotency.keep(tx, request, created_response(request, item, ignored))
            once = res.shown_once(row)
            kept = created_response(request, item, ignored, dict.fromkeys(once))
            await idempotency.keep(tx, request, kept)
            return created_response(request, item, ignored, once)

    async def get_record(request: Request, account: Reads, id: RecordId) -> Response:
        record_id = parse_record_id(id, res.not_found, label)
        async with read_one(request) as tx:  # every resource's get is one statement
            row = await res.get(tx, account.id, record_id)
            return preconditions.not_modified(request, object_response(res.columns.to_wire(row)))

    async def get_record_by_post(request: Request, account: Reads, id: RecordId) -> Response:
        if await read_object(request):
            raise AppError.of(METHOD_NOT_ALLOWED, "POST on a record only reads; update with PUT")
        return await get_record(request, account, id)

    async def update_record(request: Request, account: Writes, id: RecordId) -> Response:
        record_id = parse_record_id(id, res.not_found, label)
        data = await read_object(request)
        refuse_other_id(data, record_id)
        patch, ignored = parse_body(res.update_model, data)
        if res.prepare_update is not None:
            patch = await res.prepare_update(request, patch)
        async with write(request) as tx:
            await if_match(request, tx, account.id, record_id)
            before = await current(tx, account.id, record_id)
            row = await res.update(tx, account.id, record_id, patch)
            item = await audited(request, tx, account.id, "update", row, before)
            return object_response(item, ignored=ignored)

    async def delete_record(request: Request, account: Writes, id: RecordId) -> Response:
        record_id = parse_record_id(id, res.not_found, label)
        async with write(request) as tx:
            await if_match(request, tx, account.id, record_id)
            before = await current(tx, account.id, record_id)
            row = await res.delete(tx, account.id, record_id)
            return object_response(await audited(request, tx, account.id, "delete", row, before))

    endpoints: dict[str, Callable[..., Awaitable[Response]]] = {
        "list": list_records,
        "create": create_record,
        "get": get_record,
        "get_by_post": get_record_by_post,
        "update": update_record,
        "delete": delete_record,
    }
    for kind, operation in crud_operations(res).items():
        operation.register(router, endpoints[kind])
    return router
