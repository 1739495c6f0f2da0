"""What the OpenAPI document says of each operation, declared once where the route is.

Each route names the specific error codes it can answer (``route(..., errors=[...])``); the
codes every operation of its kind can answer (credentials, rate limits, a malformed body, an
``If-Match``, an ``Idempotency-Key``) are added here from what the route is. The codes of a
status go into its response as the ``x-error-codes`` extension and into its description, so
a client sees which failures to expect and the document cannot name a code that does not
exist. Request bodies carry an example (the vendor's own, where its documentation has one).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import GenericAlias
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from timetrack import idempotency, preconditions
from timetrack.errors import (
    ACCOUNT_DISABLED,
    ALL_CODES,
    AUTH_INVALID,
    AUTH_MISSING,
    AUTH_THROTTLED,
    BODY_NOT_OBJECT,
    BODY_TOO_LARGE,
    CREDENTIAL_HEADER_REPEATED,
    CSRF_FAILED,
    DATABASE_UNAVAILABLE,
    FIELD_INVALID,
    FIELD_READ_ONLY,
    FIELD_REQUIRED,
    IDEMPOTENCY_KEY_INVALID,
    IDEMPOTENCY_KEY_REUSED,
    INTERNAL,
    KEY_ADDRESS_REFUSED,
    KEY_EXPIRED,
    KEY_REVOKED,
    MALFORMED_JSON,
    PARAMETER_INVALID,
    PRECONDITION_FAILED,
    RATE_LIMITED,
    ROLE_FORBIDS,
    SCOPE_MISSING,
    SESSION_INVALID,
    USER_DISABLED,
    ErrorCode,
)

Responses = dict[int | str, dict[str, Any]]

# Request-body models, whose schemas the OpenAPI document adds to its components (bodies are
# read by ``wire.read_object`` rather than by FastAPI, so FastAPI does not see them).
BODY_MODELS: list[type[BaseModel]] = []
# Body models that need one of several optional fields (``user`` or ``username``), by name.
ONE_OF_REQUIRED: dict[str, tuple[str, ...]] = {}


class ErrorSource(BaseModel):
    pointer: str | None = Field(default=None, description="JSON pointer into the request body")
    parameter: str | None = Field(default=None, description="name of the query parameter")


class ErrorItem(BaseModel):
    title: str
    status: int
    code: int = Field(description="stable numeric code; see the error table in docs/errors.md")
    detail: str
    source: ErrorSource | None = None


class ErrorEnvelope(BaseModel):
    errors: list[ErrorItem]


# What each error status means, before its codes are listed.
STATUS_TEXT: dict[int, str] = {
    400: "Invalid request: malformed JSON, wrong types, values out of range",
    401: "Missing or wrong credentials: API key and secret, or a live session",
    403: "Not allowed: the account or user is disabled, or the role or key does not open this",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict with the stored data",
    412: "`If-Match` names an older version: the record has changed",
    413: "Request body too large",
    429: "Too many requests",
    500: "Unexpected server error",
    503: "Database unavailable",
}

# Every authenticated operation: credentials, account, permissions, limits, a NUL in the
# query, outages.
COMMON_CODES = (
    PARAMETER_INVALID,
    AUTH_MISSING,
    AUTH_INVALID,
    CREDENTIAL_HEADER_REPEATED,
    ACCOUNT_DISABLED,
    ROLE_FORBIDS,
    SCOPE_MISSING,
    KEY_ADDRESS_REFUSED,
    KEY_REVOKED,
    KEY_EXPIRED,
    USER_DISABLED,
    SESSION_INVALID,
    CSRF_FAILED,
    BODY_TOO_LARGE,
    RATE_LIMITED,
    AUTH_THROTTLED,
    INTERNAL,
    DATABASE_UNAVAILABLE,
)
# Every POST and PUT reads its body as a JSON object (a read by POST too: it must be empty).
BODY_CODES = (MALFORMED_JSON, BODY_NOT_OBJECT)
# A body validated against a model.
MODEL_CODES = (FIELD_REQUIRED, FIELD_INVALID)
# A PUT may repeat, but not change, the record's id and read-only fields.
UPDATE_CODES = (FIELD_READ_ONLY,)


def error_doc(codes: Iterable[ErrorCode], text: str | None = None) -> dict[str, Any]:
    """One error response: its description lists its codes, ``x-error-codes`` holds them."""
    found = sorted({c.code: c for c in codes}.values(), key=lambda c: c.code)
    status = found[0].status
    listed = "; ".join(f"`{c.code}` {c.title}" for c in found)
    return {
        "model": ErrorEnvelope,
        "description": f"{text or STATUS_TEXT.get(status, 'Error')}. Codes: {listed}.",
        "x-error-codes": [c.code for c in found],
    }


def body_doc(model: type[BaseModel], example: Any, *, required: bool = True) -> dict[str, Any]:
    if model not in BODY_MODELS:
        BODY_MODELS.append(model)
    return {
        "requestBody": {
            "required": required,
            "content": {
                "application/json": {
                    "schema": {"$ref": f"#/components/schemas/{model.__name__}"},
                    "example": example,
                }
            },
        }
    }


def operation_docs(
    method: str,
    *,
    body: type[BaseModel] | None,
    body_required: bool,
    example: Any,
    errors: Iterable[ErrorCode],
    responses: Responses | None,
    writes: bool | None = None,
) -> tuple[Responses, dict[str, Any] | None]:
    """The responses and the ``openapi_extra`` of one operation. ``writes``: whether a POST
    writes (takes an ``Idempotency-Key``); by default, when it has a body."""
    if body is not None and example is None:
        raise ValueError(f"{method} with a {body.__name__} body needs an example")
    if writes is None:
        writes = method == "POST" and body is not None
    codes = [*COMMON_CODES, *errors]
    if method in ("POST", "PUT"):
        codes += BODY_CODES
    if body is not None:
        codes += MODEL_CODES
    if method == "PUT":
        codes += UPDATE_CODES
    if method in ("PUT", "DELETE"):
        codes.append(PRECONDITION_FAILED)
    if writes:
        codes += (IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_KEY_REUSED)
    prose = {int(k): v for k, v in (responses or {}).items()}
    by_status: dict[int, list[ErrorCode]] = {}
    for code in codes:
        by_status.setdefault(code.status, []).append(code)
    all_responses: Responses = {k: v for k, v in prose.items() if k < 400}
    for status, found in sorted(by_status.items()):
        text = prose.get(status, {}).get("description")
        all_responses[status] = error_doc(found, text)
    for status in prose:
        if status >= 400 and status not in by_status:
            raise ValueError(f"{method}: a {status} is described but no code of it declared")
    extra = body_doc(body, example, required=body_required) if body is not None else None
    headers = _header_docs(method, writes, all_responses)
    if headers:
        extra = {**(extra or {}), **headers}
    return all_responses, extra


def _header_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }


def _header_docs(method: str, writes: bool, responses: Responses) -> dict[str, Any]:
    """The concurrency headers of a route in the OpenAPI document: ``ETag`` on every
    single-object answer, ``If-None-Match`` on reads of one, ``If-Match`` on ``PUT``/
    ``DELETE``, ``Idempotency-Key`` on ``POST``s that write. ``responses`` is completed in
    place; the result holds the header parameters."""
    single = False
    for status in (200, 201):
        doc = responses.get(status)
        if doc is None or "model" not in doc or isinstance(doc["model"], GenericAlias):
            continue  # a list or a file (an export): no ETag
        single = True
        headers = dict(preconditions.ETAG_HEADER_DOC)
        if writes:
            headers.update(idempotency.REPLAYED_HEADER_DOC)
        responses[status] = {**doc, "headers": {**doc.get("headers", {}), **headers}}
    parameters = []
    if method == "GET" and single:
        parameters.append(_header_param("If-None-Match", preconditions.IF_NONE_MATCH_DOC))
        responses[304] = {"description": "Not modified: `If-None-Match` names the current ETag"}
    if method in ("PUT", "DELETE"):
        parameters.append(_header_param("If-Match", preconditions.IF_MATCH_DOC))
    if writes:
        parameters.append(_header_param(idempotency.HEADER, idempotency.HEADER_DOC))
    return {"parameters": parameters} if parameters else {}


# Headers that every answer of a kind carries (docs/api.md), documented here once for all.
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
_TEXT: dict[str, Any] = {"type": "string"}
_EVERY_HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "the request's own `X-Request-ID` (1-128 printable ASCII characters, no "
        "spaces), else a new id; the server's log lines and audit entry carry it too",
        "required": True,
        "schema": _TEXT,
    }
}
_RATE_HEADERS: dict[str, dict[str, Any]] = {
    f"RateLimit-{name}": {"description": f"{text} (on an authenticated request)", "schema": _COUNT}
    for name, text in (
        ("Limit", "requests allowed per window"),
        ("Remaining", "requests left in the current window"),
        ("Reset", "seconds until the window starts afresh"),
    )
}
_IGNORED_HEADERS: dict[str, dict[str, Any]] = {
    "X-Ignored-Fields": {
        "description": "what the server did not know and ignored, comma-separated, in the "
        "order sent; absent when nothing was: on a write the body keys, on a read (a list or "
        "one record) the query parameters, so a typo in a filter's name shows here",
        "schema": _TEXT,
    }
}
_LIST_HEADERS: dict[str, dict[str, Any]] = {
    "X-Total-Count": {
        "description": "the number of records matching the filters, over all pages",
        "required": True,
        "schema": _COUNT,
    },
    "Link": {
        "description": 'the neighbouring pages, `rel="next"` and `rel="prev"` (absolute URLs)',
        "schema": _TEXT,
    },
    **_IGNORED_HEADERS,
}
_CREATED_HEADERS: dict[str, dict[str, Any]] = {
    "Location": {"description": "the new record's path", "required": True, "schema": _TEXT}
}
_RETRY_HEADERS: dict[str, dict[str, Any]] = {
    "Retry-After": {
        "description": "seconds to wait before retrying",
        "required": True,
        "schema": _COUNT,
    }
}
# Answered before the credentials are known: no rate-limit state yet.
_UNAUTHENTICATED = ("401", "413")


def _document_headers(operation: dict[str, Any], *, method: str, api: bool) -> None:
    """Add ``X-Request-ID`` to every answer, the ``RateLimit-*`` headers to every answer of
    the API, the paging headers to every list, ``X-Ignored-Fields`` to every read's and every
    write's answer, ``Location`` to every 201 of one record (a bulk create's has none),
    ``Retry-After`` to every 429 and 503 (a database outage, ``/healthz``'s included)."""
    has_body = "requestBody" in operation
    for status, response in operation.get("responses", {}).items():
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        extra = dict(_EVERY_HEADERS)
        if api and status not in _UNAUTHENTICATED:
            extra.update(_RATE_HEADERS)
        if status == "200" and schema.get("type") == "array":
            extra.update(_LIST_HEADERS)
        elif status in ("200", "201") and (has_body or method in ("get", "post")):
            # A POST without a body is a read by POST (the vendor's curl form).
            extra.update(_IGNORED_HEADERS)
        if status == "201" and schema.get("type") != "array":
            extra.update(_CREATED_HEADERS)
        elif status in ("429", "503"):
            extra.update(_RETRY_HEADERS)
        headers = response.setdefault("headers", {})
        for name in extra:
            headers.setdefault(name, {"$ref": f"#/components/headers/{name}"})


# Every header _document_headers names, once, in the document's components.
_HEADER_COMPONENTS = {
    **_EVERY_HEADERS,
    **_RATE_HEADERS,
    **_LIST_HEADERS,
    **_CREATED_HEADERS,
    **_RETRY_HEADERS,
}


def openapi_document(app: FastAPI, api_prefix: str) -> dict[str, Any]:
    """FastAPI's document, with our request bodies and without its never-sent 422s."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    for model in BODY_MODELS:
        schema = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    # After every body: a model can also come in as another's $defs (a bulk create's items).
    for name, fields in ONE_OF_REQUIRED.items():
        schema = schemas[name]
        schema["anyOf"] = [{"required": [field]} for field in fields]
        either = " or ".join(f"`{field}`" for field in fields)
        schema["description"] = f"{schema.get('description', '')} Needs {either}.".strip()
    for path, path_item in doc.get("paths", {}).items():
        for method, operation in path_item.items():
            operation.get("responses", {}).pop("422", None)
            _document_headers(operation, method=method, api=path.startswith(api_prefix))
            # FastAPI lists the schemes of one route as it finds them. Requirement objects in a
            # list are alternatives: a key and its secret together (one object), or a session.
            if operation.get("security"):
                both: dict[str, list[str]] = {}
                for requirement in operation["security"]:
                    both.update(requirement)
                session = {name: both.pop(name) for name in list(both) if name == "Session"}
                operation["security"] = [both, session] if session else [both]
            elif path.startswith(api_prefix):
                operation["security"] = []  # signing in and out: no credentials needed
    doc["components"]["headers"] = _HEADER_COMPONENTS
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    doc["info"]["x-error-codes"] = [
        {"code": c.code, "status": c.status, "title": c.title} for c in ALL_CODES.values()
    ]
    app.openapi_schema = doc
    return doc
