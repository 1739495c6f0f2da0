"""Helpers of test_bulk.py and test_bulk_refused.py.

``POST /project_time_entries/bulk`` (ours): 1 to 1000 entries in one transaction.

Each item is checked as a single create checks it; any invalid item writes nothing, and every
problem's pointer starts with its item's index. Every test runs on SQLite and PostgreSQL
(tests/conftest.py), each in fresh accounts.
"""

from __future__ import annotations

from typing import Any

import httpx
from conftest import assert_errors

from .common import (
    ENTRY,
)

BULK = "/project_time_entries/bulk"


JSON = "application/json"


BODY_NOT_OBJECT = 10005


AUTH_MISSING, AUTH_INVALID = 10001, 10002


KEY_REUSED = 10031


BULK_NOT_ARRAY, BULK_EMPTY, BULK_TOO_MANY = 15040, 15041, 15042


MAX = 1000


def entry(day: int = 4, **fields: Any) -> dict[str, Any]:
    """ENTRY on 2025-03-``day``, with ``fields`` (None drops a key)."""
    body = {
        **ENTRY,
        "from": f"2025-03-{day:02d}T09:00:00Z",
        "to": f"2025-03-{day:02d}T17:00:00Z",
        **fields,
    }
    return {k: v for k, v in body.items() if v is not None}


def batch(n: int) -> list[dict[str, Any]]:
    """``n`` valid entries of alice on Acme / Website, ``details`` their index."""
    return [entry(1 + i % 28, details=str(i)) for i in range(n)]


async def total(api: httpx.AsyncClient) -> int:
    response = await api.get("/project_time_entries", params={"limit": 0, "includeDeleted": "1"})
    assert response.status_code == 200, response.text
    return int(response.headers["X-Total-Count"])


async def bulk(api: httpx.AsyncClient, items: Any, **headers: str) -> list[dict[str, Any]]:
    response = await api.post(BULK, json=items, headers=headers)
    assert response.status_code == 201, response.text
    created: list[dict[str, Any]] = response.json()
    return created


def errors(response: httpx.Response) -> list[tuple[int, str]]:
    """(code, pointer) of every problem of a 400."""
    return [(e["code"], e["source"]["pointer"]) for e in assert_errors(response, 400)]


async def audit_of_entries(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await api.get(
        "/audit_log", params={"resource": "project_time_entries", "limit": 1000}
    )
    assert response.status_code == 200, response.text
    log: list[dict[str, Any]] = response.json()
    return log
