"""Starting the project timer: what it books to, what it refuses, and when it may start."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_error, assert_errors

from .common import CLIENT, DAY, PROJECT, TASK, TIMER_KEYS, USER, Timer, at, body_of, post_json


class TestStart:
    async def test_start_plays(self, timer: Timer) -> None:
        started = await timer.start(at(9))
        assert {k: started[k] for k in TIMER_KEYS} == {
            "username": USER,
            "startedAt": at(9),
            "workedSeconds": 0,
            "breakSeconds": 0,
            "playing": True,
            "paused": False,
            "stopped": False,
            "clientName": CLIENT,
            "projectName": PROJECT,
            "taskName": None,
            "note": None,
        }
        assert await timer.state() == started

    async def test_start_with_task_and_note(self, timer: Timer) -> None:
        started = await timer.start(at(9), taskName=TASK, note="Landing page")
        assert started["taskName"] == TASK
        assert started["note"] == "Landing page"
        assert await timer.state() == started

    async def test_names_match_case_insensitively(self, timer: Timer) -> None:
        started = await timer.start(
            at(9), username="ALICE", clientName="acme", projectName="WEBSITE", taskName="design"
        )
        assert (started["username"], started["clientName"]) == (USER, CLIENT)
        assert (started["projectName"], started["taskName"]) == (PROJECT, TASK)

    async def test_date_without_suffix_is_wall_clock(self, timer: Timer) -> None:
        started = await timer.start(f"{DAY}T09:00:00")
        assert started["startedAt"] == at(9)

    async def test_unknown_keys_are_ignored_and_named(self, timer: Timer) -> None:
        response = await timer.post("start", date=at(9), langauge="de")
        assert body_of(response)["playing"] is True
        assert response.headers["X-Ignored-Fields"] == "langauge"

    async def test_start_while_playing(self, timer: Timer) -> None:
        started = await timer.start(at(9))
        await post_json(timer.api, "/projects", {"clientName": CLIENT, "projectName": "Other"})
        response = await timer.post("start", date=at(10), projectName="Other")
        assert_error(response, 409, 18010)
        assert await timer.state() == started

    async def test_start_while_paused(self, timer: Timer) -> None:
        await timer.start(at(9))
        paused = await timer.pause(at(10))
        assert_error(await timer.post("start", date=at(11)), 409, 18010)
        assert await timer.state() == paused

    @pytest.mark.parametrize(
        ("fields", "code", "pointer"),
        [
            ({"username": "nobody"}, 14040, "/username"),
            ({"clientName": "Nobody Inc"}, 11040, "/clientName"),
            ({"projectName": "Nothing"}, 12040, "/projectName"),
            ({"taskName": "Nothing"}, 13040, "/taskName"),
        ],
    )
    async def test_unknown_names(
        self, timer: Timer, fields: dict[str, Any], code: int, pointer: str
    ) -> None:
        assert_error(await timer.post("start", date=at(9), **fields), 400, code, pointer=pointer)
        assert (await timer.state())["stopped"] is True

    async def test_project_of_another_client(self, timer: Timer) -> None:
        await post_json(timer.api, "/clients", {"name": "Globex"})
        await post_json(timer.api, "/projects", {"clientName": "Globex", "projectName": "Intra"})
        response = await timer.post("start", date=at(9), projectName="Intra")
        assert_error(response, 400, 12040, pointer="/projectName")

    async def test_deleted_project_and_task(self, timer: Timer) -> None:
        project = await post_json(
            timer.api, "/projects", {"clientName": CLIENT, "projectName": "Gone"}
        )
        task = await post_json(timer.api, "/tasks", {"name": "Vanished"})
        assert (await timer.api.delete(f"/projects/{project['id']}")).status_code == 200
        assert (await timer.api.delete(f"/tasks/{task['id']}")).status_code == 200
        response = await timer.post("start", date=at(9), projectName="Gone")
        assert_error(response, 400, 12040, pointer="/projectName")
        response = await timer.post("start", date=at(9), taskName="Vanished")
        assert_error(response, 400, 13040, pointer="/taskName")

    @pytest.mark.parametrize("missing", ["username", "clientName", "projectName", "date"])
    async def test_missing_field(self, timer: Timer, missing: str) -> None:
        body = {"username": USER, "clientName": CLIENT, "projectName": PROJECT, "date": at(9)}
        del body[missing]
        response = await timer.api.post(timer.paths.of("start"), json=body)
        assert_error(response, 400, 10010, pointer=f"/{missing}")
        assert (await timer.state())["stopped"] is True

    async def test_empty_body_lists_every_missing_field(self, timer: Timer) -> None:
        errors = assert_errors(await timer.api.post(timer.paths.of("start"), json={}), 400)
        assert {e["code"] for e in errors} == {10010}
        assert {e["source"]["pointer"] for e in errors} == {
            "/username",
            "/clientName",
            "/projectName",
            "/date",
        }

    @pytest.mark.parametrize(
        "date",
        [
            "2025-06-02",
            "2025-06-02 09:00:00",
            "2025-13-01T09:00:00Z",
            "2025-02-30T09:00:00Z",
            "2025-06-02T24:00:00Z",
            "2025-06-02T09:00:00+25:00",
            "now",
            "",
            12345,
            None,
        ],
    )
    async def test_malformed_date(self, timer: Timer, date: Any) -> None:
        assert_error(await timer.post("start", date=date), 400, 10011, pointer="/date")
        assert (await timer.state())["stopped"] is True

    async def test_malformed_json(self, timer: Timer) -> None:
        assert_error(await timer.api.post(timer.paths.of("start"), content=b"{"), 400, 10004)

    async def test_body_not_an_object(self, timer: Timer) -> None:
        assert_error(await timer.api.post(timer.paths.of("start"), content=b"[]"), 400, 10005)
