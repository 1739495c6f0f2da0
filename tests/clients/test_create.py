"""Creating a client: defaults, every field, spellings, unique names, refused bodies."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import assert_error, assert_errors

from .common import FULL, OPTIONAL, UPDATED_AT, create, fetch, names


class TestCreateClient:
    async def test_anonymous_with_malformed_body(self, anon: httpx.AsyncClient) -> None:
        assert_error(await anon.post("/clients", content=b"{oops"), 401, 10001)

    async def test_minimal_with_defaults(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/clients", json={"name": "Acme"})
        assert response.status_code == 201
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert isinstance(body["id"], int) and body["id"] >= 1
        assert body["name"] == "Acme"
        assert body["enabled"] is True
        for key in OPTIONAL:
            assert body[key] is None, key
        assert UPDATED_AT.match(body["updatedAt"])
        assert "deleted" not in body
        assert "X-Ignored-Fields" not in response.headers
        assert response.headers["Location"] == f"/api/v2/ext/clients/{body['id']}"
        assert await fetch(api, body["id"]) == body

    async def test_location_resolves(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/clients", json={"name": "Acme"})
        again = await api.get(response.headers["Location"].removeprefix("/api/v2/ext"))
        assert again.status_code == 200
        assert again.json() == response.json()

    async def test_all_fields_round_trip(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/clients", json=FULL)
        assert response.status_code == 201, response.text
        body = response.json()
        for key, value in FULL.items():
            assert body[key] == value, key
        assert await fetch(api, body["id"]) == body

    async def test_ids_increase(self, api: httpx.AsyncClient) -> None:
        first = await create(api, "A")
        second = await create(api, "B")
        assert second["id"] > first["id"]

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/clients/", json={"name": "Acme"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["Location"] == f"/api/v2/ext/clients/{body['id']}"
        assert await names(api) == ["Acme"]

    @pytest.mark.parametrize(
        ("sent", "stored"),
        [
            (True, True),
            (False, False),
            (1, True),
            (0, False),
            ("true", True),
            ("false", False),
            ("1", True),
            ("0", False),
        ],
    )
    async def test_enabled_spellings(self, api: httpx.AsyncClient, sent: Any, stored: bool) -> None:
        body = await create(api, enabled=sent)
        assert body["enabled"] is stored
        assert (await fetch(api, body["id"]))["enabled"] is stored

    async def test_name_is_trimmed(self, api: httpx.AsyncClient) -> None:
        body = await create(api, "  Acme  ")
        assert body["name"] == "Acme"

    async def test_country_is_upper_cased(self, api: httpx.AsyncClient) -> None:
        body = await create(api, addressCountry="at")
        assert body["addressCountry"] == "AT"

    @pytest.mark.parametrize("color", ["#1a2b3c", "1A2B3C", "#abc", "fff"])
    async def test_color_spellings(self, api: httpx.AsyncClient, color: str) -> None:
        assert (await create(api, color=color))["color"] == color

    async def test_longest_values(self, api: httpx.AsyncClient) -> None:
        body = await create(api, "N" * 255, notes="n" * 10_000, phone="p" * 255, field3="f" * 255)
        assert body["name"] == "N" * 255
        assert body["notes"] == "n" * 10_000
        assert body["phone"] == "p" * 255
        assert body["field3"] == "f" * 255

    async def test_name_that_case_folds_longer(self, api: httpx.AsyncClient) -> None:
        # "ß" case-folds to "ss"; names are compared folded, and the folded form has the same
        # 255-character limit (docs: "Limits"), so 128 of them are refused, 127 fit.
        body = await create(api, "ß" * 127)
        assert body["name"] == "ß" * 127
        assert_error(
            await api.post("/clients", json={"name": "SS" * 127}), 409, 11030, pointer="/name"
        )
        response = await api.post("/clients", json={"name": "ß" * 128})
        assert_error(response, 400, 10011, pointer="/name")
        assert await names(api) == ["ß" * 127]

    async def test_empty_strings_are_kept(self, api: httpx.AsyncClient) -> None:
        body = await create(api, notes="", email="", color="", addressCountry="")
        assert body["notes"] == ""
        assert body["email"] == ""

    async def test_unicode_round_trip(self, api: httpx.AsyncClient) -> None:
        name = "日本の顧客 🚀"
        body = await create(api, name, notes="emoji 🎉 and ümlauts")
        assert body["name"] == name
        assert await names(api, name="顧客") == [name]

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        response = await api.post(
            "/clients",
            json={"name": "Acme", "langauge": "de", "id": 999, "address_city": "x"},
        )
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == "langauge, id, address_city"
        body = response.json()
        assert body["id"] != 999
        assert body["addressCity"] is None
        assert "langauge" not in body

    async def test_ignored_keys_beyond_ascii_are_encoded(self, api: httpx.AsyncClient) -> None:
        # Keys are the client's text: they must neither break the response (a 500 after the
        # commit) nor inject a header.
        body = {"name": "Acme", "名前": "x", "café": 1, "a\r\nSet-Cookie: x=1": 1, "a,b": 1}
        response = await api.post("/clients", json=body)
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == (
            "%E5%90%8D%E5%89%8D, caf%C3%A9, a%0D%0ASet-Cookie:%20x=1, a%2Cb"
        )
        assert "set-cookie" not in response.headers
        assert await names(api) == ["Acme"]

    async def test_many_ignored_keys_keep_the_header_small(self, api: httpx.AsyncClient) -> None:
        body = {"name": "Acme", **{f"unknown{i:05d}": i for i in range(3000)}}
        response = await api.post("/clients", json=body)
        assert response.status_code == 201, response.text
        header = response.headers["X-Ignored-Fields"]
        assert header.startswith("unknown00000, unknown00001, ")
        assert header.endswith(", ...")
        assert len(header) <= 2100

    async def test_curl_form_content_type(self, api: httpx.AsyncClient) -> None:
        # curl -d sends application/x-www-form-urlencoded; the body is JSON all the same.
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        response = await api.post("/clients", content=b'{"name": "Acme"}', headers=form)
        assert response.status_code == 201, response.text
        listed = await api.post("/clients", content=b"{}", headers=form)
        assert listed.status_code == 200
        assert [c["name"] for c in listed.json()] == ["Acme"]
        one = await api.post(f"/clients/{response.json()['id']}", content=b"{}", headers=form)
        assert one.json() == response.json()

    async def test_concurrent_duplicates(self, api: httpx.AsyncClient) -> None:
        responses = await asyncio.gather(
            *(
                api.post("/clients", json={"name": f"Race {'RACE' if i % 2 else 'race'}"})
                for i in range(8)
            )
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 7, [r.text for r in responses]
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 11030, pointer="/name")
        assert len(await names(api)) == 1

    async def test_null_optionals(self, api: httpx.AsyncClient) -> None:
        body = await create(api, notes=None, email=None, color=None)
        assert body["notes"] is None
        assert body["email"] is None

    # --- POST with an empty body is a list -----------------------------------------------------

    async def test_empty_body_list_honours_filters_and_paging(self, api: httpx.AsyncClient) -> None:
        for name in ("Acme One", "Globex", "ACME Two", "acme three"):
            await create(api, name)
        response = await api.post("/clients", params={"name": "acme"}, json={})
        assert response.status_code == 200
        assert [c["name"] for c in response.json()] == ["Acme One", "ACME Two", "acme three"]
        assert response.headers["X-Total-Count"] == "3"
        paged = await api.post("/clients?name=acme&limit=1&page_number=1", json={})
        assert [c["name"] for c in paged.json()] == ["ACME Two"]
        assert paged.headers["X-Total-Count"] == "3"

    # --- conflicts -----------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ("Acme", "Acme"),
            ("Acme", "acme"),
            ("Acme", "ACME"),
            ("Acme", "  Acme "),
            ("Müller", "MÜLLER"),
            ("müller", "Müller"),
            ("Straße", "STRASSE"),
            ("ÉCOLE", "école"),
        ],
    )
    async def test_duplicate_name(self, api: httpx.AsyncClient, first: str, second: str) -> None:
        original = await create(api, first)
        response = await api.post("/clients", json={"name": second, "notes": "dup"})
        assert_error(response, 409, 11030, pointer="/name")
        listed = (await api.get("/clients")).json()
        assert listed == [original]

    async def test_deleted_name_can_be_reused(self, api: httpx.AsyncClient) -> None:
        old = await create(api, "Acme")
        assert (await api.delete(f"/clients/{old['id']}")).status_code == 200
        new = await create(api, "ACME")
        assert new["id"] != old["id"]
        assert await names(api) == ["ACME"]
        assert_error(await api.post("/clients", json={"name": "acme"}), 409, 11030, pointer="/name")

    async def test_same_name_in_two_accounts(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        mine = await create(api, "Acme", notes="mine")
        theirs = await create(other_api, "Acme", notes="theirs")
        assert (await fetch(api, mine["id"]))["notes"] == "mine"
        assert (await fetch(other_api, theirs["id"]))["notes"] == "theirs"
        assert await names(api) == ["Acme"]
        assert await names(other_api) == ["Acme"]

    # --- bad input -----------------------------------------------------------------------------

    async def test_missing_name(self, api: httpx.AsyncClient) -> None:
        response = await api.post("/clients", json={"notes": "no name"})
        assert_error(response, 400, 10010, pointer="/name")
        assert await names(api) == []

    async def test_only_unknown_keys_is_a_create_without_name(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.post("/clients", json={"langauge": "de"}), 400, 10010, pointer="/name"
        )
        assert await names(api) == []

    @pytest.mark.parametrize(
        ("body", "pointer"),
        [
            ({"name": 5}, "/name"),
            ({"name": None}, "/name"),
            ({"name": ["Acme"]}, "/name"),
            ({"name": ""}, "/name"),
            ({"name": "   "}, "/name"),
            ({"name": "N" * 256}, "/name"),
            ({"name": "Ac\x00me"}, "/name"),
            ({"name": "Acme", "enabled": "yes"}, "/enabled"),
            ({"name": "Acme", "enabled": 2}, "/enabled"),
            ({"name": "Acme", "enabled": None}, "/enabled"),
            ({"name": "Acme", "notes": "n" * 10_001}, "/notes"),
            ({"name": "Acme", "notes": "a\x00b"}, "/notes"),
            ({"name": "Acme", "notes": 12}, "/notes"),
            ({"name": "Acme", "phone": "p" * 256}, "/phone"),
            ({"name": "Acme", "address": "x\x00"}, "/address"),
            ({"name": "Acme", "addressZipCode": 80331}, "/addressZipCode"),
            ({"name": "Acme", "field1": {"a": 1}}, "/field1"),
            ({"name": "Acme", "email": "not-an-email"}, "/email"),
            ({"name": "Acme", "email": "a@b"}, "/email"),
            ({"name": "Acme", "email": "a b@c.de"}, "/email"),
            ({"name": "Acme", "email": 5}, "/email"),
            ({"name": "Acme", "email": "a" * 250 + "@b.de"}, "/email"),
            ({"name": "Acme", "color": "red"}, "/color"),
            ({"name": "Acme", "color": "#12345"}, "/color"),
            ({"name": "Acme", "color": "#GGGGGG"}, "/color"),
            ({"name": "Acme", "color": "#1a2b3c4d"}, "/color"),
            ({"name": "Acme", "addressCountry": "DEU"}, "/addressCountry"),
            ({"name": "Acme", "addressCountry": "D"}, "/addressCountry"),
            ({"name": "Acme", "addressCountry": "1A"}, "/addressCountry"),
            ({"name": "Acme", "addressCountry": 49}, "/addressCountry"),
        ],
    )
    async def test_invalid_field(
        self, api: httpx.AsyncClient, body: dict[str, Any], pointer: str
    ) -> None:
        response = await api.post("/clients", json=body)
        assert_error(response, 400, 10011, pointer=pointer)
        assert await names(api) == []

    async def test_every_problem_is_listed(self, api: httpx.AsyncClient) -> None:
        response = await api.post(
            "/clients", json={"name": 5, "email": "nope", "color": "blue", "enabled": "maybe"}
        )
        errors = assert_errors(response, 400)
        assert {e["code"] for e in errors} == {10011}
        assert sorted(e["source"]["pointer"] for e in errors) == [
            "/color",
            "/email",
            "/enabled",
            "/name",
        ]
        assert await names(api) == []

    async def test_missing_and_invalid_together(self, api: httpx.AsyncClient) -> None:
        errors = assert_errors(await api.post("/clients", json={"email": "nope"}), 400)
        by_pointer = {e["source"]["pointer"]: e["code"] for e in errors}
        assert by_pointer == {"/name": 10010, "/email": 10011}

    async def test_conflict_after_failed_create_leaves_nothing(
        self, api: httpx.AsyncClient
    ) -> None:
        assert_error(
            await api.post("/clients", json={"name": "Acme", "color": "x"}),
            400,
            10011,
            pointer="/color",
        )
        body = await create(api, "Acme")
        assert await names(api) == ["Acme"]
        assert body["color"] is None
