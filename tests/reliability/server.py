"""A real ``timetrack serve`` process for the reliability tests, and a scratch database for it.

The server runs in a process group of its own (``start_new_session``), so one SIGKILL of the
group takes the uvicorn supervisor and every worker down at the same instant, as an OOM kill of
the whole service or a power cut would. Every start picks a fresh free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from conftest import scratch_postgres

API = "/api/v2/ext"
DIALECTS = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a server (or a CLI command) on ``database_url``, and nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIMETRACK_")}
    env.update(
        TIMETRACK_DATABASE_URL=database_url,
        TIMETRACK_DATA_DIR=str(data_dir),
        TIMETRACK_LOG_LEVEL="warning",
        # The cheapest Argon2 cost: hashing strength is not under test.
        TIMETRACK_PASSWORD_TIME_COST="1",
        TIMETRACK_PASSWORD_MEMORY_KIB="1024",
        # These tests send as fast as they can on purpose.
        TIMETRACK_RATE_LIMIT_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def _group_members(pgid: int) -> list[str]:
    """The processes of the group that can still run code (not exiting, not zombies)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        return [f"group {pgid}"]
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, group, _sid, _tty, _tpgid, flags = stat.rsplit(")", 1)[1].split()[:7]
        # PF_EXITING (0x4): SIGKILL has taken it, it runs no more code of its own; under load
        # the kernel may take seconds to finish tearing it down.
        if int(group) == pgid and state not in "ZX" and not int(flags) & 0x4:
            members.append(stat)
    return members


class Server:
    """``python -m timetrack serve`` on one database; started, killed and restarted at will."""

    def __init__(
        self,
        database_url: str,
        workdir: Path,
        *,
        workers: int = 1,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.workers = workers
        self.settings = settings or {}  # TIMETRACK_* variables of this server's own
        self.log = workdir / "server-0.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.starts = 0
        self.headers: dict[str, str] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, **options: Any) -> httpx.AsyncClient:
        """A client of the account ``default`` (created and printed by the first start)."""
        return httpx.AsyncClient(
            base_url=self.base_url + API, headers=self.headers, trust_env=False, **options
        )

    async def start(self, *, workers: int | None = None) -> None:
        assert self.process is None, "the server is running already"
        # A free port can be taken by another process (the suite runs in several) between
        # free_port() and the server's bind: then the server says so and exits, and the start
        # is tried again on another port.
        for attempt in range(1, 4):
            self.port = free_port()
            self.starts += 1
            log = self.log = self.workdir / f"server-{self.starts}.log"
            argv = [sys.executable, "-m", "timetrack", "serve", "--port", str(self.port)]
            argv += ["--workers", str(workers or self.workers)]
            with log.open("wb") as out:
                self.process = subprocess.Popen(
                    argv,
                    env={**server_env(self.database_url, self.workdir / "data"), **self.settings},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                await self._wait_until_up(log)
                break
            except AssertionError:
                port_taken = "the address is already in use" in log.read_text()
                if attempt == 3 or self.process.poll() is None or not port_taken:
                    raise
                self.process = None
        if not self.headers:
            printed = log.read_text()
            key = re.search(r"API key:\s*(\S+)", printed)
            secret = re.search(r"API secret:\s*(\S+)", printed)
            assert key and secret, f"the first start printed no credentials:\n{printed}"
            self.headers = {
                "X-TimeTrack-Api-Key": key.group(1),
                "X-TimeTrack-Api-Secret": secret.group(1),
            }

    async def _wait_until_up(self, log: Path) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(base_url=self.base_url, trust_env=False) as client:
            while True:
                if self.process.poll() is not None:
                    raise AssertionError(
                        f"the server exited with {self.process.returncode}:\n{log.read_text()}"
                    )
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get("/healthz", timeout=2)).status_code == 200:
                        return
                assert time.monotonic() < deadline, "the server did not answer /healthz in 60 s"
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the whole process group at once; return when none of it runs any more."""
        self._end(signal.SIGKILL, grace=0)

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM to the group), by SIGKILL after 15 s."""
        self._end(signal.SIGTERM, grace=15)

    def _end(self, first: signal.Signals, *, grace: float) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        # The group's id is the leader's pid, which cannot be reused while the leader is not
        # reaped (returncode None) or a member lives: signal the group only then, and reap last.
        # A killed process that the scheduler has not run yet still shows as running, so even
        # after SIGKILL wait (up to 10 s) for the kernel to take every member down.
        for sig, wait in ((first, grace), (signal.SIGKILL, 10.0)):
            if process.returncode is None or _group_members(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
            deadline = time.monotonic() + wait
            while _group_members(process.pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            if not _group_members(process.pid):
                break
        survivors = _group_members(process.pid)
        # Reap before asserting: an unreaped Popen warns at garbage collection, which would
        # fail whichever unrelated test happens to be running then.
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        assert not survivors, f"survived SIGKILL of their group: {survivors}"


@contextlib.asynccontextmanager
async def running(
    database_url: str,
    workdir: Path,
    *,
    workers: int = 1,
    settings: dict[str, str] | None = None,
) -> AsyncIterator[Server]:
    """A started server, stopped (its whole process group) however the block ends."""
    server = Server(database_url, workdir, workers=workers, settings=settings)
    try:
        await server.start()
        yield server
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def scratch_database(dialect: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database: a file in ``tmp_path``, or a PostgreSQL database of its
    own, dropped afterwards (conftest.scratch_postgres: skipped when no server answers)."""
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'timetrack.db'}"
        return
    async with scratch_postgres("timetrack_rel") as url:
        yield url


async def list_all(client: httpx.AsyncClient, resource: str) -> list[dict[str, Any]]:
    """Every live record of a resource, page by page."""
    records: list[dict[str, Any]] = []
    page = 0
    while True:
        response = await client.get(f"/{resource}", params={"limit": 1000, "page_number": page})
        assert response.status_code == 200, response.text
        batch: list[dict[str, Any]] = response.json()
        records += batch
        if len(batch) < 1000:
            return records
        page += 1
