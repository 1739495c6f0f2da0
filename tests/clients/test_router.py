"""``/clients`` over HTTP (SPEC §2 "Clients", with the wire conventions of §1)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error, assert_errors

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

FULL: dict[str, Any] = {
    "name": "Acme GmbH",
    "enabled": False,
    "color": "#1a2B3c",
    "notes": "two\nlines ✓",
    "email": "billing@acme.example",
    "phone": "+49 89 1234-0",
    "address": "Hauptstraße 1",
    "address2": "Hinterhaus",
    "addressZipCode": "80331",
    "addressCity": "München",
    "addressCountry": "DE",
    "contactPerson": "Erika Mustermann",
    "field1": "one",
    "field2": "two",
    "field3": "three",
}
OPTIONAL = [k for k in FULL if k not in ("name", "enabled")]


# --- helpers ----------------------------------------------------------------------------------


async def create(api: httpx.AsyncClient, name: str = "Acme", **fields: Any) -> dict[str, Any]:
    response = await api.post("/clients", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def fetch(api: httpx.AsyncClient, client_id: int) -> dict[str, Any]:
    response = await api.get(f"/clients/{client_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def names(api: httpx.AsyncClient, **params: Any) -> list[str]:
    response = await api.get("/clients", params=params)
    assert response.status_code == 200, response.text
    return [c["name"] for c in response.json()]


async def create_project(api: httpx.AsyncClient, client_name: str, name: str = "Web") -> int:
    response = await api.post("/projects", json={"projectName": name, "clientName": client_name})
    assert response.status_code == 201, response.text
    project_id: int = response.json()["id"]
    return project_id


# --- list -------------------------------------------------------------------------------------


class TestListClients:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/clients")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"
        assert "Link" not in response.headers

    async def test_bare_array_ordered_by_id(self, api: httpx.AsyncClient) -> None:
        created = [await create(api, name) for name in ("Zeta", "Alpha", "Mu")]
        response = await api.get("/clients")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert isinstance(body, list)
        assert body == created
        assert [c["id"] for c in body] == sorted(c["id"] for c in created)
        assert response.headers["X-Total-Count"] == "3"

    async def test_items_carry_every_field(self, api: httpx.AsyncClient) -> None:
        created = await create(api, **{k: v for k, v in FULL.items() if k != "name"})
        [item] = (await api.get("/clients")).json()
        assert item == created
        for key, value in FULL.items():
            if key != "name":
                assert item[key] == value, key

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        for i in range(5):
            await create(api, f"C{i}")
        response = await api.get("/clients", params={"limit": 2, "page_number": 1})
        assert response.status_code == 200
        assert [c["name"] for c in response.json()] == ["C2", "C3"]
        assert response.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in response.headers["Link"]
        assert 'rel="prev"' in response.headers["Link"]
        last = await api.get("/clients", params={"limit": 2, "page_number": 2})
        assert [c["name"] for c in last.json()] == ["C4"]
        assert last.headers["X-Total-Count"] == "5"
        assert 'rel="next"' not in last.headers["Link"]
        first = await api.get("/clients", params={"limit": 2, "page": 1})
        assert [c["name"] for c in first.json()] == ["C0", "C1"]
        beyond = await api.get("/clients", params={"limit": 2, "page_number": 9})
        assert beyond.status_code == 200
        assert beyond.json() == []
        assert beyond.headers["X-Total-Count"] == "5"

    async def test_link_header_keeps_the_filter(self, api: httpx.AsyncClient) -> None:
        for name in ("Acme 1", "Other", "Acme 2", "Acme 3"):
            await create(api, name)
        response = await api.get("/clients", params={"name": "acme", "limit": 1})
        seen = [c["name"] for c in response.json()]
        while 'rel="next"' in response.headers.get("Link", ""):
            link = response.headers["Link"].split(";")[0].strip("<>")
            response = await api.get(link.removeprefix("http://testserver/api/v2/ext"))
            assert response.status_code == 200
            assert response.headers["X-Total-Count"] == "3"
            seen += [c["name"] for c in response.json()]
        assert seen == ["Acme 1", "Acme 2", "Acme 3"]

    async def test_name_filter_is_case_insensitive_substring(self, api: httpx.AsyncClient) -> None:
        for name in ("Acme Corp", "Mega ACME", "Globex", "acmeish"):
            await create(api, name)
        assert await names(api, name="acme") == ["Acme Corp", "Mega ACME", "acmeish"]
        assert await names(api, name="ACME C") == ["Acme Corp"]
        assert await names(api, name="lob") == ["Globex"]
        assert await names(api, name="nothing") == []
        response = await api.get("/clients", params={"name": "acme"})
        assert response.headers["X-Total-Count"] == "3"

    async def test_empty_name_filter_lists_all(self, api: httpx.AsyncClient) -> None:
        await create(api, "A")
        await create(api, "B")
        assert await names(api, name="") == ["A", "B"]

    async def test_name_filter_non_ascii(self, api: httpx.AsyncClient) -> None:
        await create(api, "Müller & Söhne")
        await create(api, "Mueller")
        await create(api, "ÉCOLE")
        assert await names(api, name="MÜLLER") == ["Müller & Söhne"]
        assert await names(api, name="söhne") == ["Müller & Söhne"]
        assert await names(api, name="école") == ["ÉCOLE"]

    async def test_name_filter_wildcards_are_literal(self, api: httpx.AsyncClient) -> None:
        for name in ("100% Beef", "1000 Beef", "a_b", "axb", "back\\slash", "backslash"):
            await create(api, name)
        assert await names(api, name="%") == ["100% Beef"]
        assert await names(api, name="0%") == ["100% Beef"]
        assert await names(api, name="_") == ["a_b"]
        assert await names(api, name="a_b") == ["a_b"]
        assert await names(api, name="\\") == ["back\\slash"]
        assert await names(api, name="k\\s") == ["back\\slash"]

    @pytest.mark.parametrize("value", ["Ac\x00me", "\x00"])
    async def test_name_filter_with_nul(self, api: httpx.AsyncClient, value: str) -> None:
        await create(api)
        assert_error(
            await api.get("/clients", params={"name": value}), 400, 10013, parameter="name"
        )
        assert_error(
            await api.post("/clients", params={"name": value}, json={}),
            400,
            10013,
            parameter="name",
        )

    async def test_name_filter_too_long(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.get("/clients", params={"name": "x" * 256}), 400, 10013, parameter="name"
        )


# --- create (and the list-by-POST the vendor's curl examples do) ------------------------------


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


# --- get --------------------------------------------------------------------------------------


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


# --- update -----------------------------------------------------------------------------------


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

    # --- missing records ------------------------------------------------------------------------

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


# --- delete -----------------------------------------------------------------------------------


class TestDeleteClient:
    async def test_delete(self, api: httpx.AsyncClient) -> None:
        client = await create(api, **{k: v for k, v in FULL.items() if k != "name"})
        keep = await create(api, "Keep")
        response = await api.delete(f"/clients/{client['id']}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["deleted"] is True
        assert {k: v for k, v in body.items() if k not in ("deleted", "updatedAt")} == {
            k: v for k, v in client.items() if k != "updatedAt"
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert_error(await api.get(f"/clients/{client['id']}"), 404, 11020)
        listed = await api.get("/clients")
        assert listed.json() == [keep]
        assert listed.headers["X-Total-Count"] == "1"
        assert await names(api, name="Acme") == []
        assert (await api.post("/clients", json={})).json() == [keep]

    async def test_refused_while_a_project_references_it(self, api: httpx.AsyncClient) -> None:
        client = await create(api)
        project_id = await create_project(api, "Acme")
        assert_error(await api.delete(f"/clients/{client['id']}"), 409, 11050)
        assert await fetch(api, client["id"]) == client
        assert await names(api) == ["Acme"]
        assert (await api.delete(f"/projects/{project_id}")).status_code == 200
        response = await api.delete(f"/clients/{client['id']}")
        assert response.status_code == 200, response.text
        assert response.json()["deleted"] is True

    async def test_refused_with_several_projects(self, api: httpx.AsyncClient) -> None:
        client = await create(api)
        first = await create_project(api, "Acme", "One")
        await create_project(api, "Acme", "Two")
        assert (await api.delete(f"/projects/{first}")).status_code == 200
        assert_error(await api.delete(f"/clients/{client['id']}"), 409, 11050)

    async def test_project_moved_away_no_longer_blocks(self, api: httpx.AsyncClient) -> None:
        acme = await create(api, "Acme")
        globex = await create(api, "Globex")
        project_id = await create_project(api, "Acme")
        moved = await api.put(f"/projects/{project_id}", json={"clientName": "Globex"})
        assert moved.status_code == 200, moved.text
        assert (await api.delete(f"/clients/{acme['id']}")).status_code == 200
        assert_error(await api.delete(f"/clients/{globex['id']}"), 409, 11050)
        assert await names(api) == ["Globex"]

    async def test_projects_of_other_clients_do_not_block(self, api: httpx.AsyncClient) -> None:
        client = await create(api, "Acme")
        await create(api, "Globex")
        await create_project(api, "Globex")
        assert (await api.delete(f"/clients/{client['id']}")).status_code == 200

    async def test_racing_a_project_create(self, api: httpx.AsyncClient) -> None:
        # Either the delete wins (the project create then finds no client) or the project does
        # (the delete is refused): never a project under a deleted client.
        for round_ in range(5):
            client = await create(api, f"Race {round_}")
            deleted, project = await asyncio.gather(
                api.delete(f"/clients/{client['id']}"),
                api.post("/projects", json={"projectName": "P", "clientName": f"Race {round_}"}),
            )
            if deleted.status_code == 200:
                assert_error(project, 400, 11040, pointer="/clientName")
            else:
                assert_error(deleted, 409, 11050)
                assert project.status_code == 201, project.text

    async def test_other_accounts_projects_do_not_block(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        client = await create(api, "Acme")
        theirs = await create(other_api, "Acme")
        assert theirs["id"] == client["id"]  # ids count per account
        await create_project(other_api, "Acme")
        assert (await api.delete(f"/clients/{client['id']}")).status_code == 200
        assert_error(await other_api.delete(f"/clients/{theirs['id']}"), 409, 11050)


# --- tenant isolation -------------------------------------------------------------------------


class TestTenantIsolation:
    async def test_read_only_change_answers_like_a_missing_one(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        client = await create(api, "Acme")
        response = await other_api.put(f"/clients/{client['id']}", json={"name": "Mine"})
        never = await other_api.put(f"/clients/{NEVER}", json={"name": "Mine"})
        assert response.status_code == never.status_code == 404
        assert response.json()["errors"][0]["code"] == never.json()["errors"][0]["code"]
        assert await fetch(api, client["id"]) == client

    async def test_names_do_not_collide(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "Acme")
        await create(other_api, "ACME")
        assert await names(api) == ["Acme"]
        assert await names(other_api) == ["ACME"]
        assert_error(await api.post("/clients", json={"name": "acme"}), 409, 11030, pointer="/name")
        assert_error(
            await other_api.post("/clients", json={"name": "acme"}), 409, 11030, pointer="/name"
        )

    async def test_other_account_cannot_reference_client_by_name(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await create(api, "Acme")
        response = await other_api.post(
            "/projects", json={"projectName": "Web", "clientName": "Acme"}
        )
        assert_error(response, 400, 11040, pointer="/clientName")
