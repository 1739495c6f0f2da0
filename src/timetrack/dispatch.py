"""The API's dispatcher: FastAPI's routes, matched and called without its per-request analysis.

FastAPI (0.165) matches a request by asking each router in turn, and on every request derives
again, for every parameter, what kind of parameter it is. On a one-row read that was four fifths
of the server's time (bench/RESULTS.md, docs/performance.md). This module compiles each route
once, at start-up, into a plan: its path pattern and methods, and for the endpoint and each of
its dependencies, which query and path values to take and the pydantic field FastAPI
itself validates each one with. A request then costs a dictionary lookup, one regular expression
and one field validation per parameter.

Answers are the ones FastAPI gives, errors included: values are validated by FastAPI's own
fields with the same locations, missing and invalid ones raise the same
``RequestValidationError`` (after every dependency has run, as FastAPI does, so an ``AppError``
raised by a later dependency still wins), and the endpoint is called with the same arguments.
A route using anything the plan does not cover (declared bodies, headers, cookies, repeated
parameters, yield dependencies, background tasks, ...) is left to FastAPI, as are paths the
plan does not know and wrong methods (404/405 exactly as before). FastAPI keeps building the
routes, the OpenAPI document and ``/docs``.
"""

from __future__ import annotations

import collections.abc
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send


def route_path(scope: Scope) -> str:
    """The path below the app's ``root_path`` (what routes match against, as in Starlette)."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :]
    return path


def _missing(loc: tuple[str, str]) -> dict[str, Any]:
    """FastAPI's error for a required parameter that was not sent."""
    error = ValidationError.from_exception_data(
        "Field required", [{"type": "missing", "loc": loc, "input": {}}]
    ).errors(include_url=False)[0]
    error["input"] = None
    return dict(error)


@dataclass(frozen=True, slots=True)
class _Param:
    """One query or path value of a dependant, and how FastAPI validates it."""

    name: str
    alias: str
    source: str  # "query" or "path"
    field: Any  # FastAPI's ModelField
    required: bool
    default: Any
    validate_default: bool

    def value(self, request: Request, values: dict[str, Any]) -> tuple[Any, list[Any]]:
        loc = (self.source, self.alias)
        if self.source == "query":
            raw = request.query_params.get(self.alias)
        else:
            raw = request.path_params.get(self.alias)
        if raw is None:
            if self.required:
                return None, [_missing(loc)]
            if not self.validate_default:
                return deepcopy(self.default), []
            raw = deepcopy(self.default)
        value, errors = self.field.validate(raw, values, loc=loc)
        return value, list(errors) if errors else []


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to call one dependant (the endpoint, or one dependency) with its arguments."""

    call: Callable[..., Any]
    is_async: bool
    request_names: tuple[str, ...]  # parameters that receive the Request
    use_cache: bool
    params: tuple[_Param, ...]
    dependencies: tuple[tuple[str | None, _Plan], ...]


class _Unsupported(Exception):
    """A route uses something the dispatcher does not do; FastAPI serves it."""


def _params(fields: list[Any], source: str) -> Iterator[_Param]:
    for field in fields:
        info = field.field_info
        if getattr(info, "annotation", None) is not None and _is_sequence(info.annotation):
            raise _Unsupported("a repeated parameter")
        yield _Param(
            name=field.name,
            alias=field.alias,
            source=source,
            field=field,
            required=info.is_required(),
            default=info.default,
            validate_default=bool(info.validate_default),
        )


def _is_sequence(annotation: Any) -> bool:
    """Whether a parameter takes repeated values (``?tag=a&tag=b``), which FastAPI reads with
    ``getlist``: such a route is left to FastAPI."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_sequence(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_sequence(arg) for arg in typing.get_args(annotation))
    kind = origin if isinstance(origin, type) else annotation
    return (
        isinstance(kind, type)
        and issubclass(kind, (collections.abc.Sequence, collections.abc.Set))
        and not issubclass(kind, (str, bytes))
    )


def _plan(dependant: Dependant) -> _Plan:
    call = dependant.call
    if call is None:
        raise _Unsupported("no callable")
    unsupported = (
        dependant.body_params,
        dependant.cookie_params,
        dependant.header_params,  # FastAPI's header aliasing rules: left to FastAPI
        dependant.background_tasks_param_name,
        dependant.response_param_name,
        dependant.websocket_param_name,
        dependant.security_scopes_param_name,
    )
    if any(unsupported):
        raise _Unsupported("body, cookie, header, response or background parameters")
    target = getattr(call, "__call__", call) if not inspect.isroutine(call) else call  # noqa: B004
    if inspect.isgeneratorfunction(target) or inspect.isasyncgenfunction(target):
        raise _Unsupported("a yield dependency")
    params = (*_params(dependant.path_params, "path"), *_params(dependant.query_params, "query"))
    return _Plan(
        call=call,
        is_async=inspect.iscoroutinefunction(target),
        request_names=tuple(
            name
            for name in (dependant.request_param_name, dependant.http_connection_param_name)
            if name is not None
        ),
        use_cache=dependant.use_cache,
        params=params,
        dependencies=tuple((sub.name, _plan(sub)) for sub in dependant.dependencies),
    )


async def _solve(
    plan: _Plan, request: Request, cache: dict[Any, Any], errors: list[Any]
) -> dict[str, Any] | None:
    """The arguments of ``plan``'s call, or None when some are invalid (``errors`` filled).
    Dependencies run first and in order, each once per request, as in FastAPI."""
    values: dict[str, Any] = {}
    failed = False
    for name, sub in plan.dependencies:
        if sub.call in cache:
            result = cache[sub.call]
        else:
            arguments = await _solve(sub, request, cache, errors)
            if arguments is None:
                failed = True
                continue
            result = sub.call(**arguments)
            if sub.is_async:
                result = await result
            if sub.use_cache:
                cache[sub.call] = result
        if name is not None:
            values[name] = result
    for param in plan.params:
        value, problems = param.value(request, values)
        if problems:
            errors.extend(problems)
            failed = True
        else:
            values[param.name] = value
    for name in plan.request_names:
        values[name] = request
    return None if failed else values


@dataclass(frozen=True, slots=True)
class _Route:
    pattern: re.Pattern[str]
    convertors: dict[str, Any]
    methods: frozenset[str]
    plan: _Plan
    route: APIRoute  # in scope["route"], where FastAPI puts it (ignored_query reads it there)


def _api_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, through included routers without dependencies."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
            continue
        router = getattr(route, "original_router", None)
        context = getattr(route, "include_context", None)
        if router is None or context is None or context.dependencies:
            continue  # a shape the dispatcher does not know: FastAPI serves it
        yield from _api_routes(router.routes, prefix + context.prefix)


def _key(path: str) -> tuple[int, str]:
    """Routes are looked up by their number of segments and their fourth segment (the
    resource under ``/api/v2/ext``); a parameter there puts a route under ``""``."""
    parts = path.split("/")
    fourth = parts[4] if len(parts) > 4 else ""
    return len(parts), "" if "{" in fourth else fourth


class Dispatcher:
    """Serves the routes it could compile; hands everything else to FastAPI's router."""

    def __init__(self, app: FastAPI, fallback: ASGIApp) -> None:
        self.fallback = fallback
        self.table: dict[tuple[int, str], list[_Route]] = {}
        self.compiled = 0
        self.skipped: list[str] = []  # routes FastAPI serves; tests/test_dispatch.py wants none
        for path, route in _api_routes(app.router.routes):
            try:
                plan = _plan(route.dependant)
            except _Unsupported as exc:
                self.skipped.append(f"{path}: {exc}")
                continue
            except (AttributeError, TypeError) as exc:
                # A FastAPI whose internals differ from those the plan reads: FastAPI serves
                # the route (slower, never wrong), and the test that wants none skipped fails.
                self.skipped.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            pattern, _format, convertors = compile_path(path)
            entry = _Route(pattern, convertors, frozenset(route.methods or ()), plan, route)
            self.table.setdefault(_key(path), []).append(entry)
            self.compiled += 1

    def _find(self, method: str, path: str) -> tuple[_Route, dict[str, Any]] | None:
        count, fourth = _key(path)
        for candidates in (self.table.get((count, fourth)), self.table.get((count, ""))):
            for route in candidates or ():
                found = route.pattern.match(path)
                if found is not None and method in route.methods:
                    params = {
                        name: route.convertors[name].convert(value)
                        for name, value in found.groupdict().items()
                    }
                    return route, params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.fallback(scope, receive, send)
            return
        found = self._find(scope["method"], route_path(scope))
        if found is None:
            await self.fallback(scope, receive, send)
            return
        route, path_params = found
        scope["path_params"] = path_params
        scope["endpoint"] = route.plan.call
        scope["route"] = route.route
        request = Request(scope, receive, send)
        errors: list[Any] = []
        arguments = await _solve(route.plan, request, {}, errors)
        if arguments is None:
            raise RequestValidationError(errors)
        response = route.plan.call(**arguments)
        if route.plan.is_async:
            response = await response
        if not isinstance(response, Response):
            raise TypeError(f"{route.plan.call.__qualname__} returned {type(response).__name__}")
        await response(scope, receive, send)


def install(app: FastAPI) -> Dispatcher:
    """Put the dispatcher in front of ``app``'s router (inside its exception handling, so
    errors become the same envelopes). Call once every route is in place."""
    router = app.router
    dispatcher = Dispatcher(app, router.middleware_stack)
    router.middleware_stack = dispatcher
    return dispatcher
