"""Reading the audit log: filters, paging, and never a secret in an entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from records import created

from timetrack.accounts.service import Credentials
from timetrack.audit import service as audit_service
from timetrack.db import Database

from .common import NEW_PASSWORD, PASSWORD, log, user_body


class TestReading:
    async def test_filters(self, api: httpx.AsyncClient) -> None:
        one = await created(api, "/clients", {"name": "One"})
        two = await created(api, "/clients", {"name": "Two"})
        await created(api, "/tasks", {"name": "Design"})
        await api.put(f"/clients/{one['id']}", json={"notes": "n"})
        await api.delete(f"/clients/{two['id']}")
        everything = await log(api)
        assert [(e["resource"], e["action"]) for e in everything] == [
            ("clients", "create"),
            ("clients", "create"),
            ("tasks", "create"),
            ("clients", "update"),
            ("clients", "delete"),
        ]
        assert len(await log(api, resource="clients")) == 4
        assert len(await log(api, resource="tasks")) == 1
        assert await log(api, resource="nothing") == []
        assert [e["action"] for e in await log(api, resource="clients", recordId=one["id"])] == [
            "create",
            "update",
        ]
        # recordId alone matches that id in every resource (client 1 and task 1).
        assert len(await log(api, recordId=1)) == 3
        assert [e["resource"] for e in await log(api, action="create")] == [
            "clients", "clients", "tasks",
        ]  # fmt: skip
        assert len(await log(api, action="delete", resource="clients")) == 1

        first, last = everything[0]["at"], everything[-1]["at"]
        today = first[:10]
        assert len(await log(api, **{"from": today, "to": last[:10]})) == 5
        assert len(await log(api, **{"from": first, "to": last})) == 5
        assert [e["id"] for e in await log(api, **{"from": last})] == [
            e["id"] for e in everything if e["at"] == last
        ]
        assert await log(api, to=(datetime.fromisoformat(today) - timedelta(days=1)).date()
                         .isoformat()) == []  # fmt: skip
        later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert await log(api, **{"from": later}) == []
        assert await log(api, updatedSince=later) == []
        assert len(await log(api, updatedSince=today, includeDeleted="true")) == 5
        offset = (datetime.now(UTC) + timedelta(hours=1)).astimezone().isoformat()
        assert len(await log(api, to=offset)) == 5

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        for n in range(5):
            await created(api, "/tasks", {"name": f"T{n}"})
        page = await api.get("/audit_log", params={"limit": 2, "page_number": 1})
        assert page.status_code == 200
        assert [e["id"] for e in page.json()] == [3, 4]
        assert page.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in page.headers["Link"] and 'rel="prev"' in page.headers["Link"]
        first = await api.get("/audit_log", params={"limit": 2, "page": 1})
        assert [e["id"] for e in first.json()] == [1, 2]
        counted = await api.get("/audit_log", params={"limit": 0})
        assert counted.json() == [] and counted.headers["X-Total-Count"] == "5"

    async def test_read_forms(self, api: httpx.AsyncClient) -> None:
        await created(api, "/tasks", {"name": "Design"})
        listed = (await api.get("/audit_log")).json()
        assert len(listed) == 1
        for response in (
            await api.get("/audit_log/"),
            await api.post("/audit_log", json={}),
            await api.post("/audit_log/", content=b""),
            await api.post("/audit_log", params={"resource": "tasks"}),
        ):
            assert response.status_code == 200, response.text
            assert response.json() == listed
        refused = await api.post("/audit_log", json={"resource": "tasks"})
        assert refused.status_code == 405
        assert refused.json()["errors"][0]["code"] == 10008
        for method in ("put", "delete"):
            assert (await api.request(method, "/audit_log")).status_code == 405

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("recordId", "abc"),
            ("recordId", "0"),
            ("recordId", str(2**63)),
            ("from", "yesterday"),
            ("to", "2026-13-01"),
            ("limit", "1001"),
            ("updatedSince", "soon"),
            ("resource", "x" * 65),
        ],
    )
    async def test_invalid_parameters(self, api: httpx.AsyncClient, name: str, value: str) -> None:
        response = await api.get("/audit_log", params={name: value})
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["code"] == 10013
        assert error["source"] == {"parameter": name}

    async def test_needs_credentials(self, anon: httpx.AsyncClient) -> None:
        response = await anon.get("/audit_log")
        assert response.status_code == 401

    async def test_tenant_isolation(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        client = await created(api, "/clients", {"name": "Acme"})
        await api.put(f"/clients/{client['id']}", json={"notes": "secret plans"})
        assert len(await log(api)) == 2
        assert await log(other_api) == []
        assert await log(other_api, resource="clients", recordId=client["id"]) == []
        assert await log(other_api, recordId=1) == []
        assert (await other_api.post("/audit_log", json={})).json() == []
        # The other account's own writes are numbered from 1 and invisible to the first.
        await created(other_api, "/clients", {"name": "Other"})
        assert [e["id"] for e in await log(other_api)] == [1]
        assert [e["after"].get("notes") for e in await log(api)] == [None, "secret plans"]

    async def test_request_id_is_recorded(self, api: httpx.AsyncClient) -> None:
        """The request's id (the client's ``X-Request-ID``, else the server's) is recorded."""
        response = await api.post(
            "/tasks", json={"name": "Design"}, headers={"X-Request-ID": "req-42"}
        )
        assert response.status_code == 201, response.text
        other = await api.post("/tasks", json={"name": "Build"})
        assert [e["requestId"] for e in await log(api)] == [
            "req-42",
            other.headers["X-Request-ID"],
        ]


class TestSecrets:
    async def test_passwords_never_reach_the_log(
        self, api: httpx.AsyncClient, account: Credentials, database: Database
    ) -> None:
        user = await created(api, "/users", user_body())
        response = await api.put(f"/users/{user['id']}", json={"password": NEW_PASSWORD})
        assert response.status_code == 200, response.text
        entries = await log(api, resource="users")
        # The password change is recorded (only updatedAt shows it), without the password.
        assert [e["action"] for e in entries] == ["create", "update"]
        assert entries[1]["before"]["updatedAt"] != entries[1]["after"]["updatedAt"]
        async with database.transaction(write=False) as tx:
            rows = await tx.fetch(
                "SELECT before, after, actor FROM audit_log WHERE account_id = $1",
                account.account.id,
            )
        stored = json.dumps([[r["before"], r["after"], r["actor"]] for r in rows])
        served = (await api.get("/audit_log")).text
        for text in (stored, served):
            assert PASSWORD not in text and NEW_PASSWORD not in text
            assert "password" not in text.lower()
            assert "$argon2" not in text
            assert account.api_secret not in text
            assert account.api_key not in text  # only a prefix of the key

    def test_scrub_removes_secret_keys_at_any_depth(self) -> None:
        value = {
            "name": "n",
            "password": "p",
            "passwordHash": "h",
            "password_hash": "h",
            "apiSecret": "s",
            "api_key": "k",
            "nested": [{"secret": "s", "keep": 1}],
        }
        assert audit_service.scrub(value) == {"name": "n", "nested": [{"keep": 1}]}
