"""Helpers of the ``/absence_types`` tests (ours, beyond the vendor; SPEC §2 "Absences"). The
scenarios every resource shares are in tests/contract/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


TYPE_KEYS = {
    "id",
    "name",
    "shortName",
    "color",
    "countsAgainstEntitlement",
    "plannable",
    "creditsTarget",
    "halfDay",
    "updatedAt",
}


# What every new account starts with: (id, name, shortName, color, countsAgainstEntitlement,
# plannable, creditsTarget, halfDay).
DEFAULTS = [
    (1, "Vacation", "VAC", "#4caf50", True, True, True, False),
    (2, "Half-day leave", "HDL", "#8bc34a", True, True, True, True),
    (3, "Special leave", "SPL", "#03a9f4", False, True, True, False),
    (4, "Home office", "HO", "#9c27b0", False, True, False, False),
    (5, "Sick leave", "SICK", "#f44336", False, False, True, False),
    (6, "Time off", "TO", "#ff9800", False, True, False, False),
]


DEFAULT_NAMES = [d[1] for d in DEFAULTS]


PASSWORD = "correct horse battery"


async def create(api: httpx.AsyncClient, name: str = "Training", **fields: Any) -> dict[str, Any]:
    body = {"name": name, "shortName": "TRN", **fields}
    response = await api.post("/absence_types", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def fetch(api: httpx.AsyncClient, type_id: int) -> dict[str, Any]:
    response = await api.get(f"/absence_types/{type_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/absence_types", params=params)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def names(api: httpx.AsyncClient, **params: Any) -> list[str]:
    return [t["name"] for t in await listed(api, **params)]


async def make_user(api: httpx.AsyncClient, username: str = "ann") -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": "Ann",
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": PASSWORD,
    }
    response = await api.post("/users", json=body)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


async def absence(
    api: httpx.AsyncClient, type_id: int, day: str = "2026-07-01", username: str = "ann"
) -> dict[str, Any]:
    body = {"username": username, "from": day, "to": day, "absenceType": type_id}
    response = await api.post("/absences", json=body)
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record
