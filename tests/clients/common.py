"""Helpers of the ``/clients`` tests (SPEC §2 "Clients", with the wire conventions of §1). The
scenarios every resource shares are in tests/contract/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


FULL: dict[str, Any] = {
    "name": "Acme GmbH",
    "enabled": False,
    "color": "#1a2B3c",
    "notes": "two\nlines ✓",
    "email": "billing@acme.example",
    "phone": "+49 89 1234-0",
    "address": "Hauptstraße 1",
    "address2": "Hinterhaus",
    "addressZipCode": "80331",
    "addressCity": "München",
    "addressCountry": "DE",
    "contactPerson": "Erika Mustermann",
    "field1": "one",
    "field2": "two",
    "field3": "three",
}


OPTIONAL = [k for k in FULL if k not in ("name", "enabled")]


async def create(api: httpx.AsyncClient, name: str = "Acme", **fields: Any) -> dict[str, Any]:
    response = await api.post("/clients", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def fetch(api: httpx.AsyncClient, client_id: int) -> dict[str, Any]:
    response = await api.get(f"/clients/{client_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def names(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/clients", params=params)
    assert response.status_code == 200, response.text
    return [c["name"] for c in response.json()]


async def create_project(api: httpx.AsyncClient, client_name: str, name: str = "Web") -> int:
    response = await api.post("/projects", json={"projectName": name, "clientName": client_name})
    assert response.status_code == 201, response.text
    project_id: int = response.json()["id"]
    return project_id
