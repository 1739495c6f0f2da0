"""Usernames and e-mail addresses are unique per account, and only per account."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error

from timetrack.accounts.service import Credentials
from timetrack.db import Database

from .common import (
    NEW_PASSWORD,
    create,
    entry_body,
    fetch,
    no_password,
    project,
    stored_hash,
    user_body,
    usernames,
)


class TestCreateUserConflicts:
    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ("alice", "alice"),
            ("alice", "ALICE"),
            ("alice", " Alice "),
            ("Maße", "MASSE"),
            ("Müller", "MÜLLER"),
        ],
    )
    async def test_duplicate_username(
        self, api: httpx.AsyncClient, first: str, second: str
    ) -> None:
        original = await create(api, first, email="first@example.com")
        response = await api.post("/users", json=user_body(second, email="other@example.com"))
        assert_error(response, 409, 14030, pointer="/username")
        no_password(response)
        assert (await api.get("/users")).json() == [original]

    @pytest.mark.parametrize(
        "second", ["alice@example.com", "ALICE@Example.COM", " alice@example.com"]
    )
    async def test_duplicate_email(self, api: httpx.AsyncClient, second: str) -> None:
        original = await create(api, "alice")
        response = await api.post("/users", json=user_body("bob", email=second))
        assert_error(response, 409, 14031, pointer="/email")
        no_password(response)
        assert (await api.get("/users")).json() == [original]

    async def test_deleted_username_and_email_can_be_reused(self, api: httpx.AsyncClient) -> None:
        old = await create(api, "alice", firstName="Old")
        assert (await api.delete(f"/users/{old['id']}")).status_code == 200
        new = await create(api, "ALICE", email="Alice@Example.com", firstName="New")
        assert new["id"] != old["id"]
        assert (await api.get("/users")).json() == [new]
        assert_error(
            await api.post("/users", json=user_body("alice", email="x@example.com")),
            409,
            14030,
            pointer="/username",
        )
        assert_error(
            await api.post("/users", json=user_body("bob", email="alice@example.com")),
            409,
            14031,
            pointer="/email",
        )

    async def test_same_username_and_email_in_two_accounts(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        mine = await create(api, "alice", hourRate=10)
        theirs = await create(other_api, "alice", hourRate=99)
        assert theirs["email"] == mine["email"]
        assert (await fetch(api, mine["id"]))["hourRate"] == 10.0
        assert (await fetch(other_api, theirs["id"]))["hourRate"] == 99.0

    async def test_concurrent_duplicate_usernames(self, api: httpx.AsyncClient) -> None:
        responses = await asyncio.gather(
            *(
                api.post("/users", json=user_body("sam" if i % 2 else "SAM", email=f"{i}@x.org"))
                for i in range(6)
            )
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 5
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 14030, pointer="/username")
        assert len(await usernames(api)) == 1

    async def test_concurrent_duplicate_emails(self, api: httpx.AsyncClient) -> None:
        responses = await asyncio.gather(
            *(
                api.post("/users", json=user_body(f"user{i}", email="Same@Example.com"))
                for i in range(6)
            )
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 5
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 14031, pointer="/email")
        assert len(await usernames(api)) == 1


class TestTenantIsolation:
    @pytest.mark.parametrize(
        "body",
        [
            {"username": "mallory"},
            {"enabled": False},
            {"email": "not-an-email-but-404-first"},
            {"password": NEW_PASSWORD},
        ],
    )
    async def test_update_answers_like_a_missing_one(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        database: Database,
        account: Credentials,
        body: dict[str, Any],
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        response = await other_api.put(f"/users/{user['id']}", json=body)
        never = await other_api.put(f"/users/{NEVER}", json=body)
        assert response.status_code == never.status_code
        assert response.json()["errors"][0]["code"] == never.json()["errors"][0]["code"]
        assert await fetch(api, user["id"]) == user
        assert await stored_hash(database, account, user["id"]) == before

    async def test_cannot_take_over_by_email_conflict(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        alice = await create(api, "alice")
        mallory = await create(other_api, "mallory")
        response = await other_api.put(
            f"/users/{mallory['id']}", json={"email": "alice@example.com"}
        )
        assert response.status_code == 200, response.text
        assert await fetch(api, alice["id"]) == alice

    async def test_cannot_book_for_another_accounts_user(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "alice")
        await project(other_api)
        response = await other_api.post("/project_time_entries", json=entry_body("alice"))
        unknown = await other_api.post("/project_time_entries", json=entry_body("nobody"))
        assert_error(response, 400, 14040, pointer="/user")
        assert_error(unknown, 400, 14040, pointer="/user")
        assert response.json()["errors"][0]["title"] == unknown.json()["errors"][0]["title"]
        assert (await other_api.get("/project_time_entries")).json() == []
        assert (await api.get("/project_time_entries")).json() == []
