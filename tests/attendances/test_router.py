"""HTTP-level tests of ``/attendances`` and its ``clock_in``/``clock_out`` (SPEC §2
"Attendances"; the time semantics are those of project time entries, SPEC §1).

Every test runs on SQLite and PostgreSQL (tests/conftest.py), each in fresh accounts. Users here
live in the account's default zone (UTC) unless a test says otherwise, so wall-clock and UTC
agree. On PostgreSQL the parallel tests really run concurrently (the pool hands each request
its own connection), so they prove the no-overlap rule holds under races.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from conftest import (
    AUTH_MISSING,
    BODY_NOT_OBJECT,
    FIELD_INVALID,
    FIELD_READ_ONLY,
    FIELD_REQUIRED,
    MALFORMED_JSON,
    PARAMETER_INVALID,
    assert_error,
)
from pydantic import BaseModel, ConfigDict
from records import created

from timetrack.attendances import service
from timetrack.attendances.schemas import AttendanceRead

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NEVER = 987_654_321  # an id no test account ever reaches
PASSWORD = "s3cret-pass"
BERLIN = "Europe/Berlin"
KEYS = {
    "id",
    "user",
    "userId",
    "from",
    "to",
    "notes",
    "manual",
    "workedMinutes",
    "breakMinutes",
    "latitudeStart",
    "longitudeStart",
    "latitudeEnd",
    "longitudeEnd",
    "timeZone",
    "fromUtc",
    "toUtc",
    "updatedAt",
}
# The smallest closed attendance: alice, 09:00-17:00.
ATTENDANCE: dict[str, Any] = {
    "user": "alice",
    "from": "2025-03-04T09:00:00Z",
    "to": "2025-03-04T17:00:00Z",
}

# Codes (src/timetrack/errors.py).
USER_UNKNOWN = 14040
NOT_FOUND = 16010
DELETED = 16020
END_BEFORE_START = 16030
BREAK_TOO_LONG = 16031
WORKED_INCONSISTENT = 16032
OVERLAP = 16040
CLOCKED_IN = 16041
NOT_CLOCKED_IN = 16042
CLOCK_OUT_BEFORE_IN = 16043


# --- helpers ----------------------------------------------------------------------------------


async def add_user(
    api: httpx.AsyncClient, username: str = "alice", **fields: Any
) -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }
    return await created(api, "/users", body)


def body_of(drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    body = {**ATTENDANCE, **fields}
    for key in drop:
        body.pop(key, None)
    return body


def span(day: int, start: str, end: str | None, month: int = 3) -> dict[str, Any]:
    """``from``/``to`` on a day of 2025 (``end`` None: open)."""
    times: dict[str, Any] = {"from": f"2025-{month:02d}-{day:02d}T{start}:00Z"}
    times["to"] = None if end is None else f"2025-{month:02d}-{day:02d}T{end}:00Z"
    return times


async def create(api: httpx.AsyncClient, drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    return await created(api, "/attendances", body_of(drop, **fields))


async def create_open(api: httpx.AsyncClient, start: str, **fields: Any) -> dict[str, Any]:
    return await create(api, drop=["to"], **{"from": start, **fields})


async def fetch(api: httpx.AsyncClient, attendance_id: int) -> dict[str, Any]:
    response = await api.get(f"/attendances/{attendance_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/attendances", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(result)) or "limit" in params
    return result


async def listed_ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    return [a["id"] for a in await listed(api, **params)]


async def everything(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every attendance of the account, deleted ones included."""
    return await listed(api, includeDeleted="true", limit=1000)


def clock_body(date: str, username: str = "alice", **fields: Any) -> dict[str, Any]:
    return {"username": username, "date": date, **fields}


async def clock_in(api: httpx.AsyncClient, date: str, **fields: Any) -> httpx.Response:
    return await api.post("/attendances/clock_in", json=clock_body(date, **fields))


async def clock_out(api: httpx.AsyncClient, date: str, **fields: Any) -> httpx.Response:
    return await api.post("/attendances/clock_out", json=clock_body(date, **fields))


def without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in keys}


# --- create -----------------------------------------------------------------------------------


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


# --- the no-overlap rule ----------------------------------------------------------------------


class TestOverlap:
    """A user's live attendances never overlap: ``[from, to)``, an open one to infinity."""

    @pytest.mark.parametrize(
        ("times", "ok"),
        [
            (span(4, "08:00", "09:00"), True),  # ends as the other starts
            (span(4, "17:00", "18:00"), True),  # starts as the other ends
            (span(4, "06:00", "07:00"), True),
            (span(5, "09:00", "17:00"), True),
            (span(4, "08:00", "09:01"), False),
            (span(4, "16:59", "18:00"), False),
            (span(4, "10:00", "11:00"), False),  # inside
            (span(4, "08:00", "18:00"), False),  # around
            (span(4, "09:00", "17:00"), False),  # the same
            (span(4, "17:00", None), True),  # open from its end
            (span(5, "08:00", None), True),
            (span(4, "16:00", None), False),  # open from inside
            (span(4, "08:00", None), False),  # open from before: reaches over it
            (span(1, "08:00", None), False),
        ],
    )
    async def test_against_a_closed_one(
        self, api: httpx.AsyncClient, times: dict[str, Any], ok: bool
    ) -> None:
        await add_user(api)
        first = await create(api)
        response = await api.post("/attendances", json=body_of(**times))
        if ok:
            assert response.status_code == 201, response.text
        else:
            error = assert_error(response, 409, OVERLAP)
            assert f"attendance {first['id']}" in error["detail"]
            assert "2025-03-04T09:00:00.000Z to 2025-03-04T17:00:00.000Z" in error["detail"]
            assert await everything(api) == [first]

    @pytest.mark.parametrize(
        ("times", "code"),
        [
            (span(4, "08:00", "09:00"), None),  # before the open one starts
            (span(4, "08:00", "09:01"), OVERLAP),
            (span(4, "10:00", "11:00"), OVERLAP),  # after its start: inside it
            (span(9, "10:00", "11:00"), OVERLAP),  # days later: still inside
            (span(4, "10:00", None), CLOCKED_IN),
            (span(1, "10:00", None), CLOCKED_IN),
        ],
    )
    async def test_against_an_open_one(
        self, api: httpx.AsyncClient, times: dict[str, Any], code: int | None
    ) -> None:
        await add_user(api)
        running = await create_open(api, "2025-03-04T09:00:00Z")
        response = await api.post("/attendances", json=body_of(**times))
        if code is None:
            assert response.status_code == 201, response.text
        else:
            error = assert_error(response, 409, code)
            assert f"attendance {running['id']}" in error["detail"]
            assert await everything(api) == [running]

    async def test_other_users_and_deleted_ones_do_not_count(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await add_user(api, "bob")
        await create(api)
        await create_open(api, "2025-03-04T08:00:00Z", user="bob")
        gone = await create(api, **span(5, "09:00", "17:00"))
        assert (await api.delete(f"/attendances/{gone['id']}")).status_code == 200
        again = await create(api, **span(5, "10:00", "11:00"))
        assert again["id"] != gone["id"]
        assert len(await listed(api)) == 3

    async def test_compares_true_instants(self, api: httpx.AsyncClient) -> None:
        """Alice works in Berlin; a time with an explicit offset names an instant."""
        await add_user(api, timeZone=BERLIN)
        first = await create(api)  # 09:00-17:00 Berlin = 08:00-16:00 UTC
        later = {"from": "2025-03-04T15:30:00+00:00", "to": "2025-03-04T18:00:00+00:00"}
        assert_error(await api.post("/attendances", json=body_of(**later)), 409, OVERLAP)
        fine = {"from": "2025-03-04T16:00:00+00:00", "to": "2025-03-04T18:00:00+00:00"}
        body = await create(api, **fine)
        assert (body["from"], body["to"]) == (
            "2025-03-04T17:00:00.000Z",
            "2025-03-04T19:00:00.000Z",
        )
        assert await listed_ids(api) == [first["id"], body["id"]]

    async def test_one_open_attendance_per_user_in_the_database(
        self, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With the check skipped, the partial unique index still refuses a second open
        attendance, and the violation answers like the check would (16041)."""
        await add_user(api)
        running = await create_open(api, "2025-03-04T09:00:00Z")

        async def skip(*args: Any, **kwargs: Any) -> None:
            return None

        monkeypatch.setattr(service, "_refuse_overlap", skip)
        assert_error(await clock_in(api, "2025-03-05T09:00:00Z"), 409, CLOCKED_IN)
        assert_error(await api.post("/attendances", json=body_of(to=None)), 409, CLOCKED_IN)
        closed = await create(api, **span(1, "09:00", "10:00"))
        response = await api.put(f"/attendances/{closed['id']}", json={"to": None})
        assert_error(response, 409, CLOCKED_IN)
        assert await listed(api) == [closed, running]


# --- clock-in and clock-out -------------------------------------------------------------------


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


# --- update -----------------------------------------------------------------------------------


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


# --- delete -----------------------------------------------------------------------------------


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


# --- list, filters, paging, feed --------------------------------------------------------------


async def three(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    """alice 4 March, bob 5 March, alice 6 March (open), created out of order."""
    await add_user(api)
    await add_user(api, "bob")
    third = await create_open(api, "2025-03-06T09:00:00Z")
    first = await create(api, **span(4, "09:00", "10:00"))
    second = await create(api, user="bob", **span(5, "09:00", "10:00"))
    return [first, second, third]


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

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        made = [await create(api, **span(day, "09:00", "10:00")) for day in (5, 3, 1, 4, 2)]
        by_start = sorted(made, key=lambda a: a["from"])
        response = await api.get("/attendances", params={"limit": 2, "page_number": 1})
        assert response.json() == by_start[2:4]
        assert response.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in response.headers["Link"]
        assert 'rel="prev"' in response.headers["Link"]
        assert (await api.get("/attendances", params={"limit": 2, "page": 3})).json() == by_start[
            4:
        ]

    async def test_change_feed(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        old = await create(api, **span(1, "09:00", "10:00"))
        gone = await create(api, **span(2, "09:00", "10:00"))
        since = (await create(api, **span(3, "09:00", "10:00")))["updatedAt"]
        changed = (await api.put(f"/attendances/{old['id']}", json={"notes": "edited"})).json()
        assert (await api.delete(f"/attendances/{gone['id']}")).status_code == 200
        recent = await listed(api, updatedSince=since)
        assert changed["id"] in [a["id"] for a in recent]
        assert gone["id"] not in [a["id"] for a in recent]
        with_deleted = await listed(api, updatedSince=since, includeDeleted="true")
        assert {a["id"] for a in with_deleted} >= {changed["id"], gone["id"]}
        assert await listed(api, updatedSince="2199-01-01") == []


# --- tenant isolation -------------------------------------------------------------------------


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


# --- the raw JSON text ------------------------------------------------------------------------


class TestRawJson:
    """The bytes a vendor client parses: shapes asserted on ``response.text`` itself."""

    async def test_open_attendance(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        response = await clock_in(api, "2025-03-04T09:00:00.999Z")
        attendance_id = response.json()["id"]
        for text in (
            response.text,
            (await api.get(f"/attendances/{attendance_id}")).text,
            (await api.get("/attendances")).text,
        ):
            assert '"from":"2025-03-04T09:00:00.000Z"' in text
            assert '"to":null' in text
            assert '"workedMinutes":null' in text
            assert '"toUtc":null' in text
            assert '"manual":false' in text
            assert '"breakMinutes":0' in text

    async def test_closed_attendance(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await clock_in(api, "2025-03-04T09:00:00Z")
        text = (await clock_out(api, "2025-03-04T17:00:00Z", latitude=48)).text
        assert '"to":"2025-03-04T17:00:00.000Z"' in text
        assert '"toUtc":"2025-03-04T17:00:00.000Z"' in text
        assert '"workedMinutes":480' in text
        assert '"latitudeEnd":"48"' in text
        listed_text = (await api.get("/attendances")).text
        assert listed_text.startswith("[{") and listed_text.endswith("}]")


# --- daylight-saving changes ------------------------------------------------------------------


class TestDaylightSaving:
    """Europe/Berlin 2025: 02:00 -> 03:00 on 30 March, 03:00 -> 02:00 on 26 October."""

    async def test_night_shifts_across_the_changes(self, api: httpx.AsyncClient) -> None:
        await add_user(api, timeZone=BERLIN)
        spring = await create(api, **{"from": "2025-03-29T22:00:00Z", "to": "2025-03-30T06:00:00Z"})
        assert (spring["workedMinutes"], spring["timeZone"]) == (420, BERLIN)
        assert (spring["fromUtc"], spring["toUtc"]) == (
            "2025-03-29T21:00:00.000Z",
            "2025-03-30T04:00:00.000Z",
        )
        autumn = await create(api, **{"from": "2025-10-25T22:00:00Z", "to": "2025-10-26T06:00:00Z"})
        assert autumn["workedMinutes"] == 540
        # Worked minutes alone give the true end.
        body = await create(api, drop=["to"], workedMinutes=480, **{"from": "2025-10-26T22:00:00Z"})
        assert body["to"] == "2025-10-27T06:00:00.000Z"

    async def test_clock_in_and_out_across_spring_forward(self, api: httpx.AsyncClient) -> None:
        await add_user(api, timeZone=BERLIN)
        running = (await clock_in(api, "2025-03-30T01:30:00Z")).json()
        assert running["fromUtc"] == "2025-03-30T00:30:00.000Z"
        body = (await clock_out(api, "2025-03-30T03:30:00Z")).json()
        assert (body["from"], body["to"], body["workedMinutes"]) == (
            "2025-03-30T01:30:00.000Z",
            "2025-03-30T03:30:00.000Z",
            60,
        )
        # Gap times read an hour later (RFC 5545): 02:29 is 03:29, before the clock-out, and
        # 02:30 is 03:30, just when the first attendance ended.
        assert_error(await clock_in(api, "2025-03-30T02:29:00Z"), 409, OVERLAP)
        response = await clock_in(api, "2025-03-30T02:30:00Z")
        assert response.status_code == 201, response.text
        assert response.json()["from"] == "2025-03-30T03:30:00.000Z"

    async def test_repeated_hour(self, api: httpx.AsyncClient) -> None:
        """02:30 on 26 October happens twice; the text is the first one, an offset the second."""
        await add_user(api, timeZone=BERLIN)
        first = await create(api, **{"from": "2025-10-26T02:10:00Z", "to": "2025-10-26T02:50:00Z"})
        assert first["fromUtc"] == "2025-10-26T00:10:00.000Z"
        second = await create(
            api, **{"from": "2025-10-26T02:10:00+01:00", "to": "2025-10-26T02:50:00+01:00"}
        )
        assert (second["from"], second["fromUtc"]) == (
            "2025-10-26T02:10:00.000Z",
            "2025-10-26T01:10:00.000Z",
        )
        # An echo of the second keeps its instants, so it does not collide with the first.
        response = await api.put(f"/attendances/{second['id']}", json=second)
        assert response.status_code == 200, response.text
        assert response.json()["fromUtc"] == second["fromUtc"]
        # The same wall-clock text without an offset is the first occurrence: taken.
        assert_error(
            await api.post(
                "/attendances",
                json=body_of(**{"from": "2025-10-26T02:20:00Z", "to": "2025-10-26T02:30:00Z"}),
            ),
            409,
            OVERLAP,
        )

    async def test_date_filters_use_the_users_wall_clock(self, api: httpx.AsyncClient) -> None:
        await add_user(api, timeZone=BERLIN)
        night = await create(api, **{"from": "2025-03-30T00:30:00Z", "to": "2025-03-30T05:00:00Z"})
        assert night["fromUtc"] == "2025-03-29T23:30:00.000Z"
        assert await listed_ids(api, **{"from": "2025-03-30", "to": "2025-03-30"}) == [night["id"]]
        assert await listed_ids(api, to="2025-03-29") == []


# --- concurrency ------------------------------------------------------------------------------


class TestConcurrency:
    """Requests fired together: exactly one of a set of conflicting writes succeeds."""

    @staticmethod
    def outcome(responses: list[httpx.Response], winner: int) -> list[httpx.Response]:
        """Assert one response has status ``winner`` and every other is a 409 of the overlap
        family; return the winners."""
        won = [r for r in responses if r.status_code == winner]
        assert len(won) == 1, [r.text for r in responses]
        for r in responses:
            if r is not won[0]:
                assert r.status_code == 409, r.text
                assert r.json()["errors"][0]["code"] in (OVERLAP, CLOCKED_IN), r.text
        return won

    async def test_overlapping_creates(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(
                api.post("/attendances", json=body_of(**span(4, f"{9 + i % 4:02d}:00", "18:00")))
                for i in range(12)
            )
        )
        (won,) = self.outcome(list(responses), 201)
        assert await everything(api) == [won.json()]

    async def test_open_creates(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(
                api.post("/attendances", json=body_of(**span(1 + i, "09:00", None)))
                for i in range(10)
            )
        )
        (won,) = self.outcome(list(responses), 201)
        assert await everything(api) == [won.json()]

    async def test_clock_ins(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(clock_in(api, f"2025-03-04T09:00:{i:02d}Z") for i in range(12))
        )
        (won,) = self.outcome(list(responses), 201)
        for r in responses:
            if r is not won:
                assert r.json()["errors"][0]["code"] == CLOCKED_IN
        assert await everything(api) == [won.json()]

    async def test_clock_ins_and_creates_mixed(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        requests = [clock_in(api, f"2025-03-04T10:{i:02d}:00Z") for i in range(6)]
        requests += [
            api.post("/attendances", json=body_of(**span(4, f"{8 + i:02d}:00", "12:00")))
            for i in range(4)
        ]
        responses = await asyncio.gather(*requests)
        (won,) = self.outcome(list(responses), 201)
        assert await everything(api) == [won.json()]

    async def test_reopens(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        made = [await create(api, **span(day, "09:00", "10:00")) for day in (1, 2, 3, 4)]
        last = made[-1]["id"]
        responses = await asyncio.gather(
            *(api.put(f"/attendances/{a['id']}", json={"to": None}) for a in made),
            *(api.put(f"/attendances/{last}", json={"to": None}) for _ in range(3)),
            clock_in(api, "2025-03-05T09:00:00Z"),
        )
        open_ones = [a for a in await listed(api) if a["to"] is None]
        assert len(open_ones) == 1, [r.text for r in responses]
        assert all(r.status_code in (200, 201, 409) for r in responses), [r.text for r in responses]

    async def test_clock_outs(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        running = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        responses = await asyncio.gather(
            *(clock_out(api, f"2025-03-04T17:{i:02d}:00Z") for i in range(10))
        )
        won = [r for r in responses if r.status_code == 200]
        assert len(won) == 1, [r.text for r in responses]
        for r in responses:
            if r is not won[0]:
                assert_error(r, 409, NOT_CLOCKED_IN)
        assert await listed(api) == [won[0].json()]
        assert won[0].json()["id"] == running["id"]

    async def test_different_users_do_not_wait_for_each_other(self, api: httpx.AsyncClient) -> None:
        names = [f"user{i}" for i in range(8)]
        for name in names:
            await add_user(api, name)
        responses = await asyncio.gather(
            *(clock_in(api, "2025-03-04T09:00:00Z", username=name) for name in names)
        )
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        assert sorted(a["user"] for a in await listed(api)) == names
        ids = sorted(r.json()["id"] for r in responses)
        assert ids == list(range(1, 9))

    async def test_non_overlapping_creates_all_succeed(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(
                api.post(
                    "/attendances", json=body_of(**span(4, f"{8 + i:02d}:00", f"{9 + i:02d}:00"))
                )
                for i in range(8)
            )
        )
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        assert len(await listed(api)) == 8


# --- the OpenAPI document ---------------------------------------------------------------------


class TestOpenApi:
    async def test_routes_are_documented(self, api: httpx.AsyncClient) -> None:
        response = await api.get("http://testserver/openapi.json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        base = "/api/v2/ext/attendances"
        assert set(paths[base]) == {"get", "post"}
        assert set(paths[f"{base}/{{id}}"]) == {"get", "post", "put", "delete"}
        for action, status in (("clock_in", "201"), ("clock_out", "200")):
            operation = paths[f"{base}/{action}"]["post"]
            assert operation["operationId"] == f"{action}_attendance"
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/AttendanceRead"}
            assert "409" in operation["responses"]
        schemas = response.json()["components"]["schemas"]
        assert {"AttendanceCreate", "AttendanceUpdate", "ClockIn", "ClockOut"} <= set(schemas)

    async def test_responses_match_the_read_model(self, api: httpx.AsyncClient) -> None:
        strict = type(
            "StrictAttendanceRead",
            (AttendanceRead,),
            {"model_config": ConfigDict(**{**AttendanceRead.model_config, "extra": "forbid"})},
        )

        def check(item: dict[str, Any]) -> None:
            model: type[BaseModel] = strict
            model.model_validate(item, strict=True, by_alias=True, by_name=False)

        await add_user(api)
        check(await create(api, notes="n", latitudeStart=1))
        check((await clock_in(api, "2025-03-05T09:00:00Z")).json())
        closed = (await clock_out(api, "2025-03-05T17:00:00Z")).json()
        check(closed)
        check((await api.delete(f"/attendances/{closed['id']}")).json())
        for item in await listed(api, includeDeleted="true"):
            check(item)
