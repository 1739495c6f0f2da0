"""Deleting a client, refused while projects use it; clients of two accounts."""

from __future__ import annotations

import asyncio

import httpx
from conftest import NEVER, assert_error

from .common import FULL, UPDATED_AT, create, create_project, fetch, names


class TestDeleteClient:
    async def test_delete(self, api: httpx.AsyncClient) -> None:
        client = await create(api, **{k: v for k, v in FULL.items() if k != "name"})
        keep = await create(api, "Keep")
        response = await api.delete(f"/clients/{client['id']}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["deleted"] is True
        assert {k: v for k, v in body.items() if k not in ("deleted", "updatedAt")} == {
            k: v for k, v in client.items() if k != "updatedAt"
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert_error(await api.get(f"/clients/{client['id']}"), 404, 11020)
        listed = await api.get("/clients")
        assert listed.json() == [keep]
        assert listed.headers["X-Total-Count"] == "1"
        assert await names(api, name="Acme") == []
        assert (await api.post("/clients", json={})).json() == [keep]

    async def test_refused_while_a_project_references_it(self, api: httpx.AsyncClient) -> None:
        client = await create(api)
        project_id = await create_project(api, "Acme")
        assert_error(await api.delete(f"/clients/{client['id']}"), 409, 11050)
        assert await fetch(api, client["id"]) == client
        assert await names(api) == ["Acme"]
        assert (await api.delete(f"/projects/{project_id}")).status_code == 200
        response = await api.delete(f"/clients/{client['id']}")
        assert response.status_code == 200, response.text
        assert response.json()["deleted"] is True

    async def test_refused_with_several_projects(self, api: httpx.AsyncClient) -> None:
        client = await create(api)
        first = await create_project(api, "Acme", "One")
        await create_project(api, "Acme", "Two")
        assert (await api.delete(f"/projects/{first}")).status_code == 200
        assert_error(await api.delete(f"/clients/{client['id']}"), 409, 11050)

    async def test_project_moved_away_no_longer_blocks(self, api: httpx.AsyncClient) -> None:
        acme = await create(api, "Acme")
        globex = await create(api, "Globex")
        project_id = await create_project(api, "Acme")
        moved = await api.put(f"/projects/{project_id}", json={"clientName": "Globex"})
        assert moved.status_code == 200, moved.text
        assert (await api.delete(f"/clients/{acme['id']}")).status_code == 200
        assert_error(await api.delete(f"/clients/{globex['id']}"), 409, 11050)
        assert await names(api) == ["Globex"]

    async def test_projects_of_other_clients_do_not_block(self, api: httpx.AsyncClient) -> None:
        client = await create(api, "Acme")
        await create(api, "Globex")
        await create_project(api, "Globex")
        assert (await api.delete(f"/clients/{client['id']}")).status_code == 200

    async def test_racing_a_project_create(self, api: httpx.AsyncClient) -> None:
        # Either the delete wins (the project create then finds no client) or the project does
        # (the delete is refused): never a project under a deleted client.
        for round_ in range(5):
            client = await create(api, f"Race {round_}")
            deleted, project = await asyncio.gather(
                api.delete(f"/clients/{client['id']}"),
                api.post("/projects", json={"projectName": "P", "clientName": f"Race {round_}"}),
            )
            if deleted.status_code == 200:
                assert_error(project, 400, 11040, pointer="/clientName")
            else:
                assert_error(deleted, 409, 11050)
                assert project.status_code == 201, project.text

    async def test_other_accounts_projects_do_not_block(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        client = await create(api, "Acme")
        theirs = await create(other_api, "Acme")
        assert theirs["id"] == client["id"]  # ids count per account
        await create_project(other_api, "Acme")
        assert (await api.delete(f"/clients/{client['id']}")).status_code == 200
        assert_error(await other_api.delete(f"/clients/{theirs['id']}"), 409, 11050)


class TestTenantIsolation:
    async def test_read_only_change_answers_like_a_missing_one(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        client = await create(api, "Acme")
        response = await other_api.put(f"/clients/{client['id']}", json={"name": "Mine"})
        never = await other_api.put(f"/clients/{NEVER}", json={"name": "Mine"})
        assert response.status_code == never.status_code == 404
        assert response.json()["errors"][0]["code"] == never.json()["errors"][0]["code"]
        assert await fetch(api, client["id"]) == client

    async def test_names_do_not_collide(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "Acme")
        await create(other_api, "ACME")
        assert await names(api) == ["Acme"]
        assert await names(other_api) == ["ACME"]
        assert_error(await api.post("/clients", json={"name": "acme"}), 409, 11030, pointer="/name")
        assert_error(
            await other_api.post("/clients", json={"name": "acme"}), 409, 11030, pointer="/name"
        )

    async def test_other_account_cannot_reference_client_by_name(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "Acme")
        response = await other_api.post(
            "/projects", json={"projectName": "Web", "clientName": "Acme"}
        )
        assert_error(response, 400, 11040, pointer="/clientName")
