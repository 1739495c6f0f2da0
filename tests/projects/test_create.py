"""Creating a project: the vendor's example, every field, numbers, and names unique per client."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import assert_error

from .common import (
    CLIENT_UNKNOWN,
    PROJECT_DELETED,
    PROJECT_KEYS,
    PROJECT_NAME_TAKEN,
    UPDATED_AT,
    get,
    make_client,
    make_project,
    names,
)


class TestCreateProject:
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


class TestCreateProjectNames:
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
