"""Database access: one small async interface over sqlite3 and asyncpg.

SQLAlchemy defines the schema (``models/``) and Alembic migrates it, but requests run their SQL
through the raw drivers: the measurements in ``shared/research/perf-baselines.md`` put SQLAlchemy
Core at 1.6-1.9x the cost of asyncpg on a 50-row list and aiosqlite (the only async SQLite
driver SQLAlchemy offers) at a sixth of sqlite3 called directly.

SQL is written once, with PostgreSQL's ``$1`` placeholders; for SQLite they become ``?1``.
Both back ends hand services the same Python types: ``bool``, aware UTC ``datetime``, ``date``,
``Decimal`` and ``int``. A failure is one of three errors below: a refused constraint, the
database unavailable (503, code 10020), or anything else (a bug: 500). The PostgreSQL back end
lives in ``postgres.py``.

SQLite is driven on the event loop itself: one connection per process, every transaction
holding an ``asyncio.Lock`` so two requests never share one. Each statement blocks the loop for
its (sub-millisecond) duration, which is far cheaper than handing it to a thread pool, where the
GIL convoy between the loop and the pool threads collapsed throughput to ~190 req/s. Writes begin
with ``BEGIN IMMEDIATE`` so a second worker process waits for the write lock before doing any
work instead of failing half-way through its transaction. That wait never happens inside
SQLite, which would sleep on the event loop and freeze the worker, its reads included: the
connection's busy timeout is 0, and a refused ``BEGIN IMMEDIATE`` is tried again after an
``asyncio.sleep``, without the process's lock, until the configured busy timeout has passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

Dialect = Literal["sqlite", "postgresql"]


class Row(Protocol):
    def __getitem__(self, key: str) -> Any: ...
    def keys(self) -> Any: ...


class DatabaseError(Exception):
    """Base of the errors the data layer raises; the driver's own error is the cause."""


class IntegrityViolation(DatabaseError):
    """A unique, foreign-key, check or not-null constraint refused a write."""


class DatabaseUnavailable(DatabaseError):
    """The database could not be reached or stayed locked past the busy timeout."""


class Tx(Protocol):
    """One open transaction."""

    dialect: Dialect

    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...
    async def fetchrow(self, sql: str, *args: Any) -> Row | None: ...
    async def fetchval(self, sql: str, *args: Any) -> Any: ...
    async def execute(self, sql: str, *args: Any) -> None: ...
    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None: ...


class Snapshot(Tx, Protocol):
    """A read-only transaction for a long read (an export): one snapshot, on a connection of
    its own, whose rows can be read in chunks (``snapshots.py``)."""

    def chunks(self, sql: str, *args: Any, size: int) -> AsyncIterator[list[Row]]: ...


class Database(Protocol):
    dialect: Dialect

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        """One statement on its own, outside any request transaction."""
        ...

    def transaction(self, *, write: bool) -> contextlib.AbstractAsyncContextManager[Tx]: ...

    def reader(self) -> contextlib.AbstractAsyncContextManager[Tx]:
        """For a request that reads with one statement: no BEGIN/COMMIT around it (one
        statement sees one snapshot by itself); on PostgreSQL that saves two round trips."""
        ...

    def snapshot(self) -> contextlib.AbstractAsyncContextManager[Snapshot]:
        """A read-only transaction that may stay open while a response streams (``Snapshot``),
        without holding up the process's other requests."""
        ...


# --- SQLite -----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$(\d+)")


@lru_cache(maxsize=1024)
def _sqlite_sql(sql: str) -> str:
    # Cached: the statements are a fixed set, and the substitution cost microseconds each.
    return _PLACEHOLDER.sub(r"?\1", sql)


def _adapt_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
    # The text format SQLAlchemy uses on SQLite; fixed width, so it sorts as it compares.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _convert_datetime(raw: bytes) -> datetime:
    return datetime.fromisoformat(raw.decode()).replace(tzinfo=UTC)


sqlite3.register_adapter(datetime, _adapt_datetime)
sqlite3.register_adapter(date, date.isoformat)
sqlite3.register_adapter(Decimal, str)
sqlite3.register_converter("DATETIME", _convert_datetime)
sqlite3.register_converter("DATE", lambda raw: date.fromisoformat(raw.decode()))
sqlite3.register_converter("BOOLEAN", lambda raw: raw not in (b"0", b""))
sqlite3.register_converter("NUMERIC", lambda raw: Decimal(raw.decode()))


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def connect_sqlite(path: Path, *, busy_timeout_ms: int = 5000) -> sqlite3.Connection:
    """A connection with the project's pragmas; also used by the CLI and backups."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path,
        isolation_level=None,
        check_same_thread=False,
        detect_types=sqlite3.PARSE_DECLTYPES,
        cached_statements=512,
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit acknowledged to the client survives power loss, as on PostgreSQL.
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


# SQLite's result codes where the database, not the statement, failed: another process held
# the lock past the busy timeout (BUSY, LOCKED), or the disk is full (FULL, PostgreSQL's 53100).
_SQLITE_UNAVAILABLE = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_FULL})


def _is_busy(exc: sqlite3.Error) -> bool:
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY


# Pauses between attempts at the write lock, in seconds: short at first, since another worker's
# write transaction holds the lock for about a millisecond, then capped, so a waiting writer
# notices a released lock within 10 ms and an attempt (a few microseconds) stays rare.
_WRITE_LOCK_PAUSES = (0.0005, 0.001, 0.002, 0.004, 0.008, 0.01)


def _translate_sqlite(exc: sqlite3.Error) -> DatabaseError:
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityViolation(str(exc))
    # The primary code is the extended one's low byte (SQLITE_BUSY_SNAPSHOT is a BUSY); errors
    # of the sqlite3 module itself, such as a missing argument, carry none.
    if (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_UNAVAILABLE:
        return DatabaseUnavailable(str(exc))
    return DatabaseError(str(exc))


class _SqliteTx:
    dialect: Dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _run(self, sql: str, args: Sequence[Any]) -> sqlite3.Cursor:
        try:
            return self._conn.execute(_sqlite_sql(sql), args)
        except sqlite3.Error as exc:
            raise _translate_sqlite(exc) from exc

    # Rows come back as tuples and become dicts here: sqlite3.Row finds a column by comparing
    # the name with every column's, case-insensitively, which for a 27-column entry cost more
    # than building the dict once.
    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        cursor = self._run(sql, args)
        rows = cursor.fetchall()
        if not rows:
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in rows]

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        cursor = self._run(sql, args)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = self._run(sql, args).fetchone()
        return None if row is None else row[0]

    async def execute(self, sql: str, *args: Any) -> None:
        self._run(sql, args)

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        try:
            self._conn.executemany(_sqlite_sql(sql), args)
        except sqlite3.Error as exc:
            raise _translate_sqlite(exc) from exc


class _SqliteReader:
    """The process's connection under its lock, without a transaction (``Database.reader``).
    A class rather than a generator context manager: this runs on every one-record read."""

    __slots__ = ("_conn", "_lock")

    def __init__(self, conn: sqlite3.Connection, lock: asyncio.Lock) -> None:
        self._conn = conn
        self._lock = lock

    async def __aenter__(self) -> Tx:
        await self._lock.acquire()
        return _SqliteTx(self._conn)

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()


class SqliteDatabase:
    dialect: Dialect = "sqlite"

    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        if self._conn is None:
            conn = connect_sqlite(self.path, busy_timeout_ms=self._busy_timeout_ms)
            conn.row_factory = None  # plain tuples; _SqliteTx makes them dicts
            # From here on SQLite never waits for a lock itself: it would sleep on the event
            # loop. The write lock is waited for in _begin_write; a WAL reader needs no lock,
            # except while the log's index is rebuilt after a crash (then 503). The rebuild at
            # start-up happened in connect_sqlite's journal_mode pragma, under the timeout.
            conn.execute("PRAGMA busy_timeout = 0")
            self._conn = conn

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        if self._conn is None:
            raise DatabaseUnavailable("database is not open")
        async with self._lock:
            return await _SqliteTx(self._conn).fetchrow(sql, *args)

    def reader(self) -> contextlib.AbstractAsyncContextManager[Tx]:
        if self._conn is None:
            raise DatabaseUnavailable("database is not open")
        return _SqliteReader(self._conn, self._lock)

    def snapshot(self) -> contextlib.AbstractAsyncContextManager[Snapshot]:
        # Imported here: snapshots.py builds on this module's types.
        from timetrack.snapshots import sqlite_snapshot

        if self._conn is None:
            raise DatabaseUnavailable("database is not open")
        return sqlite_snapshot(self.path)

    @contextlib.asynccontextmanager
    async def transaction(self, *, write: bool) -> AsyncIterator[Tx]:
        conn = self._conn
        if conn is None:
            raise DatabaseUnavailable("database is not open")
        if write:
            await self._begin_write(conn)
        else:
            await self._lock.acquire()
            try:
                conn.execute("BEGIN")  # deferred: a read takes no lock until its first statement
            except sqlite3.Error as exc:
                self._lock.release()
                raise _translate_sqlite(exc) from exc
        try:
            try:
                yield _SqliteTx(conn)
            except BaseException:
                # SQLite may have rolled back already (it does on a full disk).
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise _translate_sqlite(exc) from exc
        finally:
            self._lock.release()

    async def _begin_write(self, conn: sqlite3.Connection) -> None:
        """``BEGIN IMMEDIATE``, returning with the process's lock held. While another process
        holds the write lock, wait for it with ``asyncio.sleep`` and without the process's
        lock, so the worker's reads and other requests go on; past the busy timeout, 503."""
        pauses = iter(_WRITE_LOCK_PAUSES)
        pause = 0.0
        deadline: float | None = None
        while True:
            await self._lock.acquire()
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.Error as exc:
                self._lock.release()
                if not _is_busy(exc):
                    raise _translate_sqlite(exc) from exc
                now = asyncio.get_running_loop().time()
                if deadline is None:
                    deadline = now + self._busy_timeout_ms / 1000
                if now >= deadline:
                    raise DatabaseUnavailable(
                        f"another connection held the write lock past the busy timeout "
                        f"({self._busy_timeout_ms} ms)"
                    ) from exc
            pause = next(pauses, pause)
            await asyncio.sleep(min(pause, deadline - now))


# --- PostgreSQL: postgres.py ------------------------------------------------------------------


def pg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def create_database(url: str, *, pool_size: int = 10, busy_timeout_ms: int = 5000) -> Database:
    if url.startswith("sqlite:"):
        return SqliteDatabase(sqlite_path(url), busy_timeout_ms=busy_timeout_ms)
    # Imported here: postgres.py builds on this module's types.
    from timetrack.postgres import PostgresDatabase

    return PostgresDatabase(url, pool_size=pool_size)


async def next_id(tx: Tx, account_id: int, resource: str) -> int:
    """Allocate the next per-account id of a resource.

    Ids count per account (the vendor's examples address ``/projects/1`` in a fresh account) and
    so reveal nothing about other accounts. The counter row is locked until commit, so two
    concurrent creates can never draw the same id.
    """
    return await next_ids(tx, account_id, resource, 1)


async def next_ids(tx: Tx, account_id: int, resource: str, count: int) -> int:
    """Allocate ``count`` consecutive ids of a resource with one counter bump; return the first
    (a bulk create numbers its records ``first .. first + count - 1``)."""
    if count < 1:
        raise ValueError(f"cannot allocate {count} ids")
    # The same row counts the live records (crud.soft_delete takes one off).
    last: int = await tx.fetchval(
        "INSERT INTO id_counters (account_id, resource, last_id, live) VALUES ($1, $2, $3, $3) "
        "ON CONFLICT (account_id, resource) DO UPDATE SET last_id = id_counters.last_id + $3, "
        "live = id_counters.live + $3 RETURNING last_id",
        account_id,
        resource,
        count,
    )
    return last - count + 1
