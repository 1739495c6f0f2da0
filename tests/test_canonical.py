"""One spelling per value (docs/api.md, "One spelling per value"; issue 10, point 4).

Integers, numbers, booleans, dates, timestamps and time zones are accepted in the one spelling
the server itself writes. Other spellings of the same value (``019``, ``" 19"``, ``19\\n``,
full-width digits, ``"TRUE"``, ``"yes"``, a timestamp with a trailing newline, ``localtime``)
are refused like any malformed value, never read as the value they resemble.

The parameters and body fields under test come from the OpenAPI document, so one added later is
covered the day it exists; path ids have their own contract in ``test_path_ids.py``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import Backend, assert_error, auth_headers, client
from fastapi import FastAPI
from pydantic import ValidationError
from test_ignored_query import reads, records, sample, url_of
from test_path_ids import other_spellings
from without_database import app as app_on_no_database

from timetrack.accounts.service import AccountError, Credentials, validate_timezone
from timetrack.app import create_app
from timetrack.db import Database
from timetrack.times import DATE_OR_TIMESTAMP_PATTERN, DATE_PATTERN, TIMESTAMP_PATTERN
from timetrack.wire import WireModel

API = "/api/v2/ext"
TIME_PATTERNS = {DATE_PATTERN, TIMESTAMP_PATTERN, DATE_OR_TIMESTAMP_PATTERN}
_FULL_WIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
# Booleans as text: exactly "true", "false", "1" or "0" (SPEC §1).
BOOLEANS = ["true", "false", "1", "0"]
NOT_BOOLEANS = ["True", "TRUE", "False", " true", "true\n", "0 ", "yes", "no", "on", "t", "01"]
# Zone names the host's zoneinfo directory (or a case-insensitive disk) answered that are no
# IANA zone names, and IANA names spelled otherwise.
NOT_ZONES = ["localtime", "Factory", "posixrules", "posix/Europe/Berlin", "right/UTC"]
NOT_ZONES += ["europe/berlin", "EUROPE/BERLIN", "utc", "UTC\n", " UTC", "Europe/Berlin "]


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a schema (``anyOf``/``oneOf``, nested ones flattened), ``null``
    left out; the outer schema's own keys (a pattern set beside ``anyOf``) go to each."""
    options = schema.get("anyOf") or schema.get("oneOf")
    if not options:
        return [schema]
    outer = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
    found = [leaf for option in options for leaf in _branches({**outer, **option})]
    return [leaf for leaf in found if leaf.get("type") != "null"]


def _kind(schema: dict[str, Any]) -> str | None:
    """What a parameter or field holds, by its documented schema (a number that may also be
    free text, like ``personalNumber``, is text)."""
    types = {b.get("type") for b in _branches(schema)}
    texts = [b for b in _branches(schema) if b.get("type") == "string"]
    if "boolean" in types:
        return "boolean"
    if types & {"integer", "number"} and all("pattern" in b or "enum" in b for b in texts):
        return "number"
    if any(b.get("pattern") in TIME_PATTERNS for b in texts):
        return "time"
    return None


def _time_sample(schema: dict[str, Any]) -> str:
    patterns = {b.get("pattern") for b in _branches(schema)}
    return "2026-01-05" if DATE_PATTERN in patterns else "2026-01-05T09:00:00Z"


def _misspelled(kind: str, value: str, *, fractions: bool = True) -> list[str]:
    """Other spellings of ``value``; ``1.0`` is one of 1 only where fractions are refused."""
    if kind == "number":
        spelled = other_spellings(value) + ([f"{value[0]}_{value[1:]}"] if value[1:] else [])
        return [s for s in spelled if fractions or not s.endswith(".0")]
    if kind == "boolean":
        return NOT_BOOLEANS
    return [value + "\n", " " + value, value + " ", value.translate(_FULL_WIDTH)]


# --- query parameters -------------------------------------------------------------------------


def _query_parameters(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path, parameter) for every integer, boolean and time query parameter of every
    read, its GET and its POST-with-``{}`` form."""
    found = []
    for method, path, operation in reads(app):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and _kind(parameter["schema"]):
                found.append((method, path, parameter["name"]))
    return found


def _document() -> FastAPI:
    """The app, for its OpenAPI document only (built once per process)."""
    return app_on_no_database()


def test_the_walk_reaches_every_kind_of_query_parameter() -> None:
    found = {name for _, _, name in _query_parameters(_document())}
    assert {"limit", "page", "page_number", "userId", "absenceType", "status", "year"} <= found
    assert {"recordId", "includeDeleted", "billable", "updatedSince", "from", "date"} <= found


@pytest.fixture
async def unlimited(
    backend: Backend, database: Database, account: Credentials
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app without the per-key rate limit: the walk sends over a thousand
    requests."""
    app = create_app(backend.settings.model_copy(update={"rate_limit_enabled": False}), database)
    async with client(app, auth_headers(account)) as caller:
        yield caller
    await app.state.rate_limiter.aclose()


async def test_every_query_parameter_refuses_other_spellings_of_its_value(
    app: FastAPI, unlimited: httpx.AsyncClient
) -> None:
    api = unlimited
    ids = await records(api)
    checked = 0
    for method, path, operation in reads(app):
        declared = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        # The required parameters only: an alias (``startDate``) yields to its parameter.
        values = {p["name"]: sample(p) for p in declared if p.get("required")}
        body: dict[str, Any] = {"json": {}} if method == "POST" else {}
        url = url_of(path, ids)
        for parameter in declared:
            name, kind = parameter["name"], _kind(parameter["schema"])
            if kind is None:
                continue
            good = _time_sample(parameter["schema"]) if kind == "time" else sample(parameter)
            accepted = await api.request(method, url, params={**values, name: good}, **body)
            assert accepted.status_code == 200, (method, path, name, accepted.text)
            for spelled in _misspelled(kind, good):
                response = await api.request(method, url, params={**values, name: spelled}, **body)
                assert_error(response, 400, 10013, parameter=name)
                checked += 1
    assert checked >= 1000


# --- body fields ------------------------------------------------------------------------------


def _models() -> dict[str, type[WireModel]]:
    found: dict[str, type[WireModel]] = {}
    todo = list(WireModel.__subclasses__())
    while todo:
        model = todo.pop()
        found[model.__name__] = model
        todo.extend(model.__subclasses__())
    return found


def _body_fields() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(schema, field, kind, field schema) for every integer, number, boolean and time field of
    every request body the OpenAPI document names."""
    document = _document().openapi()
    schemas = document["components"]["schemas"]
    named = set()
    for item in document["paths"].values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media["schema"].get("$ref") or media["schema"].get("items", {}).get("$ref")
                if ref:
                    named.add(ref.rsplit("/", 1)[1])
    found = []
    for name in sorted(named):
        for field, schema in schemas[name].get("properties", {}).items():
            kind = _kind(schema)
            if kind is not None:
                found.append((name, field, kind, schema))
    return found


BODY_FIELDS = _body_fields()


def test_the_walk_reaches_every_kind_of_body_field() -> None:
    found = {(schema, field) for schema, field, _, _ in BODY_FIELDS}
    assert {("ProjectUpdate", "hourRate"), ("EntryCreate", "workedMinutes")} <= found
    assert {("EntryCreate", "latitude"), ("EntryCreate", "billable")} <= found
    assert {("AbsenceUpdate", "status"), ("AbsenceCreate", "absenceType")} <= found
    assert {("WorkingTimeModelCreate", "vacationDaysPerYear"), ("TimerEvent", "date")} <= found
    assert {("EntryCreate", "from"), ("AbsenceCreate", "to")} <= found
    assert ("UserCreate", "personalNumber") not in found  # a number or free text


def _field_errors(model: type[WireModel], field: str, value: Any) -> list[str]:
    """The problems ``model`` finds with ``field`` alone set to ``value``."""
    try:
        model.model_validate({field: value})
    except ValidationError as exc:
        return [e["msg"] for e in exc.errors() if e["loc"][:1] == (field,)]
    return []


@pytest.mark.parametrize(
    ("schema", "field", "kind", "field_schema"),
    BODY_FIELDS,
    ids=[f"{schema}.{field}" for schema, field, _, _ in BODY_FIELDS],
)
def test_every_body_field_refuses_other_spellings_of_its_value(
    schema: str, field: str, kind: str, field_schema: dict[str, Any]
) -> None:
    model = _models()[schema]
    good = {"number": "1", "boolean": "true"}.get(kind) or _time_sample(field_schema)
    assert _field_errors(model, field, good) == []
    texts = [b for b in _branches(field_schema) if b.get("type") == "string"]
    assert any(_documented(b, good) for b in texts), (schema, field, good)
    for spelled in _misspelled(kind, good, fractions=False):
        assert _field_errors(model, field, spelled), (schema, field, spelled)
        assert not any(_documented(b, spelled) for b in texts), (schema, field, spelled)
    if kind == "boolean":
        for value in BOOLEANS:
            assert _field_errors(model, field, value) == [], (schema, field, value)


def _documented(branch: dict[str, Any], text: str) -> bool:
    """Whether the OpenAPI document allows ``text`` by this string branch. JSON Schema's ``$``
    is the end of the text, Python's also matches before a final newline: hence ``\\Z``."""
    if "enum" in branch:
        return text in branch["enum"]
    pattern = str(branch.get("pattern", ".*"))
    return re.search(pattern.removesuffix("$") + r"\Z", text) is not None


@pytest.mark.parametrize(
    "text", ["12.5", "0.25", "50", "0", "9999999999.99", "12.50"], ids=lambda t: repr(t)
)
def test_plain_decimal_text_is_a_number(text: str) -> None:
    assert _field_errors(_models()["ProjectUpdate"], "hourRate", text) == []


@pytest.mark.parametrize(
    "text",
    [" 50", "50 ", "050", "00.5", ".5", "5.", "+5", "5e1", "1_000", "\u0665", "\uff15\uff10"],
)
def test_other_decimal_text_is_not_a_number(text: str) -> None:
    assert _field_errors(_models()["ProjectUpdate"], "hourRate", text)


# --- the cases, over HTTP on both databases -----------------------------------------


async def test_a_full_width_hour_rate_is_refused(api: httpx.AsyncClient) -> None:
    """``"hourRate"`` in full-width digits stored 12."""
    task = await api.post("/tasks", json={"name": "Design", "hourRate": "12"})
    assert task.status_code == 201, task.text
    for path, method in (("/tasks", "POST"), (f"/tasks/{task.json()['id']}", "PUT")):
        body = {"hourRate": "\uff11\uff12", **({"name": "Other"} if method == "POST" else {})}
        assert_error(await api.request(method, path, json=body), 400, 10011, pointer="/hourRate")
    listed = (await api.get("/tasks")).json()
    assert [(t["name"], t["hourRate"]) for t in listed] == [("Design", 12.0)]


async def test_a_task_id_spelled_otherwise_names_no_task(api: httpx.AsyncClient) -> None:
    """``GET /tasks/019`` was task 19, and ``DELETE /tasks/19%0A`` deleted it."""
    task = (await api.post("/tasks", json={"name": "Design"})).json()
    for method in ("GET", "DELETE"):
        for path in (f"/tasks/0{task['id']}", f"/tasks/{task['id']}%0A"):
            assert_error(await api.request(method, path), 404, 13010)
    assert (await api.get(f"/tasks/{task['id']}")).json() == task


async def test_a_timestamp_with_a_trailing_newline_is_refused(api: httpx.AsyncClient) -> None:
    await api.post("/clients", json={"name": "Acme"})
    await api.post("/projects", json={"clientName": "Acme", "projectName": "Web"})
    user = {"firstName": "A", "lastName": "B", "email": "a@example.com", "password": "s3cret-pw"}
    assert (await api.post("/users", json={"username": "alice", **user})).status_code == 201
    entry = {"user": "alice", "clientName": "Acme", "projectName": "Web"}
    times = {"from": "2026-01-05T09:00:00Z\n", "to": "2026-01-05T10:00:00.000Z\n"}
    response = await api.post("/project_time_entries", json={**entry, **times})
    assert response.status_code == 400, response.text
    pointers = {(e["code"], e["source"]["pointer"]) for e in response.json()["errors"]}
    assert pointers == {(10011, "/from"), (10011, "/to")}
    query = await api.get("/project_time_entries", params={"from": "2026-01-05\n"})
    assert_error(query, 400, 10013, parameter="from")


@pytest.mark.parametrize("zone", NOT_ZONES, ids=repr)
async def test_a_user_time_zone_is_an_iana_name_exactly(api: httpx.AsyncClient, zone: str) -> None:
    user = {"firstName": "A", "lastName": "B", "email": "a@example.com", "password": "s3cret-pw"}
    response = await api.post("/users", json={"username": "alice", "timeZone": zone, **user})
    assert_error(response, 400, 10011, pointer="/timeZone")
    made = await api.post("/users", json={"username": "alice", **user})
    assert made.status_code == 201, made.text
    changed = await api.put(f"/users/{made.json()['id']}", json={"timeZone": zone})
    assert_error(changed, 400, 10011, pointer="/timeZone")


@pytest.mark.parametrize("zone", ["Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"])
async def test_iana_zone_names_are_accepted(api: httpx.AsyncClient, zone: str) -> None:
    user = {"firstName": "A", "lastName": "B", "email": "a@example.com", "password": "s3cret-pw"}
    response = await api.post("/users", json={"username": "alice", "timeZone": zone, **user})
    assert response.status_code == 201 and response.json()["timeZone"] == zone


@pytest.mark.parametrize("zone", NOT_ZONES, ids=repr)
def test_an_account_time_zone_is_an_iana_name_exactly(zone: str) -> None:
    """The CLI's ``account create/update --timezone`` goes through this check."""
    with pytest.raises(AccountError, match="time zone"):
        validate_timezone(zone)


async def test_an_id_in_a_body_repeats_the_path_id_exactly(api: httpx.AsyncClient) -> None:
    client = (await api.post("/clients", json={"name": "Acme"})).json()
    same = [client["id"], str(client["id"])]
    other = [f" {client['id']}", f"0{client['id']}", f"{client['id']}\n", float(client["id"])]
    for value in same:
        response = await api.put(f"/clients/{client['id']}", json={"id": value, "notes": "n"})
        assert response.status_code == 200, (value, response.text)
    for value in [*other, True]:
        response = await api.put(f"/clients/{client['id']}", json={"id": value, "notes": "x"})
        assert_error(response, 400, 10012, pointer="/id"), value
    assert (await api.get(f"/clients/{client['id']}")).json()["notes"] == "n"


@pytest.mark.parametrize(
    ("collection", "field", "value"),
    [("/clients", "email", "a@example.com\n"), ("/users", "language", "de\n")],
)
async def test_a_trailing_newline_is_no_part_of_a_code(
    api: httpx.AsyncClient, collection: str, field: str, value: str
) -> None:
    """``$`` in a pattern matches before a trailing newline: ``"de\\n"`` was stored."""
    user = {"firstName": "A", "lastName": "B", "email": "a@example.com", "password": "s3cret-pw"}
    body = {"name": "Acme"} if collection == "/clients" else {"username": "alice", **user}
    response = await api.post(collection, json={**body, field: value})
    assert_error(response, 400, 10011, pointer=f"/{field}")
