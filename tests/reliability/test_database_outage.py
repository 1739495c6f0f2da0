"""PostgreSQL going away (issue 10, point 1): ``503`` with ``Retry-After``, never ``500``, and
service back by itself when the database is.

A real ``timetrack serve`` takes concurrent requests of every kind of database access: the
credential check (one pooled statement), a one-statement read (``Database.reader``, no
transaction), a listing (a read transaction), a create and an update (write transactions, the
update locking its row). Meanwhile an admin connection terminates the server's backends, or
closes the database to new connections. Every answer must be a ``2xx`` or a ``503`` (code
10020) with ``Retry-After``; afterwards the same server, not restarted, must answer every
request again. ``TIMETRACK_OUTAGE_ROUNDS`` (default 8) sets how many times the backends are
terminated, for a long run.

PostgreSQL only: a terminated backend or a database refusing connections has no SQLite
equivalent (SQLite is a file the process opens once; its one unavailable state, a write lock held
past the busy timeout, is a 503 too: ``tests/test_database_errors.py``).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
from conftest import PG_ADMIN_URL, scratch_postgres

from timetrack.db import pg_dsn

from .server import Server, running

WORKERS = 4  # concurrent clients during an outage
ROUNDS = int(os.environ.get("TIMETRACK_OUTAGE_ROUNDS", "8"))  # terminations of every backend, ...
PAUSE = 0.25  # ... this many seconds apart
RECOVERY = 20.0  # seconds the service may take to come back


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[Server]:
    async with scratch_postgres("timetrack_outage") as url, running(url, tmp_path) as started:
        yield started


def _database(server: Server) -> str:
    return server.database_url.rsplit("/", 1)[1]


async def _terminate_backends(admin: asyncpg.Connection, database: str) -> int:
    """Terminate the server's sessions on its own database (other test runs share the
    PostgreSQL server and its ``application_name``)."""
    killed: int = await admin.fetchval(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = $1 AND application_name = 'timetrack' AND pid <> pg_backend_pid()",
        database,
    )
    return killed


def _requests(
    api: httpx.AsyncClient, client_id: int
) -> list[Callable[[], Awaitable[httpx.Response]]]:
    """One request of each kind of database access (the credential check precedes each)."""
    return [
        lambda: api.get(f"/clients/{client_id}"),  # Database.reader
        lambda: api.get("/clients", params={"limit": 5}),  # a read transaction
        lambda: api.post("/clients", json={"name": f"c-{uuid.uuid4().hex[:12]}"}),  # a write
        lambda: api.put(f"/clients/{client_id}", json={"notes": uuid.uuid4().hex}),  # locks a row
    ]


def _unexpected(response: httpx.Response) -> str | None:
    """What is wrong with an answer given while the database is away, if anything."""
    if 200 <= response.status_code < 300:
        return None
    if response.status_code != 503:
        return f"{response.status_code}: {response.text[:300]}"
    codes = [error.get("code") for error in response.json().get("errors", [])]
    if codes != [10020] or response.headers.get("retry-after") != "1":
        return f"503 {codes} Retry-After={response.headers.get('retry-after')!r}"
    return None


async def _recovered(server: Server, client_id: int) -> None:
    """Wait until requests succeed again, then every kind of request, on every pooled
    connection at once (more requests than the pool holds), must succeed."""
    async with server.client(timeout=30) as api:
        deadline = time.monotonic() + RECOVERY
        while (await api.get(f"/clients/{client_id}")).status_code != 200:
            assert time.monotonic() < deadline, f"no recovery within {RECOVERY} s"
            await asyncio.sleep(0.2)
        requests = _requests(api, client_id) * 6
        answers = await asyncio.gather(*(send() for send in requests))
        failed = [
            f"{r.request.method} {r.status_code} {r.text[:200]}" for r in answers if r.is_error
        ]
        assert not failed, failed
        health = await api.get(server.base_url + "/healthz")
        assert health.status_code == 200, health.text


async def _create_client(server: Server) -> int:
    async with server.client(timeout=30) as api:
        created = await api.post("/clients", json={"name": "outage"})
        assert created.status_code == 201, created.text
        client_id: int = created.json()["id"]
        return client_id


async def test_backends_terminated_under_load(server: Server) -> None:
    """Every backend of the server is terminated eight times (ROUNDS), a quarter second apart,
    while four clients send requests of every kind: only 2xx or 503 (10020, Retry-After), never
    a 500 and never a dropped connection; then full service without a restart."""
    client_id = await _create_client(server)
    stop = asyncio.Event()
    answers: list[httpx.Response] = []

    async def load(api: httpx.AsyncClient, offset: int) -> None:
        requests = _requests(api, client_id)
        n = offset
        while not stop.is_set():
            answers.append(await requests[n % len(requests)]())
            n += 1

    admin = await asyncpg.connect(pg_dsn(server.database_url))
    try:
        async with server.client(timeout=30) as api:
            clients = [asyncio.create_task(load(api, i)) for i in range(WORKERS)]
            killed = 0
            try:
                for _ in range(ROUNDS):
                    await asyncio.sleep(PAUSE)
                    killed += await _terminate_backends(admin, _database(server))
            finally:
                stop.set()
                await asyncio.gather(*clients)
    finally:
        await admin.close()
    assert killed >= ROUNDS, f"only {killed} backends terminated: the outage did not happen"
    assert answers, "no request was answered"
    wrong = [problem for r in answers if (problem := _unexpected(r))]
    assert not wrong, f"{len(wrong)} of {len(answers)} answers: {wrong[:5]}"
    await _recovered(server, client_id)


async def test_database_refusing_connections(server: Server) -> None:
    """With the database closed to new connections (``ALLOW_CONNECTIONS false``) and the
    server's backends terminated, every authenticated request answers 503 (10020, Retry-After)
    and ``/healthz`` 503; once connections are allowed again, the same server serves again."""
    client_id = await _create_client(server)
    database = _database(server)
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        await _terminate_backends(admin, database)
        async with server.client(timeout=30) as api:
            for _ in range(2):  # twice: the pool must not settle into a worse state
                for send in _requests(api, client_id):
                    response = await send()
                    assert response.status_code == 503, response.text
                    assert _unexpected(response) is None, _unexpected(response)
                health = await api.get(server.base_url + "/healthz")
                assert health.status_code == 503, health.text
                assert health.json()["errors"][0]["code"] == 10020
    finally:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        await admin.close()
    await _recovered(server, client_id)
