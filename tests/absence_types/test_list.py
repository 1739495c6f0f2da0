"""The six default absence types of every account, and listing them."""

from __future__ import annotations

import asyncio

import httpx
from conftest import assert_error

from .common import DEFAULT_NAMES, DEFAULTS, TYPE_KEYS, UPDATED_AT, create, fetch, listed, names


class TestDefaults:
    async def test_a_fresh_account_has_the_six(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absence_types")
        assert response.status_code == 200
        assert response.headers["X-Total-Count"] == "6"
        body = response.json()
        assert [
            (
                t["id"],
                t["name"],
                t["shortName"],
                t["color"],
                t["countsAgainstEntitlement"],
                t["plannable"],
                t["creditsTarget"],
                t["halfDay"],
            )
            for t in body
        ] == DEFAULTS
        for item in body:
            assert set(item) == TYPE_KEYS
            assert UPDATED_AT.match(item["updatedAt"])

    async def test_each_account_has_its_own(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        assert await names(api) == DEFAULT_NAMES
        assert await names(other_api) == DEFAULT_NAMES
        changed = await api.put("/absence_types/1", json={"name": "Annual leave"})
        assert changed.status_code == 200, changed.text
        assert (await fetch(other_api, 1))["name"] == "Vacation"
        assert (await api.delete("/absence_types/6")).status_code == 200
        assert [t["id"] for t in await listed(other_api)] == [1, 2, 3, 4, 5, 6]

    async def test_new_types_count_on_from_seven(self, api: httpx.AsyncClient) -> None:
        created = await create(api)
        assert created["id"] == 7

    async def test_raw_json(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absence_types/5")
        text = response.text
        assert '"shortName":"SICK"' in text
        assert '"countsAgainstEntitlement":false' in text
        assert '"plannable":false' in text
        assert '"creditsTarget":true' in text
        assert '"halfDay":false' in text
        assert '"id":5' in text


class TestList:
    async def test_ordered_by_id_bare_array(self, api: httpx.AsyncClient) -> None:
        b = await create(api, "Zeta", shortName="Z")
        a = await create(api, "Alpha", shortName="A")
        response = await api.get("/absence_types")
        body = response.json()
        assert isinstance(body, list)
        assert [t["id"] for t in body] == [1, 2, 3, 4, 5, 6, b["id"], a["id"]]
        assert body[-2:] == [b, a]
        assert response.headers["X-Total-Count"] == "8"

    async def test_name_filter(self, api: httpx.AsyncClient) -> None:
        assert await names(api, name="LEAVE") == ["Half-day leave", "Special leave", "Sick leave"]
        assert await names(api, name="off") == ["Home office", "Time off"]
        assert await names(api, name="nothing") == []
        await create(api, "Straßenbau-Urlaub", shortName="SB")
        assert await names(api, name="STRASSE") == ["Straßenbau-Urlaub"]
        assert await names(api, name="%") == []
        response = await api.post("/absence_types", params={"name": "leave"}, json={})
        assert response.headers["X-Total-Count"] == "3"

    async def test_bad_name_filter(self, api: httpx.AsyncClient) -> None:
        assert_error(
            await api.get("/absence_types", params={"name": "x" * 256}),
            400,
            10013,
            parameter="name",
        )

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absence_types", params={"limit": 2, "page_number": 1})
        assert [t["id"] for t in response.json()] == [3, 4]
        assert response.headers["X-Total-Count"] == "6"
        assert 'rel="next"' in response.headers["Link"]
        assert_error(
            await api.get("/absence_types", params={"limit": 1001}), 400, 10013, parameter="limit"
        )

    async def test_change_feed(self, api: httpx.AsyncClient) -> None:
        created = await create(api)
        await asyncio.sleep(0.01)
        since = created["updatedAt"]
        changed = await api.put("/absence_types/2", json={"color": "#123"})
        assert changed.status_code == 200
        assert [t["id"] for t in await listed(api, updatedSince=since)] == [2, created["id"]]
        deleted = await api.delete("/absence_types/3")
        assert deleted.status_code == 200
        assert deleted.json()["deleted"] is True
        assert 3 not in [t["id"] for t in await listed(api)]
        feed = await listed(api, updatedSince=since, includeDeleted="true")
        assert [(t["id"], t.get("deleted")) for t in feed] == [
            (2, None),
            (3, True),
            (created["id"], None),
        ]
        assert_error(
            await api.get("/absence_types", params={"updatedSince": "yesterday"}),
            400,
            10013,
            parameter="updatedSince",
        )
