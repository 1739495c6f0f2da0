"""Listing ``/clients``: order, fields, paging and the name filter."""

from __future__ import annotations

import httpx
import pytest
from conftest import assert_error

from .common import FULL, create, names


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
