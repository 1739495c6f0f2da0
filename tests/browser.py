"""What the tests that drive a real browser share: Debian's Chromium launched by Playwright
(one browser per test process), a real server on a free loopback port, and a tab that fails
its test on a request to another origin, a CSP violation or a script error.

The browser tests are skipped with a message without playwright or Chromium, unless
``TIMETRACK_REQUIRE_BROWSER=1`` (CI), which makes them fail."""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

if TYPE_CHECKING:  # at run time playwright is optional: the browser tests are skipped without it
    from playwright.async_api import Browser, ConsoleMessage, Page, Route

CHROMIUM = "/usr/bin/chromium"


def browser_missing(message: str) -> None:
    """Skip with ``message``, or fail where a browser is promised (TIMETRACK_REQUIRE_BROWSER=1)."""
    if os.environ.get("TIMETRACK_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " and TIMETRACK_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(message + "; the browser check is skipped")


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port, in a thread: its origin."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One Chromium per test process (Debian's: Playwright's own download is not reachable)."""
    try:
        api = importlib.import_module("playwright.async_api")
    except ImportError:
        browser_missing("playwright is not installed (pip install -e '.[dev]')")
    if shutil.which(CHROMIUM) is None:
        browser_missing(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    async with api.async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        await launched.close()


@dataclass
class Watch:
    """What a tab saw that no page of ours may cause."""

    elsewhere: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.elsewhere, self.elsewhere
        assert not self.violations, self.violations
        assert not self.errors, self.errors


@contextlib.asynccontextmanager
async def watched_tab(
    browser: Browser, origin: str, width: int = 1280, height: int = 900
) -> AsyncIterator[tuple[Page, Watch]]:
    """A fresh tab (no cookies) whose requests may reach ``origin`` only; checked clean when
    the block ends without an error."""
    context = await browser.new_context(viewport={"width": width, "height": height})
    tab = await context.new_page()
    watch = Watch()

    def console(message: ConsoleMessage) -> None:
        if "Content Security" in message.text:
            watch.violations.append(message.text)

    async def route(r: Route) -> None:
        url = r.request.url
        if url.startswith((origin, "data:")):
            await r.continue_()
        else:  # an offline installation could not reach it: neither may the test
            watch.elsewhere.append(url)
            await r.abort()

    tab.on("console", console)
    tab.on("pageerror", lambda e: watch.errors.append(str(e)))
    await tab.route("**/*", route)
    try:
        yield tab, watch
        watch.assert_clean()
    finally:
        await context.close()
