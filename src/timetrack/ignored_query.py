"""Query parameters a route does not declare: ignored, and named on the answers of reads.

The vendor's clients send parameters this server does not know, so an unknown parameter is
never an error. But a typo (``?clientname=``, ``?yaer=2025``) would then silently widen the
answer, so the answer of every read, a list or one object, names such parameters in
``X-Ignored-Fields``, the header writes use for the body keys they ignored. Writes do not add
query parameters to it: there it names body keys only.

A route's parameters are the ones FastAPI declares for it: the endpoint's and every
dependency's (paging, the change feed, the filters). They are read once per route from its
dependant. Both the dispatcher and FastAPI's own routing put the matched route in
``scope["route"]``, so the answer is the same either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.requests import Request

from timetrack.wire import ignored_headers

# By endpoint and path (routes compare by value and cannot be keys): what the route declares.
_DECLARED: dict[tuple[Any, str], frozenset[str]] = {}


def _query_names(dependant: Dependant) -> Iterator[str]:
    for field in dependant.query_params:
        yield field.alias
    for sub in dependant.dependencies:
        yield from _query_names(sub)


def declared(route: APIRoute) -> frozenset[str]:
    """The names of the query parameters ``route`` declares."""
    key = (route.endpoint, route.path_format)
    names = _DECLARED.get(key)
    if names is None:
        names = _DECLARED[key] = frozenset(_query_names(route.dependant))
    return names


def ignored(request: Request) -> list[str]:
    """The query parameters of ``request`` its route does not declare, each once, in the
    order sent."""
    route = request.scope.get("route")
    query = request.query_params
    if not query or not isinstance(route, APIRoute):
        return []
    known = declared(route)
    return [name for name in query if name and name not in known]


def headers(request: Request) -> dict[str, str]:
    """``X-Ignored-Fields`` for the answer of a read, when it ignored any parameter."""
    return ignored_headers(ignored(request))
