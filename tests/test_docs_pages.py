"""The interactive docs (``/docs``) work offline: the page loads only files this server
serves, under a CSP that lets nothing else in, and (where a Chromium is installed) a real
browser renders it without reaching any other origin and without a CSP violation.

The browser check (``tests/browser.py``) is skipped with a message without playwright or
Chromium, unless ``TIMETRACK_REQUIRE_BROWSER=1`` (CI), which makes it fail."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from browser import browser, serving, watched_tab
from conftest import client

from timetrack.app import create_app
from timetrack.config import Settings

if TYPE_CHECKING:  # at run time playwright is optional: the browser check is skipped without it
    from playwright.async_api import Browser

__all__ = ["browser"]  # the fixture, for this module's browser test

PAGES = ("/docs",)
_REFERENCE = re.compile(r'\b(?:src|href|data-openapi-url)="([^"]*)"')
_CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


def _settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'docs.db'}")


@pytest.fixture
async def root(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The server root; the pages touch no database, so none is opened."""
    app = create_app(_settings(tmp_path))
    async with client(app, base_url="http://testserver") as caller:
        yield caller


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (d.split() for d in csp.split(";") if d.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize("page", PAGES)
async def test_page_references_only_its_own_server(root: httpx.AsyncClient, page: str) -> None:
    response = await root.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    references = _REFERENCE.findall(response.text)
    assert any(r.endswith(".js") for r in references)
    assert "/openapi.json" in references
    for reference in references:
        assert urlsplit(reference).netloc == "" and reference.startswith("/"), reference
    assert "<script>" not in response.text  # every script is a file: no inline code


@pytest.mark.parametrize("page", PAGES)
async def test_every_asset_a_page_names_is_served(root: httpx.AsyncClient, page: str) -> None:
    text = (await root.get(page)).text
    for reference in _REFERENCE.findall(text):
        response = await root.get(reference)
        assert response.status_code == 200, reference
        if reference == "/openapi.json":
            continue
        wanted = _CONTENT_TYPES[Path(reference).suffix]
        assert response.headers["content-type"].startswith(wanted), reference
        assert len(response.content) > 100, reference


@pytest.mark.parametrize("page", PAGES)
async def test_page_csp_allows_only_its_own_origin(root: httpx.AsyncClient, page: str) -> None:
    csp = (await root.get(page)).headers["Content-Security-Policy"]
    directives = _directives(csp)
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval, no CDN
    allowed = {"'self'", "'none'", "'unsafe-inline'", "data:"}
    for name, sources in directives.items():
        assert set(sources) <= allowed, (name, sources)
    assert directives["frame-ancestors"] == ["'none'"]


async def test_unknown_asset_is_a_404_envelope(root: httpx.AsyncClient) -> None:
    response = await root.get("/docs/assets/../../etc/passwd")
    assert response.status_code == 404
    response = await root.get("/docs/assets/secret.js")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == 10007


# --- a real browser -------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """A real server on a free loopback port, for the browser."""
    with serving(create_app(_settings(tmp_path))) as origin:
        yield origin


# What each page shows once its UI has rendered the document.
_RENDERED = {"/docs": ".swagger-ui .opblock"}


@pytest.mark.parametrize("page", PAGES)
async def test_browser_renders_page_offline(browser: Browser, served: str, page: str) -> None:
    """Needs a Chromium at /usr/bin/chromium (Debian: ``apt-get install chromium``)."""
    async with watched_tab(browser, served) as (tab, _):
        await tab.goto(urljoin(served, page))
        await tab.wait_for_selector(_RENDERED[page], timeout=30_000)
        assert "TimeTrack" in await tab.content()
