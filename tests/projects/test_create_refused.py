"""Project creates that are refused: missing and invalid fields, unknown and deleted clients."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import FIELD_INVALID, FIELD_REQUIRED, assert_error

from timetrack.errors import ALL_CODES

from .common import CLIENT_UNKNOWN, make_client, make_project, names


class TestCreateProjectRefused:
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
