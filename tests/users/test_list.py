"""Listing ``/users``: order, paging, the username and e-mail filters, and the change feed."""

from __future__ import annotations

import asyncio

import httpx
from conftest import assert_error

from .common import NEW_PASSWORD, create, no_password, usernames


class TestListUsers:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/users")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_bare_array_ordered_by_id(self, api: httpx.AsyncClient) -> None:
        created = [
            await create(api, "zoe", hourRate=10),
            await create(api, "adam", admin=True),
            await create(api, "mia", language="de"),
        ]
        response = await api.get("/users")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        no_password(response)
        body = response.json()
        assert isinstance(body, list)
        assert body == created
        assert [u["id"] for u in body] == sorted(u["id"] for u in created)
        assert response.headers["X-Total-Count"] == "3"

    async def test_username_filter_is_case_insensitive_substring(
        self, api: httpx.AsyncClient
    ) -> None:
        for name in ("alice", "Malice", "ALICIA", "bob"):
            await create(api, name)
        assert await usernames(api, username="alice") == ["alice", "Malice"]
        assert await usernames(api, username="ALI") == ["alice", "Malice", "ALICIA"]
        assert await usernames(api, username="Bo") == ["bob"]
        assert await usernames(api, username="nobody") == []
        response = await api.get("/users", params={"username": "ali"})
        assert response.headers["X-Total-Count"] == "3"

    async def test_username_filter_wildcards_are_literal(self, api: httpx.AsyncClient) -> None:
        for name in ("a_b", "axb", "50%", "500"):
            await create(api, name, email=f"{name.replace('%', 'p')}@example.com")
        assert await usernames(api, username="_") == ["a_b"]
        assert await usernames(api, username="%") == ["50%"]

    async def test_email_filter_is_exact_and_case_insensitive(self, api: httpx.AsyncClient) -> None:
        await create(api, "alice", email="Alice.Archer@Example.com")
        await create(api, "bob", email="bob@example.com")
        await create(api, "carol", email="alice.archer@example.com.au")
        assert await usernames(api, email="alice.archer@example.com") == ["alice"]
        assert await usernames(api, email="ALICE.ARCHER@EXAMPLE.COM") == ["alice"]
        assert await usernames(api, email="Alice.Archer@Example.com") == ["alice"]
        assert await usernames(api, email="alice") == []
        assert await usernames(api, email="example.com") == []
        assert await usernames(api, email="nobody@example.com") == []

    async def test_filters_combine(self, api: httpx.AsyncClient) -> None:
        await create(api, "alice")
        await create(api, "alina")
        assert await usernames(api, username="ali", email="alina@example.com") == ["alina"]
        assert await usernames(api, username="bob", email="alina@example.com") == []

    async def test_filters_on_list_by_post(self, api: httpx.AsyncClient) -> None:
        await create(api, "alice")
        await create(api, "bob")
        response = await api.post("/users", params={"username": "BO"}, json={})
        assert response.status_code == 200
        assert [u["username"] for u in response.json()] == ["bob"]
        response = await api.post("/users/", params={"email": "ALICE@example.com"}, json={})
        assert [u["username"] for u in response.json()] == ["alice"]

    async def test_filters_longer_than_the_column_once_case_folded(
        self, api: httpx.AsyncClient
    ) -> None:
        await create(api)
        assert await usernames(api, username="ß" * 255) == []
        assert await usernames(api, email="ß" * 125 + "@example.com") == []

    async def test_filter_too_long(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.get("/users", params={"username": "x" * 256}),
            400,
            10013,
            parameter="username",
        )
        assert_error(
            await api.get("/users", params={"email": "x" * 255}), 400, 10013, parameter="email"
        )


class TestChangeFeed:
    async def test_include_deleted(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        b = await create(api, "b")
        c = await create(api, "c")
        deleted = (await api.delete(f"/users/{b['id']}")).json()
        response = await api.get("/users", params={"includeDeleted": "true"})
        assert response.status_code == 200
        no_password(response)
        body = response.json()
        assert body == [a, deleted, c]
        assert body[1]["deleted"] is True
        assert "deleted" not in body[0] and "deleted" not in body[2]
        assert response.headers["X-Total-Count"] == "3"
        assert await usernames(api) == ["a", "c"]
        assert await usernames(api, includeDeleted="false") == ["a", "c"]
        assert await usernames(api, includeDeleted="true", username="B") == ["b"]
        assert await usernames(api, includeDeleted="true", email="B@example.com") == ["b"]

    async def test_include_deleted_shows_reused_names_twice(self, api: httpx.AsyncClient) -> None:
        old = await create(api, "alice")
        await api.delete(f"/users/{old['id']}")
        new = await create(api, "alice")
        response = await api.get("/users", params={"includeDeleted": "true"})
        assert [(u["id"], u.get("deleted", False)) for u in response.json()] == [
            (old["id"], True),
            (new["id"], False),
        ]

    async def test_password_change_is_a_change(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        await create(api, "b")
        await asyncio.sleep(0.01)
        changed = (await api.put(f"/users/{a['id']}", json={"password": NEW_PASSWORD})).json()
        assert changed["updatedAt"] > a["updatedAt"]
        assert await usernames(api, updatedSince=changed["updatedAt"]) == ["a"]
