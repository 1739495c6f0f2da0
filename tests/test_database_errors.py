"""Which database failures are an outage (``DatabaseUnavailable``: 503, code 10020) and which a
bug (``DatabaseError``: 500), on both databases, and that a connection whose session failed is
replaced. The outage against a real server under load is
``tests/reliability/test_database_outage.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from conftest import PG_ADMIN_URL, Backend, client

from timetrack.db import (
    Database,
    DatabaseError,
    DatabaseUnavailable,
    IntegrityViolation,
    SqliteDatabase,
    Tx,
    connect_sqlite,
    create_database,
)
from timetrack.postgres import translate


async def _one(database: Database) -> Any:
    row = await database.fetchrow("SELECT 1 AS one")
    assert row is not None
    return row["one"]


async def test_a_faulty_statement_is_a_bug_not_an_outage(database: Database) -> None:
    """A syntax error, a missing argument or an argument of a type the driver cannot send is
    a 500, not a 503 that would tell the client to retry; the connection stays in service."""
    faulty: list[tuple[str, tuple[Any, ...]]] = [
        ("SELEC 1", ()),
        ("SELECT $1 + 1", ()),
        ("SELECT $1 + 1", (object(),)),
    ]
    for sql, args in faulty:
        with pytest.raises(DatabaseError) as raised:
            async with database.reader() as tx:
                await tx.fetchval(sql, *args)
        assert not isinstance(raised.value, DatabaseUnavailable), (sql, raised.value)
        assert await _one(database) == 1


@pytest.fixture
def postgres_only(backend: Backend) -> Backend:
    if backend.name != "postgresql":
        pytest.skip("a session ended by the server has no SQLite equivalent")
    return backend


@pytest.fixture
async def own_pool(postgres_only: Backend) -> AsyncIterator[Database]:
    """A pool of its own, so ending its sessions disturbs no other test."""
    database = create_database(postgres_only.url, pool_size=2)
    await database.open()
    yield database
    await database.close()


async def _terminate(pid: int) -> None:
    """End the session ``pid`` from another connection, and wait until the server has."""
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        while await admin.fetchval("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid):
            await asyncio.sleep(0.01)
    finally:
        await admin.close()


@pytest.mark.parametrize("how", ["reader", "read", "write"])
@pytest.mark.parametrize("when", ["between-statements", "during-a-statement"])
async def test_a_session_ended_under_a_request_is_an_outage_and_replaced(
    own_pool: Database, how: str, when: str
) -> None:
    """A backend terminated in the middle of a request (a one-statement read, a read or a
    write transaction), between two statements or while one runs: DatabaseUnavailable, and
    the pool's next connections work."""
    opened: contextlib.AbstractAsyncContextManager[Tx] = (
        own_pool.reader() if how == "reader" else own_pool.transaction(write=how == "write")
    )
    with pytest.raises(DatabaseUnavailable):
        async with opened as tx:
            pid = await tx.fetchval("SELECT pg_backend_pid()")
            if when == "between-statements":
                await _terminate(pid)
                await tx.fetchval("SELECT 1")
            else:
                running = asyncio.create_task(tx.fetchval("SELECT pg_sleep(30)"))
                await asyncio.sleep(0.05)
                await _terminate(pid)
                await running
    for _ in range(3):  # more than the pool holds: no broken connection is left in it
        assert await _one(own_pool) == 1
        async with own_pool.transaction(write=True) as tx:
            assert await tx.fetchval("SELECT 2") == 2


class _Connection:
    def __init__(self, *, closed: bool) -> None:
        self.closed = closed

    def is_closed(self) -> bool:
        return self.closed


OPEN, CLOSED = _Connection(closed=False), _Connection(closed=True)


@pytest.mark.parametrize(
    ("error", "conn", "expected"),
    [
        (asyncpg.AdminShutdownError("terminating connection"), OPEN, DatabaseUnavailable),
        (
            asyncpg.CannotConnectNowError("the database system is starting up"),
            None,
            DatabaseUnavailable,
        ),
        (asyncpg.TooManyConnectionsError("too many clients"), None, DatabaseUnavailable),
        (asyncpg.DiskFullError("could not extend file"), OPEN, DatabaseUnavailable),
        (asyncpg.ConnectionDoesNotExistError("closed mid-operation"), OPEN, DatabaseUnavailable),
        (asyncpg.InternalClientError("cannot switch to state 12"), OPEN, DatabaseUnavailable),
        (ConnectionResetError(104, "reset by peer"), OPEN, DatabaseUnavailable),
        (TimeoutError("connect timed out"), None, DatabaseUnavailable),
        (asyncpg.InterfaceError("connection is closed"), CLOSED, DatabaseUnavailable),
        (asyncpg.InterfaceError("pool is closing"), None, DatabaseUnavailable),
        (asyncpg.InterfaceError("the server expects 1 argument"), OPEN, DatabaseError),
        (asyncpg.PostgresSyntaxError("syntax error"), OPEN, DatabaseError),
        (asyncpg.UndefinedColumnError("no such column"), OPEN, DatabaseError),
        (asyncpg.ReadOnlySQLTransactionError("read-only transaction"), OPEN, DatabaseError),
        (asyncpg.UniqueViolationError("duplicate key"), OPEN, IntegrityViolation),
    ],
)
def test_which_driver_errors_mean_the_database_is_unavailable(
    error: BaseException, conn: _Connection | None, expected: type[DatabaseError]
) -> None:
    """The PostgreSQL rule for the failures a test cannot provoke at will."""
    assert type(translate(error, conn)) is expected


async def test_a_write_lock_held_past_the_busy_timeout_is_an_outage(
    backend: Backend, tmp_path: Path
) -> None:
    """SQLite: another process holding the write lock longer than the busy timeout is a 503;
    once it lets go, writes go through."""
    if backend.name != "sqlite":
        pytest.skip("SQLite's file lock")
    path = tmp_path / "locked.db"
    database = SqliteDatabase(path, busy_timeout_ms=50)
    await database.open()
    other = connect_sqlite(path)
    try:
        other.execute("CREATE TABLE t (x INTEGER)")
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseUnavailable):
            async with database.transaction(write=True) as tx:
                await tx.execute("INSERT INTO t VALUES (1)")
        other.execute("ROLLBACK")
        async with database.transaction(write=True) as tx:
            await tx.execute("INSERT INTO t VALUES (1)")
    finally:
        other.close()
        await database.close()
    with contextlib.closing(sqlite3.connect(path)) as check:
        assert check.execute("SELECT count(*) FROM t").fetchone() == (1,)


async def test_a_write_waiting_for_the_lock_leaves_the_process_free(
    backend: Backend, tmp_path: Path
) -> None:
    """SQLite: while a write waits for another connection's write lock, the event loop and the
    process's own lock stay free, so reads and other statements of the process go on; the
    write goes through once the lock is let go. (Against a real server, 1 and 2 workers:
    ``tests/reliability/test_sqlite_write_lock.py``.)"""
    if backend.name != "sqlite":
        pytest.skip("SQLite's file lock")
    path = tmp_path / "waiting.db"
    database = SqliteDatabase(path, busy_timeout_ms=5000)
    await database.open()
    other = connect_sqlite(path)
    try:
        other.execute("CREATE TABLE t (x INTEGER)")
        other.execute("BEGIN IMMEDIATE")

        async def write() -> None:
            async with database.transaction(write=True) as tx:
                await tx.execute("INSERT INTO t VALUES (1)")

        waiting = asyncio.create_task(write())
        await asyncio.sleep(0.05)
        for _ in range(5):
            assert await asyncio.wait_for(_one(database), 0.5) == 1
            async with database.transaction(write=False) as tx:
                assert await asyncio.wait_for(tx.fetchval("SELECT count(*) FROM t"), 0.5) == 0
            await asyncio.sleep(0.02)
        assert not waiting.done()
        other.execute("ROLLBACK")
        await asyncio.wait_for(waiting, 1)
    finally:
        other.close()
        await database.close()
    with contextlib.closing(sqlite3.connect(path)) as check:
        assert check.execute("SELECT count(*) FROM t").fetchone() == (1,)


async def test_a_full_disk_is_an_outage(backend: Backend, tmp_path: Path) -> None:
    """SQLite: a write that does not fit (SQLITE_FULL, here by ``max_page_count``) is a 503,
    as a full disk is on PostgreSQL (53100), although SQLite has rolled the transaction back
    already; with room again, writes go through."""
    if backend.name != "sqlite":
        pytest.skip("PostgreSQL's disk full is in the table above")
    database = SqliteDatabase(tmp_path / "full.db")
    await database.open()
    try:
        async with database.transaction(write=True) as tx:
            await tx.execute("CREATE TABLE t (x TEXT)")
            pages = await tx.fetchval("PRAGMA page_count")
            await tx.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(DatabaseUnavailable):
            async with database.transaction(write=True) as tx:
                await tx.execute("INSERT INTO t VALUES ($1)", "x" * 100_000)
        async with database.transaction(write=True) as tx:
            await tx.execute("PRAGMA max_page_count = 1000000")
            await tx.execute("INSERT INTO t VALUES ($1)", "x" * 100_000)
            assert await tx.fetchval("SELECT count(*) FROM t") == 1
    finally:
        await database.close()


class _Unreachable(SqliteDatabase):
    """A database every statement of which finds it unavailable, as a server that went away."""

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        raise DatabaseUnavailable("connection refused")


async def test_health_and_every_request_answer_503_with_retry_after(tmp_path: Path) -> None:
    """``/healthz`` and an authenticated request (its credential check is the first statement)
    answer the same outage the same way: 503, 10020, ``Retry-After: 1``."""

    from timetrack.app import create_app
    from timetrack.config import Settings

    database = _Unreachable(tmp_path / "gone.db")
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'gone.db'}"), database)
    credentials = {"X-TimeTrack-Api-Key": "ttk_x", "X-TimeTrack-Api-Secret": "tts_y"}
    async with client(app, base_url="http://testserver") as caller:
        for response in (
            await caller.get("/healthz"),
            await caller.get("/api/v2/ext/clients", headers=credentials),
        ):
            assert response.status_code == 503, response.text
            assert response.json()["errors"][0]["code"] == 10020
            assert response.headers["Retry-After"] == "1"
