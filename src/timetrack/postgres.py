"""The PostgreSQL back end of ``db.Database``: an asyncpg pool per process, and the one rule
that tells a database gone away (``DatabaseUnavailable``: 503, code 10020) from a bug (500).

A session can end under any statement: PostgreSQL restarts or fails over, an operator
terminates the backend, the network drops, the database stops accepting connections. asyncpg
then raises from whatever the connection was doing, and not always an error with a SQLSTATE:
a backend terminated while its connection sat idle in the pool sends its last message to a
protocol that expects none, and until the socket's end is read the next statement fails with
``InternalClientError: cannot switch to state 12; another operation (2) is in progress``. So
every failure passes ``translate``, and a connection whose session failed is terminated rather
than returned to the pool: the pool opens a fresh one when next asked, which is also how service
comes back by itself when the database does.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from timetrack.db import (
    DatabaseError,
    DatabaseUnavailable,
    Dialect,
    IntegrityViolation,
    Row,
    Snapshot,
    Tx,
    pg_dsn,
)

# What asyncpg and the socket raise; TimeoutError (asyncio's too) is an OSError. Anything else
# (a bug of ours, a cancelled request) passes through untouched.
_DRIVER_ERRORS = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
)

# SQLSTATE classes in which the server or the session failed, not the statement: 08 connection
# exception (asyncpg's "connection was closed in the middle of operation" is 08003), 53
# insufficient resources (53300 too many connections, 53100 disk full), 57 operator intervention
# (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 57014 query canceled).
_UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})

# Seconds to open a connection (asyncpg waits 60 by default); a request waits this long at most
# for a database host that drops packets before it answers 503.
CONNECT_TIMEOUT = 10.0


def _unavailable(exc: BaseException, conn: asyncpg.Connection | None) -> bool:
    if isinstance(exc, asyncpg.PostgresError):
        return str(exc.sqlstate)[:2] in _UNAVAILABLE_SQLSTATE_CLASSES
    if isinstance(exc, OSError | asyncpg.InternalClientError):
        # The socket failed, or asyncpg's protocol is out of step with the server, which no
        # caller can cause (using a busy connection is an InterfaceError, raised before that).
        return True
    # An InterfaceError is a misuse, such as an argument of the wrong type, unless the
    # connection is gone: "connection is closed", "pool is closing".
    return conn is None or _gone(conn)


def _gone(conn: asyncpg.Connection) -> bool:
    try:
        return bool(conn.is_closed())
    except asyncpg.InterfaceError:
        # A pooled connection whose socket closed has left the pool by itself, and its proxy
        # refuses every call ("released back to the pool"). Requests use a connection only
        # inside its ``async with``, so that is the only way to get here.
        return True


def _discard(conn: asyncpg.Connection) -> None:
    """End a pooled connection's session, so the pool never hands it out again."""
    # One whose socket closed is out of the pool already (``_gone``): nothing is left to end.
    with contextlib.suppress(asyncpg.InterfaceError):
        conn.terminate()


def translate(exc: BaseException, conn: asyncpg.Connection | None) -> DatabaseError:
    """The data layer's error for a driver's ``exc``, raised using ``conn`` (None: the pool)."""
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return IntegrityViolation(str(exc))
    if _unavailable(exc, conn):
        return DatabaseUnavailable(f"{type(exc).__name__}: {exc}")
    return DatabaseError(f"{type(exc).__name__}: {exc}")


class _PgTx:
    dialect: Dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        try:
            rows: list[Row] = await self._conn.fetch(sql, *args)
        except _DRIVER_ERRORS as exc:
            raise translate(exc, self._conn) from exc
        return rows

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        try:
            row: Row | None = await self._conn.fetchrow(sql, *args)
        except _DRIVER_ERRORS as exc:
            raise translate(exc, self._conn) from exc
        return row

    async def fetchval(self, sql: str, *args: Any) -> Any:
        try:
            return await self._conn.fetchval(sql, *args)
        except _DRIVER_ERRORS as exc:
            raise translate(exc, self._conn) from exc

    async def execute(self, sql: str, *args: Any) -> None:
        try:
            await self._conn.execute(sql, *args)
        except _DRIVER_ERRORS as exc:
            raise translate(exc, self._conn) from exc

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        try:
            await self._conn.executemany(sql, args)
        except _DRIVER_ERRORS as exc:
            raise translate(exc, self._conn) from exc


class _PgSnapshot(_PgTx):
    async def chunks(self, sql: str, *args: Any, size: int) -> AsyncIterator[list[Row]]:
        try:
            cursor = await self._conn.cursor(sql, *args)
            while True:
                rows: list[Row] = await cursor.fetch(size)
                if not rows:
                    return
                yield rows
        except _DRIVER_ERRORS as exc:
            raise translate(exc, self._conn) from exc


class PostgresDatabase:
    dialect: Dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.dsn = pg_dsn(url)
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        if self._pool is None:
            try:
                self._pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=1,
                    max_size=self._pool_size,
                    timeout=CONNECT_TIMEOUT,
                    server_settings={"timezone": "UTC", "application_name": "timetrack"},
                )
            except _DRIVER_ERRORS as exc:
                raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        async with self.reader() as tx:
            return await tx.fetchrow(sql, *args)

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection of the pool, discarded if the database failed under it."""
        pool = self._pool
        if pool is None:
            raise DatabaseUnavailable("database is not open")
        try:
            conn = await pool.acquire()
        except _DRIVER_ERRORS as exc:
            # Whatever keeps the pool from opening a connection leaves the request without a
            # database: refused, timed out, too many connections, a database that does not
            # accept connections (55000) or does not exist (3D000), a rejected password.
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc
        try:
            yield conn
        except DatabaseUnavailable:
            # The session is gone, ending, or not to be trusted: never hand it to another request.
            _discard(conn)
            raise
        finally:
            # The request's outcome is decided (an answered commit is stored); a connection the
            # pool fails to reset for reuse is closed by the pool itself.
            with contextlib.suppress(*_DRIVER_ERRORS):
                await pool.release(conn)

    @contextlib.asynccontextmanager
    async def reader(self) -> AsyncIterator[Tx]:
        async with self._connection() as conn:
            yield _PgTx(conn)

    @contextlib.asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        """A read transaction like ``transaction(write=False)``'s, read with a server-side
        cursor (``snapshots.py``)."""
        async with self.transaction(write=False) as tx:
            assert isinstance(tx, _PgTx)
            yield _PgSnapshot(tx._conn)

    @contextlib.asynccontextmanager
    async def transaction(self, *, write: bool) -> AsyncIterator[Tx]:
        async with self._connection() as conn:
            # Reads see one snapshot, so a page and its X-Total-Count agree.
            tx = conn.transaction(
                isolation="read_committed" if write else "repeatable_read", readonly=not write
            )
            try:
                await tx.start()
            except _DRIVER_ERRORS as exc:
                raise translate(exc, conn) from exc
            try:
                yield _PgTx(conn)
            except DatabaseUnavailable:
                # No ROLLBACK on a lost session (on a silent network it would hang): the server
                # rolls back a transaction whose session ends, and _connection ends this one.
                raise
            except BaseException:
                try:
                    await tx.rollback()
                except _DRIVER_ERRORS:
                    # Not rolled back: the request keeps its own answer, the session ends.
                    _discard(conn)
                raise
            try:
                await tx.commit()
            except _DRIVER_ERRORS as exc:
                raise translate(exc, conn) from exc
