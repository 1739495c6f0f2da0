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
Paths the plan does not know and wrong methods go to FastAPI's router (404/405 exactly as
before). FastAPI keeps building the routes, the OpenAPI document and ``/docs``.

What the plan cannot do faithfully stops the start (:class:`CannotDispatch`, one line that
names the route and the reason) rather than being served differently or slower: a route using
declared bodies, headers, cookies, repeated parameters, yield dependencies, background tasks,
a dependency's concurrency limit or security scopes, or a plain ``def`` dependency or
endpoint (FastAPI runs those in a thread; here everything runs on the event loop, so only
``async def`` is accepted), a router included with dependencies, a route of a kind it does
not know, a FastAPI whose internals differ from the ones read here (docs/architecture.md lists
them, with their pins), and ``app.dependency_overrides``, which the plan would ignore.
"""

from __future__ import annotations

import collections.abc
import functools
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
from starlette.routing import BaseRoute, Mount, Route, compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from timetrack.errors import ROUTE_NOT_FOUND, Problem, error_response

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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

    call: Callable[..., Any]  # async: _plan refuses plain functions
    request_names: tuple[str, ...]  # parameters that receive the Request
    use_cache: bool
    params: tuple[_Param, ...]
    dependencies: tuple[tuple[str | None, _Plan], ...]


class CannotDispatch(RuntimeError):
    """The app has a route the dispatcher cannot serve as FastAPI would, or dependency
    overrides: the server must not start (``timetrack serve`` prints the message, one line)."""


class _Unsupported(Exception):
    """A route uses something the dispatcher does not do."""


def _params(fields: list[Any], source: str, owner: str) -> Iterator[_Param]:
    for field in fields:
        info = field.field_info
        if getattr(info, "annotation", None) is not None and _is_sequence(info.annotation):
            raise _Unsupported(f"{owner} has a repeated parameter ({field.alias})")
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
    ``getlist``: the plan does not read those."""
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


def _is_async(call: Callable[..., Any]) -> bool:
    """Whether calling ``call`` gives an awaitable, as FastAPI decides it: through partials
    and decorators, and for an instance, by its ``__call__``. A class is a plain call."""
    target: Any = call
    while isinstance(target, functools.partial):
        target = target.func
    target = inspect.unwrap(target)
    if inspect.isclass(target):
        return False
    if not inspect.isroutine(target):
        target = getattr(target, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(target)


def _plan(dependant: Dependant) -> _Plan:
    call = dependant.call
    if call is None:
        raise _Unsupported("no callable")
    name = getattr(call, "__qualname__", repr(call))
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
        raise _Unsupported(f"{name} has body, cookie, header, response or background parameters")
    if dependant.concurrency is not None:
        raise _Unsupported(f"{name} has a concurrency limit")
    if dependant.own_oauth_scopes:
        # FastAPI caches such a dependency per set of scopes; the plan caches by callable.
        raise _Unsupported(f"{name} has security scopes")
    target = getattr(call, "__call__", call) if not inspect.isroutine(call) else call  # noqa: B004
    if inspect.isgeneratorfunction(target) or inspect.isasyncgenfunction(target):
        raise _Unsupported(f"{name} is a yield dependency")
    if not _is_async(call):
        # FastAPI would run it in a thread; on the event loop it would stall every request of
        # the worker while it runs. Refused, so whatever runs on the loop says so (async def).
        raise _Unsupported(f"{name} is a plain def (declare it async def)")
    params = (
        *_params(dependant.path_params, "path", name),
        *_params(dependant.query_params, "query", name),
    )
    return _Plan(
        call=call,
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
        if sub.use_cache and sub.call in cache:
            result = cache[sub.call]
        else:
            arguments = await _solve(sub, request, cache, errors)
            if arguments is None:
                failed = True
                continue
            result = await sub.call(**arguments)
            # As FastAPI: the first result is kept even when this use does not read the cache.
            cache.setdefault(sub.call, result)
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


def api_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, through included routers (FastAPI's private
    ``_IncludedRouter``: ``original_router`` and ``include_context``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
            continue
        router = getattr(route, "original_router", None)
        context = getattr(route, "include_context", None)
        if router is not None and context is not None:
            if context.dependencies:
                where = prefix + context.prefix
                raise CannotDispatch(f"{where}: a router included with dependencies")
            yield from api_routes(router.routes, prefix + context.prefix)
        elif type(route) not in (Route, Mount):
            # Perhaps this FastAPI includes routers differently: its routes would go unserved.
            raise CannotDispatch(f"{prefix}: a route of a kind it does not know ({type(route)})")


def _key(path: str) -> tuple[int, str]:
    """Routes are looked up by their number of segments and their fourth segment (the
    resource under ``/api/v2/ext``); a parameter there puts a route under ``""``."""
    parts = path.split("/")
    fourth = parts[4] if len(parts) > 4 else ""
    return len(parts), "" if "{" in fourth else fourth


class Dispatcher:
    """Serves every API route, compiled at start-up; hands unknown paths, wrong methods and
    the app's plain Starlette routes (the OpenAPI document, the docs pages) to FastAPI's
    router."""

    def __init__(self, app: FastAPI, fallback: ASGIApp) -> None:
        self.app = app
        self.fallback = fallback
        self.table: dict[tuple[int, str], list[_Route]] = {}
        self.compiled = 0
        _refuse_overrides(app)
        try:
            routes = list(api_routes(app.router.routes))
        except CannotDispatch as exc:
            raise CannotDispatch(f"the dispatcher cannot serve {exc}") from None
        for path, route in routes:
            where = f"{'|'.join(sorted(route.methods or ()))} {path}"
            try:
                plan = _plan(route.dependant)
            except _Unsupported as exc:
                raise CannotDispatch(f"the dispatcher cannot serve {where}: {exc}") from None
            except (AttributeError, TypeError) as exc:
                raise CannotDispatch(
                    f"the dispatcher cannot serve {where}: FastAPI's internals differ from the "
                    f"pinned ones it reads ({type(exc).__name__}: {exc}); see docs/architecture.md"
                ) from None
            pattern, _format, convertors = compile_path(path)
            entry = _Route(pattern, convertors, frozenset(route.methods or ()), plan, route)
            self.table.setdefault(_key(path), []).append(entry)
            self.compiled += 1

    def _find(self, method: str, path: str) -> tuple[_Route, dict[str, Any]] | None:
        count, fourth = _key(path)
        for candidates in (self.table.get((count, fourth)), self.table.get((count, ""))):
            for route in candidates or ():
                # fullmatch: the pattern ends in `$`, which also matches before a final "\n".
                found = route.pattern.fullmatch(path)
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
        path = route_path(scope)
        found = self._find(scope["method"], path)
        if found is None:
            if _CONTROL.search(path):
                # No route has a control character; Starlette's own router, the fallback,
                # would let "/clients/%0A" reach the list ("$" matches before a final "\n").
                problem = Problem(ROUTE_NOT_FOUND, f"no route {scope['path']!r}")
                await error_response([problem])(scope, receive, send)
                return
            await self.fallback(scope, receive, send)
            return
        if self.app.dependency_overrides:
            _refuse_overrides(self.app)  # set after start-up (a test): never ignored
        route, path_params = found
        # What Starlette's and FastAPI's routers put in the scope before calling the endpoint.
        scope.setdefault("router", self.app.router)
        scope["path_params"] = path_params
        scope["endpoint"] = route.plan.call
        scope["route"] = route.route
        request = Request(scope, receive, send)
        errors: list[Any] = []
        arguments = await _solve(route.plan, request, {}, errors)
        if arguments is None:
            raise RequestValidationError(errors)
        response = await route.plan.call(**arguments)
        if not isinstance(response, Response):
            raise TypeError(f"{route.plan.call.__qualname__} returned {type(response).__name__}")
        await response(scope, receive, send)


def _refuse_overrides(app: FastAPI) -> None:
    if app.dependency_overrides:
        names = ", ".join(getattr(c, "__qualname__", repr(c)) for c in app.dependency_overrides)
        raise CannotDispatch(
            f"app.dependency_overrides are set ({names}), which the dispatcher does not apply"
        )


def install(app: FastAPI) -> Dispatcher:
    """Put the dispatcher in front of ``app``'s router (inside its exception handling, so
    errors become the same envelopes). Call once every route is in place. Raises
    :class:`CannotDispatch` when some route cannot be served as FastAPI would serve it."""
    router = app.router
    dispatcher = Dispatcher(app, router.middleware_stack)
    router.middleware_stack = dispatcher
    return dispatcher
