"""Stopping the project timer books a project time entry: its times, its rate and its note."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .common import (
    CLIENT,
    PROJECT,
    TASK,
    TIMER_KEYS,
    USER,
    Paths,
    Timer,
    at,
    body_of,
    entries_of,
    make_world,
    post_json,
    state_part,
)


class TestStop:
    async def test_full_day(self, timer: Timer) -> None:
        await timer.start(at(9), taskName=TASK, note="Relaunch")
        await timer.pause(at(10, 30))
        await timer.resume(at(10, 45))
        await timer.pause(at(12))
        await timer.resume(at(12, 30, 30))
        response = await timer.post("stop", date=at(17))
        stopped = body_of(response)
        assert {k: stopped[k] for k in TIMER_KEYS} == {
            "username": USER,
            "startedAt": at(9),
            "workedSeconds": 5400 + 4500 + 16170,
            "breakSeconds": 900 + 1830,
            "playing": False,
            "paused": False,
            "stopped": True,
            "clientName": CLIENT,
            "projectName": PROJECT,
            "taskName": TASK,
            "note": "Relaunch",
        }
        assert await timer.state() == state_part(stopped)

        entry_id = stopped["projectTimeEntryId"]
        assert isinstance(entry_id, int)
        entry = body_of(await timer.api.get(f"/project_time_entries/{entry_id}"))
        assert stopped["projectTimeEntry"] == entry
        assert entry["id"] == entry_id
        assert entry["user"] == USER
        assert (entry["clientName"], entry["projectName"], entry["task"]) == (
            CLIENT,
            PROJECT,
            TASK,
        )
        assert (entry["from"], entry["to"]) == (at(9), at(17))
        assert entry["breakMinutes"] == 45  # 2730 s of break, in whole minutes
        assert entry["workedMinutes"] == 8 * 60 - 45
        assert entry["hourRate"] == 50  # the task's
        assert entry["details"] == "Relaunch"
        assert (entry["billable"], entry["flatRate"]) == (True, False)
        assert await entries_of(timer.api) == [entry]

    async def test_paused_right_to_the_stop(self, timer: Timer) -> None:
        await timer.start(at(9))
        await timer.pause(at(11))
        stopped = await timer.stop(at(12))
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (7200, 3600)
        assert stopped["stopped"] is True
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(9), at(12))
        assert (entry["workedMinutes"], entry["breakMinutes"]) == (120, 60)

    async def test_paused_from_start_to_stop_still_books(self, timer: Timer) -> None:
        await timer.start(at(9))
        await timer.pause(at(9))
        stopped = await timer.stop(at(10))
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (0, 3600)
        entry = body_of(
            await timer.api.get(f"/project_time_entries/{stopped['projectTimeEntryId']}")
        )
        assert (entry["from"], entry["to"]) == (at(9), at(10))
        assert entry["workedMinutes"] + entry["breakMinutes"] == 60
        assert entry["breakMinutes"] < 60

    async def test_restart_after_stop_starts_from_zero(self, timer: Timer) -> None:
        await timer.start(at(9), taskName=TASK, note="first")
        await timer.pause(at(10))
        first = await timer.stop(at(11))
        await post_json(timer.api, "/projects", {"clientName": CLIENT, "projectName": "Shop"})
        again = await timer.start(at(13), projectName="Shop")
        assert {k: again[k] for k in TIMER_KEYS} == {
            "username": USER,
            "startedAt": at(13),
            "workedSeconds": 0,
            "breakSeconds": 0,
            "playing": True,
            "paused": False,
            "stopped": False,
            "clientName": CLIENT,
            "projectName": "Shop",
            "taskName": None,
            "note": None,
        }
        assert (await timer.state(at(13, 30)))["workedSeconds"] == 1800
        second = await timer.stop(at(14))
        assert (second["workedSeconds"], second["breakSeconds"]) == (3600, 0)
        assert second["projectTimeEntryId"] != first["projectTimeEntryId"]
        entry = second["projectTimeEntry"]
        assert (entry["projectName"], entry["task"], entry["details"]) == ("Shop", None, None)
        assert (entry["from"], entry["to"], entry["workedMinutes"]) == (at(13), at(14), 60)
        assert [e["id"] for e in await entries_of(timer.api)] == [
            first["projectTimeEntryId"],
            second["projectTimeEntryId"],
        ]

    async def test_entry_keeps_its_rate_when_rates_change(self, timer: Timer) -> None:
        await timer.start(at(9))
        stopped = await timer.stop(at(10))
        assert stopped["projectTimeEntry"]["hourRate"] == 40
        listed = await timer.api.get("/projects", params={"projectName": PROJECT})
        (project,) = listed.json()
        updated = await timer.api.put(f"/projects/{project['id']}", json={"hourRate": 99})
        assert updated.status_code == 200, updated.text
        entry_id = stopped["projectTimeEntryId"]
        assert body_of(await timer.api.get(f"/project_time_entries/{entry_id}"))["hourRate"] == 40


@pytest.mark.parametrize(
    ("rates", "with_task", "expected"),
    [
        ({"user_rate": 30, "project_rate": 40, "task_rate": 50}, True, 50),
        ({"user_rate": 30, "project_rate": 40, "task_rate": None}, True, 40),
        ({"user_rate": 30, "project_rate": 40, "task_rate": 50}, False, 40),
        ({"user_rate": 30, "project_rate": None, "task_rate": 50}, False, 30),
        ({"user_rate": 30, "project_rate": None, "task_rate": None}, True, 30),
        ({"user_rate": None, "project_rate": None, "task_rate": None}, True, 0),
    ],
)
async def test_hour_rate_task_then_project_then_user(
    api: httpx.AsyncClient, paths: Paths, rates: dict[str, Any], with_task: bool, expected: float
) -> None:
    await make_world(api, **rates)
    timer = Timer(api, paths)
    await timer.start(at(9), **({"taskName": TASK} if with_task else {}))
    stopped = await timer.stop(at(10))
    entry = body_of(await api.get(f"/project_time_entries/{stopped['projectTimeEntryId']}"))
    assert entry["hourRate"] == expected
