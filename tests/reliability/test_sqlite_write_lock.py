"""A SQLite write never freezes a worker (issue 11, point 2).

Another process holds the database's write lock (``BEGIN IMMEDIATE``) while a real
``timetrack serve`` gets writes, which must wait for it. Meanwhile the server's one-record reads,
listings and ``/healthz`` must each answer within ``PROMPT``: the waiting writes may not stall
their worker. Once the lock is let go the writes succeed; held past the busy timeout, they
answer ``503`` (code 10020) with ``Retry-After: 1`` and store nothing. Both on one worker and
on two: more writes are sent than there are workers, and the kernel hands each new connection
to a worker that is free to accept it, so before the fix (SQLite waiting for the lock inside
``sqlite3``, on the event loop) every worker ended up frozen and the reads got no answer.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from timetrack.db import sqlite_path

from .server import Server, running, scratch_database

BUSY_TIMEOUT = 3.0  # seconds: the server's TIMETRACK_SQLITE_BUSY_TIMEOUT_MS
HOLD = 1.0  # seconds the lock is held when the writes are to get it
# Seconds a read or /healthz may take while writes wait. A worker frozen by a write (as before
# the fix) answers nothing until that write's wait for the lock ends, and the lock is let go only
# once the reads are done, or held past the busy timeout: that wait is the whole busy timeout,
# and the first read, sent right after the writes, waits nearly all of it. Half the busy timeout
# tells the two apart with room for a machine busy with other tests (the suite runs in
# parallel), where a prompt answer can take a good part of a second.
PROMPT = BUSY_TIMEOUT / 2
WRITES = 6  # more than the workers, so each worker has writes waiting

# Holds the write lock from a process of its own until a line arrives on its stdin.
_HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
print("released", flush=True)
"""


@dataclass
class Target:
    server: Server
    database: Path
    client_id: int


@pytest.fixture(scope="module", params=[1, 2], ids=["1-worker", "2-workers"])
async def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Target]:
    workdir = tmp_path_factory.mktemp(f"write-lock-{request.param}")
    settings = {"TIMETRACK_SQLITE_BUSY_TIMEOUT_MS": str(int(BUSY_TIMEOUT * 1000))}
    async with (
        scratch_database("sqlite", workdir) as url,
        running(url, workdir, workers=request.param, settings=settings) as server,
        server.client(timeout=30) as api,
    ):
        created = await api.post("/clients", json={"name": "read while locked"})
        assert created.status_code == 201, created.text
        yield Target(server, sqlite_path(url), created.json()["id"])


class _LockHolder:
    """Another process holding the database's write lock until :meth:`release`."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.released_at: float | None = None

    async def release(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(b"\n")
        await self.process.stdin.drain()
        assert await self.process.stdout.readline() == b"released\n"
        self.released_at = time.monotonic()
        await self.process.wait()


async def _hold_write_lock(database: Path) -> _LockHolder:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _HOLDER,
        str(database),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 30) == b"locked\n"
    return _LockHolder(process)


async def _timed_write(api: httpx.AsyncClient, name: str) -> tuple[httpx.Response, float]:
    response = await api.post("/clients", json={"name": name})
    return response, time.monotonic()


async def _send_writes(
    api: httpx.AsyncClient, names: list[str]
) -> list[asyncio.Task[tuple[httpx.Response, float]]]:
    """Start a create per name, a moment apart: each reaches the lock before the next is sent,
    so a worker that froze on its write accepts no more connections, and the next write (and
    before the fix, the next frozen worker) is another worker's."""
    writes = []
    for name in names:
        writes.append(asyncio.create_task(_timed_write(api, name)))
        await asyncio.sleep(0.05)
    return writes


async def _reads_while(target: Target, waiting: Callable[[], bool]) -> list[str]:
    """Send a one-record read, a listing and ``/healthz`` in turn, each on a new connection
    (which goes to whichever worker accepts it), as long as ``waiting()``; return what was
    not a prompt 200. At least one round is sent."""
    server = target.server
    requests = [
        f"/clients/{target.client_id}",
        "/clients?limit=5",
        server.base_url + "/healthz",
    ]
    slow: list[str] = []
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    async with server.client(timeout=10, limits=no_reuse) as api:
        first = True
        while first or waiting():
            first = False
            for path in requests:
                started = time.monotonic()
                try:
                    response = await api.get(path)
                except httpx.TimeoutException:
                    slow.append(f"{path}: no answer in 10 s")
                    continue
                seconds = time.monotonic() - started
                if response.status_code != 200 or seconds > PROMPT:
                    slow.append(f"{path}: {response.status_code} in {seconds:.3f} s")
    return slow


async def test_reads_answer_while_writes_wait_for_the_lock_then_the_writes_succeed(
    target: Target,
) -> None:
    """The lock held for HOLD seconds: every read and /healthz meanwhile answers within PROMPT;
    the writes wait, and succeed once the lock is let go."""
    names = [f"waited {uuid.uuid4().hex[:12]}" for _ in range(WRITES)]
    holder = await _hold_write_lock(target.database)
    locked_at = time.monotonic()
    async with target.server.client(timeout=30) as api:
        writes = await _send_writes(api, names)
        try:
            slow = await _reads_while(target, lambda: time.monotonic() < locked_at + HOLD)
            answered_early = [task.result()[0].text for task in writes if task.done()]
        finally:
            await holder.release()
            answers = await asyncio.gather(*writes)
        assert not slow, f"reads stalled while writes waited for the lock: {slow}"
        assert not answered_early, f"writes answered while the lock was held: {answered_early}"
        assert [response.status_code for response, _ in answers] == [201] * WRITES, [
            response.text for response, _ in answers
        ]
        assert holder.released_at is not None
        assert all(done >= holder.released_at - 0.05 for _, done in answers)
        stored = (await api.get("/clients", params={"limit": 100})).json()
        assert set(names) <= {client["name"] for client in stored}


async def test_writes_waiting_past_the_busy_timeout_answer_503(target: Target) -> None:
    """The lock held past the busy timeout: reads stay prompt all along, the writes answer
    503 (10020, Retry-After: 1) no earlier than the busy timeout and store nothing; once the
    lock is let go, a write succeeds again."""
    names = [f"refused {uuid.uuid4().hex[:12]}" for _ in range(WRITES)]
    holder = await _hold_write_lock(target.database)
    started = time.monotonic()
    async with target.server.client(timeout=30) as api:
        writes = await _send_writes(api, names)
        try:
            slow = await _reads_while(target, lambda: not all(task.done() for task in writes))
            answers = await asyncio.gather(*writes)
        finally:
            await holder.release()
        assert not slow, f"reads stalled while writes waited for the lock: {slow}"
        for response, done in answers:
            assert response.status_code == 503, response.text
            assert response.json()["errors"][0]["code"] == 10020
            assert response.headers["Retry-After"] == "1"
            assert done - started >= BUSY_TIMEOUT - 0.05
        stored = (await api.get("/clients", params={"limit": 100})).json()
        assert not set(names) & {client["name"] for client in stored}
        after = await api.post("/clients", json={"name": f"after {uuid.uuid4().hex[:12]}"})
        assert after.status_code == 201, after.text
