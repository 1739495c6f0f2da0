"""``/users`` over HTTP (SPEC §2 "Users", with the wire conventions of §1)."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database
from timetrack.errors import ALL_CODES

KEY = "X-TimeTrack-Api-Key"
SECRET = "X-TimeTrack-Api-Secret"
NEVER = 987_654_321  # an id no test account ever reaches
UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
USER_KEYS = {
    "id",
    "username",
    "firstName",
    "lastName",
    "email",
    "admin",
    "teamLead",
    "external",
    "language",
    "personalNumber",
    "enabled",
    "timeZone",
    "hourRate",
    "country",
    "region",
    "updatedAt",
}
PASSWORD = "Correct-Horse-42"
NEW_PASSWORD = "Battery-Staple-77"
FROM = "2025-03-04T09:00:00.000Z"
TO = "2025-03-04T10:30:00.000Z"


# --- helpers ----------------------------------------------------------------------------------


def problems(response: httpx.Response, status: int) -> list[dict[str, Any]]:
    """The envelope's errors, after checking the status and the envelope's shape."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["errors"], body
    errors: list[dict[str, Any]] = body["errors"]
    assert errors
    for item in errors:
        assert item["status"] == status
        assert isinstance(item["code"], int)
        assert isinstance(item["title"], str) and item["title"]
        assert isinstance(item["detail"], str) and item["detail"]
        assert set(item) <= {"title", "status", "code", "detail", "source"}
    return errors


def problem(
    response: httpx.Response, status: int, code: int, *, pointer: str | None = None
) -> dict[str, Any]:
    """The one error of the envelope, with its status, code and (if given) source pointer."""
    errors = problems(response, status)
    assert len(errors) == 1, errors
    assert errors[0]["code"] == code, errors
    assert errors[0]["title"] == ALL_CODES[code].title
    if pointer is not None:
        assert errors[0].get("source") == {"pointer": pointer}, errors
    return errors[0]


def no_password(response: httpx.Response, *secrets: str) -> None:
    """Neither the word "password" nor any of the given secrets is in the raw response."""
    text = response.text
    assert "password" not in text.lower(), text
    for secret in (PASSWORD, NEW_PASSWORD, *secrets):
        assert secret not in text, text


def secrets_absent(response: httpx.Response, *secrets: str) -> None:
    """The given secrets are not in the raw response (an error may name the field)."""
    for secret in secrets:
        assert secret not in response.text, response.text


def user_body(username: str = "alice", **fields: Any) -> dict[str, Any]:
    """A complete create body: the required fields, overridable, plus ``fields``."""
    return {
        "username": username,
        "firstName": "Alice",
        "lastName": "Archer",
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }


async def create(api: httpx.AsyncClient, username: str = "alice", **fields: Any) -> dict[str, Any]:
    response = await api.post("/users", json=user_body(username, **fields))
    assert response.status_code == 201, response.text
    no_password(response)
    body: dict[str, Any] = response.json()
    return body


async def fetch(api: httpx.AsyncClient, user_id: int) -> dict[str, Any]:
    response = await api.get(f"/users/{user_id}")
    assert response.status_code == 200, response.text
    no_password(response)
    body: dict[str, Any] = response.json()
    return body


async def usernames(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/users", params=params)
    assert response.status_code == 200, response.text
    no_password(response)
    return [u["username"] for u in response.json()]


async def stored_hash(database: Database, account: Credentials, user_id: int) -> str:
    async with database.transaction(write=False) as tx:
        value = await tx.fetchval(
            "SELECT password_hash FROM users WHERE account_id = $1 AND id = $2",
            account.account.id,
            user_id,
        )
    assert isinstance(value, str)
    return value


def verifies(stored: str, password: str) -> bool:
    try:
        return PasswordHasher().verify(stored, password)
    except VerifyMismatchError:
        return False


async def project(api: httpx.AsyncClient, client: str = "Acme", name: str = "Web") -> None:
    response = await api.post("/clients", json={"name": client})
    assert response.status_code == 201, response.text
    response = await api.post("/projects", json={"clientName": client, "projectName": name})
    assert response.status_code == 201, response.text


def entry_body(user: str, *, field: str = "user") -> dict[str, Any]:
    return {field: user, "clientName": "Acme", "projectName": "Web", "from": FROM, "to": TO}


def _client(app: FastAPI, headers: dict[str, str]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver/api/v2/ext",
        headers=headers,
    )


@pytest.fixture
async def wrong_secret(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """The right key of ``account`` with a secret that is not its own."""
    async with _client(app, {KEY: account.api_key, SECRET: "tts_" + "x" * 43}) as client:
        yield client


@pytest.fixture
async def unknown_key(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    """A key no account has, with ``account``'s real secret."""
    async with _client(app, {KEY: "ttk_unknown", SECRET: account.api_secret}) as client:
        yield client


@pytest.fixture
async def berlin_api(app: FastAPI, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh account whose time zone is Europe/Berlin (as conftest's
    ``new_account`` makes them; conftest is not importable as a module)."""
    async with database.transaction(write=True) as tx:
        creds = await create_account(tx, f"t-{uuid.uuid4().hex[:12]}", timezone="Europe/Berlin")
    async with _client(app, {KEY: creds.api_key, SECRET: creds.api_secret}) as client:
        yield client


# --- list -------------------------------------------------------------------------------------


class TestListUsers:
    async def test_anonymous(self, anon: httpx.AsyncClient) -> None:
        problem(await anon.get("/users"), 401, 10001)
        problem(await anon.get("/users/"), 401, 10001)

    async def test_wrong_secret(
        self, api: httpx.AsyncClient, wrong_secret: httpx.AsyncClient
    ) -> None:
        await create(api)
        response = await wrong_secret.get("/users")
        problem(response, 401, 10002)
        assert "alice" not in response.text

    async def test_unknown_key(self, unknown_key: httpx.AsyncClient) -> None:
        problem(await unknown_key.get("/users"), 401, 10002)

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

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        await create(api, "a")
        await create(api, "b")
        plain = await api.get("/users")
        slashed = await api.get("/users/")
        assert slashed.status_code == 200
        assert slashed.json() == plain.json()
        assert slashed.headers["X-Total-Count"] == "2"

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        for i in range(5):
            await create(api, f"u{i}")
        response = await api.get("/users", params={"limit": 2, "page_number": 1})
        assert [u["username"] for u in response.json()] == ["u2", "u3"]
        assert response.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in response.headers["Link"]
        assert 'rel="prev"' in response.headers["Link"]
        first = await api.get("/users", params={"limit": 1000, "page": 1})
        assert [u["username"] for u in first.json()] == [f"u{i}" for i in range(5)]
        problem(await api.get("/users", params={"limit": 1001}), 400, 10013)

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
        err = problem(await api.get("/users", params={"username": "x" * 256}), 400, 10013)
        assert err["source"] == {"parameter": "username"}
        err = problem(await api.get("/users", params={"email": "x" * 255}), 400, 10013)
        assert err["source"] == {"parameter": "email"}


# --- create (and the list-by-POST) ------------------------------------------------------------


class TestCreateUser:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        response = await anon.post("/users", json=user_body())
        problem(response, 401, 10001)
        secrets_absent(response, PASSWORD)
        problem(await anon.post("/users/", json=user_body()), 401, 10001)
        assert await usernames(api) == []

    async def test_wrong_secret(
        self, api: httpx.AsyncClient, wrong_secret: httpx.AsyncClient
    ) -> None:
        problem(await wrong_secret.post("/users", json=user_body()), 401, 10002)
        assert await usernames(api) == []

    async def test_unknown_key(
        self, api: httpx.AsyncClient, unknown_key: httpx.AsyncClient
    ) -> None:
        problem(await unknown_key.post("/users", json=user_body()), 401, 10002)
        assert await usernames(api) == []

    async def test_minimal_and_defaults(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/users", json=user_body())
        assert response.status_code == 201, response.text
        assert response.headers["content-type"] == "application/json"
        no_password(response)
        body = response.json()
        assert set(body) == USER_KEYS
        assert isinstance(body["id"], int) and body["id"] >= 1
        assert body["username"] == "alice"
        assert body["firstName"] == "Alice"
        assert body["lastName"] == "Archer"
        assert body["email"] == "alice@example.com"
        assert body["admin"] is False
        assert body["teamLead"] is False
        assert body["language"] == "en"
        assert body["personalNumber"] is None
        assert body["enabled"] is True
        assert body["timeZone"] == "UTC"  # the account's zone (the default account is UTC)
        assert body["hourRate"] is None
        assert UPDATED_AT.match(body["updatedAt"])
        assert response.headers["Location"] == f"/api/v2/ext/users/{body['id']}"
        assert "X-Ignored-Fields" not in response.headers
        assert await fetch(api, body["id"]) == body

    async def test_all_fields_round_trip(self, api: httpx.AsyncClient) -> None:
        sent = {
            "username": "j.doe",
            "firstName": "Jürgen",
            "lastName": "Doe-Müller",
            "email": "j.doe@example.de",
            "password": PASSWORD,
            "admin": True,
            "teamLead": True,
            "external": True,
            "language": "de",
            "personalNumber": "P-0042",
            "enabled": False,
            "timeZone": "America/New_York",
            "hourRate": 85.5,
            "country": "US",
            "region": "NY",
        }
        response = await api.post("/users", json=sent)
        assert response.status_code == 201, response.text
        no_password(response)
        body = response.json()
        expected = {k: v for k, v in sent.items() if k != "password"}
        assert {k: v for k, v in body.items() if k not in ("id", "updatedAt")} == expected
        assert await fetch(api, body["id"]) == body
        assert (await api.get("/users")).json() == [body]

    async def test_time_zone_defaults_to_the_accounts(
        self, berlin_api: httpx.AsyncClient, api: httpx.AsyncClient
    ) -> None:
        berliner = await create(berlin_api, "hans")
        assert berliner["timeZone"] == "Europe/Berlin"
        assert (await fetch(berlin_api, berliner["id"]))["timeZone"] == "Europe/Berlin"
        tokyo = await create(berlin_api, "yuki", timeZone="Asia/Tokyo")
        assert tokyo["timeZone"] == "Asia/Tokyo"
        explicit_null = await create(berlin_api, "null", timeZone=None)
        assert explicit_null["timeZone"] == "Europe/Berlin"
        assert (await create(api, "alice"))["timeZone"] == "UTC"

    async def test_language_codes(self, api: httpx.AsyncClient) -> None:
        assert (await create(api, "a", language="de"))["language"] == "de"
        assert (await create(api, "b", language="pt-BR"))["language"] == "pt-BR"

    async def test_location_resolves(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/users", json=user_body())
        again = await api.get(response.headers["Location"].removeprefix("/api/v2/ext"))
        assert again.json() == response.json()

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/users/", json=user_body())
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == f"/api/v2/ext/users/{response.json()['id']}"
        assert await usernames(api) == ["alice"]

    @pytest.mark.parametrize(
        ("sent", "stored"),
        [(True, True), (False, False), (1, True), (0, False), ("true", True), ("0", False)],
    )
    async def test_boolean_spellings(self, api: httpx.AsyncClient, sent: Any, stored: bool) -> None:
        body = await create(api, admin=sent, teamLead=sent, enabled=sent)
        assert body["admin"] is stored
        assert body["teamLead"] is stored
        assert body["enabled"] is stored

    @pytest.mark.parametrize(
        ("sent", "stored"), [(50, 50.0), ("50", 50.0), ("12.10", 12.1), (0, 0.0), (None, None)]
    )
    async def test_hour_rate(self, api: httpx.AsyncClient, sent: Any, stored: float | None) -> None:
        body = await create(api, hourRate=sent)
        assert body["hourRate"] == stored
        assert (await fetch(api, body["id"]))["hourRate"] == stored

    async def test_names_are_trimmed_and_email_too(self, api: httpx.AsyncClient) -> None:
        body = await create(
            api, " alice ", firstName=" Alice\t", lastName="Archer ", email=" alice@example.com "
        )
        assert body["username"] == "alice"
        assert body["firstName"] == "Alice"
        assert body["lastName"] == "Archer"
        assert body["email"] == "alice@example.com"

    async def test_longest_values(self, api: httpx.AsyncClient) -> None:
        body = await create(
            api,
            "u" * 255,
            email="e" * 64 + "@" + "d" * 185 + ".com",
            firstName="F" * 255,
            lastName="L" * 255,
            personalNumber="9" * 255,
        )
        assert body["username"] == "u" * 255
        assert body["firstName"] == "F" * 255
        assert body["lastName"] == "L" * 255
        assert body["personalNumber"] == "9" * 255
        assert len(body["email"]) == 254

    async def test_the_vendors_example_body(self, api: httpx.AsyncClient) -> None:
        # The vendor's users example, verbatim but for the e-mail: personalNumber is a number.
        sent = {
            "teamLead": False,
            "password": "123123123",
            "firstName": "Max",
            "admin": True,
            "username": "test6",
            "email": "max.smith@example.com",
            "language": "de",
            "personalNumber": 1234,
            "lastName": "Smith",
        }
        response = await api.post("/users", json=sent)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["personalNumber"] == 1234
        assert '"personalNumber":1234' in response.text.replace(" ", "")
        assert (await fetch(api, body["id"]))["personalNumber"] == 1234

    @pytest.mark.parametrize(
        ("sent", "answered"),
        [
            (1234, 1234),
            ("1234", 1234),  # the stored text is a whole number: answered as one
            (1234.0, 1234),  # JSON writers that always add ".0"
            (0, 0),
            (-5, -5),
            (2**53 - 1, 2**53 - 1),
            ("A-17", "A-17"),
            ("007", "007"),  # not the same as 7: leading zeros keep it text
            ("-0", "-0"),
            ("+5", "+5"),
            (" 12", " 12"),
            ("1234.5", "1234.5"),
            ("1e3", "1e3"),
            ("9007199254740992", "9007199254740992"),  # beyond 2**53 - 1: stays text
            ("", ""),
            (None, None),
        ],
    )
    async def test_personal_number_number_or_text(
        self, api: httpx.AsyncClient, sent: Any, answered: int | str | None
    ) -> None:
        body = await create(api, personalNumber=sent)
        assert body["personalNumber"] == answered
        assert type(body["personalNumber"]) is type(answered)
        assert await fetch(api, body["id"]) == body

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        # The vendor's own example sends the typo ``langauge``.
        response = await api.post(
            "/users", json=user_body(langauge="de", id=77, password_hash="x", deleted=True)
        )
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == "langauge, id, password_hash, deleted"
        body = response.json()
        assert body["language"] == "en"
        assert body["id"] != 77
        assert set(body) == USER_KEYS

    # --- password ------------------------------------------------------------------------------

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
        problem(response, 400, 10010, pointer="/password")
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
        problem(response, 400, 10011, pointer="/password")
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
        problem(taken, 409, 14030, pointer="/username")
        secrets_absent(taken, secret)
        assert await usernames(api) == ["alice"]

    # --- POST with an empty body is a list -----------------------------------------------------

    @pytest.mark.parametrize("raw", [b"{}", b"", b"\n{ }\n"])
    async def test_empty_body_lists(self, api: httpx.AsyncClient, raw: bytes) -> None:
        created = [await create(api, "bob"), await create(api, "alice")]
        response = await api.post(
            "/users", content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 200, response.text
        no_password(response)
        assert response.json() == created
        assert response.headers["X-Total-Count"] == "2"
        assert "Location" not in response.headers
        assert await usernames(api) == ["bob", "alice"]

    async def test_empty_body_list_with_trailing_slash(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.post("/users/", json={})
        assert response.status_code == 200
        assert response.json() == [user]

    # --- conflicts -----------------------------------------------------------------------------

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
        problem(response, 409, 14030, pointer="/username")
        no_password(response)
        assert (await api.get("/users")).json() == [original]

    @pytest.mark.parametrize(
        "second", ["alice@example.com", "ALICE@Example.COM", " alice@example.com"]
    )
    async def test_duplicate_email(self, api: httpx.AsyncClient, second: str) -> None:
        original = await create(api, "alice")
        response = await api.post("/users", json=user_body("bob", email=second))
        problem(response, 409, 14031, pointer="/email")
        no_password(response)
        assert (await api.get("/users")).json() == [original]

    async def test_deleted_username_and_email_can_be_reused(self, api: httpx.AsyncClient) -> None:
        old = await create(api, "alice", firstName="Old")
        assert (await api.delete(f"/users/{old['id']}")).status_code == 200
        new = await create(api, "ALICE", email="Alice@Example.com", firstName="New")
        assert new["id"] != old["id"]
        assert (await api.get("/users")).json() == [new]
        problem(
            await api.post("/users", json=user_body("alice", email="x@example.com")),
            409,
            14030,
            pointer="/username",
        )
        problem(
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
                problem(r, 409, 14030, pointer="/username")
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
                problem(r, 409, 14031, pointer="/email")
        assert len(await usernames(api)) == 1

    # --- bad input -----------------------------------------------------------------------------

    @pytest.mark.parametrize("raw", [b"{", b'{"username": "alice"', b"username=alice"])
    async def test_malformed_json(self, api: httpx.AsyncClient, raw: bytes) -> None:
        problem(await api.post("/users", content=raw), 400, 10004)
        assert await usernames(api) == []

    @pytest.mark.parametrize("raw", [b"[]", b'["alice"]', b'"alice"', b"1", b"null"])
    async def test_body_not_an_object(self, api: httpx.AsyncClient, raw: bytes) -> None:
        problem(await api.post("/users", content=raw), 400, 10005)
        assert await usernames(api) == []

    @pytest.mark.parametrize("field", ["username", "firstName", "lastName", "email", "password"])
    async def test_missing_required_field(self, api: httpx.AsyncClient, field: str) -> None:
        body = user_body()
        del body[field]
        response = await api.post("/users", json=body)
        problem(response, 400, 10010, pointer=f"/{field}")
        secrets_absent(response, PASSWORD)
        assert await usernames(api) == []

    async def test_every_missing_field_is_listed(self, api: httpx.AsyncClient) -> None:
        errors = problems(await api.post("/users", json={"admin": True}), 400)
        assert {e["source"]["pointer"]: e["code"] for e in errors} == {
            "/username": 10010,
            "/firstName": 10010,
            "/lastName": 10010,
            "/email": 10010,
            "/password": 10010,
        }
        assert await usernames(api) == []

    async def test_missing_and_invalid_together(self, api: httpx.AsyncClient) -> None:
        body = user_body(timeZone="Mars/Olympus", language="english")
        del body["email"]
        errors = problems(await api.post("/users", json=body), 400)
        assert {e["source"]["pointer"]: e["code"] for e in errors} == {
            "/email": 10010,
            "/timeZone": 10011,
            "/language": 10011,
        }
        assert await usernames(api) == []

    @pytest.mark.parametrize(
        ("fields", "pointer"),
        [
            ({"timeZone": "Mars/Olympus"}, "/timeZone"),
            ({"timeZone": ""}, "/timeZone"),
            ({"timeZone": 5}, "/timeZone"),
            ({"timeZone": "europe/berlin"}, "/timeZone"),
            ({"timeZone": "+02:00"}, "/timeZone"),
            ({"language": "english"}, "/language"),
            ({"language": ""}, "/language"),
            ({"language": 5}, "/language"),
            ({"language": None}, "/language"),
            ({"language": "d"}, "/language"),
            ({"email": "not-an-email"}, "/email"),
            ({"email": "a@b"}, "/email"),
            ({"email": "a b@example.com"}, "/email"),
            ({"email": ""}, "/email"),
            ({"email": 5}, "/email"),
            ({"email": None}, "/email"),
            ({"email": "x" * 250 + "@example.com"}, "/email"),
            ({"email": "al\x00ice@example.com"}, "/email"),
            ({"email": "ß" * 125 + "@example.com"}, "/email"),  # 262 characters case-folded
            ({"email": "ﬃ" * 100 + "@example.com"}, "/email"),
            ({"username": "u" * 256}, "/username"),
            ({"username": ""}, "/username"),
            ({"username": "   "}, "/username"),
            ({"username": 5}, "/username"),
            ({"username": None}, "/username"),
            ({"username": "al\x00ice"}, "/username"),
            ({"firstName": "F" * 256}, "/firstName"),
            ({"firstName": ""}, "/firstName"),
            ({"firstName": None}, "/firstName"),
            ({"lastName": "L" * 256}, "/lastName"),
            ({"lastName": ["Archer"]}, "/lastName"),
            ({"personalNumber": "9" * 256}, "/personalNumber"),
            ({"personalNumber": 1234.5}, "/personalNumber"),
            ({"personalNumber": True}, "/personalNumber"),
            ({"personalNumber": 2**53}, "/personalNumber"),
            ({"personalNumber": -(2**53)}, "/personalNumber"),
            ({"personalNumber": 1e300}, "/personalNumber"),
            ({"personalNumber": [1234]}, "/personalNumber"),
            ({"personalNumber": "P\x00"}, "/personalNumber"),
            ({"admin": "yes"}, "/admin"),
            ({"admin": None}, "/admin"),
            ({"teamLead": 2}, "/teamLead"),
            ({"enabled": "maybe"}, "/enabled"),
            ({"hourRate": -1}, "/hourRate"),
            ({"hourRate": "abc"}, "/hourRate"),
            ({"hourRate": 1.005}, "/hourRate"),
            ({"hourRate": True}, "/hourRate"),
        ],
    )
    async def test_invalid_field(
        self, api: httpx.AsyncClient, fields: dict[str, Any], pointer: str
    ) -> None:
        response = await api.post("/users", json={**user_body(), **fields})
        problem(response, 400, 10011, pointer=pointer)
        secrets_absent(response, PASSWORD)
        assert await usernames(api) == []


# --- get --------------------------------------------------------------------------------------


class TestGetUser:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await anon.get(f"/users/{user['id']}")
        problem(response, 401, 10001)
        assert "alice" not in response.text

    async def test_wrong_secret(
        self, api: httpx.AsyncClient, wrong_secret: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        response = await wrong_secret.get(f"/users/{user['id']}")
        problem(response, 401, 10002)
        assert "alice" not in response.text

    async def test_unknown_key(
        self, api: httpx.AsyncClient, unknown_key: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        problem(await unknown_key.get(f"/users/{user['id']}"), 401, 10002)

    async def test_get(self, api: httpx.AsyncClient) -> None:
        user = await create(api, personalNumber="7", hourRate="42.42")
        response = await api.get(f"/users/{user['id']}")
        assert response.status_code == 200
        no_password(response)
        assert response.json() == user
        assert set(response.json()) == USER_KEYS
        assert response.json()["hourRate"] == 42.42

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.get(f"/users/{user['id']}/")
        assert response.status_code == 200
        assert response.json() == user

    async def test_picks_the_right_one(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        b = await create(api, "b")
        assert (await fetch(api, a["id"]))["username"] == "a"
        assert (await fetch(api, b["id"]))["username"] == "b"

    async def test_body_is_ignored(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.request("GET", f"/users/{user['id']}", content=b'{"username": 1}')
        assert response.status_code == 200
        assert response.json() == user

    async def test_not_found(self, api: httpx.AsyncClient) -> None:
        problem(await api.get(f"/users/{NEVER}"), 404, 14010)
        problem(await api.get(f"/users/{2**63 - 1}"), 404, 14010)

    async def test_deleted(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        await api.delete(f"/users/{user['id']}")
        problem(await api.get(f"/users/{user['id']}"), 404, 14020)
        problem(await api.get(f"/users/{user['id']}/"), 404, 14020)


# --- POST /users/{id}: a read -----------------------------------------------------------------


class TestGetUserByPost:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await anon.post(f"/users/{user['id']}", json={})
        problem(response, 401, 10001)
        assert "alice" not in response.text

    async def test_wrong_secret(
        self, api: httpx.AsyncClient, wrong_secret: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        problem(await wrong_secret.post(f"/users/{user['id']}", json={}), 401, 10002)

    async def test_unknown_key(
        self, api: httpx.AsyncClient, unknown_key: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        problem(await unknown_key.post(f"/users/{user['id']}", json={}), 401, 10002)

    @pytest.mark.parametrize("raw", [b"{}", b"", b"  "])
    async def test_empty_body_reads(self, api: httpx.AsyncClient, raw: bytes) -> None:
        user = await create(api, hourRate=12)
        response = await api.post(
            f"/users/{user['id']}", content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 200, response.text
        no_password(response)
        assert response.json() == user

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.post(f"/users/{user['id']}/", json={})
        assert response.status_code == 200
        assert response.json() == user

    async def test_body_with_fields_is_refused_and_changes_nothing(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        user = await create(api)
        before = await stored_hash(database, account, user["id"])
        response = await api.post(
            f"/users/{user['id']}", json={"firstName": "Eve", "password": NEW_PASSWORD}
        )
        problem(response, 405, 10008)
        secrets_absent(response, NEW_PASSWORD)
        assert await fetch(api, user["id"]) == user
        assert await stored_hash(database, account, user["id"]) == before

    async def test_not_found(self, api: httpx.AsyncClient) -> None:
        problem(await api.post(f"/users/{NEVER}", json={}), 404, 14010)

    async def test_deleted(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        await api.delete(f"/users/{user['id']}")
        problem(await api.post(f"/users/{user['id']}", json={}), 404, 14020)


# --- update -----------------------------------------------------------------------------------


class TestUpdateUser:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await anon.put(f"/users/{user['id']}", json={"firstName": "Eve"})
        problem(response, 401, 10001)
        assert await fetch(api, user["id"]) == user

    async def test_wrong_secret(
        self, api: httpx.AsyncClient, wrong_secret: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        response = await wrong_secret.put(f"/users/{user['id']}", json={"firstName": "Eve"})
        problem(response, 401, 10002)
        assert await fetch(api, user["id"]) == user

    async def test_unknown_key(
        self, api: httpx.AsyncClient, unknown_key: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        response = await unknown_key.put(f"/users/{user['id']}", json={"firstName": "Eve"})
        problem(response, 401, 10002)
        assert await fetch(api, user["id"]) == user

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

    @pytest.mark.parametrize("raw", [b"{}", b""])
    async def test_empty_body_changes_nothing(self, api: httpx.AsyncClient, raw: bytes) -> None:
        user = await create(api, hourRate=10)
        response = await api.put(f"/users/{user['id']}", content=raw)
        assert response.status_code == 200
        no_password(response)
        assert response.json() == user
        assert await fetch(api, user["id"]) == user

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.put(f"/users/{user['id']}/", json={"hourRate": 5})
        assert response.status_code == 200
        assert (await fetch(api, user["id"]))["hourRate"] == 5.0

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
        problem(response, 400, 10011, pointer="/password")
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
        problem(await api.put(f"/users/{user['id']}", json={"enabled": True}), 400, 10012)
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
        problem(response, 400, code, pointer=pointer)
        secrets_absent(response, NEW_PASSWORD)
        assert await fetch(api, user["id"]) == user
        assert await stored_hash(database, account, user["id"]) == before
        assert await usernames(api) == ["alice"]

    async def test_both_read_only_fields_are_reported(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.put(f"/users/{user['id']}", json={"username": "x", "enabled": False})
        errors = problems(response, 400)
        assert {e["source"]["pointer"]: e["code"] for e in errors} == {
            "/username": 10012,
            "/enabled": 10012,
        }
        assert await fetch(api, user["id"]) == user

    async def test_other_id_in_body(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.put(f"/users/{user['id']}", json={"id": user["id"] + 1})
        problem(response, 400, 10012, pointer="/id")
        assert await fetch(api, user["id"]) == user

    # --- e-mail uniqueness ---------------------------------------------------------------------

    @pytest.mark.parametrize("email", ["bob@example.com", "BOB@EXAMPLE.COM", " Bob@example.com "])
    async def test_email_of_another_user(self, api: httpx.AsyncClient, email: str) -> None:
        alice = await create(api, "alice")
        bob = await create(api, "bob")
        response = await api.put(
            f"/users/{alice['id']}", json={"email": email, "firstName": "Lost"}
        )
        problem(response, 409, 14031, pointer="/email")
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

    # --- missing records ------------------------------------------------------------------------

    async def test_not_found(self, api: httpx.AsyncClient) -> None:
        problem(await api.put(f"/users/{NEVER}", json={"firstName": "X"}), 404, 14010)

    async def test_deleted(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        await api.delete(f"/users/{user['id']}")
        problem(await api.put(f"/users/{user['id']}", json={"firstName": "X"}), 404, 14020)
        assert await usernames(api) == []

    # --- bad input ------------------------------------------------------------------------------

    @pytest.mark.parametrize("raw", [b"{", b'{"firstName": "X"', b"firstName=X"])
    async def test_malformed_json(self, api: httpx.AsyncClient, raw: bytes) -> None:
        user = await create(api)
        problem(await api.put(f"/users/{user['id']}", content=raw), 400, 10004)
        assert await fetch(api, user["id"]) == user

    @pytest.mark.parametrize("raw", [b"[]", b"5", b"null"])
    async def test_body_not_an_object(self, api: httpx.AsyncClient, raw: bytes) -> None:
        user = await create(api)
        problem(await api.put(f"/users/{user['id']}", content=raw), 400, 10005)
        assert await fetch(api, user["id"]) == user

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
        problem(response, 400, 10011, pointer=pointer)
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


# --- delete -----------------------------------------------------------------------------------


class TestDeleteUser:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        user = await create(api)
        problem(await anon.delete(f"/users/{user['id']}"), 401, 10001)
        assert await fetch(api, user["id"]) == user

    async def test_wrong_secret(
        self, api: httpx.AsyncClient, wrong_secret: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        problem(await wrong_secret.delete(f"/users/{user['id']}"), 401, 10002)
        assert await fetch(api, user["id"]) == user

    async def test_unknown_key(
        self, api: httpx.AsyncClient, unknown_key: httpx.AsyncClient
    ) -> None:
        user = await create(api)
        problem(await unknown_key.delete(f"/users/{user['id']}"), 401, 10002)
        assert await fetch(api, user["id"]) == user

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
        problem(await api.get(f"/users/{user['id']}"), 404, 14020)
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

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.delete(f"/users/{user['id']}/")
        assert response.status_code == 200
        assert response.json()["deleted"] is True
        assert await usernames(api) == []

    async def test_body_is_ignored(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        response = await api.request("DELETE", f"/users/{user['id']}", content=b"[not json")
        assert response.status_code == 200
        assert response.json()["deleted"] is True

    async def test_delete_twice(self, api: httpx.AsyncClient) -> None:
        user = await create(api)
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
        problem(await api.delete(f"/users/{user['id']}"), 404, 14020)

    async def test_not_found(self, api: httpx.AsyncClient) -> None:
        problem(await api.delete(f"/users/{NEVER}"), 404, 14010)

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
            problem(response, 400, 14040, pointer=f"/{field}")
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


# --- change feed ------------------------------------------------------------------------------


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

    async def test_updated_since(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        await asyncio.sleep(0.01)
        b = await create(api, "b")
        assert await usernames(api, updatedSince=a["updatedAt"]) == ["a", "b"]
        assert await usernames(api, updatedSince=b["updatedAt"]) == ["b"]
        await asyncio.sleep(0.01)
        changed = (await api.put(f"/users/{a['id']}", json={"lastName": "New"})).json()
        assert changed["updatedAt"] > b["updatedAt"]
        assert await usernames(api, updatedSince=changed["updatedAt"]) == ["a"]
        assert await usernames(api, updatedSince="2199-01-01T00:00:00.000Z") == []
        assert await usernames(api, updatedSince="1970-01-01") == ["a", "b"]

    async def test_updated_since_with_deletes(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        b = await create(api, "b")
        await asyncio.sleep(0.01)
        deleted = (await api.delete(f"/users/{b['id']}")).json()
        since = deleted["updatedAt"]
        assert await usernames(api, updatedSince=since) == []
        response = await api.get("/users", params={"updatedSince": since, "includeDeleted": 1})
        assert response.json() == [deleted]
        assert a["updatedAt"] < since

    async def test_password_change_is_a_change(self, api: httpx.AsyncClient) -> None:
        a = await create(api, "a")
        await create(api, "b")
        await asyncio.sleep(0.01)
        changed = (await api.put(f"/users/{a['id']}", json={"password": NEW_PASSWORD})).json()
        assert changed["updatedAt"] > a["updatedAt"]
        assert await usernames(api, updatedSince=changed["updatedAt"]) == ["a"]

    @pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-01-01T25:00:00Z"])
    async def test_bad_updated_since(self, api: httpx.AsyncClient, value: str) -> None:
        err = problem(await api.get("/users", params={"updatedSince": value}), 400, 10013)
        assert err["source"] == {"parameter": "updatedSince"}


# --- tenant isolation -------------------------------------------------------------------------


class TestTenantIsolation:
    async def test_list(self, api: httpx.AsyncClient, other_api: httpx.AsyncClient) -> None:
        await create(api, "alice")
        for response in (
            await other_api.get("/users"),
            await other_api.get("/users", params={"username": "alice"}),
            await other_api.get("/users", params={"email": "alice@example.com"}),
            await other_api.get("/users", params={"includeDeleted": "true"}),
            await other_api.post("/users", json={}),
        ):
            assert response.status_code == 200
            assert response.json() == []
            assert response.headers["X-Total-Count"] == "0"

    @pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
    async def test_record_answers_like_a_missing_one(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, method: str
    ) -> None:
        user = await create(api, "alice", personalNumber="secret-number")
        body = {"firstName": "Mallory"} if method == "PUT" else {}
        response = await other_api.request(method, f"/users/{user['id']}", json=body)
        never = await other_api.request(method, f"/users/{NEVER}", json=body)
        err = problem(response, never.status_code, never.json()["errors"][0]["code"])
        assert err["code"] == 14010
        assert "alice" not in response.text and "secret" not in response.text
        assert await fetch(api, user["id"]) == user

    @pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
    async def test_deleted_record_answers_like_a_missing_one(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, method: str
    ) -> None:
        user = await create(api)
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
        body = {"firstName": "Mallory"} if method == "PUT" else {}
        response = await other_api.request(method, f"/users/{user['id']}", json=body)
        problem(response, 404, 14010)  # not 14020: that would reveal the record exists

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
        problem(response, 400, 14040, pointer="/user")
        problem(unknown, 400, 14040, pointer="/user")
        assert response.json()["errors"][0]["title"] == unknown.json()["errors"][0]["title"]
        assert (await other_api.get("/project_time_entries")).json() == []
        assert (await api.get("/project_time_entries")).json() == []

    async def test_same_ids_in_two_accounts_stay_apart(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        mine = await create(api, "alice", hourRate=10)
        theirs = await create(other_api, "bob", hourRate=20)
        assert mine["id"] == theirs["id"]
        response = await other_api.put(f"/users/{theirs['id']}", json={"hourRate": 30})
        assert response.status_code == 200
        assert await fetch(api, mine["id"]) == mine
        assert (await other_api.delete(f"/users/{theirs['id']}")).status_code == 200
        assert await fetch(api, mine["id"]) == mine
        assert await usernames(api) == ["alice"]
        assert await usernames(other_api) == []


# --- raw JSON shape ---------------------------------------------------------------------------


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
