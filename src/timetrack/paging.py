"""Paging of every list: ``page_number``/``limit`` (and the 1-based ``page`` alias).

The body of a list is a bare JSON array (the vendor's clients iterate it directly); the total
and the neighbouring pages travel in ``X-Total-Count`` and ``Link`` headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from starlette.responses import Response

from timetrack import grants, ignored_query
from timetrack.canonical import QUERY_INTEGER
from timetrack.wire import JSON_MEDIA, dumps

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# Deeper offsets than this cannot be expressed in a 64-bit OFFSET anyway.
MAX_PAGE_NUMBER = 10_000_000


@dataclass(frozen=True, slots=True)
class Page:
    number: int
    limit: int

    @property
    def offset(self) -> int:
        return self.number * self.limit


async def _page(
    page_number: Annotated[
        int | None,
        Query(ge=0, le=MAX_PAGE_NUMBER, description="0-based page index (default 0)"),
        QUERY_INTEGER,
    ] = None,
    limit: Annotated[
        int,
        Query(ge=0, le=MAX_LIMIT, description="page size, 0..1000 (default 50)"),
        QUERY_INTEGER,
    ] = DEFAULT_LIMIT,
    page: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_PAGE_NUMBER + 1,
            description="1-based alias of page_number, used when page_number is absent",
        ),
        QUERY_INTEGER,
    ] = None,
) -> Page:
    if page_number is not None:
        return Page(page_number, limit)
    if page is not None:
        return Page(page - 1, limit)
    return Page(0, limit)


PageDep = Annotated[Page, Depends(_page)]


_PAGING_KEYS = frozenset({"page_number", "page", "limit"})


def _link(request: Request, number: int, limit: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in _PAGING_KEYS]
    params += [("page_number", str(number)), ("limit", str(limit))]
    return f"<{request.url.replace(query=urlencode(params))}>"


def list_response(
    request: Request, items: list[dict[str, Any]], total: int, page: Page
) -> Response:
    headers = {"X-Total-Count": str(total), **ignored_query.headers(request)}
    links = []
    if page.limit and page.offset + page.limit < total:
        links.append(f'{_link(request, page.number + 1, page.limit)}; rel="next"')
    if page.number > 0 and page.limit:
        prev = min(page.number - 1, max((total - 1) // page.limit, 0))
        links.append(f'{_link(request, prev, page.limit)}; rel="prev"')
    if links:
        headers["Link"] = ", ".join(links)
    return Response(dumps(grants.shown(items)), media_type=JSON_MEDIA, headers=headers)
