"""The ASGI application: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timetrack import __version__
from timetrack.absence_types.router import router as absence_types_router
from timetrack.absences.router import router as absences_router
from timetrack.attendances.router import router as attendances_router
from timetrack.clients.router import router as clients_router
from timetrack.config import Settings
from timetrack.db import Database, DatabaseError, create_database
from timetrack.errors import (
    ALL_CODES,
    BODY_TOO_LARGE,
    DATABASE_UNAVAILABLE,
    PARAMETER_INVALID,
    Problem,
    error_response,
    install_error_handlers,
)
from timetrack.projects.router import router as projects_router
from timetrack.routing import BODY_MODELS, ErrorEnvelope
from timetrack.tasks.router import router as tasks_router
from timetrack.time_entries.router import router as entries_router
from timetrack.timers.router import router as timers_router
from timetrack.users.passwords import Passwords
from timetrack.users.router import router as users_router
from timetrack.work_reports.router import router as work_reports_router
from timetrack.working_time.router import router as working_time_router

API_PREFIX = "/api/v2/ext"


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


def _openapi(app: FastAPI) -> dict[str, Any]:
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
    for path_item in doc.get("paths", {}).values():
        for operation in path_item.values():
            operation.get("responses", {}).pop("422", None)
            # FastAPI lists each header scheme as its own requirement, which OpenAPI reads as
            # "either one suffices"; both headers are needed together: one requirement object.
            if operation.get("security"):
                both: dict[str, list[str]] = {}
                for requirement in operation["security"]:
                    both.update(requirement)
                operation["security"] = [both]
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    doc["info"]["x-error-codes"] = [
        {"code": c.code, "status": c.status, "title": c.title} for c in ALL_CODES.values()
    ]
    app.openapi_schema = doc
    return doc


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    db = database or create_database(
        settings.effective_database_url,
        pool_size=settings.db_pool_size,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await db.open()
        try:
            yield
        finally:
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
    )
    app.state.db = db
    app.state.settings = settings
    install_error_handlers(app)
    app.state.passwords = Passwords(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
    )
    routers = (
        clients_router,
        projects_router,
        tasks_router,
        users_router,
        entries_router,
        attendances_router,
        timers_router,
        absence_types_router,
        absences_router,
        work_reports_router,
        working_time_router,
    )
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)

    @app.get(
        "/healthz",
        tags=["health"],
        response_class=Response,
        responses={
            200: {"description": "Server and database are up"},
            503: {"model": ErrorEnvelope, "description": "The database is unreachable"},
        },
    )
    async def healthz(request: Request) -> Response:
        """Liveness and database check (no authentication)."""
        try:
            await request.app.state.db.fetchrow("SELECT 1")
        except DatabaseError:
            return error_response([Problem(DATABASE_UNAVAILABLE, "the database is unreachable")])
        return Response(b'{"status":"ok","database":"ok"}', media_type="application/json")

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(RequestLimits, max_bytes=settings.max_body_bytes)
    return app
