"""The HTTP/1.1 connections of ``timetrack serve``: uvicorn's httptools protocol, with limits.

uvicorn on its own reads a request's head without a size limit (a 30 MB header was read
whole), waits for a head or a body without a time limit (a client sending half a request
held its connection for as long as it liked), and answers what its parser refuses with
``text/plain``. :class:`LimitedHttp` adds, per connection:

- a limit on the request line and headers together (``TIMETRACK_MAX_HEADER_BYTES``), checked
  while they arrive: ``431`` (code 10101) without reading the rest;
- a time limit for the head, from the connection's opening or the request's first byte
  (``TIMETRACK_HEADER_TIMEOUT_SECONDS``), and one for the whole body, from the end of the
  head (``TIMETRACK_BODY_TIMEOUT_SECONDS``): ``408`` (code 10102), or a silent close when the
  connection never sent a byte, or when its answer has already been sent;
- a limit on the connections a worker holds (``TIMETRACK_MAX_CONNECTIONS``): while it holds
  more, a request gets ``503`` (code 10103, ``Retry-After: 1``) and its connection is closed;
- the error envelope for every refusal of the parser: ``400`` (code 10100) with the parser's
  reason, ``501`` (code 10104) for a method it does not know.

These answers are written here, before any application code runs, so they carry the
envelope and the security headers of every answer (``app.refusal_headers``) but not what
only the application knows: HSTS (the scheme behind a proxy) or a client's
``X-Request-ID`` (each gets a new id, which the log line names). Each closes the connection.

A deadline is checked by one timer per connection, re-armed only when it fires early, so a
request costs a few attribute writes rather than a timer of its own. While reading is
paused (the application has not taken the previous body, or a pipelined request waits) the
deadline is pushed back: the client is not the one that is slow.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any

import httptools
import orjson
import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from timetrack.app import refusal_headers
from timetrack.errors import (
    HEADERS_TOO_LARGE,
    HTTP_MALFORMED,
    INTERNAL,
    METHOD_UNKNOWN,
    REQUEST_TIMEOUT,
    TOO_MANY_CONNECTIONS,
    Problem,
)

log = logging.getLogger("timetrack")

# How long a refused request's connection stays open after the answer, its input dropped.
LINGER_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class Limits:
    max_header_bytes: int
    header_timeout: float
    body_timeout: float
    max_connections: int


class ServerConfig(uvicorn.Config):
    """uvicorn's configuration with the connection limits, which travel with it to each
    worker process (uvicorn pickles the configuration for its workers)."""

    def __init__(self, *args: Any, limits: Limits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits


class _Refusal(Exception):
    """Raised in a parser callback to stop parsing and answer ``problem``."""

    def __init__(self, problem: Problem, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        super().__init__(problem.detail)
        self.problem = problem
        self.headers = headers


# What the connection waits for.
_IDLE = 0  # nothing: between requests (uvicorn's keep-alive timeout applies), or a request
# being answered
_OPENED = 1  # the first byte of a new connection
_HEAD = 2  # the rest of the request line and headers
_BODY = 3  # the rest of the body


class LimitedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with the limits above (``ServerConfig.limits``)."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        assert isinstance(config, ServerConfig), "LimitedHttp needs a ServerConfig"
        self.limits = config.limits
        self._waiting = _IDLE
        self._deadline = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._messages = 0  # requests begun on this connection
        self._chunk = 0  # the length of the chunk being parsed
        self._chunk_messages = 0  # requests begun before it
        # The chunks the current head arrived in, the first one whole (an upper bound of its
        # size), and that first one: the bytes before the head's start in it are not its own.
        self._head_bytes = 0
        self._head_first = 0
        self._lingering = False  # answered and closing: what arrives is dropped

    # --- deadlines ---------------------------------------------------------------------------

    def _wait_for(self, what: int, seconds: float) -> None:
        self._waiting = what
        self._deadline = self.loop.time() + seconds
        if self._timer is not None and self._timer_at > self._deadline:
            self._timer.cancel()
            self._timer = None
        if self._timer is None:
            self._arm()

    def _arm(self) -> None:
        self._timer_at = self._deadline
        self._timer = self.loop.call_at(self._deadline, self._check_deadline)

    def _check_deadline(self) -> None:
        self._timer = None
        if self._waiting == _IDLE or self.transport.is_closing():
            return
        now = self.loop.time()
        if self.flow.read_paused:
            # Not reading is the server's choice, not the client's slowness.
            timeout = (
                self.limits.body_timeout if self._waiting == _BODY else self.limits.header_timeout
            )
            self._deadline = max(self._deadline, now + timeout)
        if now < self._deadline:
            self._arm()
            return
        if self._waiting == _OPENED:
            self.transport.close()  # never asked anything: nothing to answer
        elif self._waiting == _HEAD:
            seconds = self.limits.header_timeout
            detail = f"the request line and headers did not arrive within {seconds:g} s"
            self._refuse(Problem(REQUEST_TIMEOUT, detail))
        elif self.cycle.response_started:
            self.transport.close()  # answered already, without waiting for the body
        else:
            seconds = self.limits.body_timeout
            detail = f"the request body did not arrive within {seconds:g} s"
            self._refuse(Problem(REQUEST_TIMEOUT, detail))

    # --- uvicorn's protocol, extended --------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._wait_for(_OPENED, self.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._waiting = _IDLE
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return  # the rest of a refused request
        self._unset_keepalive_if_required()
        self._chunk = len(data)
        self._chunk_messages = begun = self._messages
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._upgrade_refused()
            return
        except httptools.HttpParserError as exc:
            self._parser_refused(exc)
            return
        if self._waiting == _HEAD and self._messages == begun:
            # Still the head that was already arriving before this chunk. (The chunk a head
            # begins in is left out here, as it may end a pipelined request's body; it is
            # bounded by the transport's read size, and a complete head is measured exactly.)
            self._head_bytes += len(data)
            if self._head_bytes - self._head_first > self.limits.max_header_bytes:
                self._refuse(self._too_large())

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._messages += 1
        self._head_bytes = self._head_first = self._chunk
        self._wait_for(_HEAD, self.limits.header_timeout)

    def on_headers_complete(self) -> None:
        bound = self._head_bytes
        if self._messages == self._chunk_messages:  # begun in an earlier chunk
            bound += self._chunk
        if bound > self.limits.max_header_bytes:  # measured only when it may be too large
            size = len(self.url) + sum(len(n) + len(v) + 4 for n, v in self.headers)
            if size > self.limits.max_header_bytes:
                raise _Refusal(self._too_large())
        if len(self.connections) > self.limits.max_connections:
            detail = (
                f"the server holds more than {self.limits.max_connections} connections; "
                "retry shortly"
            )
            raise _Refusal(Problem(TOO_MANY_CONNECTIONS, detail), ((b"retry-after", b"1"),))
        self._wait_for(_BODY, self.limits.body_timeout)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._waiting = _IDLE
        super().on_message_complete()

    # --- refusals ----------------------------------------------------------------------------

    def _upgrade_refused(self) -> None:
        """A request to switch protocols (``Upgrade: websocket``, ``h2c``). The server speaks
        none (``ws="none"``), so the application has answered it as a plain request, with
        the envelope where it fails; the parser reads nothing after it, so the connection
        ends with that answer."""
        self._waiting = _IDLE
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            self.transport.close()
        elif cycle.more_body:
            # Its body would never be read: refuse rather than let the application wait.
            detail = "protocol upgrades (Upgrade) are not supported"
            self._refuse(Problem(HTTP_MALFORMED, detail))
        else:
            cycle.keep_alive = False

    def _too_large(self) -> Problem:
        detail = (
            f"the request line and headers exceed the limit of {self.limits.max_header_bytes} bytes"
        )
        return Problem(HEADERS_TOO_LARGE, detail)

    def _parser_refused(self, exc: httptools.HttpParserError) -> None:
        cause = exc.__context__
        if isinstance(cause, _Refusal):
            self._refuse(cause.problem, cause.headers)
        elif isinstance(exc, httptools.HttpParserInvalidMethodError):
            detail = "the request method is not one the server knows"
            self._refuse(Problem(METHOD_UNKNOWN, detail))
        elif isinstance(cause, httptools.HttpParserInvalidURLError | UnicodeDecodeError):
            # Raised by uvicorn's own parsing of the request target, once the head is read.
            detail = "the request target is not a valid URL"
            self._refuse(Problem(HTTP_MALFORMED, detail))
        elif cause is not None:
            log.error("unexpected error parsing a request", exc_info=cause)
            self._refuse(Problem(INTERNAL, "an unexpected error occurred; it has been logged"))
        else:
            reason = str(exc) or "malformed request"
            detail = f"the HTTP parser refused the request: {reason[0].lower()}{reason[1:]}"
            self._refuse(Problem(HTTP_MALFORMED, detail))

    def _refuse(self, problem: Problem, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        """Answer ``problem`` with the envelope and close the connection; when an answer to
        the request has begun already, only close it."""
        self._waiting = _IDLE
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if cycle.response_started:
                self.transport.close()
                return
            # The application still waits for this request's body: it now reads the end of
            # the connection, and whatever it answers goes nowhere.
            cycle.disconnected = True
            cycle.message_event.set()
        request_id = os.urandom(16).hex()
        status = problem.code.status
        client = f"{self.client[0]}:{self.client[1]}" if self.client else "?"
        log.info(
            "refused a request from %s with %d (code %d): %s (request id %s)",
            client,
            status,
            problem.code.code,
            problem.detail,
            request_id,
        )
        body = orjson.dumps({"errors": [problem.as_dict()]})
        lines = [
            *self.server_state.default_headers,
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"connection", b"close"),
            *headers,
            *refusal_headers(request_id),
        ]
        head = b"".join(name + b": " + value + b"\r\n" for name, value in lines)
        self.transport.write(STATUS_LINE[status] + head + b"\r\n" + body)
        self._close_lingering()

    def _close_lingering(self) -> None:
        """Close after an answer the client may still be sending into. Closed at once, the
        socket would answer the client's next bytes with a reset, which can destroy the
        answer before the client reads it; so, as nginx does, send the end of the stream
        after the answer, and drop what still arrives for a short while before closing."""
        if not self.transport.can_write_eof():
            self.transport.close()
            return
        self.transport.write_eof()
        self._lingering = True
        self.flow.resume_reading()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
