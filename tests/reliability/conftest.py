"""Fixtures of the reliability tests: each runs once per database against a real server.

These tests do not use the suite's ``backend`` fixture (an in-process app on a shared
database); each starts ``timetrack serve`` on a database of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from .server import DIALECTS, scratch_database


@pytest.fixture(params=DIALECTS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database: SQLite in ``tmp_path``, then a scratch PostgreSQL database."""
    async with scratch_database(request.param, tmp_path) as url:
        yield url
