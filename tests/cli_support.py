"""Running the ``timetrack`` command in-process, for the tests of the CLI and of what it writes.

``cli.main`` runs ``asyncio.run`` for its database work, which cannot start inside a test's
running loop, so every call goes through a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from timetrack import cli
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import create_database


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Awaitable[Result]]


def one_line_error(result: Result) -> str:
    """The one line a failed command prints: on stderr, prefixed, no traceback."""
    assert result.code == 1, result
    assert result.out == "", result
    message = result.err.rstrip("\n")
    assert message.startswith("timetrack: "), result.err
    assert "\n" not in message, result.err
    assert "Traceback" not in result.err
    return message


def point_cli_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Clear the TIMETRACK_* settings (but the tests' own) and point the CLI at a fresh, not yet
    existing data directory, which it returns. The cheapest Argon2 cost: users are created,
    and hashing strength is not under test."""
    for name in list(os.environ):
        if name.startswith("TIMETRACK_") and not name.startswith("TIMETRACK_TEST_"):
            monkeypatch.delenv(name)
    folder = tmp_path / "data"
    monkeypatch.setenv("TIMETRACK_DATA_DIR", str(folder))
    monkeypatch.setenv("TIMETRACK_LOG_LEVEL", "info")
    monkeypatch.setenv("TIMETRACK_PASSWORD_TIME_COST", "1")
    monkeypatch.setenv("TIMETRACK_PASSWORD_MEMORY_KIB", "1024")
    return folder


def cli_runner(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``timetrack ARGV...`` as a coroutine: its exit code and what it printed."""

    async def run(*argv: str) -> Result:
        capsys.readouterr()
        code = await asyncio.to_thread(cli.main, list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


async def cli_api(
    creds: dict[str, Any], method: str, path: str, body: dict[str, Any] | None = None
) -> httpx.Response:
    """One request, with an account's credentials as the CLI printed them, to a server on the
    CLI's database."""
    settings = Settings()
    database = create_database(settings.effective_database_url)
    await database.open()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(settings, database)),
            base_url="http://testserver/api/v2/ext",
            headers={
                "X-TimeTrack-Api-Key": creds["apiKey"],
                "X-TimeTrack-Api-Secret": creds["apiSecret"],
            },
        ) as client:
            return await client.request(method, path, json=body)
    finally:
        await database.close()
