"""Schema fuzzing (issue 5): schemathesis against the server's own ``/openapi.json``.

For every operation in the document, schemathesis generates requests from the schema, valid
ones and invalid ones (its examples, coverage and fuzzing phases, the same the schemathesis
pytest plugin runs), sends them, authenticated as a fresh account that has a record of every
resource, and checks each response: no 5xx, a status code the operation documents, a documented
content type, and a body that matches the documented schema.

The app under test is built here from the session's settings (so this runs on SQLite and on
PostgreSQL, like every test) and reached in-process through schemathesis' ASGI transport; its
own lifespan opens its own database connection on schemathesis' event loop thread. Per-account
rate limiting is off in it: thousands of requests from one key would otherwise only test 429.

``TIMETRACK_FUZZ_EXAMPLES`` bounds the fuzzing phase per operation (default 10: the CI leg);
``TIMETRACK_FUZZ_SEED`` picks the generation seed (default 0, so CI runs are reproducible).
``scripts/fuzz`` runs a longer pass with a fresh seed, which it prints.

Only the schemathesis generation machinery is used (``create_test``), not its pytest plugin's
``from_fixture``: that plugin renames pytest nodes through a private attribute pytest 9.2 no
longer has.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import without_database
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import derive_operation_seed
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.python.asgi import get_client, shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from timetrack.accounts.service import Credentials, create_account
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import Database


@schemathesis.check
def error_codes_are_declared(ctx: Any, response: Any, case: Any) -> None:
    """Every code in an error answer is one its operation lists for that status
    (``x-error-codes``, issue 9 point 8): the document names what a client must handle."""
    if response.status_code < 400:
        return None
    responses = case.operation.definition.raw.get("responses", {})
    documented = responses.get(str(response.status_code))
    if documented is None:
        return None  # status_code_conformance reports an undocumented status
    declared = set(documented.get("x-error-codes", []))
    answered = {item["code"] for item in response.json()["errors"]}
    if not answered <= declared:
        raise AssertionError(
            f"{case.operation.label} answered {response.status_code} with codes "
            f"{sorted(answered - declared)}, which it does not declare ({sorted(declared)})"
        )
    return None


EXAMPLES = int(os.environ.get("TIMETRACK_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("TIMETRACK_FUZZ_SEED", "0"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    error_codes_are_declared,
]
MODES = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
PASSWORD = "correct horse battery"


def _unlimited(settings: Settings) -> Settings:
    """``settings`` without per-account rate limiting (when the server has it)."""
    off = {"rate_limit_enabled": False, "auth_failures_per_minute": 0}
    return settings.model_copy(update={k: v for k, v in off.items() if k in Settings.model_fields})


def _operations() -> list[tuple[str, str]]:
    """Every operation of the document, read at collection time, so that each is a test of its
    own."""
    doc = without_database.openapi_document()
    return [
        (method.upper(), path)
        for path, item in doc["paths"].items()
        for method in item
        if method in HTTP_METHODS
    ]


OPERATIONS = _operations()


def auth_headers(creds: Credentials) -> dict[str, str]:
    return {"X-TimeTrack-Api-Key": creds.api_key, "X-TimeTrack-Api-Secret": creds.api_secret}


async def _created(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> None:
    response = await api.post(path, json=body)
    assert response.status_code == 201, (path, response.text)


@pytest.fixture(scope="module")
async def fuzz_account(app: FastAPI, database: Database) -> Credentials:
    """A fresh account with a record of every resource: the document's examples use id 1."""
    async with database.transaction(write=True) as tx:
        creds = await create_account(tx, f"fuzz-{uuid.uuid4().hex[:12]}")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver/api/v2/ext",
        headers=auth_headers(creds),
    ) as api:
        for n in (1, 2):
            await _created(api, "/clients", {"name": f"Client {n}"})
            await _created(api, "/projects", {"clientName": "Client 1", "projectName": f"P{n}"})
            await _created(api, "/tasks", {"name": f"Task {n}"})
            user = {"firstName": "F", "lastName": "L", "password": PASSWORD}
            await _created(
                api, "/users", {**user, "username": f"user{n}", "email": f"u{n}@example.com"}
            )
            entry = {"user": f"user{n}", "clientName": "Client 1", "projectName": "P1"}
            span = {"from": "2025-03-04T09:00:00Z", "to": "2025-03-04T10:00:00Z"}
            await _created(api, "/project_time_entries", {**entry, **span, "task": "Task 1"})
            await _created(api, "/attendances", {"user": f"user{n}", **span})
            await _created(
                api,
                "/absences",
                {
                    "username": f"user{n}",
                    "from": "2025-04-01",
                    "to": "2025-04-02",
                    "absenceType": 1,
                },
            )
            await _created(api, f"/users/{n}/working_time_models", {"validFrom": "2025-01-01"})
            await _created(api, "/teams", {"name": f"Team {n}", "members": [f"user{n}"]})
    return creds


@pytest.fixture(scope="module")
def fuzz_schema(backend: Any, fuzz_account: Credentials) -> Iterator[Any]:
    app = create_app(_unlimited(backend.settings))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.update(headers=auth_headers(fuzz_account))
    yield schema
    shutdown_lifespans()  # closes the app's database


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_the_document(method: str, path: str, fuzz_schema: Any) -> None:
    operation = fuzz_schema[path][method]

    def check(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    test = create_test(
        operation=operation,
        test_func=check,
        config=HypothesisTestConfig(
            project=fuzz_schema.config,
            modes=MODES,
            settings=settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=False,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
            ),
            seed=derive_operation_seed(SEED, operation.label),
        ),
    )
    test()


# --- requests the generator does not make -------------------------------------------------------
#
# Schemathesis builds requests from the document, so it never sends what the document does not
# describe: a body to an operation without one, malformed JSON, an oversized body, a NUL in the
# query, ids that cannot exist, someone else's or no credentials, a current or stale ETag, a
# reused Idempotency-Key. The server answers each of these in a defined way; every such answer
# must be documented for its operation too. Each request here goes to every operation it
# applies to, and its answer through the same checks.

NUL = "%00"
BAD_IDS = ("abc", "0", str(2**63))


def _edge_requests(
    method: str, path: str, spec: dict[str, Any], max_body: int
) -> Iterator[tuple[str, str, dict[str, str], bytes | None]]:
    """(what, url, headers, body) of the unusual requests that apply to one operation."""
    params = {p["name"]: p for p in spec.get("parameters", [])}
    path_ids = [name for name, p in params.items() if p["in"] == "path"]
    query = "&".join(
        f"{name}={_QUERY_DEFAULTS.get(name, 'x')}"
        for name, p in params.items()
        if p["in"] == "query" and p.get("required")
    )

    def url(**ids: str) -> str:
        filled = path
        for name in path_ids:
            filled = filled.replace("{" + name + "}", ids.get(name, "1"))
        return f"{filled}?{query}" if query else filled

    full = url()
    json_type = {"content-type": "application/json"}
    yield "a JSON object the operation does not expect", full, json_type, b'{"unexpected": 1}'
    yield "malformed JSON", full, json_type, b"{"
    yield "a JSON array", full, json_type, b"[]"
    yield "a body over the cap", full, json_type, b" " * (max_body + 1)
    yield "a NUL in the query", f"{full}{'&' if query else '?'}q={NUL}", {}, None
    yield "no credentials", full, {"X-TimeTrack-Api-Key": "", "X-TimeTrack-Api-Secret": ""}, None
    yield "wrong credentials", full, {"X-TimeTrack-Api-Secret": "tts_wrong"}, None
    for name in path_ids:
        for bad in BAD_IDS:
            yield f"{name}={bad}", url(**{name: bad}), {}, None
    if "If-Match" in params:
        yield "a stale If-Match", full, {"If-Match": '"0123456789abcdef"'}, b"{}"
        yield "If-Match: *", full, {"If-Match": "*"}, b"{}"
    if "Idempotency-Key" in params:
        yield "an Idempotency-Key over 255 characters", full, {"Idempotency-Key": "k" * 256}, b"{}"
        yield "an empty Idempotency-Key", full, {"Idempotency-Key": ""}, b"{}"


# Values for required query parameters, so the request gets past them.
_QUERY_DEFAULTS = {
    "username": "user1",
    "from": "2025-01-01",
    "to": "2025-01-31",
    "groupBy": "week",
}


@pytest.fixture
def fuzz_doc(fuzz_schema: Any) -> dict[str, Any]:
    raw: dict[str, Any] = fuzz_schema.raw_schema
    return raw


def test_unusual_requests_get_documented_answers(
    fuzz_schema: Any, fuzz_doc: dict[str, Any], fuzz_account: Credentials, backend: Any
) -> None:
    failures: list[str] = []
    auth = auth_headers(fuzz_account)
    with get_client(fuzz_schema.app) as client:
        for method, path in OPERATIONS:
            spec = fuzz_doc["paths"][path][method.lower()]
            operation = fuzz_schema[path][method]
            for what, url, headers, body in _edge_requests(
                method, path, spec, backend.settings.max_body_bytes
            ):
                response = client.request(method, url, headers={**auth, **headers}, data=body)
                try:
                    operation.Case().validate_response(response, checks=CHECKS)
                except (Exception, BaseExceptionGroup) as exc:
                    failures.append(f"{method} {url} ({what}): {response.status_code} {exc}")
            # A read answered with an ETag, asked again with it: 304 (or 200 where the
            # operation ignores If-None-Match).
            if method == "GET" or (method == "POST" and "requestBody" not in spec):
                url = next(_edge_requests(method, path, spec, 0))[1]
                etag = client.request(method, url, headers=auth).headers.get("etag")
                if etag is not None:
                    response = client.request(method, url, headers={**auth, "If-None-Match": etag})
                    try:
                        operation.Case().validate_response(response, checks=CHECKS)
                    except (Exception, BaseExceptionGroup) as exc:
                        failures.append(
                            f"{method} {url} (current ETag): {response.status_code} {exc}"
                        )
            # Where the server answers 304, 412 or 409 because of a header, it says so.
            names = {p["name"] for p in spec.get("parameters", [])}
            for header, status in (
                ("If-None-Match", "304"),
                ("If-Match", "412"),
                ("Idempotency-Key", "409"),
                ("Idempotency-Key", "400"),
            ):
                if header in names and status not in spec["responses"]:
                    failures.append(f"{method} {path}: takes {header} but documents no {status}")
    assert not failures, f"{len(failures)} answers not as documented:\n" + "\n\n".join(failures)
