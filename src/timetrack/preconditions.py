"""Optimistic concurrency: ``ETag`` on every single-record response, ``If-Match`` on writes.

A record's ETag is a strong validator of its representation: the first 64 bits of the SHA-256
of the exact JSON bytes the server sends for it, quoted. Two representations get the same tag
only when they are byte for byte the same, so any change a client could see (an edited field,
``updatedAt``, the name of a referenced project) gives a new tag, on both databases alike.

``If-Match`` on ``PUT`` and ``DELETE`` is checked inside the write's transaction, after the
record's row is locked (PostgreSQL; SQLite writers are serialised anyway) and before anything
changes: of two writers that both read one version, the second finds a new tag and gets 412.
The check comes after the "not found" and "deleted" answers (RFC 9110 13.2.1: a precondition
counts only where the request would otherwise succeed). Without ``If-Match`` nothing changes,
as the vendor's clients expect.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import Request
from starlette.responses import Response

from timetrack import grants, ignored_query
from timetrack.db import Tx
from timetrack.errors import PRECONDITION_FAILED, AppError, Problem
from timetrack.wire import dumps

IF_MATCH_DOC = (
    "Optimistic concurrency: the `ETag` of the version the change is based on (`*`: any "
    "existing version). When the record has changed since, the answer is `412` (code 10030) "
    "and nothing is changed. Without it the write is unconditional."
)
IF_NONE_MATCH_DOC = (
    "The `ETag` of the version the client holds: when it is still current, the answer is "
    "`304 Not Modified` without a body."
)
ETAG_HEADER_DOC: dict[str, Any] = {
    "ETag": {
        "description": "Strong validator of this representation; send it back in `If-Match`",
        "schema": {"type": "string", "example": '"3f2a9c0d51e7b864"'},
    }
}


def etag_of(body: bytes) -> str:
    """The ETag of a response body."""
    return f'"{hashlib.sha256(body).hexdigest()[:16]}"'


def _tags(header: str) -> list[str]:
    """The entity tags of an ``If-Match``/``If-None-Match`` value. A tag sent without its
    quotes (a common client mistake) is read as if quoted."""
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag and tag != "*" and not tag.startswith(('"', "W/")):
            tag = f'"{tag}"'
        if tag:
            tags.append(tag)
    return tags


def matches(header: str, etag: str, *, weak: bool = False) -> bool:
    """Whether ``etag`` satisfies the header: strong comparison for ``If-Match`` (a weak tag
    never matches), weak comparison for ``If-None-Match``."""
    for tag in _tags(header):
        if tag == "*":
            return True
        if weak:
            tag = tag.removeprefix("W/")
        if tag == etag:
            return True
    return False


async def require_if_match(
    request: Request,
    tx: Tx,
    *,
    table: str,
    account_id: int,
    record_id: int,
    current: Callable[[], Awaitable[dict[str, Any]]],
) -> None:
    """Refuse the write with 412 unless ``If-Match`` names the record's current version
    (:func:`require_version`; without the header the write is unconditional)."""
    header = request.headers.get("if-match")
    if header is None:
        return
    await require_version(
        tx,
        header,
        table=table,
        account_id=account_id,
        record_id=record_id,
        current=current,
        deleting=request.method == "DELETE",
    )


async def require_version(
    tx: Tx,
    header: str,
    *,
    table: str,
    account_id: int,
    record_id: int,
    current: Callable[[], Awaitable[dict[str, Any]]],
    deleting: bool,
) -> None:
    """Refuse the write with 412 unless ``header`` (an ``If-Match`` value) names the
    record's current version; the web pages' writes send the ETag of what they showed.

    ``current`` loads the record's wire form, answering the resource's 404 when it does not
    exist or is deleted. On PostgreSQL the row is locked first, in the mode the write takes
    anyway (``deleting``: ``FOR UPDATE``, as the client and absence-type deletes lock it;
    else ``FOR NO KEY UPDATE``, as an ``UPDATE`` does), so the version checked is the one
    changed and no lock is upgraded later.
    """
    if tx.dialect == "postgresql":
        mode: Literal["UPDATE", "NO KEY UPDATE"] = "UPDATE" if deleting else "NO KEY UPDATE"
        await tx.execute(
            f"SELECT 1 FROM {table} WHERE account_id = $1 AND id = $2 FOR {mode}",
            account_id,
            record_id,
        )
    etag = etag_of(dumps(grants.shown(await current())))
    if not matches(header, etag):
        detail = f"the record has changed: its current ETag is {etag}, If-Match sent {header[:200]}"
        raise AppError(Problem(PRECONDITION_FAILED, detail), headers={"ETag": etag})


def not_modified(request: Request, response: Response) -> Response:
    """The answer of a read of one object: ``304`` without a body for a ``GET`` whose
    ``If-None-Match`` names the current version, else ``response`` with the query parameters
    the read ignored named in ``X-Ignored-Fields`` (as every read names them)."""
    response.headers.update(ignored_query.headers(request))
    header = request.headers.get("if-none-match")
    etag = response.headers.get("etag")
    if request.method != "GET" or header is None or etag is None:
        return response
    if not matches(header, etag, weak=True):
        return response
    return Response(status_code=304, headers={"ETag": etag})
