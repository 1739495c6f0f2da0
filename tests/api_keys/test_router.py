"""``/api_keys`` over HTTP: made with scopes, shown once, used in the vendor's two headers,
refused on the very next request once revoked, expired, rotated or used from elsewhere."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from records import make_user
from test_ratelimit import client, code

from timetrack.db import Database

KEY = {"name": "CI", "scopes": ["time_entries:write"]}


def headers(created: dict[str, Any]) -> dict[str, str]:
    return {"X-TimeTrack-Api-Key": created["key"], "X-TimeTrack-Api-Secret": created["secret"]}


async def made(api: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await api.post("/api_keys", json={**KEY, "username": "alice", **body})
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_a_key_is_shown_once_and_acts_as_its_user_within_its_scopes(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    created = await made(api)
    assert created["key"].startswith("ttp_") and created["secret"].startswith("tts_")
    assert created["key"].startswith(created["keyPrefix"]) and len(created["keyPrefix"]) < 20
    assert (created["username"], created["userId"], created["scopes"]) == (
        "alice",
        user["id"],
        ["time_entries:write"],
    )
    listed = (await api.get("/api_keys")).json()
    assert "secret" not in listed[0] and "key" not in listed[0]
    async with client(app, **headers(created)) as key:
        me = (await key.get("/auth/me")).json()
        assert (me["credential"], me["role"], me["username"], me["scopes"]) == (
            "personalKey",
            "user",
            "alice",
            ["time_entries:write"],
        )
        assert (await key.get("/project_time_entries")).status_code == 200
        outside = await key.get("/attendances")
        assert (outside.status_code, code(outside)) == (403, 10051)
    used = (await api.get(f"/api_keys/{created['id']}")).json()
    assert used["lastUsedAt"] is not None


async def test_a_replayed_create_does_not_show_the_secret_again(api: httpx.AsyncClient) -> None:
    await make_user(api)
    body = {**KEY, "username": "alice"}
    first = await api.post("/api_keys", json=body, headers={"Idempotency-Key": "k-1"})
    again = await api.post("/api_keys", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["secret"] and again.json()["secret"] is None
    assert again.json()["id"] == first.json()["id"]
    log = (await api.get("/audit_log", params={"resource": "api_keys"})).json()
    assert "secret" not in log[0]["after"]


@pytest.mark.parametrize("ending", ["revoked", "rotated", "expired", "user disabled"])
async def test_a_key_stops_working_on_its_next_request(
    app: FastAPI, api: httpx.AsyncClient, database: Database, ending: str
) -> None:
    user = await make_user(api)
    created = await made(api)
    async with client(app, **headers(created)) as key:
        assert (await key.get("/auth/me")).status_code == 200
        if ending == "revoked":
            assert (await api.delete(f"/api_keys/{created['id']}")).status_code == 200
        elif ending == "rotated":
            rotated = await api.post(f"/api_keys/{created['id']}/rotate_secret", json={})
            assert rotated.status_code == 200, rotated.text
            new_secret = {"secret": rotated.json()["secret"]}
            async with client(app, **headers(created | new_secret)) as new:
                assert (await new.get("/auth/me")).status_code == 200
        elif ending == "expired":
            async with database.transaction(write=True) as tx:
                await tx.execute(
                    "UPDATE api_keys SET expires_at = created_at WHERE id = $1", created["id"]
                )
        else:
            async with database.transaction(write=True) as tx:
                await tx.execute("UPDATE users SET enabled = $1 WHERE id = $2", False, user["id"])
        refused = await key.get("/auth/me")
    expected = {
        "revoked": (401, 10053),
        "rotated": (401, 10002),
        "expired": (401, 10054),
        "user disabled": (403, 10055),
    }[ending]
    assert (refused.status_code, code(refused)) == expected


async def test_a_key_is_used_only_from_the_addresses_it_allows(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    created = await made(api, allowedIps=["10.0.0.0/8"])
    assert created["allowedIps"] == ["10.0.0.0/8"]
    async with client(app, "10.1.2.3", **headers(created)) as inside:
        assert (await inside.get("/auth/me")).status_code == 200
    async with client(app, "192.0.2.1", **headers(created)) as outside:
        refused = await outside.get("/auth/me")
        assert (refused.status_code, code(refused)) == (403, 10052)


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"scopes": ["read", "root"]}, "/scopes"),
        ({"scopes": []}, "/scopes"),
        ({"allowedIps": ["10.0.0.1/8"]}, "/allowedIps"),
        ({"expiresAt": "2020-01-01T00:00:00Z"}, "/expiresAt"),
        ({"username": "nobody"}, "/username"),
    ],
)
async def test_a_key_that_cannot_be_made_says_which_field(
    api: httpx.AsyncClient, body: dict[str, Any], pointer: str
) -> None:
    await make_user(api)
    response = await api.post("/api_keys", json={**KEY, "username": "alice", **body})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}
    assert (await api.get("/api_keys")).headers["X-Total-Count"] == "0"


async def test_the_account_key_names_whose_key_it_makes(api: httpx.AsyncClient) -> None:
    response = await api.post("/api_keys", json=KEY)
    assert (response.status_code, code(response)) == (400, 10010)
    assert response.json()["errors"][0]["source"] == {"pointer": "/username"}


async def test_a_person_manages_only_their_own_keys_and_is_named_in_the_audit_log(
    app: FastAPI, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    await make_user(api, "bob")
    alice = await made(api, scopes=["write", "admin"])
    bobs = await made(api, username="bob")
    async with client(app, **headers(alice)) as key:
        mine = await key.post("/api_keys", json=KEY)
        assert mine.status_code == 201, mine.text
        assert mine.json()["username"] == "alice"
        for_bob = await key.post("/api_keys", json={**KEY, "username": "bob"})
        assert (for_bob.status_code, code(for_bob)) == (400, 14040)
        listed = (await key.get("/api_keys")).json()
        assert {k["username"] for k in listed} == {"alice"}
        hidden = await key.delete(f"/api_keys/{bobs['id']}")
        missing = await key.delete("/api_keys/999999")
        assert hidden.status_code == missing.status_code == 404
    log = (await api.get("/audit_log", params={"resource": "api_keys"})).json()
    actors = {entry["actor"] for entry in log}
    assert f"personal-key:{alice['id']} user:alice" in actors
