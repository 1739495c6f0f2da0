"""Secrets and hygiene (issue 5, point 8): security headers and ``X-Request-ID`` on every
response, the request id in the log, and no API secret or password in any log line or response
body, in-process (every logger at DEBUG) and from a real ``timetrack serve`` (uvicorn's own log
and access lines).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Backend, auth_headers, client
from fastapi import FastAPI, Request
from starlette.responses import JSONResponse
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from timetrack import migrate
from timetrack.accounts import auth
from timetrack.accounts.service import Credentials, authenticate, create_account, rotate_secret
from timetrack.app import create_app
from timetrack.db import Database, create_database
from timetrack.logs import RequestIdFilter, uvicorn_log_config

STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")
KEY, SECRET = "X-TimeTrack-Api-Key", "X-TimeTrack-Api-Secret"


def check_headers(response: httpx.Response, *, csp: str = STRICT_CSP) -> str:
    """The headers every answer carries; returns its request id."""
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Content-Security-Policy"] == csp
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain http
    for name in ("X-Request-ID", "Content-Security-Policy", "X-Frame-Options", "Cache-Control"):
        assert len(headers.get_list(name)) == 1, name
    request_id = headers["X-Request-ID"]
    assert GENERATED_ID.match(request_id), request_id
    return request_id


@pytest.fixture
async def own_app(backend: Backend, database: Database) -> AsyncIterator[FastAPI]:
    """An app of its own, with routes that fail or show the request's state."""
    app = create_app(
        backend.settings.model_copy(
            update={"rate_limit_per_second": 1, "rate_limit_burst": 1, "redis_url": ""}
        ),
        database,
    )

    @app.get("/test/boom")
    async def boom(request: Request) -> JSONResponse:
        raise RuntimeError("kaputt")

    @app.get("/test/state")
    async def state(request: Request) -> JSONResponse:
        logging.getLogger("timetrack.test").info("inside the request")
        return JSONResponse({"requestId": request.state.request_id})

    yield app
    await app.state.rate_limiter.aclose()


class TestSecurityHeaders:
    async def test_success(self, api: httpx.AsyncClient) -> None:
        check_headers(await api.get("/clients"))
        created = await api.post("/clients", json={"name": "Acme"})
        assert created.status_code == 201
        check_headers(created)

    async def test_unauthenticated(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/clients")
        assert response.status_code == 401
        check_headers(response)

    async def test_validation_error(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/clients", json={"name": ""})
        assert response.status_code == 400
        check_headers(response)
        bad_json = await api.post("/clients", content=b"{", headers={"Content-Type": "text/x"})
        assert bad_json.status_code == 400
        check_headers(bad_json)

    async def test_unknown_route(self, api: httpx.AsyncClient, anon: httpx.AsyncClient) -> None:
        for response in (await api.get("/nothing/here"), await anon.get("/../../etc")):
            assert response.status_code == 404
            check_headers(response)

    async def test_method_not_allowed(self, api: httpx.AsyncClient) -> None:
        response = await api.patch("/clients", json={})
        assert response.status_code == 405
        check_headers(response)

    async def test_body_too_large(self, api: httpx.AsyncClient) -> None:
        body = b'{"name": "' + b"x" * 2_000_000 + b'"}'
        response = await api.post("/clients", content=body)
        assert response.status_code == 413
        check_headers(response)

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b" " * 65536

        streamed = await api.post("/clients", content=chunks())
        assert streamed.status_code == 413
        check_headers(streamed)

    async def test_nul_in_query(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/clients?name=a%00b")
        assert response.status_code == 400
        check_headers(response)

    async def test_rate_limited(self, own_app: FastAPI, account: Credentials) -> None:
        async with client(own_app, account) as api:
            ok = await api.get("/clients")
            refused = await api.get("/clients")
        assert (ok.status_code, refused.status_code) == (200, 429)
        check_headers(ok)
        check_headers(refused)

    async def test_unexpected_error(
        self, own_app: FastAPI, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        async with client(own_app, base_url="http://testserver") as root:
            response = await root.get("/test/boom")
        assert response.status_code == 500
        request_id = check_headers(response)
        assert response.json()["errors"][0]["code"] == 10000
        assert "kaputt" not in response.text and "Traceback" not in response.text
        assert request_id in response.json()["errors"][0]["detail"]
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1
        assert request_id in errors[0].getMessage()
        assert "GET /test/boom" in errors[0].getMessage()
        assert errors[0].exc_info is not None

    async def test_health_openapi_and_docs(self, app: FastAPI) -> None:
        async with client(app, base_url="http://testserver") as root:
            check_headers(await root.get("/healthz"))
            check_headers(await root.get("/openapi.json"))
            docs = await root.get("/docs")
            redoc = await root.get("/redoc")
        # ReDoc is not served: its sidebar loads a logo from another origin.
        assert redoc.status_code == 404
        assert docs.status_code == 200
        csp = docs.headers["Content-Security-Policy"]
        assert csp != STRICT_CSP
        check_headers(docs, csp=csp)
        # What the page may load is tested in test_docs_pages.py.
        assert "connect-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp

    async def test_hsts_only_over_https(self, app: FastAPI, account: Credentials) -> None:
        async with client(app, account, base_url="https://testserver/api/v2/ext") as api:
            response = await api.get("/clients")
            missing = await api.get("/nothing")
        for r in (response, missing):
            assert r.headers["Strict-Transport-Security"] == "max-age=31536000"

    async def test_hsts_behind_a_trusted_proxy(self, app: FastAPI, account: Credentials) -> None:
        # uvicorn types ASGI scopes as TypedDicts, Starlette as a MutableMapping: the same app.
        proxied = ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")  # type: ignore[arg-type]
        forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        async with client(proxied, {**auth_headers(account), **forwarded}) as api:
            response = await api.get("/clients")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        untrusted = ProxyHeadersMiddleware(app, trusted_hosts="192.0.2.1")  # type: ignore[arg-type]
        async with client(untrusted, {**auth_headers(account), **forwarded}) as api:
            response = await api.get("/clients")
        assert "Strict-Transport-Security" not in response.headers


class _Recording(logging.Handler):
    """Keeps every record it handles (after its filters ran), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class TestRequestId:
    async def test_generated_and_unique(self, api: httpx.AsyncClient) -> None:
        ids = {check_headers(await api.get("/clients")) for _ in range(5)}
        assert len(ids) == 5

    @pytest.mark.parametrize(
        "request_id",
        ["abc-123", "x" * 128, "0af7651916cd43dd8448eb211c80319c", "trace:1/2;span=3"],
    )
    async def test_valid_incoming_echoed(
        self, api: httpx.AsyncClient, anon: httpx.AsyncClient, request_id: str
    ) -> None:
        for response in (
            await api.get("/clients", headers={"X-Request-ID": request_id}),
            await anon.get("/clients", headers={"X-Request-ID": request_id}),
            await api.get("/nowhere", headers={"X-Request-ID": request_id}),
            await api.post(
                "/clients", content=b"x" * 2_000_000, headers={"X-Request-ID": request_id}
            ),
        ):
            assert response.headers.get_list("X-Request-ID") == [request_id]

    @pytest.mark.parametrize(
        "bad",
        [b"x" * 129, b"has space", b"", b"caf\xc3\xa9", b"tab\there", b"\x7f"],
        ids=["too-long", "space", "empty", "non-ascii", "tab", "del"],
    )
    async def test_invalid_incoming_replaced(
        self, app_without_database: FastAPI, bad: bytes
    ) -> None:
        received: list[bytes] = []

        async def send(message: Any) -> None:
            if message["type"] == "http.response.start":
                received.extend(v for k, v in message["headers"] if k == b"x-request-id")

        async def receive() -> Any:
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/api/v2/ext/clients",
            "raw_path": b"/api/v2/ext/clients",
            "query_string": b"",
            "headers": [(b"host", b"testserver"), (b"x-request-id", bad)],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
        }
        await app_without_database(scope, receive, send)
        assert len(received) == 1
        assert GENERATED_ID.match(received[0].decode())

    async def test_in_request_state_and_log_context(
        self, own_app: FastAPI, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        handler = _Recording()
        records = handler.records
        handler.addFilter(RequestIdFilter())
        logger = logging.getLogger("timetrack")
        logger.addHandler(handler)
        try:
            async with client(own_app, base_url="http://testserver") as root:
                sent = await root.get("/test/state", headers={"X-Request-ID": "req-42"})
                generated = await root.get("/test/state")
            logger.info("outside any request")
        finally:
            logger.removeHandler(handler)
        assert sent.json() == {"requestId": "req-42"}
        assert generated.json() == {"requestId": generated.headers["X-Request-ID"]}
        # RequestIdFilter sets these attributes on each record; LogRecord does not declare them.
        tags = [(r.getMessage(), r.request_id, r.request_tag) for r in records]  # type: ignore[attr-defined]
        assert tags == [
            ("inside the request", "req-42", " request_id=req-42"),
            (
                "inside the request",
                generated.headers["X-Request-ID"],
                " request_id=" + generated.headers["X-Request-ID"],
            ),
            ("outside any request", "-", ""),
        ]

    async def test_in_the_audit_log(self, api: httpx.AsyncClient) -> None:
        created = await api.post(
            "/clients", json={"name": "Audited"}, headers={"X-Request-ID": "audit-me-1"}
        )
        assert created.status_code == 201
        entries = (await api.get("/audit_log")).json()
        assert [e["requestId"] for e in entries if e["action"] == "create"] == ["audit-me-1"]

    def test_uvicorn_log_config(self) -> None:
        config = uvicorn_log_config("debug")
        assert config["loggers"]["timetrack"]["level"] == "DEBUG"
        for name in ("default", "access"):
            assert "%(request_tag)s" in config["formatters"][name]["fmt"]
            assert config["handlers"][name]["filters"] == ["request_id"]
        assert config["filters"]["request_id"]["()"] == "timetrack.logs.RequestIdFilter"


# -- no secret and no password in any log line or answer ----------------------------------------


def _distinct(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}"


class Session:
    """What a full session sent that must never come back: secrets and passwords."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.bodies: list[str] = []

    def record(self, response: httpx.Response) -> httpx.Response:
        self.bodies.append(response.text)
        self.bodies.append(json.dumps(dict(response.headers)))
        return response

    def leaks(self, text: str) -> list[str]:
        return [s for s in self.secrets if s in text]


async def full_session(
    api: httpx.AsyncClient, creds: Credentials, session: Session, rotate: Any
) -> None:
    """Users with passwords, password changes and refusals, wrong secrets, a rotated secret,
    validation errors; every response recorded."""
    good = [_distinct("Pw1"), _distinct("Pw2"), _distinct("Pw3")]
    too_short, weak, wrong_secret = "Zq9#k", "Qz" * 8, "tts_" + _distinct("wrong") * 3
    session.secrets += [creds.api_secret, *good, too_short, weak, wrong_secret]

    async def send(method: str, path: str, expect: int | None = None, **options: Any) -> Any:
        response = session.record(await api.request(method, path, **options))
        assert expect is None or response.status_code == expect, response.text
        return response.json() if response.content else None

    old = auth_headers(creds)
    user = {"firstName": "A", "lastName": "B", "username": "u1", "email": "u1@x.de"}
    uid = (await send("POST", "/users", 201, headers=old, json={**user, "password": good[0]}))["id"]
    for bad in (too_short, weak, 12345678, None):
        other = {**user, "username": "u2", "email": "u2@x.de", "password": bad}
        await send("POST", "/users", 400, headers=old, json=other)
    await send("PUT", f"/users/{uid}", 200, headers=old, json={"password": good[1]})
    await send("PUT", f"/users/{uid}", 400, headers=old, json={"password": weak})
    # The password in a body that fails for another reason, in an ignored key, in broken JSON.
    await send("POST", "/users", 400, headers=old, json={"password": good[2], "pw": good[2]})
    broken = b'{"password": "' + good[2].encode() + b'"'
    await send("POST", "/users", 400, headers=old, content=broken)
    await send("GET", f"/users/{uid}", 200, headers=old)
    await send("GET", "/users", 200, headers=old)
    # Wrong secrets: right key, unknown key, secret as key, overlong, no key.
    for wrong in (
        {KEY: creds.api_key, SECRET: wrong_secret},
        {KEY: "ttk_nobody", SECRET: wrong_secret},
        {KEY: wrong_secret, SECRET: creds.api_secret},
        {KEY: creds.api_key, SECRET: wrong_secret * 20},
        {SECRET: creds.api_secret},
    ):
        await send("GET", "/clients", 401, headers=wrong)
    new_secret = await rotate()
    session.secrets.append(new_secret)
    await send("GET", "/clients", 401, headers=old)
    new = {KEY: creds.api_key, SECRET: new_secret}
    await send("GET", "/clients", 200, headers=new)
    await send("POST", "/clients", 400, headers=new, json={"name": ""})
    await send("POST", "/clients", 400, headers=new, json={"name": "C", "notes": 5, "email": 7})
    await send("PATCH", "/clients", 405, headers=new, json={})
    await send("GET", "/no/such/route", 404, headers=new)
    await send("POST", "/project_time_entries", 400, headers=new, json={"from": "x"})
    await send("GET", "/audit_log?limit=1000", 200, headers=new)


class TestNoSecretsLogged:
    async def test_in_process_session(
        self,
        app: FastAPI,
        database: Database,
        account: Credentials,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)  # the root logger, so every logger's records
        loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
        levels = [(logger, logger.level) for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.DEBUG)
        session = Session()

        async def rotate() -> str:
            async with database.transaction(write=True) as tx:
                return (await rotate_secret(tx, account.account.slug)).api_secret

        try:
            async with client(app) as api:
                await full_session(api, account, session, rotate)
        finally:
            for logger, level in levels:
                logger.setLevel(level)
        logged = caplog.text + "\n".join(
            f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
        )
        assert session.leaks(logged) == []
        for body in session.bodies:
            assert session.leaks(body) == [], body

    async def test_the_check_notices_a_leak(
        self,
        app: FastAPI,
        database: Database,
        account: Credentials,
        caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The test above would fail if the credential check logged what it was given."""
        caplog.set_level(logging.DEBUG)

        async def careless(db: Database, key: str, secret: str) -> Any:
            logging.getLogger("timetrack.careless").debug("checking %s", secret)
            return await authenticate(db, key, secret)

        monkeypatch.setattr(auth, "authenticate", careless)
        session = Session()

        async def rotate() -> str:
            async with database.transaction(write=True) as tx:
                return (await rotate_secret(tx, account.account.slug)).api_secret

        async with client(app) as api:
            await full_session(api, account, session, rotate)
        leaked = session.leaks(caplog.text)
        assert account.api_secret in leaked
        assert len(leaked) >= 3  # the first, the wrong and the rotated secret

    async def test_real_server_session(self, tmp_path: Path) -> None:
        """`timetrack serve` at log level debug with the access log: its whole output."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIMETRACK_")}
        env.update(
            TIMETRACK_DATA_DIR=str(tmp_path),
            TIMETRACK_LOG_LEVEL="debug",
            TIMETRACK_ACCESS_LOG="true",
            TIMETRACK_PASSWORD_TIME_COST="1",
            TIMETRACK_PASSWORD_MEMORY_KIB="1024",
            PYTHONUNBUFFERED="1",
        )
        # The account and the rotation go straight to the server's database (the CLI would
        # cost a fresh interpreter each); the server reads it on every request.
        url = f"sqlite:///{tmp_path / 'timetrack.db'}"
        migrate.upgrade(url)
        db = create_database(url)
        await db.open()
        async with db.transaction(write=True) as tx:
            creds = await create_account(tx, "hygiene")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env["TIMETRACK_PORT"] = str(port)
        log_path = tmp_path / "server.log"
        with log_path.open("w") as log_file:
            server = subprocess.Popen(
                [sys.executable, "-m", "timetrack", "serve"],
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        session = Session()
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            async with httpx.AsyncClient(base_url=base + "/api/v2/ext") as api:
                while True:
                    try:
                        await api.get(base + "/healthz", headers={"X-Request-ID": "hygiene-health"})
                        break
                    except httpx.TransportError:
                        assert server.poll() is None, log_path.read_text()
                        assert time.monotonic() < deadline, "the server did not come up"
                        await asyncio.sleep(0.1)

                async def rotate() -> str:
                    async with db.transaction(write=True) as tx:
                        return (await rotate_secret(tx, "hygiene")).api_secret

                await full_session(api, creds, session, rotate)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            await db.close()
        output = log_path.read_text()
        assert "hygiene-health" in output  # the access log is in there, with request ids
        assert re.search(r'"GET /api/v2/ext/users HTTP/1.1" 200 OK request_id=[0-9a-f]{32}', output)
        assert session.leaks(output) == [], output
        for body in session.bodies:
            assert session.leaks(body) == [], body
