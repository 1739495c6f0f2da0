"""Deleting a project; a project on the wire and in the OpenAPI document."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error

from .common import PROJECT_DELETED, PROJECT_KEYS, UPDATED_AT, get, names


class TestGetProject:
    async def test_get(self, api: httpx.AsyncClient, project: dict[str, Any]) -> None:
        r = await api.get(f"/projects/{project['id']}")
        assert r.status_code == 200, r.text
        assert r.json() == project
        assert set(r.json()) == PROJECT_KEYS
        assert r.headers["content-type"] == "application/json"


class TestDeleteProject:
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
