"""A time entry's hour rate: resolved from task, project and user, then frozen."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import (
    FIELD_INVALID,
    assert_error,
)

from .common import (
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


class TestHourRate:
    @pytest.mark.parametrize(
        ("explicit", "task", "project", "user", "expected"),
        [
            (99, 50, 80, 30, 99.0),
            ("0", 50, 80, 30, 0.0),  # an explicit zero is a rate, not "missing"
            (None, 50, 80, 30, 50.0),
            (None, None, 80, 30, 80.0),
            (None, None, None, 30, 30.0),
            (None, None, None, None, 0.0),
            (None, 0, 80, 30, 0.0),
            (None, None, 0, 30, 0.0),
        ],
    )
    async def test_resolution_order(
        self,
        api: httpx.AsyncClient,
        explicit: Any,
        task: float | None,
        project: float | None,
        user: float | None,
        expected: float,
    ) -> None:
        await add_client(api)
        await add_project(api, hourRate=project)
        await add_user(api, hourRate=user)
        await add_task(api, "Design", hourRate=task)
        fields: dict[str, Any] = {"task": "Design"}
        if explicit is not None:
            fields["hourRate"] = explicit
        body = await create(api, **fields)
        assert body["hourRate"] == expected
        assert (await fetch(api, body["id"]))["hourRate"] == expected

    async def test_without_task_the_project_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        await add_task(api, "Design", hourRate=50)
        assert (await create(api))["hourRate"] == 80.0

    async def test_frozen_against_later_changes(self, api: httpx.AsyncClient) -> None:
        await add_client(api)
        project = await add_project(api, hourRate=80)
        user = await add_user(api, hourRate=30)
        task = await add_task(api, "Design", hourRate=50)
        by_project = await create(api)
        by_task = await create(api, task="Design")
        assert (by_project["hourRate"], by_task["hourRate"]) == (80.0, 50.0)
        for path, change in (
            (f"/projects/{project['id']}", {"hourRate": 120}),
            (f"/tasks/{task['id']}", {"hourRate": 70}),
            (f"/users/{user['id']}", {"hourRate": 40}),
        ):
            response = await api.put(path, json=change)
            assert response.status_code == 200, response.text
        assert await fetch(api, by_project["id"]) == by_project
        assert await fetch(api, by_task["id"]) == by_task
        assert [e["hourRate"] for e in await listed(api)] == [80.0, 50.0]
        # New entries take the new rates.
        assert (await create(api))["hourRate"] == 120.0
        assert (await create(api, task="design"))["hourRate"] == 70.0

    async def test_echoed_put_keeps_the_frozen_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        await add_task(api, "Design")
        entry = await create(api, task="Design", tags="#a", details="d", breakMinutes=30)
        project_id = entry["projectId"]
        assert (await api.put(f"/projects/{project_id}", json={"hourRate": 120})).is_success
        response = await api.put(f"/project_time_entries/{entry['id']}", json=entry)
        assert response.status_code == 200, response.text
        assert without(response.json(), "updatedAt") == without(entry, "updatedAt")
        assert without(await fetch(api, entry["id"]), "updatedAt") == without(entry, "updatedAt")

    async def test_echo_without_the_rate_keeps_it_too(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api)
        assert (await api.put(f"/projects/{entry['projectId']}", json={"hourRate": 1})).is_success
        echo = without(entry, "hourRate")
        response = await api.put(f"/project_time_entries/{entry['id']}", json=echo)
        assert response.status_code == 200, response.text
        assert response.json()["hourRate"] == 80.0

    async def test_other_edits_keep_the_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api)
        assert (await api.put(f"/projects/{entry['projectId']}", json={"hourRate": 1})).is_success
        for change in (
            {"details": "more"},
            {"to": "2025-03-04T18:00:00Z"},
            {"breakMinutes": 15},
            {"billable": False},
            {"user": "ALICE"},
            {"projectName": "website"},
        ):
            response = await api.put(f"/project_time_entries/{entry['id']}", json=change)
            assert response.status_code == 200, response.text
            assert response.json()["hourRate"] == 80.0, change

    async def test_move_to_another_project_takes_its_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex", hourRate=60)
        await add_project(api, "Docs", "Acme", hourRate=45)
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        moved = (await api.put(url, json={"projectName": "Docs"})).json()
        assert (moved["projectName"], moved["hourRate"]) == ("Docs", 45.0)
        moved = (
            await api.put(url, json={"clientName": "Globex", "projectName": "Intranet"})
        ).json()
        assert (moved["clientName"], moved["projectName"], moved["hourRate"]) == (
            "Globex",
            "Intranet",
            60.0,
        )
        kept = (
            await api.put(url, json={"clientName": "Acme", "projectName": "Website", "hourRate": 7})
        ).json()
        assert (kept["projectName"], kept["hourRate"]) == ("Website", 7.0)
        assert (await fetch(api, entry["id"]))["hourRate"] == 7.0

    async def test_move_to_a_project_without_rate(self, api: httpx.AsyncClient) -> None:
        await add_client(api)
        await add_project(api, hourRate=80)
        await add_project(api, "Free")
        await add_user(api, hourRate=25)
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        assert (await api.put(url, json={"projectName": "Free"})).json()["hourRate"] == 25.0

    async def test_explicit_rate_on_update(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        assert (await api.put(url, json={"hourRate": "12.5"})).json()["hourRate"] == 12.5
        assert (await api.put(url, json={"hourRate": 0})).json()["hourRate"] == 0.0
        assert_error(
            await api.put(url, json={"hourRate": None}), 400, FIELD_INVALID, pointer="/hourRate"
        )
        assert (await fetch(api, entry["id"]))["hourRate"] == 0.0
