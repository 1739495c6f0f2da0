"""Every test runs against both databases: SQLite (always) and PostgreSQL (when reachable).

Each test works in accounts of its own, created fresh, so tests never see each other's data
and no cleanup between tests is needed (tenant isolation is what the product promises anyway).

PostgreSQL: ``TIMETRACK_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``)
names a server where the suite may create and drop a scratch database. When it is unreachable
the PostgreSQL leg is skipped with a message, unless ``TIMETRACK_REQUIRE_POSTGRES=1`` (CI),
which makes it fail.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
import without_database
from fastapi import FastAPI

from timetrack import migrate
from timetrack.accounts.service import Credentials, create_account
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import Database, create_database

PG_ADMIN_URL = os.environ.get(
    "TIMETRACK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("TIMETRACK_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]


@dataclass
class Backend:
    name: str
    url: str
    settings: Settings


async def _pg_reachable() -> str | None:
    try:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


@contextlib.asynccontextmanager
async def scratch_postgres(prefix: str) -> AsyncIterator[str]:
    """The URL of an empty PostgreSQL database of its own (``prefix`` and a random suffix),
    dropped afterwards. Skips the test with a message when no server answers, or fails it with
    TIMETRACK_REQUIRE_POSTGRES=1."""
    problem = await _pg_reachable()
    if problem is not None:
        message = f"PostgreSQL at {PG_ADMIN_URL} is unreachable ({problem})"
        if REQUIRE_PG:
            pytest.fail(message + " and TIMETRACK_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(message + "; the PostgreSQL leg is skipped")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _settings(data_dir: Path, url: str) -> Settings:
    # The cheapest Argon2 cost: tests create many users, and hashing strength is not under test.
    # Every test's requests come from one client address, and many send wrong credentials on
    # purpose: the shared app does not throttle failed authentications (tests/test_ratelimit.py
    # tests that on apps of its own). The per-account limit keeps its default.
    return Settings(
        data_dir=data_dir,
        database_url=url,
        password_time_cost=1,
        password_memory_kib=1024,
        auth_failures_per_minute=0,
    )


@pytest.fixture(scope="session")
def tmp_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session", params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_data: Path) -> AsyncIterator[Backend]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_data / 'suite.db'}"
        migrate.upgrade(url)
        yield Backend("sqlite", url, _settings(tmp_data, url))
        return
    async with scratch_postgres("timetrack_test") as url:
        migrate.upgrade(url)
        yield Backend("postgresql", url, _settings(tmp_data, url))


@pytest.fixture(scope="session")
async def database(backend: Backend) -> AsyncIterator[Database]:
    db = create_database(backend.url)
    await db.open()
    yield db
    await db.close()


@pytest.fixture(scope="session")
def app(backend: Backend, database: Database) -> FastAPI:
    return create_app(backend.settings, database)


@pytest.fixture(scope="session")
def app_without_database() -> FastAPI:
    """The app without a database (``without_database.app``): for tests of what is answered
    before any database access (the OpenAPI document, refusals of requests without
    credentials), which run once, not once per database."""
    return without_database.app()


async def new_account(database: Database, **options: str) -> Credentials:
    async with database.transaction(write=True) as tx:
        return await create_account(tx, f"t-{uuid.uuid4().hex[:12]}", **options)


def auth_headers(creds: Credentials) -> dict[str, str]:
    return {"X-TimeTrack-Api-Key": creds.api_key, "X-TimeTrack-Api-Secret": creds.api_secret}


@pytest.fixture
async def account(database: Database) -> Credentials:
    return await new_account(database)


@pytest.fixture
async def other_account(database: Database) -> Credentials:
    return await new_account(database)


def _client(app: FastAPI, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver/api/v2/ext",
        headers=headers or {},
    )


@pytest.fixture
async def anon(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """A client without credentials: on the app of the test's database when the test has one
    (through ``api``, ``account``, ``database``, ... or ``@pytest.mark.usefixtures("database")``),
    else on ``app_without_database``. So a test that only sends requests refused before any
    database access (no credentials) runs once, and fails, telling so, if a request of it does
    reach a database."""
    on_database = "backend" in request.fixturenames
    app = request.getfixturevalue("app" if on_database else "app_without_database")
    async with _client(app) as client:
        yield client


@pytest.fixture
async def api(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """A client authenticated as a fresh account."""
    async with _client(app, auth_headers(account)) as client:
        yield client


@pytest.fixture
async def other_api(app: FastAPI, other_account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """A client authenticated as a second fresh account (for tenant-isolation tests)."""
    async with _client(app, auth_headers(other_account)) as client:
        yield client


@pytest.fixture
def backend_name(backend: Backend) -> Iterator[str]:
    yield backend.name
