"""The dispatcher (timetrack.dispatch) answers exactly as FastAPI's own routing would.

Every API route is compiled, or the app does not start; for a spread of requests, good and
bad, the dispatched app and the same app with the dispatcher taken out give the same status,
headers and body, and the endpoint sees the scope FastAPI's router gives it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, get_args

import httpx
import pytest
from conftest import Backend, auth_headers, client, new_account
from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Security
from starlette.responses import Response

from timetrack.app import create_app
from timetrack.db import Database
from timetrack.dispatch import CannotDispatch, Dispatcher, install, route_path

API = "/api/v2/ext"


@pytest.fixture(scope="module")
def plain_app(backend: Backend, database: Database) -> FastAPI:
    """The app with FastAPI's routing only. One per database for the module, like the shared
    ``app``: FastAPI prepares each route on its first request, about a second for a new app."""
    app = create_app(backend.settings, database)
    dispatcher = app.router.middleware_stack
    assert isinstance(dispatcher, Dispatcher)
    # Starlette leaves the attribute unannotated, so mypy takes the type of the method it starts
    # as; any ASGI app serves there.
    app.router.middleware_stack = dispatcher.fallback  # type: ignore[assignment]
    return app


def test_every_api_route_is_compiled(app_without_database: FastAPI) -> None:
    app = app_without_database
    dispatcher = app.router.middleware_stack
    assert isinstance(dispatcher, Dispatcher)
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
    fast = client(app, headers, base_url="http://t" + API)
    plain = client(plain_app, headers, base_url="http://t" + API)
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
        async with client(target, base_url="http://t" + API) as anon:
            r = await anon.get("/clients?limit=abc")
            assert r.status_code == 401


async def _ok() -> Response:
    return Response(b"ok")


async def _repeated(tag: Annotated[list[str] | None, Query()] = None) -> Response:
    return Response(b"ok")


async def _header(user_agent: Annotated[str | None, Header()] = None) -> Response:
    return Response(b"ok")


def _sync_endpoint() -> Response:
    return Response(b"ok")


def _sync_dependency(name: str = "x") -> str:
    return name


async def _uses_sync_dependency(name: Annotated[str, Depends(_sync_dependency)]) -> Response:
    return Response(name.encode())


async def _limited_dependency() -> str:
    return "x"


async def _uses_limited_dependency(
    value: Annotated[str, Depends(_limited_dependency, max_concurrency=2)],
) -> Response:
    return Response(value.encode())


async def _scoped_dependency() -> str:
    return "x"


async def _uses_scoped_dependency(
    value: Annotated[str, Security(_scoped_dependency, scopes=["read"])],
) -> Response:
    return Response(value.encode())


def _router_with_dependencies(app: FastAPI) -> None:
    router = APIRouter()
    router.add_api_route("/thing", _ok)
    app.include_router(router, prefix="/api/v2/ext", dependencies=[Depends(_limited_dependency)])


def _route(endpoint: Callable[..., Any]) -> Callable[[FastAPI], None]:
    return lambda app: app.add_api_route("/api/v2/ext/thing", endpoint)


@pytest.mark.parametrize(
    ("declare", "reason"),
    [
        (_route(_repeated), "GET /api/v2/ext/thing: _repeated has a repeated parameter \\(tag\\)"),
        (_route(_header), "GET /api/v2/ext/thing: _header has body, cookie, header"),
        (_route(_sync_endpoint), r"GET /api/v2/ext/thing: _sync_endpoint is a plain def"),
        (_route(_uses_sync_dependency), r"_sync_dependency is a plain def \(declare it async"),
        (_route(_uses_limited_dependency), "_limited_dependency has a concurrency limit"),
        (_route(_uses_scoped_dependency), "_scoped_dependency has security scopes"),
        (_router_with_dependencies, "/api/v2/ext: a router included with dependencies"),
    ],
    ids=[
        "repeated",
        "header",
        "sync-endpoint",
        "sync-dependency",
        "concurrency",
        "scopes",
        "router-deps",
    ],
)
def test_a_route_it_cannot_serve_stops_the_start(
    declare: Callable[[FastAPI], None], reason: str
) -> None:
    """Never served differently, slower, or on the event loop when it should not be: the start
    fails with one line naming the route and why (timetrack serve prints it)."""
    app = FastAPI()
    app.add_api_route("/api/v2/ext/fine", _ok)
    declare(app)
    with pytest.raises(CannotDispatch, match="^the dispatcher cannot serve .*" + reason) as exc:
        install(app)
    assert "\n" not in str(exc.value)


def test_internals_it_does_not_know_stop_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """A FastAPI whose Dependant lacks a field the plan reads (as after an upgrade)."""
    app = FastAPI()
    app.add_api_route("/api/v2/ext/fine", _ok)
    route = app.router.routes[-1]
    monkeypatch.delattr(type(route.dependant), "concurrency")  # type: ignore[attr-defined]
    with pytest.raises(CannotDispatch, match=r"FastAPI.s internals differ .*AttributeError"):
        install(app)


def test_dependency_overrides_stop_the_start() -> None:
    app = FastAPI()
    app.add_api_route("/api/v2/ext/fine", _uses_limited_dependency)
    app.dependency_overrides[_limited_dependency] = _ok
    with pytest.raises(CannotDispatch, match=r"dependency_overrides are set .*_limited_dependency"):
        install(app)


async def test_dependency_overrides_set_after_the_start_are_refused(
    backend: Backend, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Set on a running app (as a test would), they are not silently ignored: the request
    fails (500, logged) instead of running the dependency they meant to replace."""
    from timetrack.paging import PageDep

    app = create_app(backend.settings, database)  # its own: the shared app stays untouched
    page_dependency = get_args(PageDep)[1].dependency
    app.dependency_overrides[page_dependency] = _ok
    async with client(app, base_url="http://t" + API) as anon:
        with caplog.at_level(logging.ERROR, logger="timetrack"):
            r = await anon.get("/clients")
    assert r.status_code == 500
    assert "dependency_overrides are set (_page)" in caplog.text


async def test_the_endpoint_sees_the_scope_fastapi_gives() -> None:
    """``route``, ``router``, ``endpoint``, ``path_params`` and ``app`` as Starlette's and
    FastAPI's routers set them, on a route of an included router."""
    seen: list[dict[str, Any]] = []

    async def probe(request: Request, item: int) -> Response:
        seen.append(dict(request.scope))
        return Response(b"ok")

    router = APIRouter()
    router.add_api_route("/items/{item}", probe)
    app = FastAPI()
    app.include_router(router, prefix="/api/v2/ext")
    dispatcher = install(app)
    for stack in (dispatcher, dispatcher.fallback):
        # Starlette leaves the attribute unannotated: mypy takes the type of its first value.
        app.router.middleware_stack = stack  # type: ignore[assignment]
        async with client(app, base_url="http://t") as caller:
            assert (await caller.get("/api/v2/ext/items/7")).status_code == 200
    dispatched, plain = seen
    assert isinstance(plain["route"], type(router.routes[0]))
    for key in ("route", "router", "endpoint", "path_params", "app"):
        assert dispatched[key] is plain[key] or dispatched[key] == plain[key], key
    assert dispatched["route"] is router.routes[0]
    assert dispatched["router"] is app.router


async def test_a_path_ending_in_a_newline_reaches_no_other_route(api: httpx.AsyncClient) -> None:
    """Routes end in `$`, which also matches before a final newline: "/clients/%0A" answered
    the list of clients (the fuzz found it), "/clients%0A" too through Starlette's router."""
    assert (await api.post("/clients", json={"name": "Acme"})).status_code == 201
    record = await api.get("/clients/%0A")
    assert record.status_code == 404 and record.json()["errors"][0]["code"] == 11010
    for path in ("/clients%0A", "/clients%0D%0A", "/healthz%0A"):
        response = await api.get(path)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["errors"][0]["code"] == 10007, path
