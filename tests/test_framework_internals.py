"""The framework internals our code reads are there, in the shape it reads them.

dispatch.py, ignored_query.py and errors.py read FastAPI's and Starlette's private structures,
and httpserver.py extends uvicorn's httptools protocol (docs/architecture.md, "Framework
internals and their pins", lists each). Their versions are pinned to tested minors in
pyproject.toml and exactly in constraints.txt. These tests fail when an upgrade (as tried by
scripts/upgrade-deps) moves a package out of its pin or changes a name or shape read here,
before any request would be served differently. They need no database.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Query
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from starlette.responses import Response
from starlette.routing import Match, compile_path
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

ROOT = Path(__file__).resolve().parent.parent
# The packages whose private names our code reads; each must have an upper bound.
PINNED = ("fastapi", "starlette", "uvicorn", "httptools")


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        lines.extend(extra)
    return [Requirement(line) for line in lines]


def _constraints() -> dict[str, str]:
    # scripts/upgrade-deps points this at the set it is trying, before it becomes constraints.txt.
    path = Path(os.environ.get("TIMETRACK_TEST_CONSTRAINTS", ROOT / "constraints.txt"))
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, pinned = line.partition("==")
            pins[str(canonicalize_name(name))] = pinned.strip()
    return pins


@pytest.mark.parametrize("name", PINNED)
def test_the_installed_framework_is_within_its_pin(name: str) -> None:
    requirement = next(r for r in _requirements() if canonicalize_name(r.name) == name)
    assert any(spec.operator in ("<", "==") for spec in requirement.specifier), requirement
    assert requirement.specifier.contains(version(name)), (version(name), str(requirement))


def test_constraints_pin_every_requirement_within_pyproject() -> None:
    """constraints.txt (what .venv installs) agrees with pyproject.toml: a bound changed there
    without running scripts/upgrade-deps fails here. The installed set is checked against it
    by scripts/_venv.sh, which reinstalls when it changes."""
    pins = _constraints()
    for requirement in _requirements():
        pinned = pins.get(canonicalize_name(requirement.name))
        assert pinned is not None, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pinned), (pinned, str(requirement))


# --- FastAPI: what dispatch.py and ignored_query.py read -------------------------------------


def test_dependant_has_the_fields_the_plan_reads() -> None:
    read = {
        "path_params",
        "query_params",
        "header_params",
        "cookie_params",
        "body_params",
        "dependencies",
        "name",
        "call",
        "request_param_name",
        "http_connection_param_name",
        "websocket_param_name",
        "response_param_name",
        "background_tasks_param_name",
        "security_scopes_param_name",
        "use_cache",
        "concurrency",
        "own_oauth_scopes",
    }
    assert read <= {field.name for field in dataclasses.fields(Dependant)}


async def _items(
    item: int, limit: Annotated[int, Query(ge=1)] = 10, q: str | None = None
) -> Response:
    return Response(b"ok")


def _app() -> tuple[FastAPI, APIRouter]:
    router = APIRouter()
    router.add_api_route("/items/{item}", _items)
    app = FastAPI()
    app.include_router(router, prefix="/api/v2/ext")
    return app, router


def test_an_included_router_keeps_its_router_and_prefix() -> None:
    """``_IncludedRouter.original_router`` and ``.include_context.prefix/.dependencies``."""
    app, router = _app()
    included = app.router.routes[-1]
    assert not isinstance(included, APIRoute)
    assert included.original_router is router  # type: ignore[attr-defined]
    context = included.include_context  # type: ignore[attr-defined]
    assert (context.prefix, list(context.dependencies)) == ("/api/v2/ext", [])
    # errors.py asks every top-level route whether it matches, per method, for Allow.
    scope = {"type": "http", "path": "/api/v2/ext/items/3", "method": "GET", "root_path": ""}
    assert included.matches(scope)[0] == Match.FULL
    assert included.matches({**scope, "method": "PUT"})[0] != Match.FULL


def test_a_route_exposes_its_dependant_and_fields() -> None:
    """``APIRoute.dependant`` and FastAPI's ``ModelField``: ``name``, ``alias``,
    ``field_info`` and ``validate(value, values, loc=...) -> (value, errors)``."""
    _, router = _app()
    route = router.routes[0]
    assert isinstance(route, APIRoute)
    assert (route.path, route.path_format, route.methods) == ("/items/{item}", route.path, {"GET"})
    assert route.endpoint is _items
    dependant = route.dependant
    assert isinstance(dependant, Dependant)
    assert [f.alias for f in dependant.path_params] == ["item"]
    limit, q = dependant.query_params
    assert (limit.name, limit.alias, q.alias) == ("limit", "limit", "q")
    info = limit.field_info
    assert (info.is_required(), info.default, bool(info.validate_default)) == (False, 10, False)
    assert info.annotation is int
    assert limit.validate("5", {}, loc=("query", "limit")) in ((5, []), (5, None))
    _, errors = limit.validate("0", {}, loc=("query", "limit"))
    assert [(e["type"], e["loc"]) for e in errors] == [("greater_than_equal", ("query", "limit"))]


# --- Starlette: what dispatch.py reads and replaces ------------------------------------------


def test_compile_path_gives_a_pattern_and_convertors() -> None:
    pattern, path_format, convertors = compile_path("/items/{item:int}")
    found = pattern.match("/items/42")
    assert found is not None and path_format == "/items/{item}"
    assert convertors["item"].convert(found["item"]) == 42
    assert isinstance(pattern, re.Pattern)


async def test_the_router_calls_its_middleware_stack() -> None:
    """dispatch.install replaces ``app.router.middleware_stack``: the router must call it."""
    app, _ = _app()
    app.build_middleware_stack()
    seen: list[str] = []

    async def recorder(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["path"])
        await Response(b"mine")(scope, receive, send)

    assert callable(app.router.middleware_stack)
    app.router.middleware_stack = recorder
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        assert (await client.get("/api/v2/ext/items/1")).content == b"mine"
    assert seen == ["/api/v2/ext/items/1"]


# --- uvicorn: what httpserver.py extends --------------------------------------------------


def test_the_httptools_protocol_has_what_limited_http_extends() -> None:
    """The callbacks LimitedHttp overrides and the helper it calls; the attributes it reads on
    a live connection (flow, cycle, parser, transport, ...) are exercised by
    tests/reliability/test_http_limits.py against a real server."""
    for name in (
        "connection_made",
        "connection_lost",
        "data_received",
        "on_message_begin",
        "on_headers_complete",
        "on_message_complete",
        "_unset_keepalive_if_required",
    ):
        assert callable(getattr(HttpToolsProtocol, name, None)), name
    line: Any = STATUS_LINE[431]
    assert line.startswith(b"HTTP/1.1 431 ") and line.endswith(b"\r\n")
