"""Creating an attendance: times, worked and break minutes, users, refused bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import (
    BODY_NOT_OBJECT,
    FIELD_INVALID,
    FIELD_REQUIRED,
    MALFORMED_JSON,
    assert_error,
)

from .common import (
    ATTENDANCE,
    BREAK_TOO_LONG,
    END_BEFORE_START,
    KEYS,
    UPDATED_AT,
    USER_UNKNOWN,
    WORKED_INCONSISTENT,
    add_user,
    body_of,
    create,
    everything,
    fetch,
    listed,
    span,
    without,
)


class TestCreate:
    async def test_minimal(self, api: httpx.AsyncClient) -> None:
        user = await add_user(api)
        response = await api.post("/attendances", json=ATTENDANCE)
        assert response.status_code == 201, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == KEYS
        assert isinstance(body["id"], int) and body["id"] >= 1
        assert response.headers["Location"] == f"/api/v2/ext/attendances/{body['id']}"
        assert "X-Ignored-Fields" not in response.headers
        assert without(body, "id", "updatedAt") == {
            "user": "alice",
            "userId": user["id"],
            "from": "2025-03-04T09:00:00.000Z",
            "to": "2025-03-04T17:00:00.000Z",
            "notes": None,
            "manual": True,
            "workedMinutes": 480,
            "breakMinutes": 0,
            "latitudeStart": None,
            "longitudeStart": None,
            "latitudeEnd": None,
            "longitudeEnd": None,
            "timeZone": "UTC",
            "fromUtc": "2025-03-04T09:00:00.000Z",
            "toUtc": "2025-03-04T17:00:00.000Z",
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert await fetch(api, body["id"]) == body
        again = await api.get(response.headers["Location"].removeprefix("/api/v2/ext"))
        assert again.json() == body

    async def test_open(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, drop=["to"], breakMinutes=15, notes="in")
        assert body["from"] == "2025-03-04T09:00:00.000Z"
        assert (body["to"], body["toUtc"], body["workedMinutes"]) == (None, None, None)
        assert (body["breakMinutes"], body["manual"], body["notes"]) == (15, True, "in")
        assert await fetch(api, body["id"]) == body
        assert await listed(api) == [body]
        # `to: null` is the same as leaving it out.
        other = await add_user(api, "bob")
        assert (await create(api, user="bob", to=None))["to"] is None
        assert other["username"] == "bob"

    async def test_all_fields_round_trip(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(
            api,
            notes="Office ✓\nsecond line",
            manual="false",
            latitudeStart="48.137154",
            longitudeStart=11.576124,
            latitudeEnd=-33.8688,
            longitudeEnd="151.2093",
            breakMinutes="30",
            workedMinutes=450,
        )
        assert body["notes"] == "Office ✓\nsecond line"
        assert body["manual"] is False
        assert (body["latitudeStart"], body["longitudeStart"]) == ("48.137154", "11.576124")
        assert (body["latitudeEnd"], body["longitudeEnd"]) == ("-33.8688", "151.2093")
        assert (body["workedMinutes"], body["breakMinutes"]) == (450, 30)
        assert await fetch(api, body["id"]) == body
        assert await listed(api) == [body]

    async def test_username_instead_of_user(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        assert (await create(api, drop=["user"], username="alice"))["user"] == "alice"

    async def test_user_wins_over_username(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await add_user(api, "bob")
        assert (await create(api, user="bob", username="alice"))["user"] == "bob"

    async def test_user_is_case_insensitive_and_trimmed(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "Jürgen.Smith")
        body = await create(api, user=" JÜRGEN.smith ")
        assert body["user"] == "Jürgen.Smith"

    async def test_to_missing_is_from_plus_worked_plus_break(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, drop=["to"], workedMinutes=450, breakMinutes=30)
        assert body["to"] == "2025-03-04T17:00:00.000Z"
        assert (body["workedMinutes"], body["breakMinutes"]) == (450, 30)

    async def test_worked_missing_is_span_less_break(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, breakMinutes=45)
        assert (body["workedMinutes"], body["breakMinutes"]) == (435, 45)

    async def test_worked_within_a_minute(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        body = await create(api, to="2025-03-04T17:00:59Z", workedMinutes=480)
        assert body["workedMinutes"] == 480

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        response = await api.post(
            "/attendances", json=body_of(langauge="de", id=99, workedMinutez=3, userId=7)
        )
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == "langauge, id, workedMinutez, userId"
        assert response.json()["id"] == 1

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        response = await api.post("/attendances/", json=ATTENDANCE)
        assert response.status_code == 201, response.text
        assert response.headers["Location"] == f"/api/v2/ext/attendances/{response.json()['id']}"

    async def test_disabled_and_deleted_users(self, api: httpx.AsyncClient) -> None:
        await add_user(api, "bob", enabled=False)
        assert (await create(api, user="bob"))["user"] == "bob"
        carol = await add_user(api, "carol")
        assert (await api.delete(f"/users/{carol['id']}")).status_code == 200
        response = await api.post("/attendances", json=body_of(user="carol"))
        assert_error(response, 400, USER_UNKNOWN, pointer="/user")


class TestCreateBadInput:
    """Every refusal: the right code and pointer, and nothing written."""

    @pytest.mark.parametrize(
        ("drop", "fields", "code", "pointer"),
        [
            (["from"], {}, FIELD_REQUIRED, "/from"),
            (["user"], {}, FIELD_REQUIRED, "/user"),
            ([], {"user": "nobody"}, USER_UNKNOWN, "/user"),
            (["user"], {"username": "nobody"}, USER_UNKNOWN, "/username"),
            ([], {"user": "ali"}, USER_UNKNOWN, "/user"),
            ([], {"user": "ali%"}, USER_UNKNOWN, "/user"),
            # to before (or at) from, and the other span rules.
            ([], {"to": "2025-03-04T09:00:00Z"}, END_BEFORE_START, "/to"),
            ([], {"to": "2025-03-04T08:59:59Z"}, END_BEFORE_START, "/to"),
            ([], {"to": "2025-03-03T17:00:00Z"}, END_BEFORE_START, "/to"),
            (["to"], {"workedMinutes": 0}, END_BEFORE_START, "/to"),
            ([], {"breakMinutes": 480}, BREAK_TOO_LONG, "/breakMinutes"),
            (["to"], {"workedMinutes": 0, "breakMinutes": 30}, BREAK_TOO_LONG, "/breakMinutes"),
            ([], {"workedMinutes": 470}, WORKED_INCONSISTENT, "/workedMinutes"),
            ([], {"workedMinutes": 480, "breakMinutes": 30}, WORKED_INCONSISTENT, "/workedMinutes"),
            # Malformed and impossible times.
            ([], {"from": "2025-02-29T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-02-30T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-04-31T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-13-01T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T24:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T09:60:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04 09:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "04.03.2025 09:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T09:00:00+19:00"}, FIELD_INVALID, "/from"),
            ([], {"from": 1741078800}, FIELD_INVALID, "/from"),
            ([], {"from": ""}, FIELD_INVALID, "/from"),
            ([], {"from": None}, FIELD_INVALID, "/from"),
            ([], {"from": "1969-12-31T23:59:59Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"to": "2024-02-30T17:00:00Z"}, FIELD_INVALID, "/to"),
            ([], {"to": "yesterday"}, FIELD_INVALID, "/to"),
            ([], {"to": "\x00"}, FIELD_INVALID, "/to"),
            # Durations, flags, GPS, texts.
            ([], {"workedMinutes": -1}, FIELD_INVALID, "/workedMinutes"),
            ([], {"workedMinutes": 1.5}, FIELD_INVALID, "/workedMinutes"),
            ([], {"breakMinutes": "ten"}, FIELD_INVALID, "/breakMinutes"),
            ([], {"manual": "yes"}, FIELD_INVALID, "/manual"),
            ([], {"manual": None}, FIELD_INVALID, "/manual"),
            ([], {"notes": 5}, FIELD_INVALID, "/notes"),
            ([], {"notes": "x" * 10_001}, FIELD_INVALID, "/notes"),
            ([], {"user": ""}, FIELD_INVALID, "/user"),
            ([], {"user": 42}, FIELD_INVALID, "/user"),
        ],
    )
    async def test_refused(
        self,
        api: httpx.AsyncClient,
        drop: list[str],
        fields: dict[str, Any],
        code: int,
        pointer: str,
    ) -> None:
        await add_user(api)
        keep = await create(api, **span(1, "09:00", "10:00"))
        response = await api.post("/attendances", json=body_of(drop, **fields))
        assert_error(response, 400, code, pointer=pointer)
        assert "X-Ignored-Fields" not in response.headers
        assert await everything(api) == [keep]

    async def test_several_problems_are_listed(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        response = await api.post(
            "/attendances", json={"from": "yesterday", "latitudeStart": 200, "notes": 1}
        )
        assert response.status_code == 400, response.text
        found = {(e["code"], e["source"]["pointer"]) for e in response.json()["errors"]}
        assert found == {
            (FIELD_INVALID, "/from"),
            (FIELD_INVALID, "/latitudeStart"),
            (FIELD_INVALID, "/notes"),
        }
        assert await everything(api) == []

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            (b"{not json", MALFORMED_JSON),
            (b"[]", BODY_NOT_OBJECT),
            (b'"text"', BODY_NOT_OBJECT),
        ],
    )
    async def test_not_an_object(self, api: httpx.AsyncClient, raw: bytes, code: int) -> None:
        await add_user(api)
        for path in ("/attendances", "/attendances/clock_in", "/attendances/clock_out"):
            response = await api.post(
                path, content=raw, headers={"Content-Type": "application/json"}
            )
            assert_error(response, 400, code)
        assert await everything(api) == []
