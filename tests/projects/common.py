"""Helpers of the ``/projects`` tests (SPEC §1 wire conventions, §2 "Projects"). Every test runs
on SQLite and PostgreSQL (tests/conftest.py). The scenarios every resource shares are in
tests/contract/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


PROJECT_KEYS = {
    "id",
    "projectName",
    "clientName",
    "clientId",
    "projectEnabled",
    "notes",
    "hourRate",
    "timeEstimated",
    "budgetEstimated",
    "assignedUsers",
    "updatedAt",
}


# Codes (src/timetrack/errors.py).
CLIENT_UNKNOWN = 11040


PROJECT_DELETED = 12020


PROJECT_NAME_TAKEN = 12030


async def make_client(api: httpx.AsyncClient, name: str = "Test GmbH") -> dict[str, Any]:
    r = await api.post("/clients", json={"name": name})
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


async def make_project(
    api: httpx.AsyncClient,
    name: str = "Test Projekt 001",
    client: str = "Test GmbH",
    **fields: Any,
) -> dict[str, Any]:
    r = await api.post("/projects", json={"projectName": name, "clientName": client, **fields})
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


async def names(api: httpx.AsyncClient, query: str = "") -> list[str]:
    r = await api.get(f"/projects{query}")
    assert r.status_code == 200, r.text
    return [p["projectName"] for p in r.json()]


async def get(api: httpx.AsyncClient, project_id: int) -> dict[str, Any]:
    r = await api.get(f"/projects/{project_id}")
    assert r.status_code == 200, r.text
    project: dict[str, Any] = r.json()
    return project


def raw_links(header: str) -> dict[str, str]:
    """rel -> URL of an RFC 8288 ``Link`` header."""
    links = {}
    for part in header.split(","):
        if not part.strip():
            continue
        match = re.fullmatch(r'\s*<([^>]*)>\s*;\s*rel="(\w+)"\s*', part)
        assert match, header
        links[match.group(2)] = match.group(1)
    return links


def parse_links(header: str) -> dict[str, dict[str, str]]:
    """rel -> the query parameters of its URL."""
    return {rel: dict(httpx.URL(url).params) for rel, url in raw_links(header).items()}


ALL_NAMES = ["Test Projekt 001", "Website", "Testing Tools", "Backoffice"]
