"""A user on the wire (GET, read by POST, raw JSON) and its deletion: never a password."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from conftest import assert_error

from timetrack.accounts.service import Credentials
from timetrack.db import Database

from .common import (
    NEW_PASSWORD,
    UPDATED_AT,
    USER_KEYS,
    create,
    entry_body,
    fetch,
    no_password,
    project,
    secrets_absent,
    stored_hash,
    user_body,
    usernames,
)


class TestGetUser:
    async def test_get(self, api: httpx.AsyncClient) -> None:
        user = await create(api, personalNumber="7", hourRate="42.42")
        response = await api.get(f"/users/{user['id']}")
        assert response.status_code == 200
        no_password(response)
        assert response.json() == user
        assert set(response.json()) == USER_KEYS
        assert response.json()["hourRate"] == 42.42

    async def test_picks_the_right_one(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        b = await create(api, "b")
        assert (await fetch(api, a["id"]))["username"] == "a"
        assert (await fetch(api, b["id"]))["username"] == "b"


class TestGetUserByPost:
    async def test_body_with_fields_is_refused_and_changes_nothing(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        response = await api.post(
            f"/users/{user['id']}", json={"firstName": "Eve", "password": NEW_PASSWORD}
        )
        assert_error(response, 405, 10008)
        secrets_absent(response, NEW_PASSWORD)
        assert await fetch(api, user["id"]) == user
        assert await stored_hash(database, account, user["id"]) == before


class TestDeleteUser:
    async def test_delete(self, api: httpx.AsyncClient) -> None:
        user = await create(api, personalNumber="P-1", hourRate=10)
        keep = await create(api, "keep")
        response = await api.delete(f"/users/{user['id']}")
        assert response.status_code == 200, response.text
        no_password(response)
        body = response.json()
        assert body["deleted"] is True
        assert {k: v for k, v in body.items() if k not in ("deleted", "updatedAt")} == {
            k: v for k, v in user.items() if k != "updatedAt"
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert_error(await api.get(f"/users/{user['id']}"), 404, 14020)
        listed = await api.get("/users")
        assert listed.json() == [keep]
        assert listed.headers["X-Total-Count"] == "1"
        assert await usernames(api, username="alice") == []
        assert await usernames(api, email="alice@example.com") == []
        assert (await api.post("/users", json={})).json() == [keep]

    async def test_soft_delete_keeps_the_row(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
        assert await stored_hash(database, account, user["id"]) == before

    @pytest.mark.parametrize("field", ["user", "username"])
    async def test_deleted_user_cannot_be_booked(self, api: httpx.AsyncClient, field: str) -> None:
        await project(api)
        user = await create(api, "alice")
        booked = await api.post("/project_time_entries", json=entry_body("alice", field=field))
        assert booked.status_code == 201, booked.text
        entry = booked.json()
        assert entry["user"] == "alice"
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200

        for name in ("alice", "ALICE"):
            response = await api.post("/project_time_entries", json=entry_body(name, field=field))
            assert_error(response, 400, 14040, pointer=f"/{field}")
        # Their existing entries stay.
        listed = await api.get("/project_time_entries")
        assert listed.status_code == 200, listed.text
        assert [e["id"] for e in listed.json()] == [entry["id"]]
        assert listed.json()[0]["user"] == "alice"
        again = await api.get(f"/project_time_entries/{entry['id']}")
        assert again.status_code == 200, again.text
        assert again.json()["user"] == "alice"

    async def test_a_new_user_of_the_same_name_can_be_booked(self, api: httpx.AsyncClient) -> None:
        await project(api)
        old = await create(api, "alice")
        first = await api.post("/project_time_entries", json=entry_body("alice"))
        assert first.status_code == 201, first.text
        assert (await api.delete(f"/users/{old['id']}")).status_code == 200
        new = await create(api, "alice")
        second = await api.post("/project_time_entries", json=entry_body("Alice"))
        assert second.status_code == 201, second.text
        assert second.json()["userId"] == new["id"]
        assert first.json()["userId"] == old["id"]


class TestRawJson:
    @staticmethod
    def check(item: dict[str, Any]) -> None:
        for key in ("admin", "teamLead", "enabled"):
            assert type(item[key]) is bool, (key, item[key])
        assert type(item["id"]) is int
        rate = item["hourRate"]
        assert rate is None or type(rate) in (int, float), rate
        assert "password" not in item
        assert not any("password" in key.lower() for key in item)

    async def test_every_response_shape(self, api: httpx.AsyncClient) -> None:
        created = await api.post(
            "/users", json=user_body(admin="1", teamLead=0, enabled="true", hourRate="42.50")
        )
        assert created.status_code == 201
        user_id = created.json()["id"]
        responses = {
            "create": created,
            "get": await api.get(f"/users/{user_id}"),
            "get-by-post": await api.post(f"/users/{user_id}", json={}),
            "update": await api.put(f"/users/{user_id}", json={"teamLead": "true"}),
        }
        listed = await api.get("/users")
        responses["delete"] = await api.delete(f"/users/{user_id}")
        for name, response in responses.items():
            assert response.status_code in (200, 201), (name, response.text)
            no_password(response)
            raw = json.loads(response.content)
            self.check(raw)
            assert raw["hourRate"] == 42.5
        for item in json.loads(listed.content):
            self.check(item)
        no_password(listed)
        text = responses["get"].text
        assert '"admin":true' in text.replace(" ", "")
        assert '"hourRate":42.5' in text.replace(" ", "")
        deleted = json.loads(responses["delete"].content)
        assert deleted["deleted"] is True
        assert deleted["teamLead"] is True and deleted["enabled"] is True

    async def test_false_booleans(self, api: httpx.AsyncClient) -> None:
        user = await create(api, enabled=0, admin="false", teamLead=False)
        response = await api.get(f"/users/{user['id']}")
        compact = response.text.replace(" ", "")
        for key in ("admin", "teamLead", "enabled"):
            assert f'"{key}":false' in compact
        assert '"hourRate":null' in compact
        assert '"personalNumber":null' in compact
