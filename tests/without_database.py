"""An app without a database: any use of its database fails the test that made it.

Tests of what the server answers before touching a database (the OpenAPI document, requests
refused for want of credentials) use it (conftest's ``app_without_database`` and ``anon``), and
so run once instead of once per database; test modules that read the document while being
collected use it too. One app per process, so the document is built once per process.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from fastapi import FastAPI

from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import Dialect, Row, Snapshot, Tx


class NoDatabase:
    """The database of ``app_without_database``: any use of it fails the test. A test that
    passes on that app answered without touching a database, so which one cannot change its
    outcome, and it runs once instead of once per backend."""

    def _used(self, what: str) -> AssertionError:
        return AssertionError(
            f"this test used the database ({what}) on app_without_database: "
            "ask for `app` (or `api`) to run it on each database"
        )

    @property
    def dialect(self) -> Dialect:
        raise self._used("its dialect")

    @dialect.setter
    def dialect(self, value: Dialect) -> None:  # Database declares a settable attribute
        raise self._used("its dialect")

    async def open(self) -> None:
        raise self._used("open")

    async def close(self) -> None:
        raise self._used("close")

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        raise self._used(sql)

    def transaction(self, *, write: bool) -> contextlib.AbstractAsyncContextManager[Tx]:
        raise self._used(f"transaction(write={write})")

    def reader(self) -> contextlib.AbstractAsyncContextManager[Tx]:
        raise self._used("reader")

    def snapshot(self) -> contextlib.AbstractAsyncContextManager[Snapshot]:
        raise self._used("snapshot")


@functools.cache
def app() -> FastAPI:
    """The app on ``NoDatabase``, with the suite's cheap password hashing (conftest's)."""
    settings = Settings(
        database_url="sqlite:///unused.db", password_time_cost=1, password_memory_kib=1024
    )
    return create_app(settings, NoDatabase())


def openapi_document() -> dict[str, Any]:
    """The server's OpenAPI document (built once per process: read it, do not change it)."""
    return app().openapi()
