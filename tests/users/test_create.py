"""Creating a user: defaults, every field, the vendor's example body, refused bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error, assert_errors

from .common import (
    PASSWORD,
    UPDATED_AT,
    USER_KEYS,
    create,
    fetch,
    no_password,
    secrets_absent,
    user_body,
    usernames,
)


class TestCreateUser:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        response = await anon.post("/users", json=user_body())
        assert_error(response, 401, 10001)
        secrets_absent(response, PASSWORD)
        assert_error(await anon.post("/users/", json=user_body()), 401, 10001)
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


class TestCreateUserRefused:
    @pytest.mark.parametrize("field", ["username", "firstName", "lastName", "email", "password"])
    async def test_missing_required_field(self, api: httpx.AsyncClient, field: str) -> None:
        body = user_body()
        del body[field]
        response = await api.post("/users", json=body)
        assert_error(response, 400, 10010, pointer=f"/{field}")
        secrets_absent(response, PASSWORD)
        assert await usernames(api) == []

    async def test_every_missing_field_is_listed(self, api: httpx.AsyncClient) -> None:
        errors = assert_errors(await api.post("/users", json={"admin": True}), 400)
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
        errors = assert_errors(await api.post("/users", json=body), 400)
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
        assert_error(response, 400, 10011, pointer=pointer)
        secrets_absent(response, PASSWORD)
        assert await usernames(api) == []
