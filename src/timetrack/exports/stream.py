"""An export from its first query to its last byte, for the server and the CLI alike.

``open_export`` runs everything that can fail on the request (the checks, the language, the
first chunk of rows) before anything is sent, so those failures still answer the error
envelope; after that, the file streams: a chunk of rows is read from the export's own
snapshot (``db.Snapshot``), written, and sent, and only then is the next one read.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from timetrack.db import Database, Snapshot
from timetrack.exports.csv_writer import csv_bytes
from timetrack.exports.language import Style, timestamp
from timetrack.exports.schemas import Format
from timetrack.exports.sheet import Sheet, Values

# Rows read, written and sent at a time: large enough that the per-chunk costs (a cursor
# step, a thread hop for XLSX, a socket write) vanish, small enough to stay a few MiB.
CHUNK_ROWS = 2000
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def disposition(name: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the exact name in RFC 6266's
    ``filename*``."""
    ascii_name = _UNSAFE.sub("-", name).strip("-") or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Export:
    """A file on its way: its name, media type and bytes (read them once)."""

    name: str
    media_type: str
    body: AsyncIterator[bytes]
    close: Callable[[], Awaitable[None]]


Select = tuple[str, list[Any]] | None


async def open_export(
    database: Database,
    sheet: Sheet,
    format: Format,
    prepare: Callable[[Snapshot], Awaitable[tuple[Select, Style, str]]],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Export:
    """Open a snapshot, ``prepare`` the statement, style and file name in it, read the first
    chunk; the export streams the rest. Whoever takes it must ``close`` it (the response
    does, however it ends). ``progress`` (the CLI's bar) is told the rows done and the total
    after each chunk, the total counted first in the same snapshot."""
    stack = contextlib.AsyncExitStack()
    try:
        tx = await stack.enter_async_context(database.snapshot())
        select, style, name = await prepare(tx)
        chunks: AsyncIterator[list[Any]] | None = None
        first: list[Any] = []
        total = 0
        if select is not None and progress is not None:
            total = await tx.fetchval(f"SELECT count(*) FROM ({select[0]}) AS rows", *select[1])
        if select is not None:
            chunks = tx.chunks(select[0], *select[1], size=CHUNK_ROWS)
            first = await anext(chunks, [])
    except BaseException:
        await stack.aclose()
        raise
    values = sheet.values

    async def batches() -> AsyncIterator[list[Values]]:
        rows, done = first, 0
        while rows:
            batch = [values(row) for row in rows]
            yield batch
            done += len(batch)
            if progress is not None:
                progress(done, total)
            rows = await anext(chunks, []) if chunks is not None else []

    if format is Format.XLSX:
        # XlsxWriter (12 MiB a process) loads with the first XLSX, not in every worker.
        from timetrack.exports.xlsx_writer import xlsx_bytes

        body = xlsx_bytes(sheet.columns, style, sheet.name, batches())
    else:
        body = csv_bytes(sheet.columns, style, batches())
    return Export(f"{name}.{format.value}", format.media_type, body, stack.aclose)


async def whole(rows: list[Values]) -> AsyncIterator[list[Values]]:
    """The rows of an export built whole (a timesheet, a summary) as one batch."""
    yield rows


async def in_one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def nothing() -> None:
    """The ``close`` of an export that holds no snapshot."""


def period_parts(start: str | None, end: str | None) -> list[str]:
    """The ``from`` and ``to`` of a list filter for a file name: their dates, else "all"."""
    if not start and not end:
        return ["all"]
    return [_UNSAFE.sub("-", (text or "")[:10]) or "open" for text in (start, end)]


def export_time() -> str:
    return timestamp(now())
