"""``/api_keys``: a person's own API keys (an admin's: everybody's), made with scopes that
narrow their user's role; and ``/api_keys/{id}/rotate_secret``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from timetrack import idempotency
from timetrack.accounts.service import Account
from timetrack.api_keys import service
from timetrack.api_keys.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyFilter,
    ApiKeyRead,
    ApiKeyUpdate,
)
from timetrack.audit import service as audit
from timetrack.auth.permissions import allowed
from timetrack.errors import API_KEY_NOT_FOUND, API_KEY_REVOKED_404, USER_UNKNOWN
from timetrack.filters import UserParam
from timetrack.handlers import object_response, parse_record_id, write
from timetrack.policy import Action, Resource
from timetrack.route_docs import RecordId, route
from timetrack.routing import Resource as Routes
from timetrack.wire import read_object


async def key_filter(username: UserParam = None) -> ApiKeyFilter:
    return ApiKeyFilter((username or "").strip() or None)


# The table the routes are made from; the web app's admin pages serve it too.
resource = Routes(
    singular="api_key",
    plural="api_keys",
    read_model=ApiKeyRead,
    create_model=ApiKeyCreate,
    update_model=ApiKeyUpdate,
    filters=key_filter,
    list=service.list_keys,
    get=service.get_key,
    create=service.create_key,
    update=service.update_key,
    delete=service.delete_key,
    columns=service.COLUMNS,
    not_found=API_KEY_NOT_FOUND,
    deleted=API_KEY_REVOKED_404,
    errors={"create": (USER_UNKNOWN,)},
    examples={
        "create": {
            "name": "Payroll export",
            "scopes": ["time_entries:read", "attendances:read"],
            "expiresAt": "2027-01-01T00:00:00Z",
        },
        "update": {"name": "Payroll export (2027)"},
    },
    ordering="ordered by id; the secret is shown only in the create's answer",
    shown_once=service.shown_once,
    created_model=ApiKeyCreated,
)
router = resource.router()

Writes = Annotated[Account, Depends(allowed(Resource.API_KEYS, Action.WRITE))]


@route(
    router,
    "POST",
    "/api_keys/{id}/rotate_secret",
    responses={200: {"model": ApiKeyCreated, "description": "The key with its new secret"}},
    errors=(API_KEY_NOT_FOUND, API_KEY_REVOKED_404),
    writes=True,
    name="rotate_api_key_secret",
    description="A new secret for the key; the old one stops working with this request. The "
    "answer shows the new secret once (`key` stays null: it does not change); a retry with "
    "the same Idempotency-Key answers it as null, since it is never stored.",
)
async def rotate_secret(request: Request, account: Writes, id: RecordId) -> Response:
    key_id = parse_record_id(id, API_KEY_NOT_FOUND, "API key")
    await read_object(request)
    async with write(request) as tx:
        if (replay := await idempotency.claim(tx, request, account.id)) is not None:
            return replay
        before = await service.get_key(tx, account.id, key_id)
        secret = await service.rotate_secret(tx, account.id, key_id)
        after = await service.get_key(tx, account.id, key_id)
        await audit.record_request(
            tx,
            request,
            account.id,
            "rotate_secret",
            "api_keys",
            key_id,
            before=service.to_wire(before),
            after=service.to_wire(after),
        )
        item = service.to_wire(after)
        kept = object_response(item, unversioned={"key": None, "secret": None})
        await idempotency.keep(tx, request, kept)
        return object_response(item, unversioned={"key": None, "secret": secret})
