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
from typing import Any

import asyncpg
import httpx
import pytest
import without_database
from fastapi import FastAPI
from pydantic import BaseModel

from timetrack import migrate
from timetrack.accounts.service import Credentials, create_account
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import Database, create_database
from timetrack.errors import ALL_CODES

PG_ADMIN_URL = os.environ.get(
    "TIMETRACK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("TIMETRACK_REQUIRE_POSTGRES") == "1"
BACKENDS = ["sqlite", "postgresql"]
KEY = "X-TimeTrack-Api-Key"
SECRET = "X-TimeTrack-Api-Secret"
NEVER = 987_654_321  # an id no test account ever reaches
API_BASE = "http://testserver/api/v2/ext"
# The wire's own error codes, shared by every resource (src/timetrack/errors.py).
AUTH_MISSING, AUTH_INVALID = 10001, 10002
MALFORMED_JSON, BODY_NOT_OBJECT, METHOD_NOT_ALLOWED = 10004, 10005, 10008
FIELD_REQUIRED, FIELD_INVALID, FIELD_READ_ONLY, PARAMETER_INVALID = 10010, 10011, 10012, 10013


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
    return {KEY: creds.api_key, SECRET: creds.api_secret}


@pytest.fixture
async def account(database: Database) -> Credentials:
    return await new_account(database)


@pytest.fixture
async def other_account(database: Database) -> Credentials:
    return await new_account(database)


def client(
    app: Any,  # any ASGI application: the app, or the app wrapped in middleware
    auth: Credentials | dict[str, str] | None = None,
    *,
    base_url: str = API_BASE,
) -> httpx.AsyncClient:
    """An HTTP client of ``app`` in process, at the API base unless ``base_url`` says otherwise:
    signed in as ``auth`` (an account's credentials), or sending exactly the headers ``auth``
    names, or anonymous."""
    headers = auth_headers(auth) if isinstance(auth, Credentials) else dict(auth or {})
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=base_url, headers=headers
    )


def assert_errors(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    """The errors of the envelope (SPEC §1 "Errors"), after checking the status, the content
    type and the shape: a body of only ``errors``, each with the status, a code of the table,
    that code's title, a detail, and nothing but an optional ``source``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["errors"], body
    errors: list[dict[str, Any]] = body["errors"]
    assert errors, body
    for error in errors:
        assert set(error) - {"source"} == {"title", "status", "code", "detail"}, error
        assert error["status"] == status, error
        assert error["code"] in ALL_CODES, error
        assert error["title"] == ALL_CODES[error["code"]].title, error
        assert isinstance(error["detail"], str) and error["detail"], error
    return errors


def assert_error(
    response: httpx.Response,
    status: int,
    code: int,
    *,
    pointer: str | None = None,
    parameter: str | None = None,
) -> dict[str, Any]:
    """``response`` is the envelope with exactly one error, of ``code``; that error. With
    ``pointer`` or ``parameter`` the error names that source, and without them none."""
    (error,) = assert_errors(response, status)
    assert error["code"] == code, error
    if pointer is not None:
        assert error.get("source") == {"pointer": pointer}, error
    elif parameter is not None:
        assert error.get("source") == {"parameter": parameter}, error
    else:
        assert "source" not in error, f"unexpected source {error.get('source')}"
    return error


@pytest.fixture
async def anon(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """A client without credentials: on the app of the test's database when the test has one
    (through ``api``, ``account``, ``database``, ... or ``@pytest.mark.usefixtures("database")``),
    else on ``app_without_database``. So a test that only sends requests refused before any
    database access (no credentials) runs once, and fails, telling so, if a request of it does
    reach a database."""
    on_database = "backend" in request.fixturenames
    app = request.getfixturevalue("app" if on_database else "app_without_database")
    async with client(app) as anonymous:
        yield anonymous


@pytest.fixture
async def api(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """A client authenticated as a fresh account."""
    async with client(app, account) as signed_in:
        yield signed_in


@pytest.fixture
async def other_api(app: FastAPI, other_account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """A client authenticated as a second fresh account (for tenant-isolation tests)."""
    async with client(app, other_account) as signed_in:
        yield signed_in


@pytest.fixture
async def wrong_secret(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """The right key of ``account`` with a secret that is not its own."""
    async with client(app, {KEY: account.api_key, SECRET: "tts_" + "x" * 43}) as caller:
        yield caller


@pytest.fixture
async def unknown_key(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """A key no account has, with ``account``'s real secret."""
    async with client(app, {KEY: "ttk_unknown", SECRET: account.api_secret}) as caller:
        yield caller


@pytest.fixture
async def doc(app_without_database: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document, as ``/openapi.json`` serves it (the same on every database:
    served by ``app_without_database``, so a test of the document alone runs once)."""
    async with client(app_without_database, base_url="http://testserver") as root:
        response = await root.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def assert_documented(doc: dict[str, Any], model: type[BaseModel], item: dict[str, Any]) -> None:
    """``item`` has the keys the document gives the read model ``model``, and validates
    against it."""
    schema = doc["components"]["schemas"][model.__name__]
    assert set(schema["required"]) <= set(item) <= set(schema["properties"]), item
    model.model_validate(item, strict=True, by_alias=True, by_name=False)


@pytest.fixture
def backend_name(backend: Backend) -> Iterator[str]:
    yield backend.name
