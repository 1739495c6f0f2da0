"""Updating and deleting an attendance."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import (
    FIELD_INVALID,
    FIELD_READ_ONLY,
    assert_error,
)

from .common import (
    BERLIN,
    BREAK_TOO_LONG,
    CLOCKED_IN,
    DELETED,
    END_BEFORE_START,
    NEVER,
    OVERLAP,
    USER_UNKNOWN,
    WORKED_INCONSISTENT,
    add_user,
    clock_in,
    create,
    create_open,
    fetch,
    listed,
    listed_ids,
    span,
    without,
)


class TestUpdate:
    async def test_partial_update_keeps_the_rest(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, notes="old", latitudeStart=1, breakMinutes=30)
        response = await api.put(f"/attendances/{body['id']}", json={"notes": "new", "manual": "0"})
        assert response.status_code == 200, response.text
        changed = response.json()
        assert without(changed, "notes", "manual", "updatedAt") == without(
            body, "notes", "manual", "updatedAt"
        )
        assert (changed["notes"], changed["manual"]) == ("new", False)
        assert changed["updatedAt"] >= body["updatedAt"]
        assert await fetch(api, body["id"]) == changed

    async def test_nulls_clear_optional_fields(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, notes="n", latitudeStart=1, longitudeEnd=2)
        response = await api.put(
            f"/attendances/{body['id']}",
            json={"notes": None, "latitudeStart": None, "longitudeEnd": None},
        )
        assert response.status_code == 200, response.text
        for key in ("notes", "latitudeStart", "longitudeEnd"):
            assert response.json()[key] is None, key

    async def test_times(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, breakMinutes=30)
        url = f"/attendances/{body['id']}"

        async def put(change: dict[str, Any]) -> tuple[str, str | None, int | None, int]:
            response = await api.put(url, json=change)
            assert response.status_code == 200, response.text
            b = response.json()
            to = None if b["to"] is None else b["to"][11:16]
            return b["from"][11:16], to, b["workedMinutes"], b["breakMinutes"]

        assert await put({"from": "2025-03-04T08:00:00Z"}) == ("08:00", "17:00", 510, 30)
        assert await put({"to": "2025-03-04T16:00:00Z"}) == ("08:00", "16:00", 450, 30)
        assert await put({"breakMinutes": 60}) == ("08:00", "16:00", 420, 60)
        assert await put({"workedMinutes": 300}) == ("08:00", "14:00", 300, 60)
        # Re-opened: clocked in again since 08:00.
        assert await put({"to": None}) == ("08:00", None, None, 60)
        assert await put({"from": "2025-03-04T07:00:00Z"}) == ("07:00", None, None, 60)
        assert await put({"workedMinutes": None}) == ("07:00", None, None, 60)
        # Closed again, by `to` or by `workedMinutes`.
        assert await put({"to": "2025-03-04T12:00:00Z"}) == ("07:00", "12:00", 240, 60)
        assert await put({"to": None, "workedMinutes": None}) == ("07:00", None, None, 60)
        assert await put({"workedMinutes": 120}) == ("07:00", "10:00", 120, 60)
        assert (await fetch(api, body["id"]))["toUtc"] == "2025-03-04T10:00:00.000Z"

    @pytest.mark.parametrize(
        ("change", "code", "pointer"),
        [
            ({"to": "2025-03-04T09:00:00Z"}, END_BEFORE_START, "/to"),
            ({"from": "2025-03-04T18:00:00Z"}, END_BEFORE_START, "/to"),
            ({"breakMinutes": 480}, BREAK_TOO_LONG, "/breakMinutes"),
            (
                {"workedMinutes": 400, "to": "2025-03-04T17:00:00Z"},
                WORKED_INCONSISTENT,
                "/workedMinutes",
            ),
            ({"to": None, "workedMinutes": 60}, FIELD_INVALID, "/workedMinutes"),
            ({"workedMinutes": None}, FIELD_INVALID, "/workedMinutes"),
            ({"from": None}, FIELD_INVALID, "/from"),
            ({"breakMinutes": None}, FIELD_INVALID, "/breakMinutes"),
            ({"manual": None}, FIELD_INVALID, "/manual"),
            ({"user": None}, FIELD_INVALID, "/user"),
            ({"username": None}, FIELD_INVALID, "/username"),
            ({"from": "2025-02-29T09:00:00Z"}, FIELD_INVALID, "/from"),
            ({"to": "2025-03-04 17:00"}, FIELD_INVALID, "/to"),
            ({"to": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/to"),
            ({"user": "nobody"}, USER_UNKNOWN, "/user"),
            ({"username": "nobody"}, USER_UNKNOWN, "/username"),
            ({"id": NEVER}, FIELD_READ_ONLY, "/id"),
        ],
    )
    async def test_refused(
        self, api: httpx.AsyncClient, change: dict[str, Any], code: int, pointer: str
    ) -> None:
        await add_user(api)
        body = await create(api, notes="keep")
        response = await api.put(f"/attendances/{body['id']}", json=change)
        assert_error(response, 400, code, pointer=pointer)
        assert await fetch(api, body["id"]) == body

    async def test_refused_change_with_valid_ones_writes_nothing(
        self, api: httpx.AsyncClient
    ) -> None:
        await add_user(api)
        body = await create(api)
        response = await api.put(
            f"/attendances/{body['id']}", json={"notes": "changed", "user": "nobody"}
        )
        assert_error(response, 400, USER_UNKNOWN, pointer="/user")
        await create(api, **span(5, "09:00", "17:00"))
        response = await api.put(
            f"/attendances/{body['id']}",
            json={"notes": "changed", "to": "2025-03-05T10:00:00Z"},
        )
        assert_error(response, 409, OVERLAP)
        assert await fetch(api, body["id"]) == body

    async def test_overlaps(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        first = await create(api, **span(4, "09:00", "12:00"))
        second = await create(api, **span(4, "13:00", "17:00"))
        url = f"/attendances/{second['id']}"
        assert_error(await api.put(url, json={"from": "2025-03-04T11:59:00Z"}), 409, OVERLAP)
        assert_error(await api.put(url, json={"from": "2025-03-04T08:00:00Z"}), 409, OVERLAP)
        # Touching is fine, and an attendance never overlaps itself.
        assert (await api.put(url, json={"from": "2025-03-04T12:00:00Z"})).status_code == 200
        assert (await api.put(url, json={"to": "2025-03-04T18:00:00Z"})).status_code == 200
        # Re-opening the earlier one would reach over the later one.
        response = await api.put(f"/attendances/{first['id']}", json={"to": None})
        assert_error(response, 409, OVERLAP)
        # Re-opening the latest one is fine; a second open one is not.
        assert (await api.put(url, json={"to": None})).status_code == 200
        third = await create(api, **span(3, "09:00", "10:00"))
        assert_error(
            await api.put(f"/attendances/{third['id']}", json={"to": None}), 409, CLOCKED_IN
        )
        assert [a["to"] for a in await listed(api)] == [
            "2025-03-03T10:00:00.000Z",
            "2025-03-04T12:00:00.000Z",
            None,
        ]

    async def test_move_to_another_user(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        bob = await add_user(api, "bob", timeZone=BERLIN)
        mine = await create(api, notes="mine")  # 09:00-17:00 UTC
        theirs = await create(api, user="bob", **span(4, "19:00", "20:00"))  # Berlin
        url = f"/attendances/{mine['id']}"
        # The same instants in bob's zone would overlap his 19:00-20:00: 18:00-18:30 UTC.
        assert_error(
            await api.put(url, json={"user": "bob", "to": "2025-03-04T18:30:00+00:00"}),
            409,
            OVERLAP,
        )
        response = await api.put(url, json={"username": "BOB"})
        assert response.status_code == 200, response.text
        moved = response.json()
        assert (moved["user"], moved["userId"], moved["timeZone"]) == ("bob", bob["id"], BERLIN)
        assert (moved["from"], moved["to"]) == (
            "2025-03-04T10:00:00.000Z",
            "2025-03-04T18:00:00.000Z",
        )
        assert (moved["fromUtc"], moved["workedMinutes"]) == (mine["fromUtc"], 480)
        assert await listed_ids(api, user="bob") == [mine["id"], theirs["id"]]
        assert await listed(api, user="alice") == []

    async def test_echo_of_the_whole_attendance(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        for body in (
            await create(api, notes="d", latitudeStart=1.5, breakMinutes=15),
            await create_open(api, "2025-03-05T09:00:00Z", manual=False),
        ):
            response = await api.put(f"/attendances/{body['id']}", json=body)
            assert response.status_code == 200, response.text
            assert without(response.json(), "updatedAt") == without(body, "updatedAt")
            ignored = response.headers["X-Ignored-Fields"].split(", ")
            assert set(ignored) == {"id", "userId", "timeZone", "fromUtc", "toUtc", "updatedAt"}


class TestDelete:
    async def test_soft_delete(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, notes="keep me")
        other = await create(api, **span(5, "09:00", "17:00"))
        response = await api.delete(f"/attendances/{body['id']}")
        assert response.status_code == 200, response.text
        deleted = response.json()
        assert deleted["deleted"] is True
        assert without(deleted, "deleted", "updatedAt") == without(body, "updatedAt")
        assert_error(await api.get(f"/attendances/{body['id']}"), 404, DELETED)
        assert_error(await api.post(f"/attendances/{body['id']}"), 404, DELETED)
        assert_error(await api.delete(f"/attendances/{body['id']}"), 404, DELETED)
        assert await listed(api) == [other]
        feed = await listed(api, includeDeleted="true")
        assert [a["id"] for a in feed] == [body["id"], other["id"]]
        assert feed[0]["deleted"] is True and feed[0]["notes"] == "keep me"
        assert "deleted" not in feed[1]

    async def test_deleting_the_open_one_clocks_out_nobody(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        running = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        assert (await api.delete(f"/attendances/{running['id']}")).status_code == 200
        assert (await clock_in(api, "2025-03-04T10:00:00Z")).status_code == 201

    async def test_attendances_outlive_their_user(self, api: httpx.AsyncClient) -> None:
        user = await add_user(api)
        body = await create(api)
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
        assert await fetch(api, body["id"]) == body
        assert await listed(api, user="alice") == [body]
