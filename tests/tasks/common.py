"""Helpers of the ``/tasks`` tests (SPEC §2 "Tasks", with the wire conventions of §1). The
scenarios every resource shares are in tests/contract/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


TASK_KEYS = {"id", "name", "notes", "hourRate", "updatedAt"}


async def create(api: httpx.AsyncClient, name: str = "Design", **fields: Any) -> dict[str, Any]:
    response = await api.post("/tasks", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def fetch(api: httpx.AsyncClient, task_id: int) -> dict[str, Any]:
    response = await api.get(f"/tasks/{task_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def names(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/tasks", params=params)
    assert response.status_code == 200, response.text
    return [t["name"] for t in response.json()]
