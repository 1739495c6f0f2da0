"""Updating and deleting a task; tasks of two accounts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error

from .common import UPDATED_AT, create, fetch, names


class TestUpdateTask:
    async def test_update(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="old", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"notes": "new", "hourRate": "75"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["id"] == task["id"]
        assert body["name"] == "Design"
        assert body["notes"] == "new"
        assert body["hourRate"] == 75.0
        assert UPDATED_AT.match(body["updatedAt"])
        assert body["updatedAt"] >= task["updatedAt"]
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, task["id"]) == body

    async def test_partial_update_keeps_the_rest(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="kept", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"hourRate": 11.5})
        assert response.status_code == 200
        body = await fetch(api, task["id"])
        assert body["notes"] == "kept"
        assert body["hourRate"] == 11.5
        response = await api.put(f"/tasks/{task['id']}", json={"notes": "changed"})
        body = await fetch(api, task["id"])
        assert body["notes"] == "changed"
        assert body["hourRate"] == 11.5

    async def test_null_clears(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"notes": None, "hourRate": None})
        assert response.status_code == 200
        body = await fetch(api, task["id"])
        assert body["notes"] is None
        assert body["hourRate"] is None

    async def test_only_the_addressed_task_changes(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "A", hourRate=1)
        b = await create(api, "B", hourRate=2)
        await api.put(f"/tasks/{a['id']}", json={"hourRate": 3})
        assert await fetch(api, b["id"]) == b

    # --- read-only name ------------------------------------------------------------------------

    @pytest.mark.parametrize("same", ["Design", " Design  "])
    async def test_name_with_current_value(self, api: httpx.AsyncClient, same: str) -> None:
        task = await create(api, "Design")
        response = await api.put(f"/tasks/{task['id']}", json={"name": same, "notes": "ok"})
        assert response.status_code == 200, response.text
        assert response.json()["name"] == "Design"
        assert response.json()["notes"] == "ok"

    async def test_read_modify_write(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate=42.5)
        response = await api.put(f"/tasks/{task['id']}", json={**task, "hourRate": 43})
        assert response.status_code == 200, response.text
        assert response.json()["hourRate"] == 43.0
        assert set(response.headers["X-Ignored-Fields"].split(", ")) == {"id", "updatedAt"}
        assert (await api.get("/tasks")).json() == [response.json()]

    @pytest.mark.parametrize("name", ["Other", "design", "DESIGN", None, "Design 2"])
    async def test_changing_name(self, api: httpx.AsyncClient, name: str | None) -> None:
        task = await create(api, "Design", notes="kept", hourRate=10)
        response = await api.put(
            f"/tasks/{task['id']}", json={"name": name, "notes": "lost", "hourRate": 99}
        )
        # An explicit null is refused as invalid (10011) before any read-only comparison.
        assert_error(response, 400, 10011 if name is None else 10012, pointer="/name")
        assert await fetch(api, task["id"]) == task
        assert await names(api) == ["Design"]

    # --- bad input ------------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"hourRate": "abc"}, "/hourRate"),
            ({"hourRate": -10}, "/hourRate"),
            ({"hourRate": 10.001}, "/hourRate"),
            ({"hourRate": 1e11}, "/hourRate"),
            ({"hourRate": False}, "/hourRate"),
            ({"notes": "n" * 10_001}, "/notes"),
            ({"notes": "bad\x00"}, "/notes"),
            ({"notes": 3}, "/notes"),
            ({"name": 5}, "/name"),
            ({"name": "N" * 256}, "/name"),
            ({"name": ""}, "/name"),
        ],
    )
    async def test_invalid_field_changes_nothing(
        self, api: httpx.AsyncClient, body: dict[str, Any], pointer: str
    ) -> None:
        task = await create(api, notes="kept", hourRate=10)
        response = await api.put(f"/tasks/{task['id']}", json={"notes": "new", **body})
        assert_error(response, 400, 10011, pointer=pointer)
        assert await fetch(api, task["id"]) == task

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        task = await create(api)
        response = await api.put(
            f"/tasks/{task['id']}", json={"hourRate": 5, "rate": 6, "deleted": True}
        )
        assert response.status_code == 200
        assert response.headers["X-Ignored-Fields"] == "rate, deleted"
        assert response.json()["hourRate"] == 5.0
        assert "deleted" not in response.json()
        assert await names(api) == ["Design"]


class TestDeleteTask:
    async def test_delete(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate=10)
        keep = await create(api, "Keep")
        response = await api.delete(f"/tasks/{task['id']}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["deleted"] is True
        assert {k: v for k, v in body.items() if k not in ("deleted", "updatedAt")} == {
            k: v for k, v in task.items() if k != "updatedAt"
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert_error(await api.get(f"/tasks/{task['id']}"), 404, 13020)
        listed = await api.get("/tasks")
        assert listed.json() == [keep]
        assert listed.headers["X-Total-Count"] == "1"
        assert await names(api, name="design") == []
        assert (await api.post("/tasks", json={})).json() == [keep]


class TestTenantIsolation:
    async def test_read_only_change_answers_like_a_missing_one(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        task = await create(api)
        response = await other_api.put(f"/tasks/{task['id']}", json={"name": "Mine"})
        never = await other_api.put(f"/tasks/{NEVER}", json={"name": "Mine"})
        assert response.status_code == never.status_code == 404
        assert response.json()["errors"][0]["code"] == never.json()["errors"][0]["code"]
        assert await fetch(api, task["id"]) == task

    async def test_names_do_not_collide(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "Design")
        await create(other_api, "DESIGN")
        assert await names(api) == ["Design"]
        assert await names(other_api) == ["DESIGN"]
        assert_error(await api.post("/tasks", json={"name": "design"}), 409, 13030, pointer="/name")
        assert_error(
            await other_api.post("/tasks", json={"name": "design"}), 409, 13030, pointer="/name"
        )
