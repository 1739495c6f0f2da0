"""Idempotent POSTs: ``Idempotency-Key`` (SPEC §3).

A client that sends a write ``POST`` with an ``Idempotency-Key`` header may retry it (after a
timeout, a dropped connection, a crash of either side) with the same key and body, and gets the
first attempt's answer, status, body and headers, without a second write. The key is claimed
and the answer stored in the write's own transaction:

1. :func:`claim`, the first statement of the transaction, inserts the key. The primary key
   ``(account_id, key)`` makes a concurrent retry wait: on PostgreSQL its insert blocks on the
   uncommitted row until the first attempt commits (and then finds its answer) or rolls back
   (and then claims the key itself); on SQLite writers are serialised anyway.
2. The endpoint writes, then :func:`keep` stores its answer in the key's row; both commit
   together. A crash before the commit leaves neither the write nor the key, so a retry
   simply runs again.

Only successful answers are kept: a failed write raises, its transaction rolls back, and the
key stays free (a retry after fixing the request, or after the conflict went away, runs
again). A retry whose method, path or body differs from the first attempt's gets ``409``
(10031). Keys live ``TIMETRACK_IDEMPOTENCY_TTL_HOURS`` (default 24): an older key counts as
unused, and an account's expired keys are purged whenever it claims a new one. A ``POST``
that only reads (an empty body) ignores the header.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from timetrack.crud import now
from timetrack.db import Tx
from timetrack.errors import IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_KEY_REUSED, AppError

log = logging.getLogger("timetrack")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_MAX = 255
# The headers of an answer that belong to it (not to the request that carried it, like a
# request id): a replay repeats them.
KEPT_HEADERS = ("location", "x-ignored-fields", "etag")
_CLAIM_ATTEMPTS = 3

HEADER_DOC = (
    "Makes the POST safe to retry: a retry with the same key, path and body gets the first "
    "answer again (status, body, `Location`, `ETag`, with `Idempotent-Replayed: true`) "
    "without writing twice, also while the first attempt is still running. The same key with "
    "another request gets `409` (code 10031). 1-255 characters; keys expire after "
    "`TIMETRACK_IDEMPOTENCY_TTL_HOURS` (default 24). Only successful answers are kept."
)
REPLAYED_HEADER_DOC: dict[str, Any] = {
    REPLAYED_HEADER: {
        "description": "`true` on an answer repeated for a retried `Idempotency-Key`",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


@dataclass(frozen=True, slots=True)
class _Claim:
    account_id: int
    key: str


def _key(request: Request) -> str | None:
    values = request.headers.getlist(HEADER)
    if not values:
        return None
    if len(values) > 1:
        raise AppError.of(IDEMPOTENCY_KEY_INVALID, f"send one {HEADER} header, not {len(values)}")
    key = values[0].strip()
    if not key or len(key) > KEY_MAX:
        raise AppError.of(
            IDEMPOTENCY_KEY_INVALID, f"{HEADER} must be 1 to {KEY_MAX} characters long"
        )
    return key


def _request_line(request: Request) -> str:
    # Both spellings of a route (with and without the trailing slash) are one request.
    return f"{request.method} {request.url.path.rstrip('/')}"


def _replay(row: Any) -> Response:
    headers = orjson.loads(row["headers"])
    headers[REPLAYED_HEADER] = "true"
    return Response(
        bytes(row["body"]),
        status_code=row["status_code"],
        media_type="application/json",
        headers=headers,
    )


async def claim(tx: Tx, request: Request, account_id: int) -> Response | None:
    """Claim the request's ``Idempotency-Key`` in the write transaction ``tx``.

    None: go ahead and write, then pass the answer through :func:`keep` (also None when the
    request has no key). A response: the stored answer of an earlier attempt, to return
    as it is, without writing. A key used with another request: ``409``.
    """
    key = _key(request)
    if key is None:
        return None
    line = _request_line(request)
    fingerprint = hashlib.sha256(await request.body()).hexdigest()
    hours = request.app.state.settings.idempotency_ttl_hours
    stamp = now()
    cutoff = stamp - timedelta(hours=hours)
    for _ in range(_CLAIM_ATTEMPTS):
        # An expired key counts as unused.
        await tx.execute(
            "DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND created_at < $3",
            account_id,
            key,
            cutoff,
        )
        claimed = await tx.fetchval(
            "INSERT INTO idempotency_keys (account_id, key, request, fingerprint, status_code, "
            "body, headers, created_at) VALUES ($1, $2, $3, $4, 0, $5, '{}', $6) "
            "ON CONFLICT (account_id, key) DO NOTHING RETURNING 1",
            account_id,
            key,
            line,
            fingerprint,
            b"",
            stamp,
        )
        if claimed is not None:
            request.state.idempotency = _Claim(account_id, key)
            await _purge(tx, account_id, cutoff)
            return None
        # Taken, by an attempt that has committed (PostgreSQL waited for it to end).
        row = await tx.fetchrow(
            "SELECT request, fingerprint, status_code, body, headers FROM idempotency_keys "
            "WHERE account_id = $1 AND key = $2",
            account_id,
            key,
        )
        if row is None:
            continue  # purged as expired in the meantime: claim it again
        if not row["status_code"]:
            # Committed without an answer: no write path does that, but such a key must not
            # answer with nothing; drop it and claim it afresh.
            log.error("idempotency key of account %s committed without an answer", account_id)
            await tx.execute(
                "DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2",
                account_id,
                key,
            )
            continue
        if row["request"] != line or row["fingerprint"] != fingerprint:
            used = "another body" if row["request"] == line else row["request"]
            raise AppError.of(
                IDEMPOTENCY_KEY_REUSED,
                f"{HEADER} {key[:80]!r} was used with {used}; use a new key for a new request",
            )
        return _replay(row)
    raise AppError.of(IDEMPOTENCY_KEY_REUSED, f"{HEADER} {key[:80]!r} is in use; retry")


async def _purge(tx: Tx, account_id: int, cutoff: Any) -> None:
    """Remove the account's expired keys. On PostgreSQL rows another transaction holds are
    skipped, so a purge never waits (the next one takes them)."""
    if tx.dialect == "postgresql":
        await tx.execute(
            "DELETE FROM idempotency_keys WHERE account_id = $1 AND key IN ("
            "SELECT key FROM idempotency_keys WHERE account_id = $1 AND created_at < $2 "
            "FOR UPDATE SKIP LOCKED)",
            account_id,
            cutoff,
        )
    else:
        await tx.execute(
            "DELETE FROM idempotency_keys WHERE account_id = $1 AND created_at < $2",
            account_id,
            cutoff,
        )


async def keep(tx: Tx, request: Request, response: Response) -> Response:
    """Store ``response`` as the answer to the key :func:`claim` took (if any); return it.

    Called inside the write transaction, as its last step, so the answer commits with the
    write. An answer that is not a success is not kept, and frees the key.
    """
    taken: _Claim | None = getattr(request.state, "idempotency", None)
    if taken is None:
        return response
    request.state.idempotency = None
    if not 200 <= response.status_code < 300:
        await tx.execute(
            "DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2",
            taken.account_id,
            taken.key,
        )
        return response
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    await tx.execute(
        "UPDATE idempotency_keys SET status_code = $3, body = $4, headers = $5 "
        "WHERE account_id = $1 AND key = $2",
        taken.account_id,
        taken.key,
        response.status_code,
        bytes(response.body),
        orjson.dumps(headers).decode(),
    )
    return response
