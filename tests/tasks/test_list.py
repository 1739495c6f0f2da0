"""Listing ``/tasks``: order, paging and the name filter."""

from __future__ import annotations

import httpx
import pytest
from conftest import assert_error

from .common import create, fetch, names


class TestListTasks:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/tasks")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_bare_array_ordered_by_id(self, api: httpx.AsyncClient) -> None:
        created = [
            await create(api, "Zeta", hourRate=10),
            await create(api, "Alpha", notes="a"),
            await create(api, "Mu"),
        ]
        response = await api.get("/tasks")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert isinstance(body, list)
        assert body == created
        assert [t["id"] for t in body] == sorted(t["id"] for t in created)
        assert response.headers["X-Total-Count"] == "3"

    async def test_name_filter_is_case_insensitive_substring(self, api: httpx.AsyncClient) -> None:
        for name in ("Design", "Web design", "DESIGNER review", "Meeting"):
            await create(api, name)
        assert await names(api, name="design") == ["Design", "Web design", "DESIGNER review"]
        assert await names(api, name="EET") == ["Meeting"]
        assert await names(api, name="gner r") == ["DESIGNER review"]
        assert await names(api, name="nothing") == []
        response = await api.get("/tasks", params={"name": "Design"})
        assert response.headers["X-Total-Count"] == "3"

    async def test_name_filter_non_ascii(self, api: httpx.AsyncClient) -> None:
        await create(api, "Überprüfung")
        await create(api, "Uberprufung")
        await create(api, "Straßenbau")
        assert await names(api, name="ÜBERPRÜF") == ["Überprüfung"]
        assert await names(api, name="STRASSE") == ["Straßenbau"]

    async def test_name_filter_wildcards_are_literal(self, api: httpx.AsyncClient) -> None:
        for name in ("50% off", "500 off", "snake_case", "snakeXcase", "a\\b", "ab"):
            await create(api, name)
        assert await names(api, name="%") == ["50% off"]
        assert await names(api, name="0%") == ["50% off"]
        assert await names(api, name="e_c") == ["snake_case"]
        assert await names(api, name="_") == ["snake_case"]
        assert await names(api, name="\\") == ["a\\b"]

    @pytest.mark.parametrize("value", ["De\x00sign", "\x00"])
    async def test_name_filter_with_nul(self, api: httpx.AsyncClient, value: str) -> None:
        await create(api)
        assert_error(await api.get("/tasks", params={"name": value}), 400, 10013, parameter="name")

    async def test_name_filter_too_long(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.get("/tasks", params={"name": "x" * 256}), 400, 10013, parameter="name"
        )


class TestGetTask:
    async def test_get(self, api: httpx.AsyncClient) -> None:
        task = await create(api, notes="n", hourRate="42.42")
        response = await api.get(f"/tasks/{task['id']}")
        assert response.status_code == 200
        assert response.json() == task
        assert response.json()["hourRate"] == 42.42

    async def test_picks_the_right_one(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "A")
        b = await create(api, "B")
        assert (await fetch(api, a["id"]))["name"] == "A"
        assert (await fetch(api, b["id"]))["name"] == "B"
