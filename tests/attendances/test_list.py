"""Listing attendances: order, filters, paging, change feed; another account's names and ids."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import (
    PARAMETER_INVALID,
    assert_error,
)

from .common import (
    ATTENDANCE,
    BERLIN,
    USER_UNKNOWN,
    add_user,
    body_of,
    clock_in,
    clock_out,
    create,
    fetch,
    listed,
    listed_ids,
    span,
    three,
)


class TestList:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/attendances")
        assert response.status_code == 200
        assert response.text == "[]"
        assert response.headers["X-Total-Count"] == "0"

    async def test_read_by_post(self, api: httpx.AsyncClient) -> None:
        made = await three(api)
        for response in (
            await api.post("/attendances", json={}),
            await api.post("/attendances/", content=b""),
        ):
            assert response.status_code == 200, response.text
            assert response.json() == made
        response = await api.post("/attendances", params={"user": "bob"}, json={})
        assert response.json() == [made[1]]

    async def test_ordered_by_local_start_then_id(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await add_user(api, "bob", timeZone=BERLIN)
        late = await create(api, **span(4, "12:00", "13:00"))
        # 10:00 Berlin is 09:00 UTC: it sorts by its wall clock, after alice's 09:30.
        berlin = await create(api, user="bob", **span(4, "10:00", "11:00"))
        early = await create(api, **span(4, "09:30", "10:00"))
        same = await create(api, user="bob", **span(4, "12:00", "13:00"))
        assert await listed_ids(api) == [early["id"], berlin["id"], late["id"], same["id"]]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"user": "alice"}, [0, 2]),
            ({"username": "BOB"}, [1]),
            ({"user": "bob", "username": "alice"}, [1]),
            ({"user": "ali"}, []),
            ({"user": "nobody"}, []),
            ({"from": "2025-03-05"}, [1, 2]),
            ({"to": "2025-03-05"}, [0, 1]),
            ({"from": "2025-03-05", "to": "2025-03-05"}, [1]),
            ({"from": "2025-03-05T09:00:00Z"}, [1, 2]),
            ({"from": "2025-03-05T09:00:01Z"}, [2]),
            ({"to": "2025-03-05T09:00:00Z"}, [0, 1]),
            ({"to": "2025-03-05T00:00:00Z"}, [0]),
            ({"from": "2025-03-05T10:00:00+01:00", "to": "2025-03-06T09:00:00+00:00"}, [1, 2]),
            ({"user": "alice", "from": "2025-03-05"}, [2]),
            ({"from": "2025-03-07"}, []),
        ],
    )
    async def test_filters(
        self, api: httpx.AsyncClient, params: dict[str, str], expected: list[int]
    ) -> None:
        made = await three(api)
        assert await listed_ids(api, **params) == [made[i]["id"] for i in expected]

    async def test_user_id_filter(self, api: httpx.AsyncClient) -> None:
        made = await three(api)
        alice, bob = made[0]["userId"], made[1]["userId"]
        assert await listed_ids(api, userId=alice) == [made[0]["id"], made[2]["id"]]
        assert await listed_ids(api, userId=str(bob), user="BOB") == [made[1]["id"]]
        assert await listed_ids(api, userId=bob, user="alice") == []
        assert await listed_ids(api, userId=999) == []
        by_post = await api.post("/attendances", params={"userId": bob}, json={})
        assert [a["id"] for a in by_post.json()] == [made[1]["id"]]

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"from": "2025-02-30"}, "from"),
            ({"to": "tomorrow"}, "to"),
            ({"from": "2025-03-04 09:00"}, "from"),
            ({"to": "x" * 41}, "to"),
            ({"user": "x" * 256}, "user"),
            ({"userId": "bob"}, "userId"),
            ({"userId": 0}, "userId"),
            ({"userId": str(2**63)}, "userId"),
            ({"updatedSince": "yesterday"}, "updatedSince"),
        ],
    )
    async def test_bad_parameters(
        self, api: httpx.AsyncClient, params: dict[str, Any], parameter: str
    ) -> None:
        await add_user(api)
        keep = await create(api)
        for response in (
            await api.get("/attendances", params=params),
            await api.post("/attendances", params=params, json={}),
        ):
            assert_error(response, 400, PARAMETER_INVALID, parameter=parameter)
        assert await listed(api) == [keep]


class TestTenantIsolation:
    async def test_usernames_answer_like_unknown_ones(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await add_user(api)
        await clock_in(api, "2025-03-04T09:00:00Z")
        mine = await listed(api)
        await add_user(other_api, "bob")
        response = await other_api.post("/attendances", json=ATTENDANCE)
        assert_error(response, 400, USER_UNKNOWN, pointer="/user")
        response = await other_api.post("/attendances", json=body_of(["user"], username="alice"))
        assert_error(response, 400, USER_UNKNOWN, pointer="/username")
        assert_error(
            await clock_in(other_api, "2025-03-04T10:00:00Z"),
            400,
            USER_UNKNOWN,
            pointer="/username",
        )
        assert_error(
            await clock_out(other_api, "2025-03-04T17:00:00Z"),
            400,
            USER_UNKNOWN,
            pointer="/username",
        )
        theirs = await create(other_api, user="bob")
        assert_error(
            await other_api.put(f"/attendances/{theirs['id']}", json={"user": "alice"}),
            400,
            USER_UNKNOWN,
            pointer="/user",
        )
        assert await listed(api) == mine
        assert await listed(other_api) == [theirs]

    async def test_filters_find_nothing_of_the_other_account(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await add_user(api)
        await create(api)
        for params in (
            {},
            {"user": "alice"},
            {"from": "2025-03-04", "to": "2025-03-04"},
            {"includeDeleted": "true"},
        ):
            response = await other_api.get("/attendances", params=params)
            assert response.status_code == 200
            assert response.text == "[]"
            assert response.headers["X-Total-Count"] == "0"

    async def test_same_names_and_times_stay_apart(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await add_user(api)
        await add_user(other_api)
        mine = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        theirs = (await clock_in(other_api, "2025-03-04T09:00:00Z")).json()
        assert mine["id"] == theirs["id"]
        assert (await clock_out(other_api, "2025-03-04T17:00:00Z")).status_code == 200
        assert await fetch(api, mine["id"]) == mine
        assert (await clock_out(api, "2025-03-04T12:00:00Z")).json()["workedMinutes"] == 180
