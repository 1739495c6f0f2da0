"""Listing absences: order, filters, paging, change feed; another account's lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error

from .common import SICK, TO, VAC, create, ids, make_user, set_status


class TestList:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/absences")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_ordered_by_id(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        created = [
            await create(api, "2026-09-01"),
            await create(api, "2026-01-01"),
            await create(api, "2026-05-01"),
        ]
        response = await api.get("/absences")
        assert response.json() == created
        assert response.headers["X-Total-Count"] == "3"
        assert (await api.get("/absences/")).json() == created
        by_post = await api.post("/absences", json={})
        assert by_post.status_code == 200 and by_post.json() == created

    async def test_user_filter(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        await make_user(api, "bob")
        await make_user(api, "annette")
        a = await create(api)
        b = await create(api, username="bob")
        c = await create(api, username="annette")
        assert await ids(api, user="ann") == [a["id"]]
        assert await ids(api, username="ANN") == [a["id"]]
        assert await ids(api, username="bob") == [b["id"]]
        assert await ids(api, user="annette", username="bob") == [c["id"]]
        assert await ids(api, username="an") == []
        assert await ids(api, username="nobody") == []

    async def test_user_id_filter(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        bob = await make_user(api, "bob")
        a = await create(api)
        b = await create(api, username="bob")
        assert await ids(api, userId=ann["id"]) == [a["id"]]
        assert await ids(api, userId=str(bob["id"])) == [b["id"]]
        assert await ids(api, userId=bob["id"], username="BOB") == [b["id"]]
        assert await ids(api, userId=bob["id"], user="ann") == []
        assert await ids(api, userId=999) == []

    async def test_range_filters_match_overlaps(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        june = await create(api, "2026-06-25", "2026-07-02")
        july = await create(api, "2026-07-10", "2026-07-12")
        august = await create(api, "2026-07-30", "2026-08-03")
        later = await create(api, "2026-09-01")
        assert await ids(api, **{"from": "2026-07-01", "to": "2026-07-31"}) == [
            june["id"],
            july["id"],
            august["id"],
        ]
        assert await ids(api, startDate="2026-07-01", endDate="2026-07-31") == [
            june["id"],
            july["id"],
            august["id"],
        ]
        assert await ids(api, **{"from": "2026-07-03", "to": "2026-07-09"}) == []
        assert await ids(api, **{"from": "2026-07-12", "to": "2026-07-12"}) == [july["id"]]
        assert await ids(api, **{"from": "2026-08-03"}) == [august["id"], later["id"]]
        assert await ids(api, to="2026-06-25") == [june["id"]]
        assert await ids(api, startDate="2026-08-04") == [later["id"]]
        assert await ids(api, endDate="2026-06-24") == []
        # `from`/`to` win over their aliases; a timestamp stands for its date.
        assert await ids(api, **{"from": "2026-09-01", "startDate": "2026-01-01"}) == [later["id"]]
        assert await ids(api, **{"from": "2026-09-01T12:00:00.000Z"}) == [later["id"]]

    async def test_type_and_status_filters(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        a = await create(api, "2026-01-01", absence_type=VAC)
        b = await create(api, "2026-01-02", absence_type=SICK)
        c = await create(api, "2026-01-03", absence_type=VAC)
        await set_status(api, a["id"], 1)
        await set_status(api, b["id"], 2)
        assert await ids(api, absenceType=VAC) == [a["id"], c["id"]]
        assert await ids(api, absenceType=str(SICK)) == [b["id"]]
        assert await ids(api, absenceType=TO) == []
        assert await ids(api, absenceType=NEVER) == []
        assert await ids(api, status=0) == [c["id"]]
        assert await ids(api, status="1") == [a["id"]]
        assert await ids(api, status=2) == [b["id"]]
        assert await ids(api, status=1, absenceType=SICK) == []
        response = await api.post("/absences", params={"absenceType": VAC, "status": 0}, json={})
        assert [r["id"] for r in response.json()] == [c["id"]]
        assert response.headers["X-Total-Count"] == "1"

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"from": "yesterday"}, "from"),
            ({"to": "2026-02-30"}, "to"),
            ({"startDate": "2026/01/01"}, "startDate"),
            ({"endDate": "x"}, "endDate"),
            ({"status": 3}, "status"),
            ({"status": "approved"}, "status"),
            ({"status": -1}, "status"),
            ({"absenceType": "VAC"}, "absenceType"),
            ({"absenceType": -1}, "absenceType"),
            ({"absenceType": 0}, "absenceType"),
            ({"absenceType": str(2**63)}, "absenceType"),
            ({"absenceType": ""}, "absenceType"),  # empty: no id, like userId=
            ({"status": ""}, "status"),
            ({"status": "01"}, "status"),
            ({"username": "x" * 256}, "username"),
            ({"userId": "ann"}, "userId"),
            ({"userId": -1}, "userId"),
            ({"from": "x" * 41}, "from"),
        ],
    )
    async def test_bad_filters(
        self, api: httpx.AsyncClient, params: dict[str, Any], parameter: str
    ) -> None:
        assert_error(await api.get("/absences", params=params), 400, 10013, parameter=parameter)


class TestTenantIsolation:
    async def test_lists(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await create(api)
        for params in ({}, {"username": "ann"}, {"absenceType": VAC}, {"status": 0}):
            response = await other_api.get("/absences", params=params)
            assert response.json() == []
            assert response.headers["X-Total-Count"] == "0"
