"""Updating a user: free fields, password, read-only username and enabled, e-mail uniqueness."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error, assert_errors

from timetrack.accounts.service import Credentials
from timetrack.db import Database

from .common import (
    NEW_PASSWORD,
    PASSWORD,
    UPDATED_AT,
    create,
    fetch,
    no_password,
    secrets_absent,
    stored_hash,
    usernames,
    verifies,
)


class TestUpdateUser:
    async def test_update_every_writable_field(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        changes = {
            "firstName": "Alicia",
            "lastName": "Bowman",
            "email": "alicia@example.org",
            "admin": True,
            "teamLead": True,
            "language": "de",
            "personalNumber": "P-7",
            "timeZone": "Europe/Vienna",
            "hourRate": "75",
            "country": "AT",
            "region": "9",
        }
        response = await api.put(f"/users/{user['id']}", json=changes)
        assert response.status_code == 200, response.text
        no_password(response)
        body = response.json()
        assert body == {
            **user,
            **changes,
            "hourRate": 75.0,
            "updatedAt": body["updatedAt"],
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert body["updatedAt"] >= user["updatedAt"]
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, user["id"]) == body

    async def test_partial_update_keeps_the_rest(self, api: httpx.AsyncClient) -> None:
        user = await create(api, personalNumber="P-1", hourRate=10, admin=True)
        response = await api.put(f"/users/{user['id']}", json={"lastName": "Smith"})
        assert response.status_code == 200
        body = await fetch(api, user["id"])
        assert body == {**user, "lastName": "Smith", "updatedAt": body["updatedAt"]}

    async def test_null_clears_optional_fields(self, api: httpx.AsyncClient) -> None:
        user = await create(api, personalNumber="P-1", hourRate=10)
        response = await api.put(
            f"/users/{user['id']}", json={"personalNumber": None, "hourRate": None}
        )
        assert response.status_code == 200, response.text
        body = await fetch(api, user["id"])
        assert body["personalNumber"] is None
        assert body["hourRate"] is None

    async def test_only_the_addressed_user_changes(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        b = await create(api, "b")
        await api.put(f"/users/{a['id']}", json={"firstName": "Changed"})
        assert await fetch(api, b["id"]) == b

    @pytest.mark.parametrize("personal_number", [1234, "007", "A-17", 0])
    async def test_own_get_body_is_accepted_back(
        self, api: httpx.AsyncClient, personal_number: int | str
    ) -> None:
        user = await create(api, personalNumber=personal_number, hourRate=12.5)
        response = await api.put(f"/users/{user['id']}", json=user)
        assert response.status_code == 200, response.text
        assert response.json() == {**user, "updatedAt": response.json()["updatedAt"]}
        assert response.json()["personalNumber"] == personal_number

    async def test_personal_number_as_a_number(self, api: httpx.AsyncClient) -> None:
        user = await create(api, personalNumber="P-1")
        response = await api.put(f"/users/{user['id']}", json={"personalNumber": 4711})
        assert response.status_code == 200, response.text
        assert response.json()["personalNumber"] == 4711

    async def test_read_modify_write(self, api: httpx.AsyncClient) -> None:
        user = await create(api, hourRate=42.5, enabled=False)
        response = await api.put(f"/users/{user['id']}", json={**user, "firstName": "Ally"})
        assert response.status_code == 200, response.text
        assert response.json()["firstName"] == "Ally"
        assert set(response.headers["X-Ignored-Fields"].split(", ")) == {"id", "updatedAt"}
        assert (await api.get("/users")).json() == [response.json()]

    # --- password ------------------------------------------------------------------------------

    async def test_password_update_rehashes(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        response = await api.put(f"/users/{user['id']}", json={"password": NEW_PASSWORD})
        assert response.status_code == 200, response.text
        no_password(response)
        assert {k: v for k, v in response.json().items() if k != "updatedAt"} == {
            k: v for k, v in user.items() if k != "updatedAt"
        }
        after = await stored_hash(database, account, user["id"])
        assert after != before
        assert after.startswith("$argon2id$")
        assert verifies(after, NEW_PASSWORD)
        assert not verifies(after, PASSWORD)

    async def test_same_password_again_rehashes(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        response = await api.put(f"/users/{user['id']}", json={"password": PASSWORD})
        assert response.status_code == 200
        after = await stored_hash(database, account, user["id"])
        assert after != before  # a fresh salt
        assert verifies(after, PASSWORD)

    async def test_other_updates_keep_the_hash(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        assert (await api.put(f"/users/{user['id']}", json={"lastName": "X"})).status_code == 200
        assert await stored_hash(database, account, user["id"]) == before

    @pytest.mark.parametrize(
        "password", ["short12", "aaaaaaaaaa", "abababab", "        ", 12345678, None, ""]
    )
    async def test_invalid_password_changes_nothing(
        self,
        api: httpx.AsyncClient,
        database: Database,
        account: Credentials,
        password: Any,
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        response = await api.put(
            f"/users/{user['id']}", json={"password": password, "firstName": "Eve"}
        )
        assert_error(response, 400, 10011, pointer="/password")
        if isinstance(password, str) and password.strip():
            secrets_absent(response, password)
        assert await fetch(api, user["id"]) == user
        assert await stored_hash(database, account, user["id"]) == before

    async def test_password_not_echoed_in_errors(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        other = await create(api, "bob")
        secret = "Never-Echo-Me-99"
        responses = [
            await api.put(f"/users/{user['id']}", json={"password": secret, "email": "nope"}),
            await api.put(f"/users/{user['id']}", json={"password": secret, "username": "x"}),
            await api.put(
                f"/users/{user['id']}", json={"password": secret, "email": other["email"]}
            ),
            await api.put(f"/users/{NEVER}", json={"password": secret}),
        ]
        assert [r.status_code for r in responses] == [400, 400, 409, 404]
        for response in responses:
            secrets_absent(response, secret)

    # --- read-only username and enabled --------------------------------------------------------

    @pytest.mark.parametrize(
        "fields",
        [
            {"username": "alice"},
            {"username": " alice "},
            {"enabled": True},
            {"enabled": "true"},
            {"enabled": 1},
            {"username": "alice", "enabled": True},
        ],
    )
    async def test_read_only_fields_with_current_value(
        self, api: httpx.AsyncClient, fields: dict[str, Any]
    ) -> None:
        user = await create(api, "alice")
        response = await api.put(f"/users/{user['id']}", json={**fields, "firstName": "Ok"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["username"] == "alice"
        assert body["enabled"] is True
        assert body["firstName"] == "Ok"

    async def test_disabled_user_may_echo_enabled_false(self, api: httpx.AsyncClient) -> None:
        user = await create(api, enabled=False)
        response = await api.put(f"/users/{user['id']}", json={"enabled": False, "lastName": "Z"})
        assert response.status_code == 200, response.text
        assert response.json()["enabled"] is False
        assert_error(
            await api.put(f"/users/{user['id']}", json={"enabled": True}),
            400,
            10012,
            pointer="/enabled",
        )
        assert (await fetch(api, user["id"]))["enabled"] is False

    @pytest.mark.parametrize(
        ("fields", "code", "pointer"),
        [
            ({"username": "bob"}, 10012, "/username"),
            ({"username": "ALICE"}, 10012, "/username"),
            ({"username": "alice2"}, 10012, "/username"),
            ({"username": None}, 10011, "/username"),
            ({"username": ""}, 10011, "/username"),
            ({"enabled": False}, 10012, "/enabled"),
            ({"enabled": "0"}, 10012, "/enabled"),
            ({"enabled": None}, 10011, "/enabled"),
            ({"enabled": "nope"}, 10011, "/enabled"),
        ],
    )
    async def test_changing_read_only_fields(
        self,
        api: httpx.AsyncClient,
        database: Database,
        account: Credentials,
        fields: dict[str, Any],
        code: int,
        pointer: str,
    ) -> None:
        user = await create(api, "alice", hourRate=10)
        before = await stored_hash(database, account, user["id"])
        response = await api.put(
            f"/users/{user['id']}",
            json={**fields, "firstName": "Lost", "hourRate": 99, "password": NEW_PASSWORD},
        )
        assert_error(response, 400, code, pointer=pointer)
        secrets_absent(response, NEW_PASSWORD)
        assert await fetch(api, user["id"]) == user
        assert await stored_hash(database, account, user["id"]) == before
        assert await usernames(api) == ["alice"]

    async def test_both_read_only_fields_are_reported(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.put(f"/users/{user['id']}", json={"username": "x", "enabled": False})
        errors = assert_errors(response, 400)
        assert {e["source"]["pointer"]: e["code"] for e in errors} == {
            "/username": 10012,
            "/enabled": 10012,
        }
        assert await fetch(api, user["id"]) == user

    async def test_other_id_in_body(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.put(f"/users/{user['id']}", json={"id": user["id"] + 1})
        assert_error(response, 400, 10012, pointer="/id")
        assert await fetch(api, user["id"]) == user

    # --- e-mail uniqueness ---------------------------------------------------------------------

    @pytest.mark.parametrize("email", ["bob@example.com", "BOB@EXAMPLE.COM", " Bob@example.com "])
    async def test_email_of_another_user(self, api: httpx.AsyncClient, email: str) -> None:
        alice = await create(api, "alice")
        bob = await create(api, "bob")
        response = await api.put(
            f"/users/{alice['id']}", json={"email": email, "firstName": "Lost"}
        )
        assert_error(response, 409, 14031, pointer="/email")
        no_password(response)
        assert await fetch(api, alice["id"]) == alice
        assert await fetch(api, bob["id"]) == bob

    async def test_own_email_in_another_case(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.put(f"/users/{user['id']}", json={"email": "ALICE@example.com"})
        assert response.status_code == 200, response.text
        assert response.json()["email"] == "ALICE@example.com"
        assert await usernames(api, email="alice@EXAMPLE.com") == ["alice"]

    async def test_email_of_a_deleted_user(self, api: httpx.AsyncClient) -> None:
        alice = await create(api, "alice")
        bob = await create(api, "bob")
        assert (await api.delete(f"/users/{bob['id']}")).status_code == 200
        response = await api.put(f"/users/{alice['id']}", json={"email": "bob@example.com"})
        assert response.status_code == 200, response.text
        assert response.json()["email"] == "bob@example.com"

    async def test_old_email_is_free_after_change(self, api: httpx.AsyncClient) -> None:
        alice = await create(api, "alice")
        await api.put(f"/users/{alice['id']}", json={"email": "new@example.com"})
        bob = await create(api, "bob", email="alice@example.com")
        assert bob["email"] == "alice@example.com"
        assert await usernames(api, email="alice@example.com") == ["bob"]

    async def test_email_of_a_user_in_another_account(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(other_api, "bob")
        alice = await create(api, "alice")
        response = await api.put(f"/users/{alice['id']}", json={"email": "bob@example.com"})
        assert response.status_code == 200, response.text

    # --- bad input ------------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("fields", "pointer"),
        [
            ({"timeZone": "Mars/Olympus"}, "/timeZone"),
            ({"timeZone": ""}, "/timeZone"),
            ({"timeZone": 5}, "/timeZone"),
            ({"timeZone": None}, "/timeZone"),
            ({"language": "english"}, "/language"),
            ({"language": None}, "/language"),
            ({"email": "not-an-email"}, "/email"),
            ({"email": ""}, "/email"),
            ({"email": None}, "/email"),
            ({"email": "al\x00ice@example.com"}, "/email"),
            ({"email": "ß" * 125 + "@example.com"}, "/email"),
            ({"firstName": ""}, "/firstName"),
            ({"firstName": "F" * 256}, "/firstName"),
            ({"firstName": None}, "/firstName"),
            ({"lastName": "L" * 256}, "/lastName"),
            ({"lastName": None}, "/lastName"),
            ({"personalNumber": "9" * 256}, "/personalNumber"),
            ({"personalNumber": 7.5}, "/personalNumber"),
            ({"personalNumber": False}, "/personalNumber"),
            ({"admin": "yes"}, "/admin"),
            ({"admin": None}, "/admin"),
            ({"teamLead": None}, "/teamLead"),
            ({"hourRate": -1}, "/hourRate"),
            ({"hourRate": "abc"}, "/hourRate"),
        ],
    )
    async def test_invalid_field_changes_nothing(
        self, api: httpx.AsyncClient, fields: dict[str, Any], pointer: str
    ) -> None:
        user = await create(api, personalNumber="P-1", hourRate=10)
        response = await api.put(f"/users/{user['id']}", json={"lastName": "Lost", **fields})
        assert_error(response, 400, 10011, pointer=pointer)
        assert await fetch(api, user["id"]) == user

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.put(
            f"/users/{user['id']}", json={"lastName": "New", "langauge": "de", "deleted": True}
        )
        assert response.status_code == 200
        assert response.headers["X-Ignored-Fields"] == "langauge, deleted"
        assert response.json()["language"] == "en"
        assert "deleted" not in response.json()
        assert await usernames(api) == ["alice"]
