"""Updating a project: every field, moves between clients, renames, refused changes."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import FIELD_INVALID, assert_error

from .common import (
    CLIENT_UNKNOWN,
    PROJECT_KEYS,
    PROJECT_NAME_TAKEN,
    UPDATED_AT,
    get,
    make_client,
    make_project,
    names,
)


class TestUpdateProject:
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
