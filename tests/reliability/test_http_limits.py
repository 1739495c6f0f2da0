"""Slow and malformed clients against a real ``timetrack serve`` (issue 10, points 5 and 6).

These requests are what no HTTP client library sends: half a head, half a body, a header of
megabytes, a control character in a header, an unknown method. They are written byte by byte
on a socket to a real server on loopback, since only the server's own HTTP layer
(``httpserver.LimitedHttp``) sees them. The server runs with one-second timeouts, so a
client that stalls is cut off within seconds, and every test is bounded by ``LIMIT``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from .server import API, DIALECTS, Server, running, scratch_database

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.0
MAX_HEADER_BYTES = 16_384
MAX_CONNECTIONS = 4
LIMIT = 10.0  # no exchange of these tests takes longer, before the fix or after
SLACK = 3.0  # how late a timeout may fire on a machine busy with other tests


@pytest.fixture(scope="module", params=DIALECTS)
async def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    workdir = tmp_path_factory.mktemp(f"http-limits-{request.param}")
    settings = {
        "TIMETRACK_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "TIMETRACK_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
        "TIMETRACK_MAX_HEADER_BYTES": str(MAX_HEADER_BYTES),
        "TIMETRACK_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
        "TIMETRACK_LOG_LEVEL": "info",
    }
    async with (
        scratch_database(request.param, workdir) as url,
        running(url, workdir, settings=settings) as started,
    ):
        yield started


@dataclass
class Talk:
    """What one connection got back: the bytes, whether the server closed the connection, and
    the seconds from the first byte sent until it did."""

    data: bytes
    closed: bool
    seconds: float
    sent_before_answer: int  # bytes this side had sent when the answer began to arrive

    @property
    def status(self) -> int:
        return int(self.data.split(b" ", 2)[1])

    @property
    def headers(self) -> dict[str, str]:
        head = self.data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
        return {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in head)}

    def problem(self, status: int, code: int) -> dict[str, Any]:
        """The answer's one problem, after checking it is the envelope of ``code``, with the
        headers of every answer, on a connection the server then closed."""
        assert self.data, "no answer"
        assert self.status == status, self.data
        headers = self.headers
        assert headers["content-type"] == "application/json", headers
        assert headers["connection"] == "close", headers
        assert headers["x-content-type-options"] == "nosniff", headers
        assert headers["cache-control"] == "no-store", headers
        assert len(headers["x-request-id"]) == 32, headers
        body = self.data.split(b"\r\n\r\n", 1)[1]
        assert int(headers["content-length"]) == len(body), headers
        (problem,) = orjson.loads(body)["errors"]
        assert (problem["status"], problem["code"]) == (status, code), problem
        assert self.closed
        return dict(problem)


async def talk(port: int, parts: Iterable[bytes], *, pause: float = 0.0) -> Talk:
    """Send ``parts`` (``pause`` seconds apart) on a new connection while reading what comes
    back; stop sending once the server has closed, and wait for that at most ``LIMIT`` s."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    received: list[bytes] = []
    sent = 0
    sent_before_answer = -1

    async def read() -> None:
        nonlocal sent_before_answer
        with contextlib.suppress(ConnectionError):
            while chunk := await reader.read(65536):
                if not received:
                    sent_before_answer = sent
                received.append(chunk)

    reading = asyncio.create_task(read())
    started = time.monotonic()
    try:
        for part in parts:
            if reading.done() or time.monotonic() - started > LIMIT:
                break
            writer.write(part)
            await writer.drain()
            sent += len(part)
            if pause:
                await asyncio.wait({reading}, timeout=pause)
    except ConnectionError:
        pass  # the server closed while this side was still sending
    left = LIMIT - (time.monotonic() - started)
    done, _ = await asyncio.wait({reading}, timeout=max(left, 0))
    seconds = time.monotonic() - started
    reading.cancel()
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
    return Talk(b"".join(received), bool(done), seconds, sent_before_answer)


def _credentials(server: Server) -> bytes:
    return b"".join(f"{k}: {v}\r\n".encode() for k, v in server.headers.items())


async def test_a_client_sending_its_headers_slowly_is_cut_off_with_408(server: Server) -> None:
    """Slowloris: a header byte every 0.2 s, for ever. The head's deadline counts from its
    first byte and is not moved by each new byte (uvicorn alone waited without end)."""
    drip = (b"x" for _ in range(10_000))
    answer = await talk(server.port, [b"GET /healthz HTTP/1.1\r\nX-Slow: ", *drip], pause=0.2)
    problem = answer.problem(408, 10102)
    assert "headers" in problem["detail"]
    assert HEADER_TIMEOUT - 0.1 < answer.seconds < HEADER_TIMEOUT + SLACK


async def test_a_client_that_stops_in_the_middle_of_its_body_is_cut_off_with_408(
    server: Server,
) -> None:
    head = f"POST {API}/clients HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n".encode()
    answer = await talk(server.port, [head + _credentials(server) + b"\r\n" + b'{"name": '])
    problem = answer.problem(408, 10102)
    assert "body" in problem["detail"]
    assert BODY_TIMEOUT - 0.1 < answer.seconds < BODY_TIMEOUT + SLACK
    # Nothing of it was written, and the server serves on.
    async with server.client() as client:
        listed = await client.get("/clients")
    assert listed.status_code == 200 and listed.json() == []


async def test_a_connection_that_sends_nothing_is_closed_without_an_answer(
    server: Server,
) -> None:
    answer = await talk(server.port, [])
    assert answer.closed and answer.data == b""
    assert answer.seconds < HEADER_TIMEOUT + SLACK


async def test_an_oversized_header_is_refused_without_being_read(server: Server) -> None:
    """8 MiB of one header value, in 64 KiB pieces 10 ms apart: the 431 comes while the
    client is still sending, after about the limit (uvicorn alone read a 30 MB header whole,
    and then answered it)."""
    big = [b"a" * 65_536] * 128
    pieces = [b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ", *big, b"\r\n\r\n"]
    answer = await talk(server.port, pieces, pause=0.01)
    problem = answer.problem(431, 10101)
    assert str(MAX_HEADER_BYTES) in problem["detail"]
    assert 0 <= answer.sent_before_answer < 1_048_576, answer.sent_before_answer


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        # uvicorn alone answered each of these with text/plain "Invalid HTTP request received."
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n", 400, 10100),
        (b"GET /he\xc3\xa9lthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, 10100),
        (b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 501, 10104),
        (b"GET /healthz?" + b"q" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431, 10101),
        (b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, 10100),
    ],
    ids=["control-character", "non-ascii-path", "unknown-method", "long-line", "bad-chunk"],
)
async def test_what_the_parser_refuses_is_answered_with_the_envelope(
    server: Server, request_bytes: bytes, status: int, code: int
) -> None:
    answer = await talk(server.port, [request_bytes])
    answer.problem(status, code)


async def test_a_method_the_parser_knows_gets_405_from_the_application(server: Server) -> None:
    # Connection: close, so the server ends the exchange once it has answered instead of
    # keeping the connection for a next request (talk() reads until the server closes).
    request = f"PROPFIND {API}/clients HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = await talk(server.port, [request.encode()])
    assert answer.status == 405, answer.data
    assert b'"code":10008' in answer.data


async def test_a_websocket_upgrade_is_answered_as_a_plain_request(server: Server) -> None:
    """No route speaks WebSocket: uvicorn's WebSocket protocol answered a bare text 403."""
    upgrade = (
        f"GET {API}/clients HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    answer = await talk(server.port, [upgrade.encode()])
    answer.problem(401, 10001)


async def test_a_worker_over_its_connection_limit_answers_503(server: Server) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    idle = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(MAX_CONNECTIONS)]
    try:
        answer = await talk(server.port, [request])
    finally:
        for _, writer in idle:
            writer.close()
    answer.problem(503, 10103)
    assert answer.headers["retry-after"] == "1"
    await asyncio.sleep(0.2)  # the closes reach the server
    assert (await talk(server.port, [request])).status == 200


async def test_a_client_gone_in_the_middle_of_its_body_is_one_info_line(server: Server) -> None:
    """Logged as ERROR with a traceback before: a client going away is not a server error."""
    marker = "the connection closed before the request body was read in full"
    before = server.log.read_text().count(marker)
    head = f"POST {API}/clients HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n".encode()
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(head + _credentials(server) + b"\r\n" + b'{"name": ')
    await writer.drain()
    await asyncio.sleep(0.3)  # the application is waiting for the rest of the body
    writer.close()
    deadline = time.monotonic() + LIMIT
    while True:
        lines = server.log.read_text().splitlines()
        said = [line for line in lines if marker in line]
        if len(said) > before or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert len(said) == before + 1, said
    assert all(line.startswith("INFO:") for line in said), said
    assert not [line for line in lines if "Traceback" in line or line.startswith("ERROR")], lines
