"""The dispatcher (timetrack.dispatch) answers exactly as FastAPI's own routing would.

Every API route must be compiled (a route left to FastAPI would silently be several times
slower), and for a spread of requests, good and bad, the dispatched app and the same app with
the dispatcher taken out give the same status, headers and body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from conftest import Backend, auth_headers, new_account
from fastapi import FastAPI, Header, Query

from timetrack.app import create_app
from timetrack.db import Database
from timetrack.dispatch import Dispatcher, install, route_path

API = "/api/v2/ext"


@pytest.fixture
def plain_app(backend: Backend, database: Database) -> FastAPI:
    """The app with FastAPI's routing only."""
    app = create_app(backend.settings, database)
    dispatcher = app.router.middleware_stack
    assert isinstance(dispatcher, Dispatcher)
    # Starlette leaves the attribute unannotated, so mypy takes the type of the method it starts
    # as; any ASGI app serves there.
    app.router.middleware_stack = dispatcher.fallback  # type: ignore[assignment]
    return app


def test_every_api_route_is_compiled(app: FastAPI) -> None:
    dispatcher = app.router.middleware_stack
    assert isinstance(dispatcher, Dispatcher)
    assert dispatcher.skipped == []
    # Each documented operation is registered with and without the trailing slash.
    documented = {
        (path, method.upper())
        for path, item in app.openapi()["paths"].items()
        if path.startswith(API)
        for method in item
    }
    assert dispatcher.compiled >= 2 * len(documented)


def test_route_path_strips_the_root_path() -> None:
    assert route_path({"path": "/x/api/v2/ext/clients", "root_path": "/x"}) == "/api/v2/ext/clients"
    assert route_path({"path": "/x", "root_path": "/x"}) == ""
    assert route_path({"path": "/xy/clients", "root_path": "/x"}) == "/xy/clients"
    assert route_path({"path": "/clients"}) == "/clients"


@pytest.fixture
async def clients(
    app: FastAPI, plain_app: FastAPI, database: Database
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    headers = auth_headers(await new_account(database))
    fast = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t" + API, headers=headers
    )
    plain = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=plain_app), base_url="http://t" + API, headers=headers
    )
    async with fast, plain:
        yield fast, plain


# Reads only (both apps share one database), plus writes that fail before writing anything.
REQUESTS = [
    ("GET", "/clients", {}),
    ("GET", "/clients/", {}),
    ("GET", "/clients?limit=2&page=1&name=a", {}),
    ("GET", "/clients?limit=-1", {}),
    ("GET", "/clients?limit=abc&page_number=x", {}),
    ("GET", "/clients?updatedSince=yesterday", {}),
    ("GET", "/clients?includeDeleted=maybe", {}),
    ("GET", "/clients/1", {}),
    ("GET", "/clients/abc", {}),
    ("GET", "/clients/99999999999999999999999", {}),
    ("POST", "/clients/1", {}),
    ("HEAD", "/clients", {}),
    ("PATCH", "/clients/1", {}),
    ("GET", "/no_such_resource", {}),
    ("GET", "/project_time_entries?username=nobody&from=2026-01-01&to=2026-01-31", {}),
    ("GET", "/project_time_entries?from=2026-02-30", {}),
    ("GET", "/project_time_entries?billable=yes&task=" + "x" * 300, {}),
    ("GET", "/project_time_entries?clientname=acme&userId=1&Limit=2", {}),
    ("GET", "/absences?userId=abc&projectId=2", {}),
    ("POST", "/clients?zzTypo=1&name=a", {"json": {}}),
    ("GET", "/work_reports", {}),
    ("GET", "/work_reports?from=2026-01-01", {}),
    ("GET", "/work_reports?from=2026-01-01&to=2027-06-01", {}),
    ("GET", "/work_reports/grouped?from=2026-01-01&to=2026-01-31&groupBy=decade", {}),
    ("GET", "/audit_log?resource=clients&from=nope", {}),
    ("GET", "/timers/project_timer?username=nobody", {}),
    ("POST", "/clients", {"content": b"{not json"}),
    ("POST", "/clients", {"json": {"name": 5}}),
    ("PUT", "/clients/1", {"json": {"name": "x"}}),
    ("DELETE", "/users/abc", {}),
    ("GET", "/users/1/leave_balance?year=abc", {}),
]


@pytest.mark.parametrize(("method", "path", "options"), REQUESTS)
async def test_answers_like_fastapi(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient],
    method: str,
    path: str,
    options: dict[str, Any],
) -> None:
    fast, plain = clients
    got = await fast.request(method, path, **options)
    expected = await plain.request(method, path, **options)
    assert got.status_code == expected.status_code
    assert got.content == expected.content
    ignored = {"x-request-id", "date", "ratelimit-remaining", "ratelimit-reset", "ratelimit"}
    assert {k: v for k, v in got.headers.items() if k not in ignored} == {
        k: v for k, v in expected.headers.items() if k not in ignored
    }


async def test_missing_credentials_win_over_bad_parameters(
    app: FastAPI, plain_app: FastAPI
) -> None:
    """Dependencies run in order, as in FastAPI: the credential check answers first."""
    for target in (app, plain_app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=target), base_url="http://t" + API
        ) as anon:
            r = await anon.get("/clients?limit=abc")
            assert r.status_code == 401


def test_routes_it_cannot_plan_are_left_to_fastapi() -> None:
    """Repeated parameters (read with getlist) and header parameters stay with FastAPI."""
    app = FastAPI()

    @app.get("/api/v2/ext/tagged")
    async def tagged(tag: Annotated[list[str] | None, Query()] = None) -> dict[str, object]:
        return {"tag": tag}

    @app.get("/api/v2/ext/agent")
    async def agent(user_agent: Annotated[str | None, Header()] = None) -> dict[str, object]:
        return {"agent": user_agent}

    @app.get("/api/v2/ext/plain")
    async def plain(name: str = "x") -> dict[str, object]:
        return {"name": name}

    dispatcher = install(app)
    assert dispatcher.compiled == 1
    assert [s.split(":")[0] for s in dispatcher.skipped] == [
        "/api/v2/ext/tagged",
        "/api/v2/ext/agent",
    ]
