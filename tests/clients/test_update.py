"""Reading and updating a client: free fields, read-only name and enabled, refused values."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error, assert_errors

from .common import FULL, UPDATED_AT, create, fetch, names


class TestGetClient:
    async def test_get(self, api: httpx.AsyncClient) -> None:
        created = await create(api, **{k: v for k, v in FULL.items() if k != "name"})
        response = await api.get(f"/clients/{created['id']}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.json() == created

    async def test_picks_the_right_one(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "A")
        b = await create(api, "B")
        assert (await fetch(api, a["id"]))["name"] == "A"
        assert (await fetch(api, b["id"]))["name"] == "B"

    async def test_unknown_subpath(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.get("/clients/1/projects"), 404, 10007)


class TestUpdateClient:
    async def test_update_every_free_field(self, api: httpx.AsyncClient) -> None:
        client = await create(api, "Acme GmbH")
        changes = {k: v for k, v in FULL.items() if k not in ("name", "enabled")}
        response = await api.put(f"/clients/{client['id']}", json=changes)
        assert response.status_code == 200, response.text
        body = response.json()
        for key, value in changes.items():
            assert body[key] == value, key
        assert body["id"] == client["id"]
        assert body["name"] == "Acme GmbH"
        assert body["enabled"] is True
        assert UPDATED_AT.match(body["updatedAt"])
        assert body["updatedAt"] >= client["updatedAt"]
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, client["id"]) == body

    async def test_partial_update_keeps_the_rest(self, api: httpx.AsyncClient) -> None:
        client = await create(api, **{k: v for k, v in FULL.items() if k != "name"})
        response = await api.put(f"/clients/{client['id']}", json={"phone": "112"})
        assert response.status_code == 200
        body = response.json()
        assert body["phone"] == "112"
        assert {k: v for k, v in body.items() if k not in ("phone", "updatedAt")} == {
            k: v for k, v in client.items() if k not in ("phone", "updatedAt")
        }

    async def test_null_clears(self, api: httpx.AsyncClient) -> None:
        client = await create(api, notes="n", email="a@b.de", color="#000")
        response = await api.put(
            f"/clients/{client['id']}", json={"notes": None, "email": None, "color": None}
        )
        assert response.status_code == 200
        body = await fetch(api, client["id"])
        assert body["notes"] is None and body["email"] is None and body["color"] is None

    async def test_country_is_upper_cased(self, api: httpx.AsyncClient) -> None:
        client = await create(api)
        response = await api.put(f"/clients/{client['id']}", json={"addressCountry": "ch"})
        assert response.json()["addressCountry"] == "CH"

    async def test_only_the_addressed_client_changes(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "A")
        b = await create(api, "B")
        await api.put(f"/clients/{a['id']}", json={"notes": "only a"})
        assert await fetch(api, b["id"]) == b

    # --- read-only fields ----------------------------------------------------------------------

    @pytest.mark.parametrize(
        "same",
        [
            {"name": "Acme"},
            {"name": "  Acme "},
            {"enabled": True},
            {"enabled": "true"},
            {"enabled": 1},
            {"name": "Acme", "enabled": "1"},
        ],
    )
    async def test_read_only_fields_with_current_value(
        self, api: httpx.AsyncClient, same: dict[str, Any]
    ) -> None:
        client = await create(api, "Acme")
        response = await api.put(f"/clients/{client['id']}", json={**same, "notes": "ok"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["name"] == "Acme"
        assert body["enabled"] is True
        assert body["notes"] == "ok"

    async def test_disabled_client_echoing_enabled_false(self, api: httpx.AsyncClient) -> None:
        client = await create(api, enabled=False)
        response = await api.put(f"/clients/{client['id']}", json={"enabled": False})
        assert response.status_code == 200
        assert response.json()["enabled"] is False

    async def test_read_modify_write(self, api: httpx.AsyncClient) -> None:
        client = await create(api, **{k: v for k, v in FULL.items() if k != "name"})
        sent = {**client, "notes": "edited"}
        response = await api.put(f"/clients/{client['id']}", json=sent)
        assert response.status_code == 200, response.text
        assert response.json()["notes"] == "edited"
        assert set(response.headers["X-Ignored-Fields"].split(", ")) == {"id", "updatedAt"}
        listed = (await api.get("/clients")).json()
        assert listed == [response.json()]

    @pytest.mark.parametrize(
        ("change", "pointer"),
        [
            ({"name": "Other"}, "/name"),
            ({"name": "acme"}, "/name"),
            ({"name": "ACME"}, "/name"),
            ({"name": None}, "/name"),
            ({"enabled": False}, "/enabled"),
            ({"enabled": "0"}, "/enabled"),
            ({"enabled": None}, "/enabled"),
        ],
    )
    async def test_changing_read_only_field(
        self, api: httpx.AsyncClient, change: dict[str, Any], pointer: str
    ) -> None:
        client = await create(api, "Acme")
        response = await api.put(
            f"/clients/{client['id']}", json={**change, "notes": "must not stick"}
        )
        # An explicit null is refused as invalid (10011) before any read-only comparison.
        code = 10011 if None in change.values() else 10012
        assert_error(response, 400, code, pointer=pointer)
        assert await fetch(api, client["id"]) == client

    async def test_changing_both_read_only_fields(self, api: httpx.AsyncClient) -> None:
        client = await create(api, "Acme")
        response = await api.put(
            f"/clients/{client['id']}", json={"name": "Other", "enabled": False, "phone": "1"}
        )
        errors = assert_errors(response, 400)
        assert {e["code"] for e in errors} == {10012}
        assert sorted(e["source"]["pointer"] for e in errors) == ["/enabled", "/name"]
        assert await fetch(api, client["id"]) == client
        assert await names(api, name="Other") == []

    # --- bad input ------------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"email": "nope"}, "/email"),
            ({"color": "#12"}, "/color"),
            ({"addressCountry": "Germany"}, "/addressCountry"),
            ({"notes": "n" * 10_001}, "/notes"),
            ({"notes": "a\x00"}, "/notes"),
            ({"phone": 12345}, "/phone"),
            ({"field2": "f" * 256}, "/field2"),
            ({"name": 5}, "/name"),
            ({"name": "N" * 256}, "/name"),
            ({"enabled": "perhaps"}, "/enabled"),
        ],
    )
    async def test_invalid_field_changes_nothing(
        self, api: httpx.AsyncClient, body: dict[str, Any], pointer: str
    ) -> None:
        client = await create(api, notes="kept", phone="1")
        response = await api.put(f"/clients/{client['id']}", json={"address": "new", **body})
        assert_error(response, 400, 10011, pointer=pointer)
        assert await fetch(api, client["id"]) == client

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        client = await create(api)
        response = await api.put(
            f"/clients/{client['id']}", json={"notes": "n", "colour": "#fff", "deleted": True}
        )
        assert response.status_code == 200
        assert response.headers["X-Ignored-Fields"] == "colour, deleted"
        assert response.json()["color"] is None
        assert "deleted" not in response.json()
        assert await names(api) == ["Acme"]
