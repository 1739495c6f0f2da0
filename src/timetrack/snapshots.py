"""Long reads (``db.Snapshot``): one read-only transaction that may stay open while a response
streams, its rows read in chunks so a worker's memory does not grow with the result.

SQLite: a connection of its own, not the process's. The process's connection serves every
request of the worker under one lock, and an export holding it while a slow client downloads
would stop them all; a second connection in WAL mode reads its own snapshot (fixed by its first
statement) without any lock, and writers go on meanwhile. Its cursor hands the rows over
``size`` at a time; each step blocks the event loop only for that chunk.

PostgreSQL: a connection of the pool for the export's duration (so a pool of N serves at most N
exports at once, besides the other requests), in a REPEATABLE READ, READ ONLY transaction, read
through a server-side cursor (``postgres.PostgresDatabase.snapshot``).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from timetrack.db import (
    Row,
    Snapshot,
    _sqlite_sql,
    _SqliteTx,
    _translate_sqlite,
    connect_sqlite,
)


class _SqliteSnapshot(_SqliteTx):
    async def chunks(self, sql: str, *args: Any, size: int) -> AsyncIterator[list[Row]]:
        try:
            cursor = self._conn.execute(_sqlite_sql(sql), args)
            names = [d[0] for d in cursor.description]
            while True:
                rows = cursor.fetchmany(size)
                if not rows:
                    return
                yield [dict(zip(names, row, strict=True)) for row in rows]
        except sqlite3.Error as exc:
            raise _translate_sqlite(exc) from exc


@contextlib.asynccontextmanager
async def sqlite_snapshot(path: Path) -> AsyncIterator[Snapshot]:
    try:
        conn = connect_sqlite(path)
    except sqlite3.Error as exc:
        raise _translate_sqlite(exc) from exc
    try:
        conn.row_factory = None  # plain tuples, as on the process's connection
        # As on the process's connection: SQLite never sleeps on the event loop for a lock.
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("BEGIN")  # deferred: the snapshot is taken by the first statement
        yield _SqliteSnapshot(conn)
    finally:
        conn.close()  # read only: closing ends the transaction, nothing to commit
