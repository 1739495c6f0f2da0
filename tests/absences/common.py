"""Helpers of the ``/absences`` tests (SPEC §2 "Absences", with the wire conventions of §1). The
scenarios every resource shares are in tests/contract/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


ABSENCE_KEYS = {
    "id",
    "user",
    "user_id",
    "from",
    "to",
    "status",
    "absenceType",
    "absenceTypeName",
    "color",
    "is_plannable",
    "day_segment",
    "notes",
    "updatedAt",
}


PASSWORD = "correct horse battery"


VAC, HDL, SPL, HO, SICK, TO = 1, 2, 3, 4, 5, 6  # the ids of every account's default types


async def make_user(api: httpx.AsyncClient, username: str = "ann") -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": "First",
        "lastName": "Last",
        "email": f"{username}@example.com",
        "password": PASSWORD,
    }
    response = await api.post("/users", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


def body_of(
    start: str = "2026-07-01",
    end: str | None = None,
    absence_type: Any = VAC,
    username: str = "ann",
    **fields: Any,
) -> dict[str, Any]:
    return {
        "username": username,
        "from": start,
        "to": end or start,
        "absenceType": absence_type,
        **fields,
    }


async def create(
    api: httpx.AsyncClient,
    start: str = "2026-07-01",
    end: str | None = None,
    absence_type: Any = VAC,
    username: str = "ann",
    **fields: Any,
) -> dict[str, Any]:
    response = await api.post(
        "/absences", json=body_of(start, end, absence_type, username, **fields)
    )
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


async def fetch(api: httpx.AsyncClient, absence_id: int) -> dict[str, Any]:
    response = await api.get(f"/absences/{absence_id}")
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    return record


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/absences", params=params)
    assert response.status_code == 200, response.text
    records: list[dict[str, Any]] = response.json()
    return records


async def ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    return [a["id"] for a in await listed(api, **params)]


async def set_status(api: httpx.AsyncClient, absence_id: int, status: Any) -> dict[str, Any]:
    response = await api.put(f"/absences/{absence_id}", json={"status": status})
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    return record
