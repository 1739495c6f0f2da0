"""Query parameters a route does not declare are ignored and named in ``X-Ignored-Fields`` on
the answer of every read: every list, and every read of one object (docs/api.md, "Query
parameters").

The routes come from the app's OpenAPI document, not from a hand-picked list: a list or a read
added later is covered the day it exists. Each request sends every parameter the operation
declares (so each is proven known), plus two it does not: a made-up one and a case variant of
a known one.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI

API = "/api/v2/ext"
UNKNOWN = [("zzTypo", "1"), ("Limit", "5"), ("zzTypo", "2")]  # named once, in the order sent
# Values for parameters whose schema alone does not give a valid one.
SAMPLES = {
    "groupBy": "week",
    "subGroupBy": "user",
    "rounding": "up",
    "username": "alice",
    # The exports': a format every export writes, a language, a timesheet's month.
    "format": "csv",
    "lang": "en",
    "month": "2026-01",
}
# Strings tried, in order, against a parameter's pattern.
CANDIDATES = ("2026-01-05", "2026-01-05T10:00:00Z", "1", "x")


def _schema(parameter: dict[str, Any]) -> dict[str, Any]:
    """The parameter's schema without the ``null`` of an optional one."""
    schema: dict[str, Any] = parameter["schema"]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return {**schema, **option}
    return schema


def sample(parameter: dict[str, Any]) -> str:
    """A valid value for a declared query parameter."""
    name = parameter["name"]
    if name in SAMPLES:
        return SAMPLES[name]
    schema = _schema(parameter)
    if schema.get("type") == "integer":
        return str(max(schema.get("minimum", 1), 1))
    if schema.get("type") == "boolean":
        return "false"
    pattern = schema.get("pattern")
    for candidate in CANDIDATES:
        if pattern is None or re.search(pattern, candidate):
            return candidate
    raise AssertionError(f"no sample value for {name}: add one to SAMPLES")


def reads(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    """Every read the API documents: GETs, and POSTs that read (no body, or a list; a POST
    that takes an Idempotency-Key writes, with a body or without, as a key's rotate_secret)."""
    found = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if not path.startswith(API) or "200" not in operation["responses"]:
                continue
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            bodiless_read = "requestBody" not in operation and "Idempotency-Key" not in headers
            if method in ("get", "post") and (
                method == "get" or bodiless_read or is_list(operation)
            ):
                found.append((method.upper(), path, operation))
    return found


def is_list(operation: dict[str, Any]) -> bool:
    content = operation["responses"]["200"].get("content", {})
    return bool(content.get("application/json", {}).get("schema", {}).get("type") == "array")


async def records(api: httpx.AsyncClient) -> dict[str, int]:
    """One record of each resource, for the reads of one object (by first path segment)."""
    bodies: list[tuple[str, dict[str, Any]]] = [
        ("clients", {"name": "Acme"}),
        ("projects", {"projectName": "Web", "clientName": "Acme"}),
        ("tasks", {"name": "Design"}),
        (
            "users",
            {
                "username": "alice",
                "firstName": "A",
                "lastName": "B",
                "email": "alice@example.com",
                "password": "s3cret-pass",
            },
        ),
        (
            "project_time_entries",
            {
                "user": "alice",
                "clientName": "Acme",
                "projectName": "Web",
                "from": "2026-01-05T09:00:00Z",
                "to": "2026-01-05T10:00:00Z",
            },
        ),
        (
            "attendances",
            {"user": "alice", "from": "2026-01-05T08:00:00Z", "to": "2026-01-05T12:00:00Z"},
        ),
        (
            "absences",
            {"username": "alice", "from": "2026-01-06", "to": "2026-01-06", "absenceType": 1},
        ),
        ("absence_types", {"name": "Training", "shortName": "TRN"}),
        ("teams", {"name": "Team", "members": ["alice"]}),
        ("api_keys", {"name": "CI", "scopes": ["read"], "username": "alice"}),
    ]
    ids = {}
    for collection, body in bodies:
        response = await api.post(f"/{collection}", json=body)
        assert response.status_code == 201, (collection, response.text)
        ids[collection] = response.json()["id"]
    user = ids["users"]
    model = await api.post(f"/users/{user}/working_time_models", json={"validFrom": "2026-01-01"})
    assert model.status_code == 201, model.text
    ids["working_time_models"] = model.json()["id"]
    return ids


def url_of(path: str, ids: dict[str, int]) -> str:
    """The operation's path with ids of existing records in it."""
    parts = path.removeprefix(API).split("/")
    for i, part in enumerate(parts):
        if part == "{id}":
            parts[i] = str(ids[parts[i - 1]])
        elif part == "{modelId}":
            parts[i] = str(ids["working_time_models"])
        else:
            assert not part.startswith("{"), f"a path parameter without a sample: {path}"
    return "/".join(parts)


async def test_every_read_names_the_query_parameters_it_ignored(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    ids = await records(api)
    operations = reads(app)
    assert sum(is_list(op) for _, _, op in operations) >= 20  # every list, GET and POST forms
    assert len(operations) >= 40
    for method, path, operation in operations:
        declared = tuple(
            (p["name"], sample(p)) for p in operation.get("parameters", []) if p["in"] == "query"
        )
        where = f"{method} {path}"
        assert "X-Ignored-Fields" in operation["responses"]["200"].get("headers", {}), where
        body: dict[str, Any] = {"json": {}} if method == "POST" else {}
        url = url_of(path, ids)
        known = await api.request(method, url, params=declared, **body)
        assert known.status_code == 200, (where, known.text)
        assert "x-ignored-fields" not in known.headers, where
        sent = (UNKNOWN[0], *declared, *UNKNOWN[1:])
        for spelled in (url, url + "/"):  # the undocumented twin with a trailing slash too
            extra = await api.request(method, spelled, params=sent, **body)
            assert extra.status_code == 200, (where, extra.text)
            assert extra.headers["x-ignored-fields"] == "zzTypo, Limit", where
            assert extra.content == known.content, where  # ignored: the answer is the same


async def test_writes_name_body_keys_only(api: httpx.AsyncClient) -> None:
    created = await api.post("/clients?zzTypo=1", json={"name": "Acme", "colour": "red"})
    assert created.status_code == 201, created.text
    assert created.headers["x-ignored-fields"] == "colour"
    updated = await api.put(f"/clients/{created.json()['id']}?zzTypo=1", json={"notes": "n"})
    assert updated.status_code == 200, updated.text
    assert "x-ignored-fields" not in updated.headers


async def test_an_error_names_nothing(api: httpx.AsyncClient) -> None:
    response = await api.get("/clients?zzTypo=1&limit=-1")
    assert response.status_code == 400
    assert "x-ignored-fields" not in response.headers


async def test_names_are_encoded_like_ignored_body_keys(api: httpx.AsyncClient) -> None:
    response = await api.get("/clients", params=[("na me", "1"), ("größe", "2"), ("a,b", "3")])
    assert response.status_code == 200
    assert response.headers["x-ignored-fields"] == "na%20me, gr%C3%B6%C3%9Fe, a%2Cb"
