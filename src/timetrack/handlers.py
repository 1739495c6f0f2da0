"""What every handler does around its service call: open its transaction, read the id in its
path, and build its response."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import Request
from starlette.responses import Response

from timetrack import canonical, grants, preconditions
from timetrack.db import Tx
from timetrack.errors import FIELD_READ_ONLY, AppError, ErrorCode
from timetrack.wire import MAX_ID, dumps, ignored_headers


def read(request: Request) -> contextlib.AbstractAsyncContextManager[Tx]:
    """A read-only transaction (one snapshot: a page and its total agree)."""
    return request.app.state.db.transaction(write=False)  # type: ignore[no-any-return]


def read_one(request: Request) -> contextlib.AbstractAsyncContextManager[Tx]:
    """For a read of one statement: no transaction around it (``Database.reader``)."""
    return request.app.state.db.reader()  # type: ignore[no-any-return]


def write(request: Request) -> contextlib.AbstractAsyncContextManager[Tx]:
    """The request's one write transaction; it commits before the response is sent."""
    return request.app.state.db.transaction(write=True)  # type: ignore[no-any-return]


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


def object_response(
    content: dict[str, Any],
    *,
    status_code: int = 200,
    ignored: list[str] | None = None,
    unversioned: dict[str, Any] | None = None,
) -> Response:
    """One object; its ``ETag`` validates these very bytes (``preconditions.py``). Fields in
    ``unversioned`` (a new key's secret, shown once) are answered too but are not part of the
    record, so the ``ETag`` is the record's, as its next GET answers it. Rates the caller may
    not see are left out before the ``ETag`` is made (``grants.shown``)."""
    content = grants.shown(content)
    headers = ignored_headers(ignored or [])
    headers["ETag"] = preconditions.etag_of(dumps(content))
    body = dumps(content | unversioned) if unversioned else dumps(content)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


def created_response(
    request: Request,
    content: dict[str, Any],
    ignored: list[str],
    unversioned: dict[str, Any] | None = None,
) -> Response:
    response = object_response(content, status_code=201, ignored=ignored, unversioned=unversioned)
    response.headers["Location"] = f"{request.url.path.rstrip('/')}/{content['id']}"
    return response
