"""The web app's answers over HTTP, in process: redirects, CSRF refusals, headers, the static
files and the API's OpenAPI document without the pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import assert_error, client
from fastapi import FastAPI

from timetrack.accounts.auth import CSRF_HEADER
from timetrack.accounts.service import Credentials

from .conftest import PASSWORD, csrf_of

ROOT = "http://testserver"
CSRF_FAILED = 10061


@pytest.fixture
async def person(
    app: FastAPI, account: Credentials
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A browser-like client signed in through the sign-in page as a new user, and the
    session's CSRF token as the pages carry it."""
    async with client(app, account) as api:
        body = {
            "username": "carla",
            "firstName": "Carla",
            "lastName": "Example",
            "email": "carla@example.com",
            "password": PASSWORD,
        }
        assert (await api.post("/users", json=body)).status_code == 201
        await api.post("/clients", json={"name": "Acme"})
        await api.post("/projects", json={"clientName": "Acme", "projectName": "Website"})
    async with client(app, base_url=ROOT) as browser:
        form = await browser.get("/app/signin")
        fields = {
            "csrf": csrf_of(form.text),
            "account": account.account.slug,
            "username": "carla",
            "password": PASSWORD,
            "next": "/app/timer",
        }
        signed = await browser.post("/app/signin", data=fields)
        assert signed.status_code == 303, signed.text
        page = await browser.get("/app/timer")
        yield browser, csrf_of(page.text)


async def test_the_root_and_the_app_send_a_stranger_to_sign_in(app: FastAPI) -> None:
    async with client(app, base_url=ROOT) as stranger:
        assert (await stranger.get("/")).headers["location"] == "/app/"
        assert (await stranger.get("/app")).headers["location"] == "/app/"
        assert (await stranger.get("/app/")).headers["location"] == "/app/signin"
        response = await stranger.get("/app/timer")
        assert response.status_code == 303
        assert response.headers["location"] == "/app/signin?next=/app/timer"


async def test_a_form_post_without_or_with_a_wrong_token_is_refused(
    person: tuple[httpx.AsyncClient, str],
) -> None:
    browser, _ = person
    for fields in ({"client": "Acme", "project": "Website"}, {"csrf": "forged", "client": "Acme"}):
        response = await browser.post("/app/timer/start", data=fields)
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("text/html")
        assert "This form has expired" in response.text
    state = await browser.get("/app/timer")
    assert 'action="/app/timer/start"' in state.text  # nothing started


async def test_a_fetch_without_the_token_gets_the_envelope_and_with_it_acts(
    person: tuple[httpx.AsyncClient, str],
) -> None:
    browser, token = person
    fields = {"client": "Acme", "project": "Website"}
    headers = {"Accept": "application/json"}
    refused = await browser.post("/app/timer/start", data=fields, headers=headers)
    assert_error(refused, 403, CSRF_FAILED)
    headers[CSRF_HEADER] = token
    done = await browser.post("/app/timer/start", data=fields, headers=headers)
    assert done.status_code == 303
    assert done.headers["location"] == "/app/timer?done=start"


async def test_signing_in_needs_the_sign_in_forms_own_token(
    app: FastAPI, account: Credentials
) -> None:
    async with client(app, base_url=ROOT) as stranger:
        fields = {"account": account.account.slug, "username": "x", "password": "y"}
        response = await stranger.post("/app/signin", data=fields)
        assert response.status_code == 403
        await stranger.get("/app/signin")  # the cookie, but a forged field
        response = await stranger.post("/app/signin", data={**fields, "csrf": "forged"})
        assert response.status_code == 403


async def test_signing_out_needs_the_token_and_ends_the_session(
    person: tuple[httpx.AsyncClient, str],
) -> None:
    browser, token = person
    assert (await browser.post("/app/signout", data={"csrf": "forged"})).status_code == 403
    assert (await browser.get("/app/timer")).status_code == 200
    response = await browser.post("/app/signout", data={"csrf": token})
    assert response.headers["location"] == "/app/signin"
    assert (await browser.get("/app/timer")).status_code == 303


async def test_a_sign_in_goes_back_only_to_a_page_of_the_app(
    app: FastAPI, account: Credentials, person: tuple[httpx.AsyncClient, str]
) -> None:
    async with client(app, base_url=ROOT) as stranger:
        form = await stranger.get("/app/signin?next=//evil.example/")
        assert 'name="next" value="/app/"' in form.text
        fields = {
            "csrf": csrf_of(form.text),
            "account": account.account.slug,
            "username": "carla",
            "password": PASSWORD,
            "next": "https://evil.example/",
        }
        response = await stranger.post("/app/signin", data=fields)
        assert response.headers["location"] == "/app/"


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (d.split() for d in csp.split(";") if d.strip())
    return {words[0]: words[1:] for words in parts}


async def test_pages_are_never_stored_and_allow_only_their_own_origin(
    person: tuple[httpx.AsyncClient, str],
) -> None:
    browser, _ = person
    page = await browser.get("/app/timer")
    assert page.headers["cache-control"] == "no-store"
    csp = _directives(page.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert all("unsafe" not in source for sources in csp.values() for source in sources)
    assert "<script>" not in page.text and " style=" not in page.text


async def test_static_files_are_named_by_their_content_and_cached_for_good(
    person: tuple[httpx.AsyncClient, str],
) -> None:
    browser, _ = person
    page = (await browser.get("/app/timer")).text
    urls = re.findall(r'(?:href|src)="(/app/static/[^"]+)"', page)
    assert {url.rsplit("/", 1)[1] for url in urls} == {"app.css", "timer.js", "pickers.js"}
    for url in urls:
        response = await browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        digest = url.split("/")[3]
        stale = await browser.get(url.replace(digest, "0" * len(digest)))
        assert stale.status_code == 404


async def test_the_api_document_has_no_page_of_the_app(doc: dict[str, Any]) -> None:
    assert not [path for path in doc["paths"] if path == "/" or path.startswith("/app")]
