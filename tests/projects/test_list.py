"""Listing ``/projects``: filters, paging with Link headers, and the POST list of the vendor's
examples.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import PARAMETER_INVALID, assert_error

from .common import ALL_NAMES, make_client, make_project, names, parse_links, raw_links


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


class TestListProjectsByPost:
    """The vendor's curl examples read with ``POST`` and the body ``{}``."""

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
