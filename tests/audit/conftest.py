"""Fixtures of the tests in tests/audit/ (their helpers are in common.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cli_support import Cli, cli_runner, point_cli_at
from conftest import scratch_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
async def cli_db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[str]:
    """A fresh database the CLI is pointed at: a data directory, or a scratch PostgreSQL one."""
    point_cli_at(tmp_path, monkeypatch)
    if request.param == "sqlite":
        yield "sqlite"
        return
    async with scratch_postgres("timetrack_audit") as url:
        monkeypatch.setenv("TIMETRACK_DATABASE_URL", url)
        yield "postgresql"


@pytest.fixture
def run(cli_db: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    return cli_runner(capsys)
