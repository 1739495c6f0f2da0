"""A client that goes away in the middle of a download leaves nothing behind: the export's
snapshot (``db.snapshot``) is released, on PostgreSQL its pooled connection back in the pool
with no transaction left open, on SQLite its connection closed so no reader pins the WAL.

The export is served by a real uvicorn on a loopback socket (the app of the test's database,
in this event loop), to a client that reads a little and closes the socket: what a browser
that cancels a download does. The sockets' buffers are made small, so a few thousand entries
are more than they hold and the server is still writing (its snapshot open, checked before the
client leaves) when the client goes. The second test cancels the request's task instead, as a
server does with a client too slow at shutdown.

Nothing in the code had to change for these: ``ExportResponse`` closes the export however the
response ends.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest
import uvicorn
from conftest import auth_headers
from fastapi import FastAPI
from starlette.types import Message

from exports.common import book, make_user, ok
from timetrack.accounts.service import Credentials
from timetrack.db import Database, connect_sqlite
from timetrack.postgres import PostgresDatabase

ENTRIES = 3000
BUFFER = 16 * 1024  # each socket's send or receive buffer (the kernel doubles it)
EXPORT = "/api/v2/ext/exports/project_time_entries?format=csv"


async def _many_entries(api: httpx.AsyncClient) -> None:
    await make_user(api, "anna")
    first = await book(api, "anna", "Acme", "2025-01-01")
    item = {k: first[k] for k in ("user", "clientName", "projectName")}
    for batch in range(ENTRIES // 1000):
        entries = [
            item | {"from": f"2025-02-{1 + n % 28:02d}T09:00:00Z", "workedMinutes": n % 600 + 1}
            for n in range(batch * 1000, (batch + 1) * 1000)
        ]
        await ok(await api.post("/project_time_entries/bulk", json=entries))


@pytest.fixture
async def server(app: FastAPI) -> AsyncIterator[int]:
    """uvicorn serving the test's app on a free port, its sockets' send buffers small."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)  # accepted ones inherit it
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", log_level="warning")
    served = uvicorn.Server(config)
    task = asyncio.create_task(served.serve(sockets=[listener]))
    while not served.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.02)
    yield listener.getsockname()[1]
    served.should_exit = True
    await task
    listener.close()


async def _start_download(port: int, creds: Credentials) -> asyncio.StreamWriter:
    """Ask for the export and read the first bytes of the answer; the writer, to hang up."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock, limit=BUFFER)
    headers = "".join(f"{k}: {v}\r\n" for k, v in auth_headers(creds).items())
    writer.write(f"GET {EXPORT} HTTP/1.1\r\nHost: localhost\r\n{headers}\r\n".encode())
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    assert head.startswith(b"HTTP/1.1 200"), head
    assert await asyncio.wait_for(reader.read(BUFFER), 30)
    return writer


async def _eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + 15
    while not await check():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


def _held(database: Database, api: httpx.AsyncClient) -> Callable[[], Awaitable[bool]]:
    """Whether some export's snapshot is open on ``database``."""
    if isinstance(database, PostgresDatabase):
        pool = database._pool
        assert pool is not None

        async def pg_held() -> bool:
            conn = await asyncpg.connect(database.dsn)
            try:
                open_transactions = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                )
            finally:
                await conn.close()
            return bool(open_transactions) or pool.get_idle_size() < pool.get_size()

        return pg_held

    written = iter(range(1_000_000))

    async def sqlite_held() -> bool:
        # A write (which WAL lets through beside readers) puts frames in the WAL that an open
        # reader's older snapshot does not see, so a TRUNCATE checkpoint reports itself
        # blocked (busy = 1) while any reader is open.
        await ok(await api.post("/clients", json={"name": f"written {next(written)}"}))
        conn = connect_sqlite(database.path, busy_timeout_ms=0)  # type: ignore[attr-defined]
        try:
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
        return bool(busy)

    return sqlite_held


async def test_a_client_that_hangs_up_mid_download_leaves_no_snapshot_open(
    api: httpx.AsyncClient, account: Credentials, database: Database, server: int
) -> None:
    await _many_entries(api)
    held = _held(database, api)
    assert not await held()  # nothing open before the export
    writer = await _start_download(server, account)
    await _eventually(held, "the export's snapshot is open while it streams")
    writer.close()  # the client hangs up, most of the file unread
    await _eventually(lambda: _negated(held), "the snapshot is released after the hang-up")
    # and the database serves the next request as usual
    assert (await api.get("/project_time_entries", params={"limit": 1})).status_code == 200


async def _negated(check: Callable[[], Awaitable[bool]]) -> bool:
    return not await check()


async def test_a_download_cancelled_by_the_server_leaves_no_snapshot_open(
    api: httpx.AsyncClient, account: Credentials, app: FastAPI, database: Database
) -> None:
    """The request's task cancelled mid-stream (a server that stops waiting for a slow client
    at shutdown) releases the snapshot too."""
    await _many_entries(api)
    held = _held(database, api)
    path, query = EXPORT.split("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"localhost")]
        + [(k.lower().encode(), v.encode()) for k, v in auth_headers(account).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    first_body = asyncio.Event()

    async def receive() -> Message:
        await asyncio.Event().wait()  # the client neither sends nor leaves
        raise AssertionError

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            first_body.set()
            await asyncio.Event().wait()  # a client that stopped reading

    task = asyncio.create_task(app(scope, receive, send))
    await asyncio.wait_for(first_body.wait(), 30)
    assert await held()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await _eventually(lambda: _negated(held), "the snapshot is released after the cancel")
