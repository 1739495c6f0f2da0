"""The error envelope and every stable error code.

Every 4xx/5xx answer is ``{"errors": [{"title", "status", "code", "detail", "source"?}]}``.
Codes are defined here, in one place, because ``docs/errors.md`` documents them as one table
(a test keeps the two equal). Services raise :class:`AppError` subclasses; the handlers below
render them, and reshape framework errors into the same envelope so no request ever sees a
bare framework page or a stack trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from timetrack.db import DatabaseUnavailable

log = logging.getLogger("timetrack")


@dataclass(frozen=True, slots=True)
class ErrorCode:
    code: int
    status: int
    title: str


ALL_CODES: dict[int, ErrorCode] = {}


def _code(code: int, status: int, title: str) -> ErrorCode:
    if code in ALL_CODES:
        raise RuntimeError(f"error code {code} defined twice")
    ALL_CODES[code] = ErrorCode(code, status, title)
    return ALL_CODES[code]


# 10xxx: general and auth
INTERNAL = _code(10000, 500, "Internal server error")
AUTH_MISSING = _code(10001, 401, "Authentication required")
AUTH_INVALID = _code(10002, 401, "Invalid API credentials")
ACCOUNT_DISABLED = _code(10003, 403, "Account disabled")
MALFORMED_JSON = _code(10004, 400, "Malformed JSON")
BODY_NOT_OBJECT = _code(10005, 400, "Body must be a JSON object")
BODY_TOO_LARGE = _code(10006, 413, "Request body too large")
ROUTE_NOT_FOUND = _code(10007, 404, "Not found")
METHOD_NOT_ALLOWED = _code(10008, 405, "Method not allowed")
# 10009 carries the status of a protocol-level refusal the server did not foresee.
REQUEST_ERROR = _code(10009, 400, "Request error")
FIELD_REQUIRED = _code(10010, 400, "Missing required field")
FIELD_INVALID = _code(10011, 400, "Invalid field value")
FIELD_READ_ONLY = _code(10012, 400, "Read-only field")
PARAMETER_INVALID = _code(10013, 400, "Invalid query or path parameter")
DATABASE_UNAVAILABLE = _code(10020, 503, "Database unavailable")
# Optimistic concurrency (If-Match) and idempotent POSTs (Idempotency-Key).
PRECONDITION_FAILED = _code(10030, 412, "Precondition failed")
IDEMPOTENCY_KEY_REUSED = _code(10031, 409, "Idempotency key reused with a different request")
IDEMPOTENCY_KEY_INVALID = _code(10032, 400, "Invalid Idempotency-Key header")
RATE_LIMITED = _code(10040, 429, "Too many requests")
AUTH_THROTTLED = _code(10041, 429, "Too many failed authentications")
# Who may do what (policy.py): a person's role, a personal key's scopes and addresses.
ROLE_FORBIDS = _code(10050, 403, "Not allowed for your role")
SCOPE_MISSING = _code(10051, 403, "API key scope does not cover this route")
KEY_ADDRESS_REFUSED = _code(10052, 403, "API key not allowed from this address")
KEY_REVOKED = _code(10053, 401, "API key revoked")
KEY_EXPIRED = _code(10054, 401, "API key expired")
USER_DISABLED = _code(10055, 403, "User disabled")
RATES_HIDDEN = _code(10056, 403, "Rates are not shown to your role")
# People signed in with a password (auth/).
SESSION_INVALID = _code(10060, 401, "Session expired or signed out")
CSRF_FAILED = _code(10061, 403, "CSRF token missing or wrong")
LOGIN_FAILED = _code(10062, 401, "Wrong account, username or password")
# Answered by the server's HTTP layer (httpserver.py), before any route: the request could not
# be read as one, or not within the limits of a connection.
HTTP_MALFORMED = _code(10100, 400, "Malformed HTTP request")
HEADERS_TOO_LARGE = _code(10101, 431, "Request header fields too large")
REQUEST_TIMEOUT = _code(10102, 408, "Request timeout")
TOO_MANY_CONNECTIONS = _code(10103, 503, "Too many connections")
METHOD_UNKNOWN = _code(10104, 501, "Method not implemented")
CREDENTIAL_HEADER_REPEATED = _code(10105, 400, "Credential header sent more than once")

# 11xxx clients
CLIENT_NOT_FOUND = _code(11010, 404, "Client not found")
CLIENT_DELETED = _code(11020, 404, "Client exist but it is deleted")
CLIENT_NAME_TAKEN = _code(11030, 409, "Client name already exists")
CLIENT_UNKNOWN = _code(11040, 400, "Unknown client")
CLIENT_HAS_PROJECTS = _code(11050, 409, "Client still has projects")

# 12xxx projects
PROJECT_NOT_FOUND = _code(12010, 404, "Project not found")
PROJECT_DELETED = _code(12020, 404, "Project exist but it is deleted")
PROJECT_NAME_TAKEN = _code(12030, 409, "Project name already exists for this client")
PROJECT_UNKNOWN = _code(12040, 400, "Unknown project")

# 13xxx tasks
TASK_NOT_FOUND = _code(13010, 404, "Task not found")
TASK_DELETED = _code(13020, 404, "Task exist but it is deleted")
TASK_NAME_TAKEN = _code(13030, 409, "Task name already exists")
TASK_UNKNOWN = _code(13040, 400, "Unknown task")


# 14xxx users
USER_NOT_FOUND = _code(14010, 404, "User not found")
USER_DELETED = _code(14020, 404, "User exist but it is deleted")
USERNAME_TAKEN = _code(14030, 409, "Username already exists")
USER_EMAIL_TAKEN = _code(14031, 409, "E-mail address already in use")
USER_UNKNOWN = _code(14040, 400, "Unknown user")
USER_REGION_UNKNOWN = _code(14060, 400, "Region unknown in the user's country")
# Working-time models, addressed under their user (/users/{id}/working_time_models).
WORKING_TIME_MODEL_NOT_FOUND = _code(14050, 404, "Working-time model not found")
WORKING_TIME_MODEL_DELETED = _code(14051, 404, "Working-time model exist but it is deleted")
WORKING_TIME_MODEL_DATE_TAKEN = _code(
    14052, 409, "A working-time model with this validFrom already exists"
)


# 15xxx project time entries
ENTRY_NOT_FOUND = _code(15010, 404, "TimeEntry not found")
ENTRY_DELETED = _code(15020, 404, "TimeEntry exist but it is deleted")
ENTRY_END_BEFORE_START = _code(15030, 400, "to must be after from")
ENTRY_BREAK_TOO_LONG = _code(15031, 400, "Break must be shorter than the time span")
ENTRY_WORKED_INCONSISTENT = _code(15032, 400, "workedMinutes does not match from, to and break")
# The bulk create (POST /project_time_entries/bulk).
BULK_NOT_ARRAY = _code(15040, 400, "Body must be a JSON array")
BULK_EMPTY = _code(15041, 400, "Bulk create needs at least one entry")
BULK_TOO_MANY = _code(15042, 400, "Too many entries for one bulk create")
# The web app's week grid (src/timetrack/web/cells.py).
WEEK_CELL_SPLIT = _code(15050, 409, "The cell holds several entries")


# 16xxx attendances
ATTENDANCE_NOT_FOUND = _code(16010, 404, "Attendance not found")
ATTENDANCE_DELETED = _code(16020, 404, "Attendance exist but it is deleted")
ATTENDANCE_END_BEFORE_START = _code(16030, 400, "to must be after from")
ATTENDANCE_BREAK_TOO_LONG = _code(16031, 400, "Break must be shorter than the time span")
ATTENDANCE_WORKED_INCONSISTENT = _code(
    16032, 400, "workedMinutes does not match from, to and break"
)
ATTENDANCE_OVERLAP = _code(16040, 409, "Attendance overlaps another attendance of the user")
ATTENDANCE_ALREADY_CLOCKED_IN = _code(16041, 409, "Already clocked in")
ATTENDANCE_NOT_CLOCKED_IN = _code(16042, 409, "Not clocked in")
ATTENDANCE_CLOCK_OUT_BEFORE_IN = _code(16043, 400, "Clock-out must be after the clock-in")


# 17xxx absences (170xx absences, 171xx absence types)
ABSENCE_NOT_FOUND = _code(17010, 404, "Absence not found")
ABSENCE_DELETED = _code(17020, 404, "Absence exist but it is deleted")
ABSENCE_END_BEFORE_START = _code(17030, 400, "to must not be before from")
ABSENCE_HALF_DAY_SPAN = _code(17031, 400, "A half day must be a single day")
ABSENCE_OVERLAP = _code(17040, 409, "Absence overlaps another absence of the user")
ABSENCE_TYPE_NOT_FOUND = _code(17110, 404, "Absence type not found")
ABSENCE_TYPE_DELETED = _code(17120, 404, "Absence type exist but it is deleted")
ABSENCE_TYPE_NAME_TAKEN = _code(17130, 409, "Absence type name already exists")
ABSENCE_TYPE_UNKNOWN = _code(17140, 400, "Unknown absence type")
ABSENCE_TYPE_IN_USE = _code(17150, 409, "Absence type still in use")


# 18xxx project timer
TIMER_ALREADY_RUNNING = _code(18010, 409, "Timer already running")
TIMER_WRONG_STATE = _code(18011, 409, "Timer is not in a state that allows this")
TIMER_DATE_BEFORE_LAST_EVENT = _code(18020, 400, "date is earlier than the timer's last event")
TIMER_CONCURRENT_CHANGE = _code(18030, 409, "Timer changed concurrently")


# 19xxx work reports
REPORT_RANGE_TOO_LONG = _code(19010, 400, "Report range longer than 366 days")
REPORT_RANGE_REVERSED = _code(19011, 400, "to must not be before from")

# 20xxx teams
TEAM_NOT_FOUND = _code(20010, 404, "Team not found")
TEAM_DELETED = _code(20020, 404, "Team exist but it is deleted")
TEAM_NAME_TAKEN = _code(20030, 409, "Team name already exists")
TEAM_LEAD_WITHOUT_ROLE = _code(20040, 400, "Team lead is neither a team lead nor an admin")

# 21xxx personal API keys
API_KEY_NOT_FOUND = _code(21010, 404, "API key not found")
API_KEY_REVOKED_404 = _code(21020, 404, "API key exists but it is revoked")

# 22xxx reports (/reports: sums of project time entries)
REPORTS_GROUPING_UNKNOWN = _code(22010, 400, "Unknown grouping")
REPORTS_GROUPING_REPEATED = _code(22011, 400, "subGroupBy repeats groupBy")
REPORTS_RANGE_REVERSED = _code(22020, 400, "to must not be before from")
REPORTS_RANGE_TOO_LONG = _code(22021, 400, "Report range longer than 5 years")
REPORTS_ROUNDING_INVALID = _code(22030, 400, "Invalid rounding")

# 23xxx file exports
EXPORT_FORMAT_UNKNOWN = _code(23010, 400, "Unknown export format")
EXPORT_LANGUAGE_UNKNOWN = _code(23011, 400, "Unknown export language")
EXPORT_MONTH_INVALID = _code(23020, 400, "Invalid month")


@dataclass(frozen=True, slots=True)
class Problem:
    """One element of the envelope's ``errors`` list."""

    code: ErrorCode
    detail: str
    pointer: str | None = None
    parameter: str | None = None

    def as_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "title": self.code.title,
            "status": self.code.status,
            "code": self.code.code,
            "detail": self.detail,
        }
        if self.pointer is not None:
            item["source"] = {"pointer": self.pointer}
        elif self.parameter is not None:
            item["source"] = {"parameter": self.parameter}
        return item


class AppError(Exception):
    """A failure with its HTTP status; carries one or more problems of the same status."""

    def __init__(self, *problems: Problem, headers: dict[str, str] | None = None) -> None:
        if not problems:
            raise ValueError("an AppError needs at least one problem")
        super().__init__(problems[0].detail)
        self.problems = problems
        self.status = problems[0].code.status
        self.headers = headers or {}

    @classmethod
    def of(
        cls,
        code: ErrorCode,
        detail: str,
        *,
        pointer: str | None = None,
        parameter: str | None = None,
    ) -> AppError:
        return cls(Problem(code, detail, pointer, parameter))


def error_response(
    problems: tuple[Problem, ...] | list[Problem], headers: dict[str, str] | None = None
) -> Response:
    body = orjson.dumps({"errors": [p.as_dict() for p in problems]})
    return Response(
        body,
        status_code=problems[0].code.status,
        media_type="application/json",
        headers=headers,
    )


def _pointer(loc: tuple[Any, ...]) -> str:
    return "/" + "/".join(str(part) for part in loc)


def problems_from_validation(errors: list[Any], *, in_body: bool) -> list[Problem]:
    """Reshape pydantic errors into one problem per field."""
    problems = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        kind = err.get("type", "")
        code = FIELD_REQUIRED if kind == "missing" else FIELD_INVALID
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if in_body:
            problems.append(Problem(code, message, pointer=_pointer(loc)))
            continue
        # FastAPI prefixes request parameters with where they came from ("query", "path").
        where, name = (loc[0], loc[-1]) if len(loc) > 1 else ("query", loc[0] if loc else "")
        if where == "body":
            problems.append(Problem(code, message, pointer=_pointer(loc[1:])))
        else:
            problems.append(Problem(PARAMETER_INVALID, f"{name}: {message}", parameter=str(name)))
    return problems or [Problem(FIELD_INVALID, "invalid request")]


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(exc.problems, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error_response(problems_from_validation(list(exc.errors()), in_body=False))


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(request: Request) -> str:
    """Every method the path answers to. Each method is its own route, and Starlette's 405
    names only the first route whose path matched, so ask every route for every method."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    ]
    return ", ".join(allowed)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        code, detail = METHOD_NOT_ALLOWED, f"{request.method} is not allowed on {request.url.path}"
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    elif exc.status_code == 404:
        code, detail = ROUTE_NOT_FOUND, f"no route {request.url.path}"
    else:
        code = ErrorCode(REQUEST_ERROR.code, exc.status_code, REQUEST_ERROR.title)
        detail = str(exc.detail)
    return error_response([Problem(code, detail)], headers)


def unavailable_response(detail: str) -> Response:
    """The 503 of a database outage, with the ``Retry-After`` every such answer carries."""
    return error_response([Problem(DATABASE_UNAVAILABLE, detail)], {"Retry-After": "1"})


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    log.error("database unavailable: %s", exc)
    return unavailable_response("the database is unavailable; retry shortly")


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response([Problem(INTERNAL, "an unexpected error occurred; it has been logged")])


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DatabaseUnavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected)
