"""The filter rule every list shares (docs/api.md, "Filters"): names of clients, projects and
tasks match substrings everywhere, the user of per-user records is picked whole, ids match
ids. Each resource's own test file holds its filter cases; this one holds the rule itself."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

API = "/api/v2/ext"
NAMES = {"name", "projectName", "clientName", "task"}
USERS = {"user", "username"}
IDS = {"userId", "projectId", "clientId", "taskId", "absenceType"}


async def _made(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(path, json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def test_a_client_name_filter_matches_the_same_everywhere(api: httpx.AsyncClient) -> None:
    """The issue's case: ``?clientName=test`` found projects of "Test GmbH" but no entries."""
    await _made(api, "/clients", {"name": "Test GmbH"})
    await _made(api, "/clients", {"name": "Other"})
    project = await _made(api, "/projects", {"projectName": "Web", "clientName": "Test GmbH"})
    await _made(api, "/projects", {"projectName": "Web", "clientName": "Other"})
    user = {"firstName": "T", "lastName": "U", "password": "s3cret-pass"}
    await _made(api, "/users", {"username": "test", "email": "t@example.com", **user})
    await _made(api, "/users", {"username": "test6", "email": "t6@example.com", **user})
    entry = {"clientName": "test gmbh", "projectName": "Web", "from": "2026-01-05T09:00:00Z"}
    mine = await _made(
        api, "/project_time_entries", {"user": "test", "to": "2026-01-05T10:00:00Z", **entry}
    )
    await _made(api, "/project_time_entries", {"user": "test6", "workedMinutes": 30, **entry})
    projects = await api.get("/projects", params={"clientName": "test"})
    assert [p["id"] for p in projects.json()] == [project["id"]]
    entries = await api.get("/project_time_entries", params={"clientName": "TEST", "user": "test"})
    assert [e["id"] for e in entries.json()] == [mine["id"]]  # not test6's


async def test_the_openapi_document_states_the_rule_on_every_list(
    app_without_database: FastAPI,
) -> None:
    checked = 0
    for path, item in app_without_database.openapi()["paths"].items():
        for operation in item.values():
            answer = operation["responses"].get("200", {}).get("content", {})
            if answer.get("application/json", {}).get("schema", {}).get("type") != "array":
                continue  # not a list
            for parameter in operation.get("parameters", []):
                name, text = parameter["name"], parameter.get("description", "")
                where = (path, name)
                if parameter["in"] != "query":
                    continue
                if name in NAMES or (name == "username" and path == f"{API}/users"):
                    assert "case-insensitive substring" in text, where
                elif name in USERS:
                    assert "whole" in text and "any case" in text, where
                elif name in IDS:
                    assert "matches nothing" in text, where
                else:
                    continue
                checked += 1
    assert checked >= 40
