"""Time entry creates at the edges, and those refused."""

from __future__ import annotations

import asyncio
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
    CLIENT_UNKNOWN,
    ENTRY,
    ENTRY_BREAK_TOO_LONG,
    ENTRY_END_BEFORE_START,
    ENTRY_WORKED_INCONSISTENT,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    USER_UNKNOWN,
    add_task,
    add_user,
    basics,
    body_of,
    create,
    fetch,
    listed,
    listed_ids,
    without,
)


class TestCreateEdges:
    async def test_task_null_and_rate_null_mean_none(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        body = await create(api, task=None, hourRate=None, username=None)
        assert (body["task"], body["taskId"], body["hourRate"]) == (None, None, 80.0)

    async def test_largest_durations(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, drop=["to"], workedMinutes=1_000_000, breakMinutes="1000000")
        assert (body["workedMinutes"], body["breakMinutes"]) == (1_000_000, 1_000_000)
        assert body["to"].endswith(".000Z")
        assert await fetch(api, body["id"]) == body
        # The largest durations are accepted as numbers, but `to` may not pass the year 2199.
        response = await api.post(
            "/project_time_entries",
            json=body_of(drop=["to"], workedMinutes=100_000_000, breakMinutes="100000000"),
        )
        assert_error(response, 400, FIELD_INVALID, pointer="/workedMinutes")
        response = await api.post(
            "/project_time_entries", json=body_of(drop=["to"], workedMinutes=100_000_001)
        )
        assert_error(response, 400, FIELD_INVALID, pointer="/workedMinutes")

    async def test_concurrent_creates_get_distinct_ids(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        responses = await asyncio.gather(
            *(api.post("/project_time_entries", json=ENTRY) for _ in range(8))
        )
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        ids = sorted(r.json()["id"] for r in responses)
        assert len(set(ids)) == 8
        assert await listed_ids(api) == ids

    async def test_echo_after_its_references_were_deleted(self, api: httpx.AsyncClient) -> None:
        """The entry still names them; sending those names back unchanged is no new reference."""
        await basics(api, hourRate=80)
        task = await add_task(api, "Design")
        user = await add_user(api, "bob")
        entry = await create(api, user="bob", task="Design")
        for path in (
            f"/tasks/{task['id']}",
            f"/users/{user['id']}",
            f"/projects/{entry['projectId']}",
        ):
            assert (await api.delete(path)).status_code == 200
        url = f"/project_time_entries/{entry['id']}"
        response = await api.put(url, json=entry | {"details": "late note"})
        assert response.status_code == 200, response.text
        assert without(response.json(), "details", "updatedAt") == without(
            entry, "details", "updatedAt"
        )
        # The same name in another spelling is still the same reference.
        assert (await api.put(url, json={"user": "BOB ", "task": "design"})).status_code == 200
        # Naming another deleted record is refused.
        carol = await add_user(api, "carol")
        assert (await api.delete(f"/users/{carol['id']}")).status_code == 200
        assert_error(await api.put(url, json={"user": "carol"}), 400, USER_UNKNOWN, pointer="/user")


class TestCreateBadInput:
    """Every refusal: the right code and pointer, and nothing written."""

    @pytest.mark.parametrize(
        ("drop", "fields", "code", "pointer"),
        [
            (["clientName"], {}, FIELD_REQUIRED, "/clientName"),
            (["projectName"], {}, FIELD_REQUIRED, "/projectName"),
            (["from"], {}, FIELD_REQUIRED, "/from"),
            (["user"], {}, FIELD_REQUIRED, "/user"),
            (["to"], {}, FIELD_REQUIRED, "/to"),
            (["to"], {"breakMinutes": 30}, FIELD_REQUIRED, "/to"),
            ([], {"user": "nobody"}, USER_UNKNOWN, "/user"),
            (["user"], {"username": "nobody"}, USER_UNKNOWN, "/username"),
            ([], {"clientName": "Nobody Inc"}, CLIENT_UNKNOWN, "/clientName"),
            ([], {"projectName": "Nothing"}, PROJECT_UNKNOWN, "/projectName"),
            ([], {"task": "Nothing"}, TASK_UNKNOWN, "/task"),
            ([], {"to": "2025-03-04T09:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            ([], {"to": "2025-03-04T08:59:59Z"}, ENTRY_END_BEFORE_START, "/to"),
            ([], {"to": "2025-03-03T17:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            (["to"], {"workedMinutes": 0}, ENTRY_END_BEFORE_START, "/to"),
            ([], {"breakMinutes": 480}, ENTRY_BREAK_TOO_LONG, "/breakMinutes"),
            ([], {"breakMinutes": 600}, ENTRY_BREAK_TOO_LONG, "/breakMinutes"),
            (
                ["to"],
                {"workedMinutes": 0, "breakMinutes": 30},
                ENTRY_BREAK_TOO_LONG,
                "/breakMinutes",
            ),
            ([], {"workedMinutes": 470}, ENTRY_WORKED_INCONSISTENT, "/workedMinutes"),
            ([], {"workedMinutes": 500}, ENTRY_WORKED_INCONSISTENT, "/workedMinutes"),
            # Timestamps that are not real, not in the format, or out of range.
            ([], {"from": "2024-02-30T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-02-29T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-04-31T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-13-01T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T24:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T09:60:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T09:00:60Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01 10:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01 10:00:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "01.03.2024"}, FIELD_INVALID, "/from"),
            ([], {"from": "01.03.2024 10:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-3-1T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00+0200"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00+19:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00+02:60"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00 CET"}, FIELD_INVALID, "/from"),
            ([], {"from": "Fri, 01 Mar 2024 10:00:00 GMT"}, FIELD_INVALID, "/from"),
            ([], {"from": 1709287200}, FIELD_INVALID, "/from"),
            ([], {"from": 1709287200000}, FIELD_INVALID, "/from"),
            ([], {"from": "1709287200"}, FIELD_INVALID, "/from"),
            ([], {"from": 1709287200.5}, FIELD_INVALID, "/from"),
            ([], {"from": ""}, FIELD_INVALID, "/from"),
            ([], {"from": None}, FIELD_INVALID, "/from"),
            ([], {"from": True}, FIELD_INVALID, "/from"),
            ([], {"from": ["2025-03-04T09:00:00Z"]}, FIELD_INVALID, "/from"),
            ([], {"from": "1969-12-31T23:59:59Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "0001-01-01T00:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "9999-12-31T23:59:59Z"}, FIELD_INVALID, "/from"),
            ([], {"to": "2024-02-30T10:00:00Z"}, FIELD_INVALID, "/to"),
            ([], {"to": "2025-03-04 17:00"}, FIELD_INVALID, "/to"),
            ([], {"to": "04.03.2025"}, FIELD_INVALID, "/to"),
            ([], {"to": 1741107600}, FIELD_INVALID, "/to"),
            ([], {"to": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/to"),
            ([], {"to": "\x00"}, FIELD_INVALID, "/to"),
            # Durations.
            ([], {"workedMinutes": -1}, FIELD_INVALID, "/workedMinutes"),
            ([], {"workedMinutes": 1.5}, FIELD_INVALID, "/workedMinutes"),
            ([], {"workedMinutes": "eight hours"}, FIELD_INVALID, "/workedMinutes"),
            ([], {"workedMinutes": True}, FIELD_INVALID, "/workedMinutes"),
            ([], {"breakMinutes": -5}, FIELD_INVALID, "/breakMinutes"),
            ([], {"breakMinutes": "0.5"}, FIELD_INVALID, "/breakMinutes"),
            # Money, flags, GPS, texts.
            ([], {"hourRate": -1}, FIELD_INVALID, "/hourRate"),
            ([], {"hourRate": "fifty"}, FIELD_INVALID, "/hourRate"),
            ([], {"hourRate": 1.234}, FIELD_INVALID, "/hourRate"),
            ([], {"hourRate": "NaN"}, FIELD_INVALID, "/hourRate"),
            ([], {"billable": "yes"}, FIELD_INVALID, "/billable"),
            ([], {"billable": 2}, FIELD_INVALID, "/billable"),
            ([], {"billable": None}, FIELD_INVALID, "/billable"),
            ([], {"flatRate": "no"}, FIELD_INVALID, "/flatRate"),
            ([], {"tags": ["#meeting", "#remote"]}, FIELD_INVALID, "/tags"),
            ([], {"tags": 5}, FIELD_INVALID, "/tags"),
            ([], {"tags": {"a": 1}}, FIELD_INVALID, "/tags"),
            ([], {"tags": "#" * 1001}, FIELD_INVALID, "/tags"),
            ([], {"tags": "#a\x00"}, FIELD_INVALID, "/tags"),
            ([], {"details": 5}, FIELD_INVALID, "/details"),
            ([], {"details": "x" * 10_001}, FIELD_INVALID, "/details"),
            ([], {"user": ""}, FIELD_INVALID, "/user"),
            ([], {"user": "   "}, FIELD_INVALID, "/user"),
            ([], {"user": 42}, FIELD_INVALID, "/user"),
            ([], {"clientName": None}, FIELD_INVALID, "/clientName"),
            ([], {"projectName": ""}, FIELD_INVALID, "/projectName"),
            ([], {"task": ""}, FIELD_INVALID, "/task"),
            ([], {"task": "x" * 256}, FIELD_INVALID, "/task"),
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
        await basics(api)
        keep = await create(api)
        response = await api.post("/project_time_entries", json=body_of(drop, **fields))
        assert_error(response, 400, code, pointer=pointer)
        assert "X-Ignored-Fields" not in response.headers
        listed_now = await api.get("/project_time_entries", params={"includeDeleted": "true"})
        assert listed_now.json() == [keep]
        assert listed_now.headers["X-Total-Count"] == "1"

    async def test_several_problems_are_listed(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries",
            json={"user": "alice", "from": "yesterday", "latitude": 200, "tags": 1},
        )
        assert response.status_code == 400, response.text
        found = {(e["code"], e["source"]["pointer"]) for e in response.json()["errors"]}
        assert found == {
            (FIELD_REQUIRED, "/clientName"),
            (FIELD_REQUIRED, "/projectName"),
            (FIELD_INVALID, "/from"),
            (FIELD_INVALID, "/latitude"),
            (FIELD_INVALID, "/tags"),
        }
        assert await listed(api) == []

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            (b"{not json", MALFORMED_JSON),
            (b'{"user": "alice",}', MALFORMED_JSON),
            (b"[]", BODY_NOT_OBJECT),
            (b'[{"user": "alice"}]', BODY_NOT_OBJECT),
            (b'"text"', BODY_NOT_OBJECT),
            (b"42", BODY_NOT_OBJECT),
        ],
    )
    async def test_not_an_object(self, api: httpx.AsyncClient, raw: bytes, code: int) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries", content=raw, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 400, code)
        assert await listed(api) == []
