"""The ASGI application: ``create_app(settings)``."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from pydantic import BaseModel
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timetrack import __version__, apidocs, dispatch, opdocs, web
from timetrack.absence_types.router import router as absence_types_router
from timetrack.absences.router import router as absences_router
from timetrack.api_keys.router import router as api_keys_router
from timetrack.attendances.router import router as attendances_router
from timetrack.audit.router import router as audit_router
from timetrack.auth.router import router as auth_router
from timetrack.auth.sessions import PasswordCheck
from timetrack.clients.router import router as clients_router
from timetrack.config import Settings
from timetrack.db import Database, DatabaseError, create_database
from timetrack.errors import (
    BODY_TOO_LARGE,
    DATABASE_UNAVAILABLE,
    INTERNAL,
    PARAMETER_INVALID,
    Problem,
    error_response,
    install_error_handlers,
    unavailable_response,
)
from timetrack.exports.router import router as exports_router
from timetrack.grants import GRANT
from timetrack.logs import REQUEST_ID
from timetrack.projects.router import router as projects_router
from timetrack.ratelimit import Clock, create_rate_limiter
from timetrack.reports.router import router as reports_router
from timetrack.tasks.router import router as tasks_router
from timetrack.teams.router import router as teams_router
from timetrack.time_entries.router import router as entries_router
from timetrack.timers.router import router as timers_router
from timetrack.users.passwords import Passwords
from timetrack.users.router import router as users_router
from timetrack.work_reports.router import router as work_reports_router
from timetrack.working_time.router import router as working_time_router

API_PREFIX = "/api/v2/ext"

log = logging.getLogger("timetrack")


class RequestLimits:
    """Refuse, before any routing: bodies over the cap (413, whether or not a Content-Length
    was sent), and NUL characters in the query string (PostgreSQL cannot store or compare
    them, and SQLite's LIKE stops at them)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        if b"%00" in query:
            await error_response([_nul_problem(query)])(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    return
                break
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the body exceeds the limit of {self.max_bytes} bytes"
        response = error_response([Problem(BODY_TOO_LARGE, detail)], {"Connection": "close"})
        await response(scope, receive, send)


def _nul_problem(query: bytes) -> Problem:
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    name = next((k for k, v in pairs if "\x00" in k or "\x00" in v), "")
    return Problem(PARAMETER_INVALID, f"{name}: must not contain NUL characters", parameter=name)


class _TooLarge(Exception):
    pass


class Health(BaseModel):
    """The body of ``/healthz``'s 200."""

    status: Literal["ok"]
    database: Literal["ok"]


_REQUEST_ID = re.compile(rb"[!-~]{1,128}")  # printable ASCII, no spaces
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
# JSON answers never load anything, nor belong in a frame.
_STRICT_CSP = (
    b"content-security-policy",
    b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
)
_DOCS_CSP = (b"content-security-policy", apidocs.CSP.encode("ascii"))
_WEB_CSP = (b"content-security-policy", web.CSP.encode("ascii"))
_NO_STORE = (b"cache-control", b"no-store")
_HSTS = (b"strict-transport-security", b"max-age=31536000")


def refusal_headers(request_id: str) -> list[tuple[bytes, bytes]]:
    """The headers :class:`ResponseHeaders` gives an error answer, for the answers the HTTP
    layer writes itself before any application code runs (``httpserver``)."""
    return [_NO_STORE, *_SECURITY_HEADERS, _STRICT_CSP, (b"x-request-id", request_id.encode())]


class ResponseHeaders:
    """The outermost middleware. Gives each request an id (a valid incoming ``X-Request-ID``,
    else a new one) in ``request.state.request_id`` and in the log context; adds to every
    response, errors included, that id, the security headers, ``Cache-Control: no-store``
    unless the response set its own, HSTS when the request came over https (as seen through
    trusted proxy headers), and an authenticated request's ``RateLimit-*`` headers. An
    unexpected error is logged once, with the request id, and answered with the envelope; a
    client gone before its body was read is one ``INFO`` line, without a traceback."""

    def __init__(self, app: ASGIApp, docs_paths: frozenset[str]) -> None:
        self.app = app
        self.docs_paths = docs_paths

    def _csp(self, path: str) -> tuple[bytes, bytes]:
        if path in self.docs_paths:
            return _DOCS_CSP
        if path.startswith(web.PREFIX + "/"):
            return _WEB_CSP
        return _STRICT_CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                if _REQUEST_ID.fullmatch(value):
                    request_id = value.decode("ascii")
                break
        if request_id is None:
            request_id = os.urandom(16).hex()  # as random as uuid4().hex, 4x cheaper
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        extra = [
            *_SECURITY_HEADERS,
            self._csp(scope["path"]),
            (b"x-request-id", request_id.encode("ascii")),
        ]
        if scope.get("scheme") == "https":
            extra.append(_HSTS)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                for name, _ in headers:
                    if name == b"cache-control":
                        break
                else:
                    headers.append(_NO_STORE)
                headers += extra
                rate_limit = state.get("rate_limit")
                if rate_limit is not None:
                    headers += rate_limit.raw_headers()
                message = {**message, "headers": headers}  # the app's own dict stays as it was
            await send(message)

        token = REQUEST_ID.set(request_id)
        # Each request starts with nothing granted, also when one task serves several (tests).
        grant = GRANT.set(None)
        try:
            await self.app(scope, receive, send_with_headers)
        except ClientDisconnect:
            # The client went away (or was cut off by the body timeout, httpserver.py) before
            # its body was read: nobody to answer and nothing done, so no error of ours.
            log.info(
                "%s %s: the connection closed before the request body was read in full "
                "(request id %s)",
                scope["method"],
                scope["path"],
                request_id,
            )
        except Exception:
            log.exception(
                "unhandled error on %s %s (request id %s)",
                scope["method"],
                scope["path"],
                request_id,
            )
            if started:
                raise
            problem = Problem(
                INTERNAL, f"an unexpected error occurred; it is logged as {request_id}"
            )
            await error_response([problem])(scope, receive, send_with_headers)
        finally:
            REQUEST_ID.reset(token)
            GRANT.reset(grant)


def create_app(
    settings: Settings, database: Database | None = None, rate_limit_clock: Clock | None = None
) -> FastAPI:
    """The app; ``rate_limit_clock`` times its rate limits' buckets for a test that moves time
    itself (``ratelimit.create_rate_limiter``)."""
    db = database or create_database(
        settings.effective_database_url,
        pool_size=settings.db_pool_size,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )

    limiter = create_rate_limiter(settings, rate_limit_clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await db.open()
        try:
            yield
        finally:
            await limiter.aclose()
            await db.close()

    app = FastAPI(
        title="TimeTrack",
        version=__version__,
        description=(
            "Self-hostable time tracking, wire-compatible with the TimeTrack Enterprise "
            "external API v2. Every error answers with the envelope "
            '`{"errors": [{"title", "status", "code", "detail"}]}`; the codes are listed in '
            "`info.x-error-codes` and in docs/errors.md."
        ),
        lifespan=lifespan,
        redirect_slashes=False,
        # The docs pages are apidocs' own: FastAPI's load their code from a public CDN.
        docs_url=None,
        redoc_url=None,
        # No OpenTelemetry is shipped; left on, FastAPI asks the OTel providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.db = db
    app.state.settings = settings
    app.state.rate_limiter = limiter
    install_error_handlers(app)
    app.state.passwords = Passwords(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
    )
    app.state.login_check = PasswordCheck(app.state.passwords)
    routers = (
        clients_router,
        projects_router,
        tasks_router,
        users_router,
        teams_router,
        entries_router,
        attendances_router,
        timers_router,
        absence_types_router,
        absences_router,
        work_reports_router,
        reports_router,
        working_time_router,
        audit_router,
        auth_router,
        api_keys_router,
        exports_router,
    )
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)

    @app.get(
        "/healthz",
        tags=["health"],
        response_class=Response,
        responses={
            200: {"model": Health, "description": "Server and database are up"},
            # Refused before any route, as on every path: a NUL in the query, a body too large.
            400: opdocs.error_doc([PARAMETER_INVALID], "A NUL character in the query string"),
            413: opdocs.error_doc([BODY_TOO_LARGE]),
            503: opdocs.error_doc([DATABASE_UNAVAILABLE], "The database is unreachable"),
        },
    )
    async def healthz(request: Request) -> Response:
        """Liveness and database check (no authentication)."""
        try:
            await request.app.state.db.fetchrow("SELECT 1")
        except DatabaseError:
            return unavailable_response("the database is unreachable")
        return Response(b'{"status":"ok","database":"ok"}', media_type="application/json")

    app.openapi = lambda: opdocs.openapi_document(app, API_PREFIX)  # type: ignore[method-assign]
    apidocs.install(app, title=app.title, openapi_url=app.openapi_url or "/openapi.json")
    web.install(app)
    dispatch.install(app)
    app.add_middleware(RequestLimits, max_bytes=settings.max_body_bytes)
    app.add_middleware(ResponseHeaders, docs_paths=apidocs.PAGES)
    return app
