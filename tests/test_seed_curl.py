"""The vendor's documentation page, run as written: every curl example must work unchanged.

SPEC: "a client written against the vendor's documentation, or a script that copies its curl
examples, works against this server unchanged." The project carries the requests of the page's
six curl commands as test data (``tests/data/vendor_seed_examples.json``: method, path, headers
and body as the page prints them, typographic quotes straightened as a reader pasting them
would), so the suite proves them on every clone: first in-process, then with the real ``curl``
against a real ``timetrack serve``. Where the page itself is at hand (``shared/seed/``, or
``TIMETRACK_SEED_DIR``), a test checks that the carried copy still says what the page says.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import socket
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials

VENDOR_HOST = "https://testkonto.timetrackenterprise.com"
# The page's typographic quotes (German low-high pairs, sometimes mismatched), straightened as a
# reader pasting the examples would: double ones to ", single ones to '.
STRAIGHTEN = str.maketrans(
    {"\u201e": '"', "\u201c": '"', "\u201d": '"', "\u201a": "'", "\u2018": "'", "\u2019": "'"}
)
KEY = "X-TimeTrack-Api-Key"
SECRET = "X-TimeTrack-Api-Secret"


EXAMPLES = Path(__file__).resolve().parent / "data" / "vendor_seed_examples.json"
STEPS = ("list", "filter", "get", "create", "update", "delete")


def seed_dir() -> Path:
    configured = os.environ.get("TIMETRACK_SEED_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "seed"


def page_commands() -> list[str]:
    """The curl commands of the vendor's page itself, as it prints them."""
    folder = seed_dir()
    if not folder.is_dir():
        pytest.skip(
            f"the vendor documentation page is not available: no folder {folder} (the "
            "shared/seed/ folder beside the repository, or TIMETRACK_SEED_DIR); the carried "
            f"copy {EXAMPLES.name} is tested without it"
        )
    commands = [
        line.strip()
        for path in sorted(folder.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("curl ")
    ]
    assert commands, f"no curl command found in {folder}"
    return commands


# --- bash's $'...' (ANSI-C quoting), which shlex does not know ---------------------------------

_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


def _ansi_c(text: str, start: int) -> tuple[str, int]:
    """Decode the body of ``$'...'`` starting at ``text[start]``; return it and the end index."""
    out: list[str] = []
    i = start
    while i < len(text):
        char = text[i]
        if char == "'":
            return "".join(out), i + 1
        if char != "\\" or i + 1 >= len(text):
            out.append(char)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[nxt])
            i += 2
        elif nxt in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            digits = re.match(rf"[0-9A-Fa-f]{{1,{width}}}", text[i + 2 :])
            if digits:
                out.append(chr(int(digits.group(), 16)))
                i += 2 + len(digits.group())
            else:
                out.append("\\" + nxt)
                i += 2
        elif nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", text[i + 1 :])
            assert digits is not None
            out.append(chr(int(digits.group(), 8)))
            i += 1 + len(digits.group())
        elif nxt == "c" and i + 2 < len(text):
            out.append(chr(ord(text[i + 2]) & 0x1F))
            i += 3
        else:
            out.append("\\" + nxt)
            i += 2
    raise ValueError(f"unterminated $'...' in {text!r}")


def expand_ansi_c_quotes(command: str) -> str:
    """Rewrite every ``$'...'`` outside other quotes as an equivalent POSIX-quoted word."""
    out: list[str] = []
    i, quote = 0, ""
    while i < len(command):
        char = command[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and i + 1 < len(command):
                out.append(command[i : i + 2])
                i += 2
                continue
            out.append(char)
            i += 1
        elif char == "\\" and i + 1 < len(command):
            out.append(command[i : i + 2])
            i += 2
        elif char == "$" and command.startswith("$'", i):
            decoded, i = _ansi_c(command, i + 2)
            out.append(shlex.quote(decoded))
        else:
            if char in "'\"":
                quote = char
            out.append(char)
            i += 1
    return "".join(out)


def test_ansi_c_quoting() -> None:
    assert shlex.split(expand_ansi_c_quotes(r"""-d $'{}'""")) == ["-d", "{}"]
    assert shlex.split(expand_ansi_c_quotes(r"""a$'x\ty\n\'z\x41\101'b""")) == ["ax\ty\n'zAAb"]
    assert shlex.split(expand_ansi_c_quotes(r"""'$'a'' "$'b'" $'\u00e4'""")) == [
        "$a",
        "$'b'",
        "ä",
    ]


# --- curl's command line ------------------------------------------------------------------


@dataclass
class CurlRequest:
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    argv: list[str] = field(default_factory=list)


def parse_curl(command: str, *, host: str, key: str, secret: str) -> CurlRequest:
    """What curl would send for ``command`` (the options the vendor's page uses)."""
    argv = shlex.split(expand_ansi_c_quotes(command.translate(STRAIGHTEN)))
    assert argv[0] == "curl", argv
    filled = [
        arg.replace(VENDOR_HOST, host)
        .replace("<API_KEY>", key)
        .replace("<API_SECRET_TOKEN>", secret)
        for arg in argv
    ]
    method: str | None = None
    url: str | None = None
    headers: list[tuple[str, str]] = []
    data: list[str] = []
    args = iter(filled[1:])
    for arg in args:
        if arg in ("-X", "--request"):
            method = next(args)
        elif arg in ("-H", "--header"):
            name, _, value = next(args).partition(":")
            headers.append((name.strip(), value.strip()))
        elif arg in ("-d", "--data", "--data-raw", "--data-binary"):
            data.append(next(args))
        elif arg.startswith("-"):
            raise AssertionError(f"curl option {arg!r} is not handled by this test")
        else:
            assert url is None, f"two URLs in {command!r}"
            url = arg
    assert url is not None, command
    # curl joins several -d with "&" and turns a bare -d into a POST.
    body = "&".join(data).encode() if data else None
    if method is None:
        method = "POST" if data else "GET"
    if body is not None and not any(n.lower() == "content-type" for n, _ in headers):
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
    return CurlRequest(method, url, headers, body, filled)


@dataclass
class Answer:
    status: int
    body: Any


@dataclass(frozen=True)
class Example:
    """One of the page's requests, as the page prints it (host and credentials as placeholders)."""

    step: str
    method: str
    path: str
    headers: tuple[str, ...]
    body: str

    def request(self, *, host: str, key: str, secret: str) -> CurlRequest:
        """The request with the host and the credentials filled in, and the curl command line
        that sends exactly it."""

        def fill(text: str) -> str:
            return text.replace("<API_KEY>", key).replace("<API_SECRET_TOKEN>", secret)

        url = host + self.path
        headers = [fill(header) for header in self.headers]
        argv = ["curl", "-X", self.method, url]
        for header in headers:
            argv += ["-H", header]
        argv += ["--data-raw", self.body]
        pairs = [(n.strip(), v.strip()) for n, _, v in (h.partition(":") for h in headers)]
        return CurlRequest(self.method, url, pairs, self.body.encode(), argv)


def carried_examples() -> dict[str, Example]:
    """The project's own copy of the page's six requests, by what the page says each does."""
    document = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    examples = [
        Example(e["step"], e["method"], e["path"], tuple(e["headers"]), e["body"])
        for e in document["examples"]
    ]
    assert [e.step for e in examples] == list(STEPS)
    return {e.step: e for e in examples}


def test_the_carried_copy_is_what_the_page_says() -> None:
    """Guards the carried copy against drifting from the page (where the page is at hand)."""
    commands = page_commands()
    assert len(commands) == len(STEPS), commands
    carried = carried_examples()
    for step, command in zip(STEPS, commands, strict=True):
        # The page's own placeholders: only the quotes and the quoting are undone.
        on_page = parse_curl(
            command, host=VENDOR_HOST, key="<API_KEY>", secret="<API_SECRET_TOKEN>"
        )
        ours = carried[step].request(host=VENDOR_HOST, key="<API_KEY>", secret="<API_SECRET_TOKEN>")
        assert (ours.method, ours.url, ours.headers, ours.body) == (
            on_page.method,
            on_page.url,
            on_page.headers,
            on_page.body,
        ), step


def _error_code(answer: Answer) -> int:
    code: int = answer.body["errors"][0]["code"]
    return code


async def run_the_page(send: Any) -> None:
    """Send the page's requests in its order and check each does what the page says."""
    listed = await send("list")
    assert listed.status == 200 and listed.body == [], listed
    filtered = await send("filter")
    assert filtered.status == 200 and filtered.body == [], filtered
    # The page reads project 1 before it creates one: in a fresh account that is a 404.
    missing = await send("get")
    assert missing.status == 404 and _error_code(missing) == 12010, missing

    created = await send("create")
    assert created.status == 201, created
    project = created.body
    assert project["id"] == 1
    assert project["projectName"] == "Test Projekt 001"
    assert project["clientName"] == "Test GmbH"
    assert project["projectEnabled"] is True

    # Now the reads find it, as the page describes them.
    listed = await send("list")
    assert listed.status == 200 and [p["id"] for p in listed.body] == [1], listed
    filtered = await send("filter")
    assert filtered.status == 200, filtered
    assert [p["projectName"] for p in filtered.body] == ["Test Projekt 001"]
    got = await send("get")
    assert got.status == 200 and got.body == project, got

    updated = await send("update")
    assert updated.status == 200, updated
    assert updated.body["id"] == 1
    assert updated.body["hourRate"] == 50.0
    assert updated.body["notes"] == "Test Projekt fuer API"
    assert updated.body["projectName"] == "Test Projekt 001"

    deleted = await send("delete")
    assert deleted.status == 200, deleted
    assert deleted.body["id"] == 1
    assert deleted.body["notes"] == "Test Projekt fuer API"

    gone = await send("get")
    assert gone.status == 404 and _error_code(gone) == 12020, gone
    listed = await send("list")
    assert listed.status == 200 and listed.body == [], listed


class TestSeedCurlInProcess:
    async def test_every_example_works(self, app: FastAPI, account: Credentials) -> None:
        examples = carried_examples()
        host = "http://testserver"
        async with client(app, base_url=host) as caller:
            headers = {KEY: account.api_key, SECRET: account.api_secret}
            made = await caller.post(
                "/api/v2/ext/clients", json={"name": "Test GmbH"}, headers=headers
            )
            assert made.status_code == 201, made.text

            async def send(step: str) -> Answer:
                request = examples[step].request(
                    host=host, key=account.api_key, secret=account.api_secret
                )
                response = await caller.request(
                    request.method, request.url, headers=request.headers, content=request.body
                )
                assert response.headers["content-type"] == "application/json"
                return Answer(response.status_code, response.json())

            await run_the_page(send)


# --- the real curl against a real server ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _read_credentials(stdout: asyncio.StreamReader) -> tuple[str, str]:
    key = secret = ""
    while True:
        line = (await stdout.readline()).decode()
        if not line:
            raise AssertionError("the server exited before printing its address")
        if match := re.match(r"\s*API key:\s*(\S+)", line):
            key = match.group(1)
        elif match := re.match(r"\s*API secret:\s*(\S+)", line):
            secret = match.group(1)
        elif "serving" in line:
            assert key and secret, "the server printed no credentials for its first account"
            return key, secret


async def _wait_until_up(base: str, server: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(base_url=base, trust_env=False) as caller:
        for _ in range(200):
            if server.returncode is not None:
                raise AssertionError(f"the server exited with {server.returncode}")
            try:
                if (await caller.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("the server did not answer /healthz within 10 s")


async def _stop(server: asyncio.subprocess.Process) -> None:
    if server.returncode is None:
        server.terminate()
    try:
        await asyncio.wait_for(server.communicate(), timeout=10)
    except TimeoutError:
        server.kill()
        await server.communicate()


async def _curl(argv: list[str], out: Path) -> Answer:
    process = await asyncio.create_subprocess_exec(
        "curl",
        "--silent",
        "--show-error",
        "--noproxy",
        "*",
        "--max-time",
        "20",
        "--output",
        str(out),
        "--write-out",
        "%{http_code}",
        *argv[1:],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    return Answer(int(stdout), json.loads(out.read_bytes()))


@pytest.mark.skipif(shutil.which("curl") is None, reason="the curl binary is not installed")
class TestSeedCurlRealServer:
    async def test_every_example_works_with_curl(self, tmp_path: Path) -> None:
        examples = carried_examples()
        port = _free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("TIMETRACK_") or k == "TIMETRACK_SEED_DIR"
        }
        env.update(
            TIMETRACK_DATA_DIR=str(tmp_path / "data"),
            TIMETRACK_LOG_LEVEL="warning",
            PYTHONUNBUFFERED="1",
        )
        with (tmp_path / "server.log").open("wb") as log:
            server = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "timetrack",
                "serve",
                "--port",
                str(port),
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        try:
            assert server.stdout is not None
            key, secret = await asyncio.wait_for(_read_credentials(server.stdout), timeout=60)
            base = f"http://127.0.0.1:{port}"
            await _wait_until_up(base, server)
            async with httpx.AsyncClient(base_url=base, trust_env=False) as caller:
                made = await caller.post(
                    "/api/v2/ext/clients",
                    json={"name": "Test GmbH"},
                    headers={KEY: key, SECRET: secret},
                )
                assert made.status_code == 201, made.text

            async def send(step: str) -> Answer:
                request = examples[step].request(host=base, key=key, secret=secret)
                return await _curl(request.argv, tmp_path / f"{uuid.uuid4().hex}.json")

            await run_the_page(send)
        finally:
            await _stop(server)
