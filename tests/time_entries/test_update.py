"""Updating and deleting a time entry."""

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
    CLIENT_UNKNOWN,
    ENTRY_BREAK_TOO_LONG,
    ENTRY_DELETED,
    ENTRY_END_BEFORE_START,
    NEVER,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    USER_UNKNOWN,
    add_client,
    add_project,
    add_task,
    add_user,
    basics,
    create,
    fetch,
    listed,
    without,
)


class TestUpdate:
    async def test_partial_update_keeps_the_rest(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api, details="old", tags="#a", latitude=1, breakMinutes=30)
        response = await api.put(
            f"/project_time_entries/{entry['id']}", json={"details": "new", "tags": "#b"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert without(body, "details", "tags", "updatedAt") == without(
            entry, "details", "tags", "updatedAt"
        )
        assert (body["details"], body["tags"]) == ("new", "#b")
        assert body["updatedAt"] >= entry["updatedAt"]
        assert await fetch(api, entry["id"]) == body

    async def test_nulls_clear_optional_fields(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_task(api, "Design")
        entry = await create(api, details="d", tags="#a", latitude=1, longitude1=2, task="Design")
        response = await api.put(
            f"/project_time_entries/{entry['id']}",
            json={
                "details": None,
                "tags": None,
                "latitude": None,
                "longitude1": None,
                "task": None,
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        for key in ("details", "tags", "latitude", "longitude1", "task", "taskId"):
            assert body[key] is None, key

    async def test_times(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api, breakMinutes=30)
        url = f"/project_time_entries/{entry['id']}"

        async def put(change: dict[str, Any]) -> tuple[str, str, int, int]:
            response = await api.put(url, json=change)
            assert response.status_code == 200, response.text
            b = response.json()
            return b["from"][11:16], b["to"][11:16], b["workedMinutes"], b["breakMinutes"]

        # A new `from` keeps `to` and the break: worked follows.
        assert await put({"from": "2025-03-04T08:00:00Z"}) == ("08:00", "17:00", 510, 30)
        # A new `to` likewise.
        assert await put({"to": "2025-03-04T16:00:00Z"}) == ("08:00", "16:00", 450, 30)
        # A new break keeps the span.
        assert await put({"breakMinutes": 60}) == ("08:00", "16:00", 420, 60)
        # workedMinutes alone moves `to`.
        assert await put({"workedMinutes": 300}) == ("08:00", "14:00", 300, 60)
        # All of them, consistent.
        assert await put(
            {
                "from": "2025-03-04T10:00:00Z",
                "to": "2025-03-04T12:00:00Z",
                "workedMinutes": 120,
                "breakMinutes": 0,
            }
        ) == ("10:00", "12:00", 120, 0)
        assert (await fetch(api, entry["id"]))["fromUtc"] == "2025-03-04T10:00:00.000Z"

    @pytest.mark.parametrize(
        ("change", "code", "pointer"),
        [
            ({"to": "2025-03-04T09:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            ({"from": "2025-03-04T18:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            ({"breakMinutes": 480}, ENTRY_BREAK_TOO_LONG, "/breakMinutes"),
            ({"workedMinutes": 400, "to": "2025-03-04T17:00:00Z"}, 15032, "/workedMinutes"),
            ({"from": None}, FIELD_INVALID, "/from"),
            ({"to": None}, FIELD_INVALID, "/to"),
            ({"workedMinutes": None}, FIELD_INVALID, "/workedMinutes"),
            ({"breakMinutes": None}, FIELD_INVALID, "/breakMinutes"),
            ({"billable": None}, FIELD_INVALID, "/billable"),
            ({"flatRate": None}, FIELD_INVALID, "/flatRate"),
            ({"user": None}, FIELD_INVALID, "/user"),
            ({"clientName": None}, FIELD_INVALID, "/clientName"),
            ({"projectName": None}, FIELD_INVALID, "/projectName"),
            ({"from": "2024-02-30T10:00:00Z"}, FIELD_INVALID, "/from"),
            ({"to": "2025-03-04 17:00"}, FIELD_INVALID, "/to"),
            ({"from": 1741078800}, FIELD_INVALID, "/from"),
            ({"to": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/to"),
            ({"latitude": 91}, FIELD_INVALID, "/latitude"),
            ({"longitude1": "east"}, FIELD_INVALID, "/longitude1"),
            ({"tags": ["#a"]}, FIELD_INVALID, "/tags"),
            ({"user": "nobody"}, USER_UNKNOWN, "/user"),
            ({"username": "nobody"}, USER_UNKNOWN, "/username"),
            ({"clientName": "Nobody Inc"}, CLIENT_UNKNOWN, "/clientName"),
            ({"projectName": "Nothing"}, PROJECT_UNKNOWN, "/projectName"),
            ({"projectName": "Intranet"}, PROJECT_UNKNOWN, "/projectName"),
            ({"clientName": "Globex"}, PROJECT_UNKNOWN, "/projectName"),
            ({"task": "Nothing"}, TASK_UNKNOWN, "/task"),
            ({"id": NEVER}, FIELD_READ_ONLY, "/id"),
            ({"id": "x"}, FIELD_READ_ONLY, "/id"),
        ],
    )
    async def test_refused(
        self, api: httpx.AsyncClient, change: dict[str, Any], code: int, pointer: str
    ) -> None:
        await basics(api)
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex")
        entry = await create(api, details="keep")
        response = await api.put(f"/project_time_entries/{entry['id']}", json=change)
        assert_error(response, 400, code, pointer=pointer)
        assert await fetch(api, entry["id"]) == entry

    async def test_refused_change_with_valid_ones_writes_nothing(
        self, api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        entry = await create(api)
        response = await api.put(
            f"/project_time_entries/{entry['id']}",
            json={"details": "changed", "hourRate": 5, "task": "Nothing"},
        )
        assert_error(response, 400, TASK_UNKNOWN, pointer="/task")
        assert await fetch(api, entry["id"]) == entry

    async def test_change_references(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_user(api, "bob")
        await add_task(api, "Design")
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex")
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        body = (await api.put(url, json={"username": "BOB", "task": "design"})).json()
        assert (body["user"], body["task"]) == ("bob", "Design")
        body = (await api.put(url, json={"clientName": "globex", "projectName": "intranet"})).json()
        assert (body["clientName"], body["projectName"]) == ("Globex", "Intranet")
        assert body["from"] == entry["from"] and body["to"] == entry["to"]
        assert await fetch(api, entry["id"]) == body

    async def test_echo_of_the_whole_entry(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api, details="d", tags="#x", latitude=1.5, breakMinutes=15)
        response = await api.put(f"/project_time_entries/{entry['id']}", json=entry)
        assert response.status_code == 200, response.text
        assert without(response.json(), "updatedAt") == without(entry, "updatedAt")
        ignored = response.headers["X-Ignored-Fields"].split(", ")
        assert set(ignored) == {
            "id",
            "userId",
            "clientId",
            "projectId",
            "taskId",
            "timeZone",
            "fromUtc",
            "toUtc",
            "updatedAt",
        }


class TestDelete:
    async def test_soft_delete(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api, details="keep me")
        other = await create(api)
        response = await api.delete(f"/project_time_entries/{entry['id']}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["deleted"] is True
        assert without(body, "deleted", "updatedAt") == without(entry, "updatedAt")
        assert_error(await api.get(f"/project_time_entries/{entry['id']}"), 404, ENTRY_DELETED)
        assert_error(await api.post(f"/project_time_entries/{entry['id']}"), 404, ENTRY_DELETED)
        assert_error(await api.delete(f"/project_time_entries/{entry['id']}"), 404, ENTRY_DELETED)
        assert await listed(api) == [other]
        assert await listed(api, details="keep me") == [other]  # unknown filters are ignored
        feed = await listed(api, includeDeleted="true")
        assert [e["id"] for e in feed] == [entry["id"], other["id"]]
        assert feed[0]["deleted"] is True and feed[0]["details"] == "keep me"
        assert "deleted" not in feed[1]

    async def test_entries_outlive_their_references(self, api: httpx.AsyncClient) -> None:
        """Deleting the user, task or project keeps the entries that name them."""
        await basics(api)
        task = await add_task(api, "Design")
        user = await add_user(api, "bob")
        entry = await create(api, user="bob", task="Design")
        assert (await api.delete(f"/tasks/{task['id']}")).status_code == 200
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
        assert await fetch(api, entry["id"]) == entry
        assert await listed(api, user="bob") == [entry]
        assert await listed(api, task="design") == [entry]
