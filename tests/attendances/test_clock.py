"""Clocking in and out: the open attendance of a user."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import (
    AUTH_MISSING,
    FIELD_INVALID,
    FIELD_REQUIRED,
    assert_error,
)

from .common import (
    BERLIN,
    BREAK_TOO_LONG,
    CLOCK_OUT_BEFORE_IN,
    CLOCKED_IN,
    KEYS,
    NOT_CLOCKED_IN,
    NOT_FOUND,
    OVERLAP,
    USER_UNKNOWN,
    add_user,
    clock_body,
    clock_in,
    clock_out,
    create,
    create_open,
    everything,
    fetch,
    listed,
    without,
)


class TestClockIn:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        await add_user(api)
        response = await anon.post("/attendances/clock_in", json=clock_body("2025-03-04T09:00:00Z"))
        assert_error(response, 401, AUTH_MISSING)
        assert await everything(api) == []

    async def test_opens_an_attendance(self, api: httpx.AsyncClient) -> None:
        user = await add_user(api)
        response = await clock_in(
            api, "2025-03-04T08:58:30.250Z", latitude="48.1", longitude=11.5, notes="Office"
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert set(body) == KEYS
        assert response.headers["Location"] == f"/api/v2/ext/attendances/{body['id']}"
        assert without(body, "id", "updatedAt") == {
            "user": "alice",
            "userId": user["id"],
            "from": "2025-03-04T08:58:30.000Z",
            "to": None,
            "notes": "Office",
            "manual": False,
            "workedMinutes": None,
            "breakMinutes": 0,
            "latitudeStart": "48.1",
            "longitudeStart": "11.5",
            "latitudeEnd": None,
            "longitudeEnd": None,
            "timeZone": "UTC",
            "fromUtc": "2025-03-04T08:58:30.000Z",
            "toUtc": None,
        }
        assert await fetch(api, body["id"]) == body
        assert await listed(api) == [body]

    async def test_trailing_slash_and_case(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "Alice")
        response = await api.post(
            "/attendances/clock_in/", json=clock_body("2025-03-04T09:00:00Z", "ALICE")
        )
        assert response.status_code == 201, response.text
        assert response.json()["user"] == "Alice"

    async def test_twice_is_already_clocked_in(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        first = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        for date in ("2025-03-04T10:00:00Z", "2025-03-04T08:00:00Z", "2025-03-05T09:00:00Z"):
            error = assert_error(await clock_in(api, date), 409, CLOCKED_IN)
            assert f"attendance {first['id']}" in error["detail"]
        # Also when the open one was typed in.
        await add_user(api, "bob")
        await create_open(api, "2025-03-04T09:00:00Z", user="bob")
        assert_error(await clock_in(api, "2025-03-04T10:00:00Z", username="bob"), 409, CLOCKED_IN)
        assert len(await everything(api)) == 2

    async def test_inside_or_before_a_closed_one(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        closed = await create(api)  # 09:00-17:00
        for date in ("2025-03-04T12:00:00Z", "2025-03-04T09:00:00Z", "2025-03-03T09:00:00Z"):
            error = assert_error(await clock_in(api, date), 409, OVERLAP)
            assert f"attendance {closed['id']}" in error["detail"]
        assert (await clock_in(api, "2025-03-04T17:00:00Z")).status_code == 201

    @pytest.mark.parametrize(
        ("body", "code", "pointer"),
        [
            ({"date": "2025-03-04T09:00:00Z"}, FIELD_REQUIRED, "/username"),
            ({"username": "alice"}, FIELD_REQUIRED, "/date"),
            ({"username": "nobody", "date": "2025-03-04T09:00:00Z"}, USER_UNKNOWN, "/username"),
            ({"username": "alice", "date": "2025-02-29T09:00:00Z"}, FIELD_INVALID, "/date"),
            ({"username": "alice", "date": "2025-03-04 09:00"}, FIELD_INVALID, "/date"),
            ({"username": "alice", "date": "2025-03-04"}, FIELD_INVALID, "/date"),
            ({"username": "alice", "date": None}, FIELD_INVALID, "/date"),
            ({"username": "", "date": "2025-03-04T09:00:00Z"}, FIELD_INVALID, "/username"),
            (
                {"username": "alice", "date": "2025-03-04T09:00:00Z", "notes": ["a"]},
                FIELD_INVALID,
                "/notes",
            ),
        ],
    )
    async def test_refused(
        self, api: httpx.AsyncClient, body: dict[str, Any], code: int, pointer: str
    ) -> None:
        await add_user(api)
        assert_error(await api.post("/attendances/clock_in", json=body), 400, code, pointer=pointer)
        assert await everything(api) == []

    async def test_empty_body_is_no_read(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        response = await api.post("/attendances/clock_in", json={})
        assert response.status_code == 400
        pointers = {e["source"]["pointer"] for e in response.json()["errors"]}
        assert pointers == {"/username", "/date"}

    async def test_other_methods_read_it_as_an_id(self, api: httpx.AsyncClient) -> None:
        """``clock_in`` is no attendance id: a GET of it answers like any id that cannot be."""
        assert_error(await api.get("/attendances/clock_in"), 404, NOT_FOUND)
        assert_error(await api.delete("/attendances/clock_out"), 404, NOT_FOUND)


class TestClockOut:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        await add_user(api)
        running = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        body = clock_body("2025-03-04T17:00:00Z")
        assert_error(await anon.post("/attendances/clock_out", json=body), 401, AUTH_MISSING)
        assert await fetch(api, running["id"]) == running

    async def test_closes_the_open_attendance(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        running = (await clock_in(api, "2025-03-04T09:00:00Z", notes="in", latitude=1)).json()
        response = await clock_out(
            api, "2025-03-04T17:30:45Z", latitude="-33.5", longitude=151, notes="done"
        )
        assert response.status_code == 200, response.text
        assert "Location" not in response.headers
        body = response.json()
        assert without(body, "updatedAt") == {
            **without(running, "updatedAt"),
            "to": "2025-03-04T17:30:45.000Z",
            "toUtc": "2025-03-04T17:30:45.000Z",
            "workedMinutes": 511,
            "notes": "done",
            "latitudeEnd": "-33.5",
            "longitudeEnd": "151",
        }
        assert body["manual"] is False
        assert await fetch(api, body["id"]) == body
        # Clocked out: clocking in again works, clocking out again does not.
        assert_error(await clock_out(api, "2025-03-04T18:00:00Z"), 409, NOT_CLOCKED_IN)
        assert (await clock_in(api, "2025-03-04T18:00:00Z")).status_code == 201

    async def test_keeps_what_is_not_sent(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await clock_in(api, "2025-03-04T09:00:00Z", notes="in", latitude=1, longitude=2)
        body = (await clock_out(api, "2025-03-04T10:00:00Z", notes=None)).json()
        assert body["notes"] == "in"
        assert (body["latitudeStart"], body["longitudeStart"]) == ("1", "2")
        assert (body["latitudeEnd"], body["longitudeEnd"]) == (None, None)

    async def test_closes_a_typed_in_open_attendance(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        running = await create_open(api, "2025-03-04T09:00:00Z", breakMinutes=30)
        body = (await clock_out(api, "2025-03-04T17:00:00Z")).json()
        assert body["id"] == running["id"]
        assert (body["workedMinutes"], body["breakMinutes"], body["manual"]) == (450, 30, True)

    async def test_break(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await clock_in(api, "2025-03-04T09:00:00Z")
        response = await clock_out(api, "2025-03-04T10:00:00Z", breakMinutes=60)
        assert_error(response, 400, BREAK_TOO_LONG, pointer="/breakMinutes")
        body = (await clock_out(api, "2025-03-04T10:00:00Z", breakMinutes="15")).json()
        assert (body["workedMinutes"], body["breakMinutes"]) == (45, 15)

    async def test_without_clock_in(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        assert_error(await clock_out(api, "2025-03-04T17:00:00Z"), 409, NOT_CLOCKED_IN)
        closed = await create(api)
        assert_error(await clock_out(api, "2025-03-05T17:00:00Z"), 409, NOT_CLOCKED_IN)
        # A deleted open attendance is no clock-in either.
        gone = await create_open(api, "2025-03-06T09:00:00Z")
        assert (await api.delete(f"/attendances/{gone['id']}")).status_code == 200
        assert_error(await clock_out(api, "2025-03-06T17:00:00Z"), 409, NOT_CLOCKED_IN)
        assert await listed(api) == [closed]

    @pytest.mark.parametrize(
        "date", ["2025-03-04T09:00:00Z", "2025-03-04T08:59:59Z", "2025-03-03T17:00:00Z"]
    )
    async def test_not_after_the_clock_in(self, api: httpx.AsyncClient, date: str) -> None:
        await add_user(api)
        running = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        error = assert_error(await clock_out(api, date), 400, CLOCK_OUT_BEFORE_IN, pointer="/date")
        assert "2025-03-04T09:00:00.000Z" in error["detail"]
        assert await fetch(api, running["id"]) == running

    @pytest.mark.parametrize(
        ("body", "code", "pointer"),
        [
            ({"date": "2025-03-04T17:00:00Z"}, FIELD_REQUIRED, "/username"),
            ({"username": "alice"}, FIELD_REQUIRED, "/date"),
            ({"username": "nobody", "date": "2025-03-04T17:00:00Z"}, USER_UNKNOWN, "/username"),
            ({"username": "alice", "date": "2025-03-32T17:00:00Z"}, FIELD_INVALID, "/date"),
            ({"username": "alice", "date": "17:00"}, FIELD_INVALID, "/date"),
            ({"username": "alice", "date": 1741107600}, FIELD_INVALID, "/date"),
            (
                {"username": "alice", "date": "2025-03-04T17:00:00Z", "breakMinutes": -1},
                FIELD_INVALID,
                "/breakMinutes",
            ),
        ],
    )
    async def test_refused(
        self, api: httpx.AsyncClient, body: dict[str, Any], code: int, pointer: str
    ) -> None:
        await add_user(api)
        running = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        response = await api.post("/attendances/clock_out", json=body)
        assert_error(response, 400, code, pointer=pointer)
        assert await everything(api) == [running]

    async def test_in_the_zone_it_was_clocked_in(self, api: httpx.AsyncClient) -> None:
        user = await add_user(api, timeZone=BERLIN)
        await clock_in(api, "2025-03-04T09:00:00Z")
        response = await api.put(f"/users/{user['id']}", json={"timeZone": "America/New_York"})
        assert response.status_code == 200, response.text
        body = (await clock_out(api, "2025-03-04T17:00:00Z")).json()
        assert (body["timeZone"], body["workedMinutes"]) == (BERLIN, 480)
        assert body["toUtc"] == "2025-03-04T16:00:00.000Z"
