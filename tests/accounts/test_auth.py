"""Authentication by API key and secret (SPEC §1, "Accounts and auth")."""

from __future__ import annotations

import httpx
from conftest import KEY, SECRET, assert_error, client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, rotate_secret, set_enabled
from timetrack.db import Database


async def _get(app: FastAPI, headers: dict[str, str], path: str = "/clients") -> httpx.Response:
    async with client(app) as caller:
        return await caller.get(path, headers=headers)


class TestMissingCredentials:
    async def test_no_headers(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.get("/clients"), 401, 10001)

    async def test_only_key(self, app: FastAPI, account: Credentials) -> None:
        problem = assert_error(await _get(app, {KEY: account.api_key}), 401, 10001)
        assert SECRET in str(problem["detail"])

    async def test_only_secret(self, app: FastAPI, account: Credentials) -> None:
        problem = assert_error(await _get(app, {SECRET: account.api_secret}), 401, 10001)
        assert KEY in str(problem["detail"])
        assert account.api_secret not in str(problem["detail"])

    async def test_empty_values(self, app: FastAPI) -> None:
        assert_error(await _get(app, {KEY: "", SECRET: ""}), 401, 10001)

    async def test_every_route_shape_requires_auth(self, anon: httpx.AsyncClient) -> None:
        for method, path in [
            ("GET", "/projects"),
            ("POST", "/projects"),
            ("GET", "/tasks/1"),
            ("POST", "/tasks/1"),
            ("PUT", "/clients/1"),
            ("DELETE", "/clients/1/"),
        ]:
            assert_error(await anon.request(method, path), 401, 10001)


class TestRepeatedCredentials:
    """Two keys or two secrets are refused (400, 10105), as two ``Idempotency-Key`` headers
    are (10032); before, the first one was used and the second silently ignored."""

    async def _send(self, app: FastAPI, headers: list[tuple[str, str]]) -> httpx.Response:
        async with client(app) as caller:
            return await caller.get("/clients", headers=headers)

    async def test_two_keys_are_refused_even_when_the_first_is_right(
        self, app: FastAPI, account: Credentials
    ) -> None:
        headers = [(KEY, account.api_key), (KEY, "ttk_other"), (SECRET, account.api_secret)]
        problem = assert_error(await self._send(app, headers), 400, 10105)
        assert KEY in str(problem["detail"])

    async def test_two_secrets_are_refused_even_when_both_are_the_same(
        self, app: FastAPI, account: Credentials
    ) -> None:
        headers = [(KEY, account.api_key), (SECRET, account.api_secret)]
        problem = assert_error(await self._send(app, [*headers, headers[1]]), 400, 10105)
        assert SECRET in str(problem["detail"])
        assert account.api_secret not in str(problem["detail"])

    async def test_one_of_each_still_authenticates(
        self, app: FastAPI, account: Credentials
    ) -> None:
        headers = [(KEY, account.api_key), (SECRET, account.api_secret)]
        assert (await self._send(app, headers)).status_code == 200


class TestInvalidCredentials:
    async def test_wrong_secret(self, app: FastAPI, account: Credentials) -> None:
        wrong = "tts_" + "x" * 43
        response = await _get(app, {KEY: account.api_key, SECRET: wrong})
        problem = assert_error(response, 401, 10002)
        assert wrong not in response.text
        assert account.api_secret not in response.text
        assert problem["detail"]

    async def test_unknown_key(self, app: FastAPI, account: Credentials) -> None:
        response = await _get(app, {KEY: "ttk_unknown", SECRET: account.api_secret})
        assert_error(response, 401, 10002)
        assert account.api_secret not in response.text

    async def test_key_and_secret_of_different_accounts(
        self, app: FastAPI, account: Credentials, other_account: Credentials
    ) -> None:
        response = await _get(app, {KEY: account.api_key, SECRET: other_account.api_secret})
        assert_error(response, 401, 10002)

    async def test_secret_sent_as_key(self, app: FastAPI, account: Credentials) -> None:
        response = await _get(app, {KEY: account.api_secret, SECRET: account.api_key})
        assert_error(response, 401, 10002)

    async def test_overlong_secret(self, app: FastAPI, account: Credentials) -> None:
        long_secret = account.api_secret + "y" * 5000
        response = await _get(app, {KEY: account.api_key, SECRET: long_secret})
        assert_error(response, 401, 10002)
        assert "y" * 300 not in response.text

    async def test_overlong_key(self, app: FastAPI, account: Credentials) -> None:
        response = await _get(app, {KEY: "k" * 5000, SECRET: account.api_secret})
        assert_error(response, 401, 10002)
        assert "k" * 300 not in response.text

    async def test_secret_with_surrounding_text(self, app: FastAPI, account: Credentials) -> None:
        response = await _get(app, {KEY: account.api_key, SECRET: account.api_secret + "x"})
        assert_error(response, 401, 10002)

    async def test_valid_pair_authenticates(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/clients")
        assert response.status_code == 200, response.text
        assert response.json() == []


class TestDisabledAccount:
    async def test_right_secret_is_forbidden(
        self, app: FastAPI, database: Database, account: Credentials
    ) -> None:
        async with database.transaction(write=True) as tx:
            await set_enabled(tx, account.account.slug, False)
        headers = {KEY: account.api_key, SECRET: account.api_secret}
        problem = assert_error(await _get(app, headers), 403, 10003)
        assert account.api_secret not in str(problem["detail"])

    async def test_wrong_secret_is_unauthorized(
        self, app: FastAPI, database: Database, account: Credentials
    ) -> None:
        async with database.transaction(write=True) as tx:
            await set_enabled(tx, account.account.slug, False)
        headers = {KEY: account.api_key, SECRET: "tts_wrong"}
        assert_error(await _get(app, headers), 401, 10002)

    async def test_re_enabled_works_again(
        self, app: FastAPI, database: Database, account: Credentials
    ) -> None:
        async with database.transaction(write=True) as tx:
            await set_enabled(tx, account.account.slug, False)
        async with database.transaction(write=True) as tx:
            await set_enabled(tx, account.account.slug, True)
        response = await _get(app, {KEY: account.api_key, SECRET: account.api_secret})
        assert response.status_code == 200, response.text

    async def test_other_accounts_unaffected(
        self, app: FastAPI, database: Database, account: Credentials, other_api: httpx.AsyncClient
    ) -> None:
        async with database.transaction(write=True) as tx:
            await set_enabled(tx, account.account.slug, False)
        assert (await other_api.get("/clients")).status_code == 200


class TestRotateSecret:
    async def test_old_secret_fails_at_once_new_one_works(
        self, app: FastAPI, database: Database, account: Credentials
    ) -> None:
        old = {KEY: account.api_key, SECRET: account.api_secret}
        assert (await _get(app, old)).status_code == 200
        async with database.transaction(write=True) as tx:
            rotated = await rotate_secret(tx, account.account.slug)
        assert rotated.api_secret != account.api_secret
        assert_error(await _get(app, old), 401, 10002)
        new = {KEY: rotated.api_key, SECRET: rotated.api_secret}
        assert (await _get(app, new)).status_code == 200

    async def test_api_key_never_changes(self, database: Database, account: Credentials) -> None:
        keys = {account.api_key}
        for _ in range(3):
            async with database.transaction(write=True) as tx:
                rotated = await rotate_secret(tx, account.account.slug)
            keys.add(rotated.api_key)
        assert keys == {account.api_key}
        row = await database.fetchrow(
            "SELECT api_key FROM accounts WHERE id = $1", account.account.id
        )
        assert row is not None and row["api_key"] == account.api_key

    async def test_data_survives_rotation(
        self, app: FastAPI, database: Database, account: Credentials, api: httpx.AsyncClient
    ) -> None:
        assert (await api.post("/clients", json={"name": "Kept"})).status_code == 201
        async with database.transaction(write=True) as tx:
            rotated = await rotate_secret(tx, account.account.slug)
        response = await _get(app, {KEY: rotated.api_key, SECRET: rotated.api_secret})
        assert [c["name"] for c in response.json()] == ["Kept"]


class TestSecretStorage:
    async def test_secret_is_stored_hashed(self, database: Database, account: Credentials) -> None:
        row = await database.fetchrow("SELECT * FROM accounts WHERE id = $1", account.account.id)
        assert row is not None
        assert row["secret_hash"] != account.api_secret
        assert account.api_secret not in row["secret_hash"]
        # Every column's value, by name: a SQLite row (a dict) iterates over its column names,
        # an asyncpg Record over its values.
        names = list(row.keys())
        assert account.api_secret not in [row[name] for name in names]

    async def test_rotated_secret_is_stored_hashed(
        self, database: Database, account: Credentials
    ) -> None:
        async with database.transaction(write=True) as tx:
            rotated = await rotate_secret(tx, account.account.slug)
        row = await database.fetchrow(
            "SELECT secret_hash FROM accounts WHERE id = $1", account.account.id
        )
        assert row is not None
        assert row["secret_hash"] != rotated.api_secret
        assert rotated.api_secret not in row["secret_hash"]
