"""A user's password on create: stored as Argon2id, never echoed, refused when weak."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error

from timetrack.accounts.service import Credentials
from timetrack.db import Database

from .common import (
    NEW_PASSWORD,
    PASSWORD,
    create,
    no_password,
    secrets_absent,
    stored_hash,
    user_body,
    usernames,
    verifies,
)


class TestCreateUserPassword:
    async def test_password_is_stored_as_argon2id(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        body = await create(api)
        stored = await stored_hash(database, account, body["id"])
        assert stored.startswith("$argon2id$")
        assert PASSWORD not in stored
        assert verifies(stored, PASSWORD)
        assert not verifies(stored, NEW_PASSWORD)

    async def test_same_password_hashes_differently(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        a = await create(api, "a")
        b = await create(api, "b")
        hash_a = await stored_hash(database, account, a["id"])
        hash_b = await stored_hash(database, account, b["id"])
        assert hash_a != hash_b  # salted
        assert verifies(hash_a, PASSWORD) and verifies(hash_b, PASSWORD)

    @pytest.mark.parametrize("password", ["abcabcab", "Ünïcødé!", "x" * 7 + "yz", "a b c d e"])
    async def test_acceptable_passwords(
        self,
        api: httpx.AsyncClient,
        database: Database,
        account: Credentials,
        password: str,
    ) -> None:
        response = await api.post("/users", json=user_body(password=password))
        assert response.status_code == 201, response.text
        no_password(response, password)
        stored = await stored_hash(database, account, response.json()["id"])
        assert verifies(stored, password)

    async def test_password_is_required(self, api: httpx.AsyncClient) -> None:
        body = user_body()
        del body["password"]
        response = await api.post("/users", json=body)
        assert_error(response, 400, 10010, pointer="/password")
        assert await usernames(api) == []

    @pytest.mark.parametrize(
        "password",
        [
            "short12",  # 7 characters
            "",
            "aaaaaaaaaa",  # one distinct character
            "abababababab",  # two distinct characters
            "          ",  # blank
            "x" * 1025,
            12345678,
            123456789.5,
            True,
            None,
            ["Correct-Horse-42"],
            {"value": "Correct-Horse-42"},
        ],
    )
    async def test_invalid_password(self, api: httpx.AsyncClient, password: Any) -> None:
        response = await api.post("/users", json=user_body(password=password))
        assert_error(response, 400, 10011, pointer="/password")
        if isinstance(password, str) and password.strip():
            secrets_absent(response, password)
        secrets_absent(response, PASSWORD)
        assert await usernames(api) == []

    async def test_password_not_echoed_in_other_errors(self, api: httpx.AsyncClient) -> None:
        secret = "Never-Echo-Me-99"
        responses = [
            await api.post("/users", json=user_body(password=secret, email="nope")),
            await api.post("/users", json=user_body(password=secret, timeZone="Mars/Olympus")),
            await api.post("/users", json={"password": secret}),
            await api.post("/users", content=b'{"password": "' + secret.encode() + b'", '),
            await api.post("/users", content=b'["' + secret.encode() + b'"]'),
        ]
        for response in responses:
            assert response.status_code == 400, response.text
            secrets_absent(response, secret)
        await create(api)
        taken = await api.post("/users", json=user_body(password=secret))
        assert_error(taken, 409, 14030, pointer="/username")
        secrets_absent(taken, secret)
        assert await usernames(api) == ["alice"]
