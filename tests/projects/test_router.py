"""HTTP-level tests of ``/projects`` (SPEC §1 wire conventions, §2 "Projects").

Every test runs on SQLite and PostgreSQL (tests/conftest.py). One class per endpoint:
anonymous and wrong-credential cases first, then the happy paths, then bad input.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from timetrack.accounts.service import Credentials
from timetrack.errors import ALL_CODES

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PROJECT_KEYS = {
    "id",
    "projectName",
    "clientName",
    "clientId",
    "projectEnabled",
    "notes",
    "hourRate",
    "timeEstimated",
    "budgetEstimated",
    "assignedUsers",
    "updatedAt",
}

# Codes (src/timetrack/errors.py).
AUTH_MISSING = 10001
AUTH_INVALID = 10002
MALFORMED_JSON = 10004
BODY_NOT_OBJECT = 10005
METHOD_NOT_ALLOWED = 10008
FIELD_REQUIRED = 10010
FIELD_INVALID = 10011
PARAMETER_INVALID = 10013
CLIENT_UNKNOWN = 11040
PROJECT_NOT_FOUND = 12010
PROJECT_DELETED = 12020
PROJECT_NAME_TAKEN = 12030


# --- helpers ----------------------------------------------------------------------------------


def assert_error(
    r: httpx.Response,
    status: int,
    code: int,
    *,
    pointer: str | None = None,
    parameter: str | None = None,
) -> dict[str, Any]:
    """``r`` is the envelope with exactly one error of ``code``; return that error."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert list(body) == ["errors"], body
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    expected_keys = {"title", "status", "code", "detail"}
    if pointer is not None or parameter is not None:
        expected_keys.add("source")
    assert set(error) == expected_keys, error
    assert error["code"] == code, error
    assert error["status"] == status
    assert error["title"] == ALL_CODES[code].title
    assert isinstance(error["detail"], str) and error["detail"]
    if pointer is not None:
        assert error["source"] == {"pointer": pointer}
    if parameter is not None:
        assert error["source"] == {"parameter": parameter}
    return error


def wrong_secret(creds: Credentials) -> dict[str, str]:
    return {"X-TimeTrack-Api-Key": creds.api_key, "X-TimeTrack-Api-Secret": "tts_not-the-secret"}


def key_only(creds: Credentials) -> dict[str, str]:
    return {"X-TimeTrack-Api-Key": creds.api_key}


def wrong_key(creds: Credentials) -> dict[str, str]:
    return {"X-TimeTrack-Api-Key": "not-a-key", "X-TimeTrack-Api-Secret": creds.api_secret}


async def make_client(api: httpx.AsyncClient, name: str = "Test GmbH") -> dict[str, Any]:
    r = await api.post("/clients", json={"name": name})
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


async def make_project(
    api: httpx.AsyncClient,
    name: str = "Test Projekt 001",
    client: str = "Test GmbH",
    **fields: Any,
) -> dict[str, Any]:
    r = await api.post("/projects", json={"projectName": name, "clientName": client, **fields})
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


async def names(api: httpx.AsyncClient, query: str = "") -> list[str]:
    r = await api.get(f"/projects{query}")
    assert r.status_code == 200, r.text
    return [p["projectName"] for p in r.json()]


async def get(api: httpx.AsyncClient, project_id: int) -> dict[str, Any]:
    r = await api.get(f"/projects/{project_id}")
    assert r.status_code == 200, r.text
    project: dict[str, Any] = r.json()
    return project


def raw_links(header: str) -> dict[str, str]:
    """rel -> URL of an RFC 8288 ``Link`` header."""
    links = {}
    for part in header.split(","):
        if not part.strip():
            continue
        match = re.fullmatch(r'\s*<([^>]*)>\s*;\s*rel="(\w+)"\s*', part)
        assert match, header
        links[match.group(2)] = match.group(1)
    return links


def parse_links(header: str) -> dict[str, dict[str, str]]:
    """rel -> the query parameters of its URL."""
    return {rel: dict(httpx.URL(url).params) for rel, url in raw_links(header).items()}


@pytest.fixture
async def client(api: httpx.AsyncClient) -> dict[str, Any]:
    """The vendor's example client, "Test GmbH"."""
    return await make_client(api)


@pytest.fixture
async def project(api: httpx.AsyncClient, client: dict[str, Any]) -> dict[str, Any]:
    """The vendor's example project, "Test Projekt 001" of "Test GmbH"."""
    return await make_project(api)


# The project endpoints, for the credential checks every one of them makes.
ENDPOINTS = [
    ("GET", "/projects", None),
    ("GET", "/projects/", None),
    ("POST", "/projects", {}),
    ("POST", "/projects/", {}),
    ("POST", "/projects", {"projectName": "P", "clientName": "Test GmbH"}),
    ("GET", "/projects/1", None),
    ("GET", "/projects/1/", None),
    ("POST", "/projects/1", {}),
    ("PUT", "/projects/1", {"notes": "x"}),
    ("PUT", "/projects/1/", {"notes": "x"}),
    ("DELETE", "/projects/1", None),
    ("DELETE", "/projects/1/", None),
]


async def call(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.request(method, path, json=body, headers=headers)


class TestAuthentication:
    """Every endpoint answers 401 before it looks at the path, the query or the body."""

    @pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
    async def test_anonymous(
        self, anon: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None
    ) -> None:
        r = await call(anon, method, path, body)
        assert_error(r, 401, AUTH_MISSING)

    @pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
    async def test_missing_secret(
        self,
        anon: httpx.AsyncClient,
        account: Credentials,
        method: str,
        path: str,
        body: dict[str, Any] | None,
    ) -> None:
        r = await call(anon, method, path, body, key_only(account))
        assert_error(r, 401, AUTH_MISSING)

    @pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
    async def test_wrong_secret(
        self,
        anon: httpx.AsyncClient,
        account: Credentials,
        method: str,
        path: str,
        body: dict[str, Any] | None,
    ) -> None:
        r = await call(anon, method, path, body, wrong_secret(account))
        assert_error(r, 401, AUTH_INVALID)

    @pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
    async def test_wrong_key(
        self,
        anon: httpx.AsyncClient,
        account: Credentials,
        method: str,
        path: str,
        body: dict[str, Any] | None,
    ) -> None:
        r = await call(anon, method, path, body, wrong_key(account))
        assert_error(r, 401, AUTH_INVALID)

    async def test_credentials_checked_before_input(
        self, anon: httpx.AsyncClient, account: Credentials
    ) -> None:
        bad = wrong_secret(account)
        assert_error(await anon.get("/projects?limit=5000", headers=bad), 401, AUTH_INVALID)
        assert_error(await anon.get("/projects/abc", headers=bad), 401, AUTH_INVALID)
        r = await anon.post("/projects", content=b"{not json", headers=bad)
        assert_error(r, 401, AUTH_INVALID)
        assert_error(await anon.get("/projects"), 401, AUTH_MISSING)

    async def test_nothing_written_with_wrong_secret(
        self,
        api: httpx.AsyncClient,
        anon: httpx.AsyncClient,
        account: Credentials,
        project: dict[str, Any],
    ) -> None:
        bad = wrong_secret(account)
        body = {"projectName": "Sneaky", "clientName": "Test GmbH"}
        assert_error(await anon.post("/projects", json=body, headers=bad), 401, AUTH_INVALID)
        r = await anon.put(f"/projects/{project['id']}", json={"notes": "x"}, headers=bad)
        assert_error(r, 401, AUTH_INVALID)
        assert_error(
            await anon.delete(f"/projects/{project['id']}", headers=bad), 401, AUTH_INVALID
        )
        assert await names(api) == ["Test Projekt 001"]
        assert await get(api, project["id"]) == project


# --- list -------------------------------------------------------------------------------------


@pytest.fixture
async def catalogue(api: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """Two clients with two projects each, created in this order (ids ascending)."""
    await make_client(api, "Test GmbH")
    await make_client(api, "Acme AG")
    return {
        name: await make_project(api, name, client)
        for name, client in [
            ("Test Projekt 001", "Test GmbH"),
            ("Website", "Test GmbH"),
            ("Testing Tools", "Acme AG"),
            ("Backoffice", "Acme AG"),
        ]
    }


ALL_NAMES = ["Test Projekt 001", "Website", "Testing Tools", "Backoffice"]


class TestListProjects:
    async def test_other_account_sees_none(
        self,
        other_api: httpx.AsyncClient,
        catalogue: dict[str, dict[str, Any]],
    ) -> None:
        r = await other_api.get("/projects")
        assert r.status_code == 200
        assert r.json() == []
        assert r.headers["X-Total-Count"] == "0"
        assert await names(other_api, "?projectName=Test") == []
        assert await names(other_api, "?clientName=Acme") == []

    async def test_empty(self, api: httpx.AsyncClient) -> None:
        r = await api.get("/projects")
        assert r.status_code == 200
        assert r.text == "[]"
        assert r.headers["content-type"] == "application/json"
        assert r.headers["X-Total-Count"] == "0"
        assert "Link" not in r.headers

    @pytest.mark.parametrize("path", ["/projects", "/projects/"])
    async def test_lists_all_by_id(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]], path: str
    ) -> None:
        r = await api.get(path)
        assert r.status_code == 200, r.text
        body = r.json()
        assert isinstance(body, list)  # a bare array
        assert [p["projectName"] for p in body] == ALL_NAMES
        assert [p["id"] for p in body] == sorted(p["id"] for p in body)
        assert body == list(catalogue.values())
        assert r.headers["X-Total-Count"] == "4"
        assert "Link" not in r.headers

    async def test_other_accounts_projects_not_listed(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        catalogue: dict[str, dict[str, Any]],
    ) -> None:
        await make_client(other_api, "Test GmbH")
        await make_project(other_api, "Fremdprojekt")
        assert await names(api) == ALL_NAMES
        assert await names(other_api) == ["Fremdprojekt"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("?projectName=Test", ["Test Projekt 001", "Testing Tools"]),
            ("?projectName=tEsT", ["Test Projekt 001", "Testing Tools"]),
            ("?projectName=projekt%20001", ["Test Projekt 001"]),
            ("?projectName=site", ["Website"]),
            ("?projectName=nothing", []),
            ("?clientName=acme", ["Testing Tools", "Backoffice"]),
            ("?clientName=GMBH", ["Test Projekt 001", "Website"]),
            ("?clientName=M", ALL_NAMES),
            ("?projectName=test&clientName=gmbh", ["Test Projekt 001"]),
            ("?projectName=test&clientName=ag", ["Testing Tools"]),
            ("?projectName=website&clientName=ag", []),
            ("?projectName=", ALL_NAMES),
            ("?projectName=%25", []),  # LIKE wildcards are matched literally
            ("?projectName=_", []),
            ("?clientName=%25", []),
            ("?unknownFilter=x", ALL_NAMES),
        ],
    )
    async def test_filters(
        self,
        api: httpx.AsyncClient,
        catalogue: dict[str, dict[str, Any]],
        query: str,
        expected: list[str],
    ) -> None:
        r = await api.get(f"/projects{query}")
        assert r.status_code == 200, r.text
        assert [p["projectName"] for p in r.json()] == expected
        assert r.headers["X-Total-Count"] == str(len(expected))

    async def test_client_id_filter(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]]
    ) -> None:
        gmbh, ag = catalogue["Website"]["clientId"], catalogue["Backoffice"]["clientId"]
        assert await names(api, f"?clientId={gmbh}") == ["Test Projekt 001", "Website"]
        assert await names(api, f"?clientId={ag}&projectName=tools") == ["Testing Tools"]
        assert await names(api, f"?clientId={ag}&clientName=gmbh") == []
        assert await names(api, "?clientId=999") == []
        for bad in ("abc", "0", str(2**63), "1.5"):
            r = await api.get("/projects", params={"clientId": bad})
            assert_error(r, 400, PARAMETER_INVALID, parameter="clientId")

    async def test_filter_matches_unicode_case_insensitively(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        await make_project(api, "Straße Nord")
        await make_project(api, "ÄRGER")
        assert await names(api, "?projectName=STRASSE") == ["Straße Nord"]
        assert await names(api, "?projectName=ärger") == ["ÄRGER"]

    async def test_filter_literal_wildcards(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        await make_project(api, "100% fertig")
        await make_project(api, "a_b")
        await make_project(api, "axb")
        assert await names(api, "?projectName=0%25%20f") == ["100% fertig"]
        assert await names(api, "?projectName=a_b") == ["a_b"]

    async def test_deleted_not_listed(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]]
    ) -> None:
        r = await api.delete(f"/projects/{catalogue['Website']['id']}")
        assert r.status_code == 200
        r = await api.get("/projects")
        assert [p["projectName"] for p in r.json()] == [
            "Test Projekt 001",
            "Testing Tools",
            "Backoffice",
        ]
        assert r.headers["X-Total-Count"] == "3"
        assert await names(api, "?projectName=web") == []

    async def test_body_on_get_is_ignored(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]]
    ) -> None:
        r = await api.request("GET", "/projects", json={"projectName": "Ignored", "x": 1})
        assert r.status_code == 200, r.text
        assert [p["projectName"] for p in r.json()] == ALL_NAMES

    @pytest.mark.parametrize("parameter", ["projectName", "clientName"])
    async def test_filter_with_nul(
        self, api: httpx.AsyncClient, catalogue: dict[str, Any], parameter: str
    ) -> None:
        # was a 500 on PostgreSQL, and matched everything on SQLite
        r = await api.get("/projects", params={parameter: "Test\x00"})
        assert_error(r, 400, PARAMETER_INVALID, parameter=parameter)

    async def test_filter_too_long(self, api: httpx.AsyncClient) -> None:
        r = await api.get("/projects", params={"projectName": "x" * 256})
        assert_error(r, 400, PARAMETER_INVALID, parameter="projectName")
        r = await api.get("/projects", params={"clientName": "x" * 256})
        assert_error(r, 400, PARAMETER_INVALID, parameter="clientName")


class TestListProjectsPaging:
    async def test_limit_and_page_number(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]]
    ) -> None:
        pages = []
        for number in range(3):
            r = await api.get(f"/projects?limit=3&page_number={number}")
            assert r.status_code == 200, r.text
            assert r.headers["X-Total-Count"] == "4"
            pages.append([p["projectName"] for p in r.json()])
        assert pages == [ALL_NAMES[:3], ALL_NAMES[3:], []]

    async def test_default_limit_is_50(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        for i in range(51):
            await make_project(api, f"P{i:02d}")
        r = await api.get("/projects")
        assert len(r.json()) == 50
        assert r.headers["X-Total-Count"] == "51"
        assert 'rel="next"' in r.headers["Link"]
        r = await api.get("/projects?page_number=1")
        assert [p["projectName"] for p in r.json()] == ["P50"]

    async def test_page_is_one_based_alias(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]]
    ) -> None:
        assert await names(api, "?limit=1000&page=1") == ALL_NAMES
        assert await names(api, "?limit=3&page=1") == ALL_NAMES[:3]
        assert await names(api, "?limit=3&page=2") == ALL_NAMES[3:]
        assert await names(api, "?limit=3&page=3") == []

    async def test_page_number_wins_over_page(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]]
    ) -> None:
        assert await names(api, "?limit=3&page=1&page_number=1") == ALL_NAMES[3:]
        assert await names(api, "?limit=3&page=2&page_number=0") == ALL_NAMES[:3]

    async def test_link_headers(self, api: httpx.AsyncClient, client: dict[str, Any]) -> None:
        for i in range(1, 6):
            await make_project(api, f"P{i}")

        r = await api.get("/projects?limit=2")
        assert [p["projectName"] for p in r.json()] == ["P1", "P2"]
        assert r.headers["X-Total-Count"] == "5"
        links = parse_links(r.headers["Link"])
        assert set(links) == {"next"}
        assert links["next"] == {"page_number": "1", "limit": "2"}

        r = await api.get("/projects?limit=2&page_number=1")
        assert [p["projectName"] for p in r.json()] == ["P3", "P4"]
        links = parse_links(r.headers["Link"])
        assert links == {
            "next": {"page_number": "2", "limit": "2"},
            "prev": {"page_number": "0", "limit": "2"},
        }

        r = await api.get("/projects?limit=2&page_number=2")
        assert [p["projectName"] for p in r.json()] == ["P5"]
        assert r.headers["X-Total-Count"] == "5"
        assert parse_links(r.headers["Link"]) == {"prev": {"page_number": "1", "limit": "2"}}

        # past the end: prev points at the last page that has records
        r = await api.get("/projects?limit=2&page_number=7")
        assert r.json() == []
        assert r.headers["X-Total-Count"] == "5"
        assert parse_links(r.headers["Link"]) == {"prev": {"page_number": "2", "limit": "2"}}

    async def test_links_follow_to_the_end(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        for i in range(1, 6):
            await make_project(api, f"P{i}")
        seen: list[str] = []
        url: str | None = "/projects?limit=2"
        while url is not None:
            r = await api.get(url)
            assert r.status_code == 200, r.text
            seen += [p["projectName"] for p in r.json()]
            url = raw_links(r.headers.get("Link", "")).get("next")
        assert seen == ["P1", "P2", "P3", "P4", "P5"]

    async def test_link_keeps_filters_and_path(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        for i in range(1, 6):
            await make_project(api, f"Match {i}")
        await make_project(api, "Other")
        r = await api.get("/projects?projectName=match&limit=2&page=2")
        assert [p["projectName"] for p in r.json()] == ["Match 3", "Match 4"]
        assert r.headers["X-Total-Count"] == "5"
        links = raw_links(r.headers["Link"])
        for url in links.values():
            parsed = httpx.URL(url)
            assert parsed.path == "/api/v2/ext/projects"
            assert parsed.params["projectName"] == "match"
            assert "page" not in parsed.params
        assert httpx.URL(links["next"]).params["page_number"] == "2"
        assert httpx.URL(links["prev"]).params["page_number"] == "0"

    async def test_limit_zero(self, api: httpx.AsyncClient, catalogue: dict[str, Any]) -> None:
        r = await api.get("/projects?limit=0")
        assert r.status_code == 200, r.text
        assert r.json() == []
        assert r.headers["X-Total-Count"] == "4"
        assert "Link" not in r.headers

    async def test_limit_1000(self, api: httpx.AsyncClient, catalogue: dict[str, Any]) -> None:
        assert await names(api, "?limit=1000") == ALL_NAMES

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ("limit=5000", "limit"),
            ("limit=1001", "limit"),
            ("limit=-1", "limit"),
            ("limit=abc", "limit"),
            ("limit=1.5", "limit"),
            ("limit=", "limit"),
            ("page_number=-1", "page_number"),
            ("page_number=x", "page_number"),
            ("page_number=99999999999999999999", "page_number"),
            ("page=0", "page"),
            ("page=-3", "page"),
            ("page=first", "page"),
        ],
    )
    async def test_bad_paging(
        self, api: httpx.AsyncClient, catalogue: dict[str, Any], query: str, parameter: str
    ) -> None:
        r = await api.get(f"/projects?{query}")
        assert_error(r, 400, PARAMETER_INVALID, parameter=parameter)
        # the POST-read form validates the same way
        r = await api.post(f"/projects?{query}", json={})
        assert_error(r, 400, PARAMETER_INVALID, parameter=parameter)


class TestListProjectsByPost:
    """The vendor's curl examples read with ``POST`` and the body ``{}``."""

    async def test_anonymous(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.post("/projects", json={}), 401, AUTH_MISSING)

    async def test_wrong_secret(self, anon: httpx.AsyncClient, account: Credentials) -> None:
        r = await anon.post("/projects/", json={}, headers=wrong_secret(account))
        assert_error(r, 401, AUTH_INVALID)

    @pytest.mark.parametrize("path", ["/projects", "/projects/"])
    async def test_empty_object_lists(
        self, api: httpx.AsyncClient, catalogue: dict[str, Any], path: str
    ) -> None:
        r = await api.post(path, content=b"{}", headers={"Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        assert [p["projectName"] for p in r.json()] == ALL_NAMES
        assert r.headers["X-Total-Count"] == "4"
        assert "Location" not in r.headers

    @pytest.mark.parametrize("content", [b"", b"  \n", b"{ }"])
    async def test_empty_body_lists(
        self, api: httpx.AsyncClient, catalogue: dict[str, Any], content: bytes
    ) -> None:
        r = await api.post("/projects", content=content)
        assert r.status_code == 200, r.text
        assert [p["projectName"] for p in r.json()] == ALL_NAMES

    async def test_vendor_filter_example(
        self, api: httpx.AsyncClient, catalogue: dict[str, Any]
    ) -> None:
        # curl ".../projects?projectName=Test" -d '{}'
        r = await api.post("/projects?projectName=Test", json={})
        assert r.status_code == 200, r.text
        assert [p["projectName"] for p in r.json()] == ["Test Projekt 001", "Testing Tools"]
        r = await api.post("/projects/?projectName=test&clientName=AG", json={})
        assert [p["projectName"] for p in r.json()] == ["Testing Tools"]

    async def test_paging(self, api: httpx.AsyncClient, catalogue: dict[str, Any]) -> None:
        r = await api.post("/projects?limit=3&page=2", json={})
        assert r.status_code == 200, r.text
        assert [p["projectName"] for p in r.json()] == ALL_NAMES[3:]
        assert r.headers["X-Total-Count"] == "4"
        assert parse_links(r.headers["Link"]) == {"prev": {"page_number": "0", "limit": "3"}}

    async def test_creates_nothing(self, api: httpx.AsyncClient, catalogue: dict[str, Any]) -> None:
        await api.post("/projects", json={})
        assert await names(api) == ALL_NAMES


# --- create -----------------------------------------------------------------------------------


class TestCreateProject:
    async def test_anonymous(self, anon: httpx.AsyncClient) -> None:
        r = await anon.post("/projects", json={"projectName": "P", "clientName": "Test GmbH"})
        assert_error(r, 401, AUTH_MISSING)

    async def test_wrong_secret(self, anon: httpx.AsyncClient, account: Credentials) -> None:
        r = await anon.post(
            "/projects",
            json={"projectName": "P", "clientName": "Test GmbH"},
            headers=wrong_secret(account),
        )
        assert_error(r, 401, AUTH_INVALID)

    async def test_other_accounts_client_is_unknown(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        client: dict[str, Any],
    ) -> None:
        body = {"projectName": "Fremd", "clientName": "Test GmbH"}
        r = await other_api.post("/projects", json=body)
        error = assert_error(r, 400, CLIENT_UNKNOWN, pointer="/clientName")
        unknown = await other_api.post(
            "/projects", json={"projectName": "Fremd", "clientName": "Nowhere AG"}
        )
        assert error == {
            **unknown.json()["errors"][0],
            "detail": unknown.json()["errors"][0]["detail"].replace("Nowhere AG", "Test GmbH"),
        }
        assert await names(api) == []
        assert await names(other_api) == []

    async def test_vendor_example(self, api: httpx.AsyncClient, client: dict[str, Any]) -> None:
        r = await api.post(
            "/projects",
            content='{ "projectName": "Test Projekt 001", "clientName": "Test GmbH" }',
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert set(body) == PROJECT_KEYS
        assert body["projectName"] == "Test Projekt 001"
        assert body["clientName"] == "Test GmbH"
        assert body["clientId"] == client["id"]
        assert body["projectEnabled"] is True
        assert body["notes"] is None
        assert body["hourRate"] is None
        assert body["timeEstimated"] is None
        assert body["budgetEstimated"] is None
        assert isinstance(body["id"], int)
        assert UPDATED_AT.match(body["updatedAt"]), body["updatedAt"]
        assert r.headers["Location"] == f"/api/v2/ext/projects/{body['id']}"
        assert "X-Ignored-Fields" not in r.headers
        assert '"projectEnabled":true' in r.text
        assert await get(api, body["id"]) == body

    @pytest.mark.parametrize("path", ["/projects", "/projects/"])
    async def test_location(
        self, api: httpx.AsyncClient, client: dict[str, Any], path: str
    ) -> None:
        r = await api.post(path, json={"projectName": "P", "clientName": "Test GmbH"})
        assert r.status_code == 201, r.text
        location = r.headers["Location"]
        assert location == f"/api/v2/ext/projects/{r.json()['id']}"
        again = await api.get(f"http://testserver{location}")
        assert again.json() == r.json()

    async def test_ids_count_per_account(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        # The vendor's examples address /projects/1 in a fresh account.
        first = await make_project(api, "A")
        second = await make_project(api, "B")
        assert (first["id"], second["id"]) == (1, 2)
        await make_client(other_api, "Test GmbH")
        theirs = await make_project(other_api, "A")
        assert theirs["id"] == 1
        assert (await get(api, 1))["projectName"] == "A"

    async def test_all_fields_round_trip(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        sent = {
            "projectName": "Relaunch",
            "clientName": "Test GmbH",
            "projectEnabled": False,
            "notes": "Zeile 1\nZeile 2 \u2013 äöü ✓",
            "hourRate": 85.5,
            "timeEstimated": 120,
            "budgetEstimated": 10250.75,
        }
        r = await api.post("/projects", json=sent)
        assert r.status_code == 201, r.text
        body = r.json()
        assert {k: body[k] for k in sent} == sent
        assert body["clientId"] == client["id"]
        assert UPDATED_AT.match(body["updatedAt"])
        for raw in (
            '"projectEnabled":false',
            '"hourRate":85.5',
            '"timeEstimated":120',
            '"budgetEstimated":10250.75',
        ):
            assert raw in r.text
        again = await api.get(f"/projects/{body['id']}")
        assert again.json() == body
        for raw in ('"projectEnabled":false', '"hourRate":85.5', '"timeEstimated":120'):
            assert raw in again.text

    async def test_numbers_are_json_numbers(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        r = await api.post(
            "/projects",
            json={
                "projectName": "P",
                "clientName": "Test GmbH",
                "hourRate": "50",
                "timeEstimated": "90",
                "budgetEstimated": "0.1",
            },
        )
        assert r.status_code == 201, r.text
        assert '"hourRate":50.0' in r.text
        assert '"timeEstimated":90' in r.text
        assert '"budgetEstimated":0.1' in r.text
        assert '"id":' + str(r.json()["id"]) in r.text
        assert '"clientId":' + str(r.json()["clientId"]) in r.text

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("hourRate", "50", 50.0),
            ("hourRate", 50, 50.0),
            ("hourRate", "12.5", 12.5),
            ("hourRate", "0", 0.0),
            ("hourRate", 0.01, 0.01),
            ("hourRate", "9999999999.99", 9999999999.99),
            ("hourRate", 19.9, 19.9),
            ("hourRate", "7.0", 7.0),
            ("hourRate", "0.5", 0.5),
            ("budgetEstimated", "1000", 1000.0),
            ("budgetEstimated", 1e3, 1000.0),
            ("timeEstimated", "120", 120),
            ("timeEstimated", 120, 120),
            ("timeEstimated", 0, 0),
            ("timeEstimated", 60.0, 60),
            ("timeEstimated", "45.0", 45),
            ("projectEnabled", True, True),
            ("projectEnabled", False, False),
            ("projectEnabled", 1, True),
            ("projectEnabled", 0, False),
            ("projectEnabled", "true", True),
            ("projectEnabled", "false", False),
            ("projectEnabled", "1", True),
            ("projectEnabled", "0", False),
            ("notes", "", ""),
            ("notes", None, None),
            ("hourRate", None, None),
            ("timeEstimated", None, None),
            ("budgetEstimated", None, None),
        ],
    )
    async def test_coercion(
        self,
        api: httpx.AsyncClient,
        client: dict[str, Any],
        field: str,
        value: Any,
        expected: Any,
    ) -> None:
        r = await api.post(
            "/projects", json={"projectName": "P", "clientName": "Test GmbH", field: value}
        )
        assert r.status_code == 201, r.text
        got = r.json()[field]
        assert got == expected
        assert type(got) is type(expected)
        assert (await get(api, r.json()["id"]))[field] == expected

    async def test_enabled_raw_json(self, api: httpx.AsyncClient, client: dict[str, Any]) -> None:
        r = await api.post(
            "/projects", json={"projectName": "P", "clientName": "Test GmbH", "projectEnabled": "0"}
        )
        assert '"projectEnabled":false' in r.text
        r = await api.post(
            "/projects", json={"projectName": "Q", "clientName": "Test GmbH", "projectEnabled": 1}
        )
        assert '"projectEnabled":true' in r.text

    async def test_client_name_is_case_insensitive(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        for i, spelled in enumerate(["test gmbh", "TEST GMBH", "tEsT gMbH"]):
            body = await make_project(api, f"P{i}", spelled)
            assert body["clientName"] == "Test GmbH"  # the client's own spelling
            assert body["clientId"] == client["id"]

    async def test_client_name_unicode_case(self, api: httpx.AsyncClient) -> None:
        müller = await make_client(api, "Müller & Straße KG")
        body = await make_project(api, "P", "MÜLLER & STRASSE kg")
        assert body["clientId"] == müller["id"]
        assert body["clientName"] == "Müller & Straße KG"

    async def test_names_are_trimmed(self, api: httpx.AsyncClient, client: dict[str, Any]) -> None:
        body = await make_project(api, "  Spaced  ", "  Test GmbH ")
        assert body["projectName"] == "Spaced"
        assert body["clientName"] == "Test GmbH"

    async def test_name_at_limit(self, api: httpx.AsyncClient, client: dict[str, Any]) -> None:
        body = await make_project(api, "x" * 255)
        assert body["projectName"] == "x" * 255

    async def test_unknown_fields_ignored_and_named(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        r = await api.post(
            "/projects",
            json={
                "projectName": "P",
                "clientName": "Test GmbH",
                "langauge": "de",
                "id": 999,
                "clientId": 42,
            },
        )
        assert r.status_code == 201, r.text
        assert r.headers["X-Ignored-Fields"] == "langauge, id, clientId"
        assert r.json()["id"] != 999
        assert r.json()["clientId"] == client["id"]
        assert "langauge" not in r.json()

    async def test_same_name_under_other_client(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        acme = await make_client(api, "Acme AG")
        first = await make_project(api, "Website", "Test GmbH")
        second = await make_project(api, "website", "Acme AG")
        assert first["id"] != second["id"]
        assert second["clientId"] == acme["id"]
        assert await names(api) == ["Website", "website"]

    async def test_same_name_in_other_account(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        await make_client(other_api, "Test GmbH")
        theirs = await make_project(other_api, "Test Projekt 001")
        assert theirs["projectName"] == project["projectName"]

    async def test_deleted_name_can_be_reused(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        assert (await api.delete(f"/projects/{project['id']}")).status_code == 200
        again = await make_project(api, "TEST PROJEKT 001")
        assert again["id"] != project["id"]
        assert await names(api) == ["TEST PROJEKT 001"]
        # ... and the deleted one can still be told apart
        assert_error(await api.get(f"/projects/{project['id']}"), 404, PROJECT_DELETED)

    async def test_concurrent_creates_get_distinct_ids(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        rs = await asyncio.gather(
            *(
                api.post("/projects", json={"projectName": f"P{i}", "clientName": "Test GmbH"})
                for i in range(8)
            )
        )
        assert [r.status_code for r in rs] == [201] * 8
        assert sorted(r.json()["id"] for r in rs) == list(range(1, 9))
        assert sorted(await names(api)) == sorted(f"P{i}" for i in range(8))

    # bad input

    @pytest.mark.parametrize(
        "spelled",
        ["Test Projekt 001", "test projekt 001", "TEST PROJEKT 001", " Test Projekt 001 "],
    )
    async def test_duplicate_name(
        self, api: httpx.AsyncClient, project: dict[str, Any], spelled: str
    ) -> None:
        r = await api.post("/projects", json={"projectName": spelled, "clientName": "test gmbh"})
        assert_error(r, 409, PROJECT_NAME_TAKEN, pointer="/projectName")
        assert await names(api) == ["Test Projekt 001"]
        assert await get(api, project["id"]) == project

    async def test_duplicate_name_unicode_casefold(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        await make_project(api, "Straße")
        r = await api.post("/projects", json={"projectName": "STRASSE", "clientName": "Test GmbH"})
        assert_error(r, 409, PROJECT_NAME_TAKEN, pointer="/projectName")

    async def test_concurrent_duplicates(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        rs = await asyncio.gather(
            *(
                api.post("/projects", json={"projectName": spelled, "clientName": "Test GmbH"})
                for spelled in ["Race", "RACE", "race", "Race ", "rAcE", "Race"]
            )
        )
        assert sorted(r.status_code for r in rs) == [201] + [409] * 5
        for r in rs:
            if r.status_code == 409:
                assert_error(r, 409, PROJECT_NAME_TAKEN, pointer="/projectName")
        assert len(await names(api)) == 1

    async def test_concurrent_with_client_delete(self, api: httpx.AsyncClient) -> None:
        # Never a live project under a deleted client: either the create wins and the delete
        # is refused (409), or the delete wins and the client is unknown (400).
        for i in range(10):
            target = await make_client(api, f"Kurzlebig {i}")
            created, deleted = await asyncio.gather(
                api.post("/projects", json={"projectName": "P", "clientName": target["name"]}),
                api.delete(f"/clients/{target['id']}"),
            )
            outcome = (created.status_code, deleted.status_code)
            assert outcome in {(201, 409), (400, 200)}, (created.text, deleted.text)
            if outcome == (400, 200):
                assert_error(created, 400, CLIENT_UNKNOWN, pointer="/clientName")
        for project in (await api.get("/projects?limit=1000")).json():
            r = await api.get(f"/clients/{project['clientId']}")
            assert r.status_code == 200, r.text

    async def test_failed_create_does_not_use_up_state(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await api.post(
            "/projects", json={"projectName": "Test Projekt 001", "clientName": "Test GmbH"}
        )
        assert r.status_code == 409
        second = await make_project(api, "Zweites")
        assert second["id"] == project["id"] + 1  # the failed create rolled back entirely

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"clientName": "Test GmbH"}, "/projectName"),
            ({"projectName": "P"}, "/clientName"),
            ({"projectName": "P", "notes": "n", "langauge": "de"}, "/clientName"),
        ],
    )
    async def test_missing_required(
        self,
        api: httpx.AsyncClient,
        client: dict[str, Any],
        body: dict[str, Any],
        pointer: str,
    ) -> None:
        r = await api.post("/projects", json=body)
        assert_error(r, 400, FIELD_REQUIRED, pointer=pointer)
        assert await names(api) == []

    @pytest.mark.parametrize(
        "body",
        [
            {"hourRate": 5},
            {"notes": "only notes"},
            {"project_name": "P", "client_name": "Test GmbH"},  # the wire names are camelCase
            {"projectname": "P", "clientname": "Test GmbH"},
        ],
    )
    async def test_missing_both_lists_both(
        self, api: httpx.AsyncClient, client: dict[str, Any], body: dict[str, Any]
    ) -> None:
        r = await api.post("/projects", json=body)
        assert r.status_code == 400
        errors = r.json()["errors"]
        assert sorted((e["code"], e["source"]["pointer"]) for e in errors) == [
            (FIELD_REQUIRED, "/clientName"),
            (FIELD_REQUIRED, "/projectName"),
        ]
        for e in errors:
            assert e["status"] == 400
            assert e["title"] == ALL_CODES[FIELD_REQUIRED].title
        assert await names(api) == []

    @pytest.mark.parametrize(
        "client_name", ["Nowhere AG", "Test", "GmbH", "Test GmbH 2", "Test  GmbH", "%", "Test_GmbH"]
    )
    async def test_unknown_client(
        self, api: httpx.AsyncClient, client: dict[str, Any], client_name: str
    ) -> None:
        # a substring, or a near miss, does not match: references are exact
        r = await api.post("/projects", json={"projectName": "P", "clientName": client_name})
        error = assert_error(r, 400, CLIENT_UNKNOWN, pointer="/clientName")
        assert client_name in error["detail"]
        assert await names(api) == []

    async def test_deleted_client_is_unknown(self, api: httpx.AsyncClient) -> None:
        gone = await make_client(api, "Weg GmbH")
        assert (await api.delete(f"/clients/{gone['id']}")).status_code == 200
        r = await api.post("/projects", json={"projectName": "P", "clientName": "Weg GmbH"})
        assert_error(r, 400, CLIENT_UNKNOWN, pointer="/clientName")

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("hourRate", "abc"),
            ("hourRate", ""),
            ("hourRate", "5,50"),
            ("hourRate", "1e3"),
            ("hourRate", True),
            ("hourRate", [50]),
            ("hourRate", {"amount": 50}),
            ("hourRate", -1),
            ("hourRate", "-0.01"),
            ("hourRate", 1.234),
            ("hourRate", "10.001"),
            ("hourRate", 10000000000),
            ("hourRate", 1e300),
            ("budgetEstimated", -5),
            ("budgetEstimated", "abc"),
            ("budgetEstimated", 0.001),
            ("budgetEstimated", "99999999999"),
            ("timeEstimated", 1.5),
            ("timeEstimated", "1.5"),
            ("timeEstimated", -1),
            ("timeEstimated", "-30"),
            ("timeEstimated", "abc"),
            ("timeEstimated", True),
            ("timeEstimated", 100_000_001),
            ("timeEstimated", 2**63),
            ("projectEnabled", "maybe"),
            ("projectEnabled", "yes"),
            ("projectEnabled", 2),
            ("projectEnabled", -1),
            ("projectEnabled", None),
            ("projectEnabled", ""),
            ("projectEnabled", [True]),
            ("projectEnabled", "TRUE"),  # one spelling per value: exactly "true"/"false"
            ("projectEnabled", "False"),
            ("hourRate", " 12.5 "),  # nor spaces, "7." or ".5" around a number
            ("hourRate", "7."),
            ("hourRate", ".5"),
            ("notes", 5),
            ("notes", ["a"]),
            ("notes", "x" * 10_001),
            ("notes", "nul\x00byte"),
            ("projectName", ""),
            ("projectName", "   "),
            ("projectName", None),
            ("projectName", 5),
            ("projectName", "x" * 256),
            ("projectName", "a\x00b"),
            ("clientName", ""),
            ("clientName", None),
            ("clientName", 7),
            ("clientName", "x" * 256),
        ],
    )
    async def test_invalid_field(
        self, api: httpx.AsyncClient, client: dict[str, Any], field: str, value: Any
    ) -> None:
        body = {"projectName": "P", "clientName": "Test GmbH", field: value}
        r = await api.post("/projects", json=body)
        assert_error(r, 400, FIELD_INVALID, pointer=f"/{field}")
        assert await names(api) == []

    async def test_several_invalid_fields_listed(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        r = await api.post(
            "/projects",
            json={
                "projectName": "P",
                "clientName": "Test GmbH",
                "hourRate": "abc",
                "timeEstimated": 1.5,
                "projectEnabled": "maybe",
            },
        )
        assert r.status_code == 400
        errors = r.json()["errors"]
        assert sorted((e["code"], e["source"]["pointer"]) for e in errors) == [
            (FIELD_INVALID, "/hourRate"),
            (FIELD_INVALID, "/projectEnabled"),
            (FIELD_INVALID, "/timeEstimated"),
        ]
        for e in errors:
            assert e["status"] == 400
            assert e["title"] == ALL_CODES[FIELD_INVALID].title

    async def test_long_name_in_multibyte_characters(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        body = await make_project(api, "ä" * 255)
        assert body["projectName"] == "ä" * 255
        r = await api.post("/projects", json={"projectName": "ä" * 256, "clientName": "Test GmbH"})
        assert_error(r, 400, FIELD_INVALID, pointer="/projectName")

    async def test_name_that_grows_when_case_folded(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        # "ß" case-folds to "ss": names are compared case-folded, so the folded form must fit
        # too (PostgreSQL answered 500 here; SQLite silently stored it).
        body = await make_project(api, "ß" * 127 + "x")
        assert body["projectName"] == "ß" * 127 + "x"
        for name in ("ß" * 128, "ß" * 255):
            r = await api.post("/projects", json={"projectName": name, "clientName": "Test GmbH"})
            assert_error(r, 400, FIELD_INVALID, pointer="/projectName")
        r = await api.put(f"/projects/{body['id']}", json={"projectName": "ß" * 200})
        assert_error(r, 400, FIELD_INVALID, pointer="/projectName")
        r = await api.post("/projects", json={"projectName": "P", "clientName": "ß" * 200})
        assert_error(r, 400, FIELD_INVALID, pointer="/clientName")
        assert await names(api) == ["ß" * 127 + "x"]

    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"{not json", MALFORMED_JSON),
            (b'{"projectName": "P",}', MALFORMED_JSON),
            (b"[]", BODY_NOT_OBJECT),
            (b'[{"projectName": "P", "clientName": "Test GmbH"}]', BODY_NOT_OBJECT),
            (b'"Test"', BODY_NOT_OBJECT),
            (b"null", BODY_NOT_OBJECT),
            (b"42", BODY_NOT_OBJECT),
        ],
    )
    async def test_body_not_an_object(
        self, api: httpx.AsyncClient, client: dict[str, Any], content: bytes, code: int
    ) -> None:
        r = await api.post(
            "/projects", content=content, headers={"Content-Type": "application/json"}
        )
        assert_error(r, 400, code)
        assert await names(api) == []


# --- get --------------------------------------------------------------------------------------


class TestGetProject:
    async def test_anonymous(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.get("/projects/1"), 401, AUTH_MISSING)

    async def test_wrong_secret(
        self, anon: httpx.AsyncClient, account: Credentials, project: dict[str, Any]
    ) -> None:
        r = await anon.get(f"/projects/{project['id']}", headers=wrong_secret(account))
        assert_error(r, 401, AUTH_INVALID)

    async def test_other_account_gets_not_found(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        project: dict[str, Any],
    ) -> None:
        pid = project["id"]
        theirs = await other_api.get(f"/projects/{pid}")
        error = assert_error(theirs, 404, PROJECT_NOT_FOUND)
        # exactly like an id that never existed
        never = await other_api.get("/projects/424242")
        assert error == {
            **never.json()["errors"][0],
            "detail": never.json()["errors"][0]["detail"].replace("424242", str(pid)),
        }
        assert "Test" not in theirs.text

    async def test_other_accounts_deleted_project_is_not_found(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        project: dict[str, Any],
    ) -> None:
        # Not "exists but is deleted" either: that would reveal it existed.
        await api.delete(f"/projects/{project['id']}")
        assert_error(await other_api.get(f"/projects/{project['id']}"), 404, PROJECT_NOT_FOUND)

    async def test_same_id_in_two_accounts(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        project: dict[str, Any],
    ) -> None:
        # ids count per account, so both accounts have a project 1: each sees its own
        await make_client(other_api, "Andere GmbH")
        theirs = await make_project(other_api, "Anderes Projekt", "Andere GmbH")
        assert theirs["id"] == project["id"] == 1
        assert await get(api, 1) == project
        assert await get(other_api, 1) == theirs
        r = await other_api.put("/projects/1", json={"notes": "nur meins"})
        assert r.json()["notes"] == "nur meins"
        assert await get(api, 1) == project
        assert (await other_api.delete("/projects/1")).status_code == 200
        assert await get(api, 1) == project

    @pytest.mark.parametrize("suffix", ["", "/"])
    async def test_get(self, api: httpx.AsyncClient, project: dict[str, Any], suffix: str) -> None:
        r = await api.get(f"/projects/{project['id']}{suffix}")
        assert r.status_code == 200, r.text
        assert r.json() == project
        assert set(r.json()) == PROJECT_KEYS
        assert r.headers["content-type"] == "application/json"

    async def test_body_on_get_is_ignored(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await api.request("GET", f"/projects/{project['id']}", json={"notes": "ignored"})
        assert r.status_code == 200
        assert r.json() == project

    async def test_never_existed(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        r = await api.get("/projects/999")
        error = assert_error(r, 404, PROJECT_NOT_FOUND)
        assert "999" in error["detail"]

    async def test_deleted(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        await api.delete(f"/projects/{project['id']}")
        assert_error(await api.get(f"/projects/{project['id']}"), 404, PROJECT_DELETED)

    async def test_largest_id(self, api: httpx.AsyncClient) -> None:
        r = await api.get("/projects/9223372036854775807")
        assert_error(r, 404, PROJECT_NOT_FOUND)


class TestGetProjectByPost:
    async def test_anonymous(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.post("/projects/1", json={}), 401, AUTH_MISSING)

    async def test_wrong_secret(
        self, anon: httpx.AsyncClient, account: Credentials, project: dict[str, Any]
    ) -> None:
        r = await anon.post(f"/projects/{project['id']}", json={}, headers=wrong_secret(account))
        assert_error(r, 401, AUTH_INVALID)

    async def test_other_account_gets_not_found(
        self, other_api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await other_api.post(f"/projects/{project['id']}", json={})
        assert_error(r, 404, PROJECT_NOT_FOUND)

    @pytest.mark.parametrize("suffix", ["", "/"])
    @pytest.mark.parametrize("content", [b"{}", b"", b" { } "])
    async def test_vendor_example(
        self, api: httpx.AsyncClient, project: dict[str, Any], suffix: str, content: bytes
    ) -> None:
        # curl ".../projects/1" -d '{}'
        r = await api.post(
            f"/projects/{project['id']}{suffix}",
            content=content,
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 200, r.text
        assert r.json() == project

    async def test_never_existed(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.post("/projects/77", json={}), 404, PROJECT_NOT_FOUND)

    async def test_deleted(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        await api.delete(f"/projects/{project['id']}")
        r = await api.post(f"/projects/{project['id']}", json={})
        assert_error(r, 404, PROJECT_DELETED)

    async def test_body_is_not_an_update(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await api.post(f"/projects/{project['id']}", json={"notes": "changed?"})
        assert_error(r, 405, METHOD_NOT_ALLOWED)
        assert await get(api, project["id"]) == project


# --- update -----------------------------------------------------------------------------------


class TestUpdateProject:
    async def test_anonymous(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.put("/projects/1", json={"notes": "x"}), 401, AUTH_MISSING)

    async def test_wrong_secret(
        self,
        api: httpx.AsyncClient,
        anon: httpx.AsyncClient,
        account: Credentials,
        project: dict[str, Any],
    ) -> None:
        r = await anon.put(
            f"/projects/{project['id']}", json={"notes": "x"}, headers=wrong_secret(account)
        )
        assert_error(r, 401, AUTH_INVALID)
        assert await get(api, project["id"]) == project

    async def test_other_account_gets_not_found(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        project: dict[str, Any],
    ) -> None:
        await make_client(other_api, "Test GmbH")
        pid = project["id"]
        r = await other_api.put(f"/projects/{pid}", json={"notes": "hijacked"})
        error = assert_error(r, 404, PROJECT_NOT_FOUND)
        never = await other_api.put("/projects/424242", json={"notes": "hijacked"})
        assert error == {
            **never.json()["errors"][0],
            "detail": never.json()["errors"][0]["detail"].replace("424242", str(pid)),
        }
        assert await get(api, pid) == project

    async def test_cannot_move_into_other_accounts_client(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        project: dict[str, Any],
    ) -> None:
        await make_client(other_api, "Fremd AG")
        r = await api.put(f"/projects/{project['id']}", json={"clientName": "Fremd AG"})
        assert_error(r, 400, CLIENT_UNKNOWN, pointer="/clientName")
        assert await get(api, project["id"]) == project

    async def test_vendor_example(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        r = await api.put(
            f"/projects/{project['id']}",
            content='{ "hourRate": "50", "notes": "Test Projekt fuer API" }',
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["hourRate"] == 50.0
        assert '"hourRate":50.0' in r.text
        assert body["notes"] == "Test Projekt fuer API"
        unchanged = {k: v for k, v in body.items() if k not in ("hourRate", "notes", "updatedAt")}
        assert unchanged == {
            k: v for k, v in project.items() if k not in ("hourRate", "notes", "updatedAt")
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert body["updatedAt"] >= project["updatedAt"]
        assert await get(api, project["id"]) == body

    @pytest.mark.parametrize("suffix", ["", "/"])
    async def test_trailing_slash(
        self, api: httpx.AsyncClient, project: dict[str, Any], suffix: str
    ) -> None:
        r = await api.put(f"/projects/{project['id']}{suffix}", json={"notes": "n"})
        assert r.status_code == 200, r.text
        assert r.json()["notes"] == "n"

    @pytest.mark.parametrize(
        ("field", "value", "expected"),
        [
            ("projectName", "Neuer Name", "Neuer Name"),
            ("projectName", "  Getrimmt ", "Getrimmt"),
            ("projectEnabled", False, False),
            ("projectEnabled", "0", False),
            ("projectEnabled", "false", False),
            ("projectEnabled", 0, False),
            ("notes", "Notiz", "Notiz"),
            ("notes", None, None),
            ("hourRate", "50", 50.0),
            ("hourRate", 72.25, 72.25),
            ("hourRate", None, None),
            ("timeEstimated", "120", 120),
            ("timeEstimated", 30, 30),
            ("timeEstimated", None, None),
            ("budgetEstimated", "2500.5", 2500.5),
            ("budgetEstimated", None, None),
        ],
    )
    async def test_each_field(
        self,
        api: httpx.AsyncClient,
        client: dict[str, Any],
        field: str,
        value: Any,
        expected: Any,
    ) -> None:
        start = await make_project(
            api, notes="alt", hourRate=10, timeEstimated=60, budgetEstimated=100
        )
        r = await api.put(f"/projects/{start['id']}", json={field: value})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body[field] == expected
        assert type(body[field]) is type(expected)
        others = {k for k in PROJECT_KEYS if k not in (field, "updatedAt")}
        assert {k: body[k] for k in others} == {k: start[k] for k in others}
        assert await get(api, start["id"]) == body

    async def test_enable_again(self, api: httpx.AsyncClient, client: dict[str, Any]) -> None:
        start = await make_project(api, projectEnabled=False)
        r = await api.put(f"/projects/{start['id']}", json={"projectEnabled": "1"})
        assert r.json()["projectEnabled"] is True
        assert '"projectEnabled":true' in r.text

    async def test_all_fields_at_once(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        acme = await make_client(api, "Acme AG")
        sent = {
            "projectName": "Alles neu",
            "clientName": "Acme AG",
            "projectEnabled": False,
            "notes": "n",
            "hourRate": 99.99,
            "timeEstimated": 600,
            "budgetEstimated": 59994.0,
        }
        r = await api.put(f"/projects/{project['id']}", json=sent)
        assert r.status_code == 200, r.text
        body = r.json()
        assert {k: body[k] for k in sent} == sent
        assert body["id"] == project["id"]
        assert body["clientId"] == acme["id"]
        assert await get(api, project["id"]) == body

    async def test_move_to_other_client(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        acme = await make_client(api, "Acme AG")
        r = await api.put(f"/projects/{project['id']}", json={"clientName": "acme ag"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["clientName"] == "Acme AG"
        assert body["clientId"] == acme["id"]
        assert body["clientId"] != project["clientId"]
        assert body["projectName"] == project["projectName"]
        assert await names(api, "?clientName=acme") == ["Test Projekt 001"]
        assert await names(api, "?clientName=gmbh") == []
        # the old client no longer has projects, so it can now be deleted
        assert (await api.delete(f"/clients/{project['clientId']}")).status_code == 200

    async def test_same_client_differently_spelled(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await api.put(
            f"/projects/{project['id']}",
            json={"clientName": "TEST GMBH", "projectName": "test projekt 001"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["clientId"] == project["clientId"]
        assert r.json()["clientName"] == "Test GmbH"
        assert r.json()["projectName"] == "test projekt 001"  # a change of case is a rename

    async def test_keep_own_name(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        r = await api.put(
            f"/projects/{project['id']}",
            json={"projectName": "Test Projekt 001", "clientName": "Test GmbH", "notes": "x"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["notes"] == "x"

    async def test_read_modify_write(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        current = await get(api, project["id"])
        r = await api.put(f"/projects/{project['id']}", json={**current, "notes": "geändert"})
        assert r.status_code == 200, r.text
        assert r.json() == {**current, "notes": "geändert", "updatedAt": r.json()["updatedAt"]}
        assert set(r.headers["X-Ignored-Fields"].split(", ")) == {"id", "clientId", "updatedAt"}

    async def test_empty_update_changes_nothing(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await api.put(f"/projects/{project['id']}", json={})
        assert r.status_code == 200, r.text
        assert r.json() == project

    async def test_unknown_fields_ignored_and_named(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await api.put(f"/projects/{project['id']}", json={"langauge": "de", "notes": "n"})
        assert r.status_code == 200, r.text
        assert r.headers["X-Ignored-Fields"] == "langauge"
        assert r.json()["notes"] == "n"

    async def test_name_freed_by_rename_can_be_reused(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        await api.put(f"/projects/{project['id']}", json={"projectName": "Umbenannt"})
        again = await make_project(api, "Test Projekt 001")
        assert await names(api) == ["Umbenannt", "Test Projekt 001"]
        assert again["id"] != project["id"]

    async def test_rename_to_deleted_projects_name(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        other = await make_project(api, "Zweites")
        await api.delete(f"/projects/{project['id']}")
        r = await api.put(f"/projects/{other['id']}", json={"projectName": "Test Projekt 001"})
        assert r.status_code == 200, r.text

    async def test_concurrent_move_and_client_delete(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        start = await make_project(api, "Wanderer")
        for i in range(10):
            target = await make_client(api, f"Ziel {i}")
            moved, deleted = await asyncio.gather(
                api.put(f"/projects/{start['id']}", json={"clientName": target["name"]}),
                api.delete(f"/clients/{target['id']}"),
            )
            outcome = (moved.status_code, deleted.status_code)
            assert outcome in {(200, 409), (400, 200)}, (moved.text, deleted.text)
            current = await get(api, start["id"])
            assert (await api.get(f"/clients/{current['clientId']}")).status_code == 200

    async def test_concurrent_renames_to_one_name(
        self, api: httpx.AsyncClient, client: dict[str, Any]
    ) -> None:
        projects = [await make_project(api, f"P{i}") for i in range(5)]
        rs = await asyncio.gather(
            *(api.put(f"/projects/{p['id']}", json={"projectName": "Ziel"}) for p in projects)
        )
        assert sorted(r.status_code for r in rs) == [200] + [409] * 4
        assert sorted(await names(api)).count("Ziel") == 1

    # bad input

    async def test_never_existed(self, api: httpx.AsyncClient) -> None:
        r = await api.put("/projects/31337", json={"notes": "x"})
        assert_error(r, 404, PROJECT_NOT_FOUND)

    async def test_deleted(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        await api.delete(f"/projects/{project['id']}")
        r = await api.put(f"/projects/{project['id']}", json={"notes": "x"})
        assert_error(r, 404, PROJECT_DELETED)
        assert await names(api) == []

    @pytest.mark.parametrize("spelled", ["Website", "WEBSITE", " website "])
    async def test_rename_to_taken_name(
        self, api: httpx.AsyncClient, project: dict[str, Any], spelled: str
    ) -> None:
        await make_project(api, "Website")
        r = await api.put(
            f"/projects/{project['id']}", json={"projectName": spelled, "notes": "lost?"}
        )
        assert_error(r, 409, PROJECT_NAME_TAKEN, pointer="/projectName")
        assert await get(api, project["id"]) == project

    async def test_move_into_client_with_same_name(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        await make_client(api, "Acme AG")
        await make_project(api, "TEST projekt 001", "Acme AG")
        r = await api.put(
            f"/projects/{project['id']}", json={"clientName": "Acme AG", "hourRate": 5}
        )
        assert_error(r, 409, PROJECT_NAME_TAKEN, pointer="/projectName")
        assert await get(api, project["id"]) == project

    async def test_move_and_rename_to_taken_name(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        await make_client(api, "Acme AG")
        await make_project(api, "Shop", "Acme AG")
        r = await api.put(
            f"/projects/{project['id']}", json={"clientName": "Acme AG", "projectName": "shop"}
        )
        assert_error(r, 409, PROJECT_NAME_TAKEN, pointer="/projectName")
        assert await get(api, project["id"]) == project
        # renaming while moving to a free name works
        r = await api.put(
            f"/projects/{project['id']}", json={"clientName": "Acme AG", "projectName": "Shop 2"}
        )
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize("client_name", ["Nowhere AG", "Test", "gmbh", "Test GmbH x"])
    async def test_move_to_unknown_client(
        self, api: httpx.AsyncClient, project: dict[str, Any], client_name: str
    ) -> None:
        r = await api.put(
            f"/projects/{project['id']}", json={"clientName": client_name, "notes": "lost?"}
        )
        assert_error(r, 400, CLIENT_UNKNOWN, pointer="/clientName")
        assert await get(api, project["id"]) == project

    async def test_move_to_deleted_client(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        gone = await make_client(api, "Weg GmbH")
        await api.delete(f"/clients/{gone['id']}")
        r = await api.put(f"/projects/{project['id']}", json={"clientName": "Weg GmbH"})
        assert_error(r, 400, CLIENT_UNKNOWN, pointer="/clientName")
        assert await get(api, project["id"]) == project

    @pytest.mark.parametrize("field", ["projectName", "clientName", "projectEnabled"])
    async def test_null_for_required_field(
        self, api: httpx.AsyncClient, project: dict[str, Any], field: str
    ) -> None:
        r = await api.put(f"/projects/{project['id']}", json={field: None, "notes": "lost?"})
        assert_error(r, 400, FIELD_INVALID, pointer=f"/{field}")
        assert await get(api, project["id"]) == project

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("hourRate", "abc"),
            ("hourRate", -1),
            ("hourRate", 1.001),
            ("budgetEstimated", "-0.5"),
            ("budgetEstimated", 12.345),
            ("timeEstimated", 1.5),
            ("timeEstimated", -10),
            ("timeEstimated", "zwei"),
            ("projectEnabled", "maybe"),
            ("projectEnabled", 5),
            ("notes", 12),
            ("projectName", ""),
            ("projectName", "  "),
            ("projectName", "x" * 256),
            ("projectName", 3),
            ("clientName", ""),
            ("clientName", "x" * 256),
            ("clientName", False),
        ],
    )
    async def test_invalid_field(
        self, api: httpx.AsyncClient, project: dict[str, Any], field: str, value: Any
    ) -> None:
        r = await api.put(f"/projects/{project['id']}", json={"notes": "lost?", field: value})
        assert_error(r, 400, FIELD_INVALID, pointer=f"/{field}")
        assert await get(api, project["id"]) == project

    @pytest.mark.parametrize(
        ("content", "code"),
        [(b"{oops", MALFORMED_JSON), (b"[]", BODY_NOT_OBJECT), (b"null", BODY_NOT_OBJECT)],
    )
    async def test_body_not_an_object(
        self, api: httpx.AsyncClient, project: dict[str, Any], content: bytes, code: int
    ) -> None:
        r = await api.put(
            f"/projects/{project['id']}",
            content=content,
            headers={"Content-Type": "application/json"},
        )
        assert_error(r, 400, code)
        assert await get(api, project["id"]) == project


# --- delete -----------------------------------------------------------------------------------


class TestDeleteProject:
    async def test_anonymous(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.delete("/projects/1"), 401, AUTH_MISSING)

    async def test_wrong_secret(
        self,
        api: httpx.AsyncClient,
        anon: httpx.AsyncClient,
        account: Credentials,
        project: dict[str, Any],
    ) -> None:
        r = await anon.delete(f"/projects/{project['id']}", headers=wrong_secret(account))
        assert_error(r, 401, AUTH_INVALID)
        assert await get(api, project["id"]) == project

    async def test_other_account_gets_not_found(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        project: dict[str, Any],
    ) -> None:
        pid = project["id"]
        r = await other_api.delete(f"/projects/{pid}")
        error = assert_error(r, 404, PROJECT_NOT_FOUND)
        never = await other_api.delete("/projects/424242")
        assert error == {
            **never.json()["errors"][0],
            "detail": never.json()["errors"][0]["detail"].replace("424242", str(pid)),
        }
        assert await get(api, pid) == project
        assert await names(api) == ["Test Projekt 001"]

    @pytest.mark.parametrize("suffix", ["", "/"])
    async def test_delete(
        self, api: httpx.AsyncClient, project: dict[str, Any], suffix: str
    ) -> None:
        r = await api.delete(f"/projects/{project['id']}{suffix}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["deleted"] is True
        assert '"deleted":true' in r.text
        assert set(body) == PROJECT_KEYS | {"deleted"}
        kept = PROJECT_KEYS - {"updatedAt"}
        assert {k: body[k] for k in kept} == {k: project[k] for k in kept}
        assert UPDATED_AT.match(body["updatedAt"])

        assert_error(await api.get(f"/projects/{project['id']}"), 404, PROJECT_DELETED)
        assert_error(await api.post(f"/projects/{project['id']}", json={}), 404, PROJECT_DELETED)
        r = await api.get("/projects")
        assert r.json() == []
        assert r.headers["X-Total-Count"] == "0"
        assert (await api.post("/projects", json={})).json() == []

    async def test_vendor_example(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        # curl -X DELETE ".../projects/1" -d '{}'
        r = await api.request(
            "DELETE",
            f"/projects/{project['id']}",
            content=b"{}",
            headers={"Content-Type": "application/json"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["deleted"] is True

    async def test_delete_keeps_the_others(
        self, api: httpx.AsyncClient, catalogue: dict[str, dict[str, Any]]
    ) -> None:
        await api.delete(f"/projects/{catalogue['Testing Tools']['id']}")
        assert await names(api) == ["Test Projekt 001", "Website", "Backoffice"]
        assert await get(api, catalogue["Website"]["id"]) == catalogue["Website"]

    async def test_client_can_be_deleted_after_its_projects(
        self, api: httpx.AsyncClient, project: dict[str, Any]
    ) -> None:
        r = await api.delete(f"/clients/{project['clientId']}")
        assert r.status_code == 409, r.text
        await api.delete(f"/projects/{project['id']}")
        r = await api.delete(f"/clients/{project['clientId']}")
        assert r.status_code == 200, r.text

    # bad input

    async def test_twice(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        assert (await api.delete(f"/projects/{project['id']}")).status_code == 200
        r = await api.delete(f"/projects/{project['id']}")
        assert_error(r, 404, PROJECT_DELETED)

    async def test_never_existed(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        assert_error(await api.delete("/projects/4711"), 404, PROJECT_NOT_FOUND)
        assert await names(api) == ["Test Projekt 001"]


class TestOpenApiDocument:
    async def test_project_bodies_documented(self, anon: httpx.AsyncClient) -> None:
        r = await anon.get("http://testserver/openapi.json")
        assert r.status_code == 200
        schemas = r.json()["components"]["schemas"]
        create = schemas["ProjectCreate"]
        assert sorted(create["required"]) == ["clientName", "projectName"]
        assert {"projectEnabled", "notes", "hourRate", "timeEstimated", "budgetEstimated"} <= set(
            create["properties"]
        )
        update = schemas["ProjectUpdate"]["properties"]
        # null is refused for these (leave them out instead), so it is not documented
        for field in ("projectName", "clientName", "projectEnabled"):
            assert "null" not in str(update[field]), update[field]
        assert {"type": "null"} in update["notes"]["anyOf"]
