"""The project timer over HTTP (SPEC §2 "Project timer", with the wire conventions of §1).

Served at ``/timers/project_timer`` and at ``/project_timer``, with and without a trailing slash.
The scenarios drive the canonical spelling; ``TestSpellings`` proves once that every other
spelling of every timer operation answers exactly as the canonical one does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from conftest import assert_error, assert_errors

from timetrack.app import create_app
from timetrack.config import Settings

PREFIXES = ("/timers/project_timer", "/project_timer")
ACTIONS = ("start", "pause", "resume", "stop")
CLIENT, PROJECT, TASK, USER = "Acme", "Website", "Design", "alice"
DAY = "2025-06-02"
# The vendor's timer object; ours may add keys (extra keys are allowed on the wire).
TIMER_KEYS = {
    "username",
    "startedAt",
    "workedSeconds",
    "breakSeconds",
    "playing",
    "paused",
    "stopped",
    "clientName",
    "projectName",
    "taskName",
    "note",
}


def at(hh: int, mm: int = 0, ss: int = 0, day: str = DAY) -> str:
    """A wall-clock timestamp the way the vendor's clients write it."""
    return f"{day}T{hh:02d}:{mm:02d}:{ss:02d}.000Z"


# --- helpers ----------------------------------------------------------------------------------


def body_of(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def state_part(timer: dict[str, Any]) -> dict[str, Any]:
    """A stop response without the booked entry: the timer state alone."""
    return {k: v for k, v in timer.items() if k not in ("projectTimeEntryId", "projectTimeEntry")}


async def post_json(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(path, json=body)
    return body_of(response, 201)


async def make_user(api: httpx.AsyncClient, username: str = USER, **fields: Any) -> dict[str, Any]:
    return await post_json(
        api,
        "/users",
        {
            "username": username,
            "firstName": username.title(),
            "lastName": "Tester",
            "email": f"{username}@example.com",
            "password": "correct horse battery",
            **fields,
        },
    )


async def make_world(
    api: httpx.AsyncClient,
    *,
    user_rate: float | None = 30,
    project_rate: float | None = 40,
    task_rate: float | None = 50,
    time_zone: str | None = None,
) -> None:
    """Client Acme, its project Website, the task Design and the user alice."""
    await post_json(api, "/clients", {"name": CLIENT})
    await post_json(
        api, "/projects", {"clientName": CLIENT, "projectName": PROJECT, "hourRate": project_rate}
    )
    await post_json(api, "/tasks", {"name": TASK, "hourRate": task_rate})
    extra: dict[str, Any] = {"hourRate": user_rate}
    if time_zone is not None:
        extra["timeZone"] = time_zone
    await make_user(api, USER, **extra)


async def entries_of(api: httpx.AsyncClient, username: str = USER) -> list[dict[str, Any]]:
    response = await api.get("/project_time_entries", params={"user": username})
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


@dataclass(frozen=True)
class Paths:
    prefix: str
    slash: str

    @property
    def state(self) -> str:
        return self.prefix + self.slash

    def of(self, action: str) -> str:
        return f"{self.prefix}/{action}{self.slash}"


CANONICAL = Paths(PREFIXES[0], "")
OTHER_SPELLINGS = [Paths(p, s) for p in PREFIXES for s in ("", "/")][1:]


@pytest.fixture
def paths() -> Paths:
    """The canonical spelling: the scenarios run once, ``TestSpellings`` covers the others."""
    return CANONICAL


@dataclass
class Timer:
    """One user's timer, driven through one of the URL spellings."""

    api: httpx.AsyncClient
    paths: Paths
    username: str = USER
    defaults: dict[str, Any] = field(
        default_factory=lambda: {"clientName": CLIENT, "projectName": PROJECT}
    )

    async def read(self, date: str | None = None, username: str | None = None) -> httpx.Response:
        params = {"username": username or self.username}
        if date is not None:
            params["date"] = date
        return await self.api.get(self.paths.state, params=params)

    async def post(self, action: str, **body: Any) -> httpx.Response:
        body.setdefault("username", self.username)
        if action == "start":
            body = {**self.defaults, **body}
        return await self.api.post(self.paths.of(action), json=body)

    async def state(self, date: str | None = None) -> dict[str, Any]:
        return body_of(await self.read(date))

    async def start(self, date: str, **fields: Any) -> dict[str, Any]:
        return body_of(await self.post("start", date=date, **fields))

    async def pause(self, date: str) -> dict[str, Any]:
        return body_of(await self.post("pause", date=date))

    async def resume(self, date: str) -> dict[str, Any]:
        return body_of(await self.post("resume", date=date))

    async def stop(self, date: str) -> dict[str, Any]:
        return body_of(await self.post("stop", date=date))


@pytest.fixture
async def timer(api: httpx.AsyncClient, paths: Paths) -> Timer:
    """alice's timer in an account with Acme / Website / Design (rates 40 and 50; alice 30)."""
    await make_world(api)
    return Timer(api, paths)


STOPPED_NEVER_STARTED = {
    "startedAt": None,
    "workedSeconds": 0,
    "breakSeconds": 0,
    "playing": False,
    "paused": False,
    "stopped": True,
    "clientName": None,
    "projectName": None,
    "taskName": None,
    "note": None,
}


# --- reading the state ------------------------------------------------------------------------


class TestState:
    async def test_never_started_reads_as_stopped(self, timer: Timer) -> None:
        state = await timer.state()
        assert set(state) >= TIMER_KEYS
        assert {k: state[k] for k in TIMER_KEYS} == {"username": USER, **STOPPED_NEVER_STARTED}

    async def test_never_started_with_a_date(self, timer: Timer) -> None:
        state = await timer.state(at(12))
        assert {k: state[k] for k in TIMER_KEYS} == {"username": USER, **STOPPED_NEVER_STARTED}

    async def test_username_is_case_insensitive(self, timer: Timer) -> None:
        await timer.start(at(9))
        state = body_of(await timer.read(username="ALICE"))
        assert state["username"] == USER
        assert state["playing"] is True

    @pytest.mark.parametrize("raw", [b"", b"{}", b"\n{ }\n"])
    async def test_post_with_empty_body_reads(self, timer: Timer, raw: bytes) -> None:
        await timer.start(at(9))
        expected = await timer.state(at(9, 30))
        response = await timer.api.post(
            timer.paths.state,
            params={"username": USER, "date": at(9, 30)},
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert body_of(response) == expected
        assert expected["workedSeconds"] == 1800

    async def test_post_with_a_body_is_refused_and_changes_nothing(self, timer: Timer) -> None:
        before = await timer.state()
        response = await timer.api.post(
            timer.paths.state,
            params={"username": USER},
            json={"username": USER, "clientName": CLIENT, "projectName": PROJECT, "date": at(9)},
        )
        assert_error(response, 405, 10008)
        assert await timer.state() == before

    async def test_post_with_malformed_body(self, timer: Timer) -> None:
        response = await timer.api.post(
            timer.paths.state, params={"username": USER}, content=b"{nope"
        )
        assert_error(response, 400, 10004)

    @pytest.mark.parametrize(
        "date", ["yesterday", "2025-06-02", "2025-13-01T00:00:00Z", "2025-06-02T09:00", "x" * 41]
    )
    async def test_malformed_date_query(self, timer: Timer, date: str) -> None:
        await timer.start(at(9))
        assert_error(await timer.read(date), 400, 10013, parameter="date")
        response = await timer.api.post(
            timer.paths.state, params={"username": USER, "date": date}, content=b""
        )
        assert_error(response, 400, 10013, parameter="date")

    async def test_missing_username_query(self, timer: Timer) -> None:
        assert_error(await timer.api.get(timer.paths.state), 400, 10013, parameter="username")

    async def test_unknown_user(self, timer: Timer) -> None:
        assert_error(await timer.read(username="nobody"), 400, 14040, pointer="/username")

    async def test_deleted_user(self, timer: Timer) -> None:
        bob = await make_user(timer.api, "bob")
        await Timer(timer.api, timer.paths, "bob").start(at(9))
        assert (await timer.api.delete(f"/users/{bob['id']}")).status_code == 200
        assert_error(await timer.read(username="bob"), 400, 14040, pointer="/username")
        bobs = Timer(timer.api, timer.paths, "bob")
        assert_error(await bobs.post("stop", date=at(10)), 400, 14040, pointer="/username")
        assert_error(await bobs.post("start", date=at(10)), 400, 14040, pointer="/username")

    async def test_date_extends_a_playing_timer_without_storing(self, timer: Timer) -> None:
        await timer.start(at(9))
        assert (await timer.state(at(9, 30)))["workedSeconds"] == 1800
        assert (await timer.state(at(10, 0, 7)))["workedSeconds"] == 3607
        stored = await timer.state()
        assert stored["workedSeconds"] == 0
        assert stored["breakSeconds"] == 0
        # A pause at 9:10 counts from the stored event, not from the dates read meanwhile.
        assert (await timer.pause(at(9, 10)))["workedSeconds"] == 600

    async def test_date_extends_the_break_of_a_paused_timer(self, timer: Timer) -> None:
        await timer.start(at(9))
        await timer.pause(at(10))
        state = await timer.state(at(10, 15))
        assert (state["workedSeconds"], state["breakSeconds"]) == (3600, 900)
        state = await timer.state()
        assert (state["workedSeconds"], state["breakSeconds"]) == (3600, 0)

    async def test_date_before_the_last_event_does_not_shrink(self, timer: Timer) -> None:
        await timer.start(at(9))
        await timer.pause(at(10))
        state = await timer.state(at(9, 30))
        assert (state["workedSeconds"], state["breakSeconds"]) == (3600, 0)

    async def test_date_does_not_extend_a_stopped_timer(self, timer: Timer) -> None:
        await timer.start(at(9))
        stopped = state_part(await timer.stop(at(10)))
        assert await timer.state(at(23)) == stopped
        assert stopped["workedSeconds"] == 3600


# --- start ------------------------------------------------------------------------------------


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


# --- pause, resume, stop ----------------------------------------------------------------------


class TestTransitions:
    async def test_pause_and_resume(self, timer: Timer) -> None:
        await timer.start(at(9))
        paused = await timer.pause(at(9, 25, 17))
        assert (paused["playing"], paused["paused"], paused["stopped"]) == (False, True, False)
        assert (paused["workedSeconds"], paused["breakSeconds"]) == (1517, 0)
        assert paused["startedAt"] == at(9)
        assert await timer.state() == paused
        resumed = await timer.resume(at(9, 40, 20))
        assert (resumed["playing"], resumed["paused"], resumed["stopped"]) == (True, False, False)
        assert (resumed["workedSeconds"], resumed["breakSeconds"]) == (1517, 903)
        assert await timer.state() == resumed

    async def test_event_at_the_same_second_is_allowed(self, timer: Timer) -> None:
        await timer.start(at(9))
        paused = await timer.pause(at(9))
        assert (paused["paused"], paused["workedSeconds"]) == (True, 0)
        resumed = await timer.resume(at(9))
        assert (resumed["playing"], resumed["breakSeconds"]) == (True, 0)

    async def test_pause_when_not_playing(self, timer: Timer) -> None:
        assert_error(await timer.post("pause", date=at(9)), 409, 18011)  # never started
        await timer.start(at(9))
        paused = await timer.pause(at(10))
        assert_error(await timer.post("pause", date=at(11)), 409, 18011)
        assert await timer.state() == paused
        await timer.stop(at(12))
        assert_error(await timer.post("pause", date=at(13)), 409, 18011)

    async def test_resume_when_not_paused(self, timer: Timer) -> None:
        assert_error(await timer.post("resume", date=at(9)), 409, 18011)  # never started
        started = await timer.start(at(9))
        assert_error(await timer.post("resume", date=at(10)), 409, 18011)
        assert await timer.state() == started
        await timer.stop(at(12))
        assert_error(await timer.post("resume", date=at(13)), 409, 18011)

    async def test_stop_when_stopped(self, timer: Timer) -> None:
        assert_error(await timer.post("stop", date=at(9)), 409, 18011)  # never started
        await timer.start(at(9))
        stopped = state_part(await timer.stop(at(10)))
        assert_error(await timer.post("stop", date=at(11)), 409, 18011)
        assert await timer.state() == stopped
        assert len(await entries_of(timer.api)) == 1

    @pytest.mark.parametrize("action", ["pause", "resume", "stop"])
    async def test_date_before_the_last_event(self, timer: Timer, action: str) -> None:
        await timer.start(at(9))
        await timer.pause(at(10))
        if action == "pause":
            await timer.resume(at(10, 30))
        before = await timer.state()
        # One second before the last event: the resume at 10:30, else the pause at 10:00.
        early = at(10, 29, 59) if action == "pause" else at(9, 59, 59)
        response = await timer.post(action, date=early)
        assert_error(response, 400, 18020, pointer="/date")
        assert await timer.state() == before
        assert await entries_of(timer.api) == []

    async def test_stop_before_the_start(self, timer: Timer) -> None:
        started = await timer.start(at(9))
        assert_error(await timer.post("stop", date=at(8, 59, 59)), 400, 18020, pointer="/date")
        assert await timer.state() == started

    async def test_stop_at_the_start_books_nothing(self, timer: Timer) -> None:
        started = await timer.start(at(9))
        response = await timer.post("stop", date=at(9))
        assert response.status_code == 400, response.text
        assert assert_errors(response, 400)[0]["source"] == {"pointer": "/date"}
        assert await timer.state() == started
        assert await entries_of(timer.api) == []

    @pytest.mark.parametrize("action", ["pause", "resume", "stop"])
    @pytest.mark.parametrize("missing", ["username", "date"])
    async def test_missing_field(self, timer: Timer, action: str, missing: str) -> None:
        await timer.start(at(9))
        if action == "resume":
            await timer.pause(at(10))
        before = await timer.state()
        body = {"username": USER, "date": at(11)}
        del body[missing]
        response = await timer.api.post(timer.paths.of(action), json=body)
        assert_error(response, 400, 10010, pointer=f"/{missing}")
        assert await timer.state() == before

    @pytest.mark.parametrize("action", ["pause", "resume", "stop"])
    @pytest.mark.parametrize("date", ["2025-06-02", "11:00", "2025-06-31T11:00:00Z", 5])
    async def test_malformed_date(self, timer: Timer, action: str, date: Any) -> None:
        await timer.start(at(9))
        if action == "resume":
            await timer.pause(at(10))
        before = await timer.state()
        assert_error(await timer.post(action, date=date), 400, 10011, pointer="/date")
        assert await timer.state() == before

    async def test_unknown_keys_are_ignored_and_named(self, timer: Timer) -> None:
        await timer.start(at(9))
        response = await timer.post("pause", date=at(10), clientName=CLIENT, foo=1)
        assert body_of(response)["paused"] is True
        assert response.headers["X-Ignored-Fields"] == "clientName, foo"

    @pytest.mark.parametrize("action", ACTIONS)
    async def test_actions_only_take_post(self, timer: Timer, action: str) -> None:
        for method in ("GET", "PUT", "DELETE"):
            response = await timer.api.request(method, timer.paths.of(action))
            assert_error(response, 405, 10008)
            assert response.headers["Allow"] == "POST"

    @pytest.mark.parametrize("action", ["pause", "resume", "stop"])
    async def test_unknown_user(self, timer: Timer, action: str) -> None:
        response = await timer.post(action, username="nobody", date=at(9))
        assert_error(response, 400, 14040, pointer="/username")


# --- stop books an entry ----------------------------------------------------------------------


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


# --- time zones -------------------------------------------------------------------------------


class TestTimeZones:
    async def test_spring_forward_in_berlin(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        day = "2025-03-30"  # 02:00 CET jumps to 03:00 CEST
        await timer.start(at(1, 30, day=day))
        assert (await timer.state(at(3, 15, day=day)))["workedSeconds"] == 45 * 60
        stopped = await timer.stop(at(3, 30, day=day))
        assert stopped["workedSeconds"] == 3600
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(1, 30, day=day), at(3, 30, day=day))
        assert entry["workedMinutes"] == 60
        assert (entry["fromUtc"], entry["toUtc"]) == (
            "2025-03-30T00:30:00.000Z",
            "2025-03-30T01:30:00.000Z",
        )

    async def test_fall_back_in_berlin(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        day = "2025-10-26"  # 03:00 CEST falls back to 02:00 CET
        await timer.start(at(1, 30, day=day))
        await timer.pause(at(3, 30, day=day))
        paused = await timer.state()
        assert paused["workedSeconds"] == 3 * 3600
        await timer.resume(at(3, 45, day=day))
        stopped = await timer.stop(at(4, day=day))
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (3 * 3600 + 900, 900)
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(1, 30, day=day), at(4, day=day))
        assert (entry["workedMinutes"], entry["breakMinutes"]) == (3 * 60 + 15, 15)

    async def test_offsets_tell_the_repeated_hour_apart(
        self, api: httpx.AsyncClient, paths: Paths
    ) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        day = "2025-10-26"
        await timer.start(f"{day}T02:30:00+02:00")  # the first 02:30, still summer time
        paused = await timer.pause(f"{day}T02:15:00+01:00")  # the second 02:15, winter time
        assert paused["workedSeconds"] == 45 * 60
        stopped = await timer.stop(f"{day}T02:45:00+01:00")
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (45 * 60, 30 * 60)
        entry = stopped["projectTimeEntry"]
        assert (entry["fromUtc"], entry["toUtc"]) == (
            f"{day}T00:30:00.000Z",
            f"{day}T01:45:00.000Z",
        )
        assert (entry["workedMinutes"], entry["breakMinutes"]) == (45, 30)

    async def test_overnight_across_midnight(self, timer: Timer) -> None:
        await timer.start(at(22, day="2025-06-02"))
        stopped = await timer.stop(at(1, 30, day="2025-06-03"))
        assert stopped["workedSeconds"] == 3.5 * 3600
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(22), at(1, 30, day="2025-06-03"))

    async def test_wall_clock_and_explicit_offsets(
        self, api: httpx.AsyncClient, paths: Paths
    ) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        started = await timer.start(f"{DAY}T07:00:00+00:00")  # 09:00 in Berlin (CEST)
        assert started["startedAt"] == at(9)
        paused = await timer.pause(at(10))  # Z: Berlin wall clock
        assert paused["workedSeconds"] == 3600
        state = await timer.state(f"{DAY}T04:30:00-05:00")  # 11:30 in Berlin
        assert state["breakSeconds"] == 5400
        await timer.resume(f"{DAY}T12:00:00+02:00")
        stopped = await timer.stop(f"{DAY}T11:00:00.000+00:00")  # 13:00 in Berlin
        assert (stopped["workedSeconds"], stopped["breakSeconds"]) == (7200, 7200)
        entry = stopped["projectTimeEntry"]
        assert (entry["from"], entry["to"]) == (at(9), at(13))
        assert (entry["fromUtc"], entry["toUtc"]) == (
            f"{DAY}T07:00:00.000Z",
            f"{DAY}T11:00:00.000Z",
        )
        assert entry["timeZone"] == "Europe/Berlin"
        assert (entry["workedMinutes"], entry["breakMinutes"]) == (120, 120)

    async def test_offset_before_the_last_event(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api, time_zone="Europe/Berlin")
        timer = Timer(api, paths)
        await timer.start(at(9))
        # 08:30 UTC is 10:30 in Berlin: after the start, although "earlier" as written.
        assert (await timer.pause(f"{DAY}T08:30:00+00:00"))["workedSeconds"] == 5400
        # 10:00 +00:00 is 12:00 Berlin; 10:29 Z (Berlin wall clock) is before the pause.
        assert_error(await timer.post("resume", date=at(10, 29)), 400, 18020, pointer="/date")

    async def test_users_in_different_zones(self, api: httpx.AsyncClient, paths: Paths) -> None:
        await make_world(api)
        await make_user(api, "nora", timeZone="America/New_York")
        alice, nora = Timer(api, paths), Timer(api, paths, "nora")
        # One instant, 13:00 UTC, written as each user's wall clock.
        assert (await alice.start(f"{DAY}T13:00:00+00:00"))["startedAt"] == at(13)
        assert (await nora.start(f"{DAY}T13:00:00+00:00"))["startedAt"] == at(9)
        a, n = await alice.stop(at(14)), await nora.stop(at(10))
        assert a["workedSeconds"] == n["workedSeconds"] == 3600
        assert a["projectTimeEntry"]["fromUtc"] == n["projectTimeEntry"]["fromUtc"]


# --- authentication ---------------------------------------------------------------------------


class TestAuth:
    async def test_every_route_needs_credentials(
        self, anon: httpx.AsyncClient, timer: Timer
    ) -> None:
        p = timer.paths
        assert_error(await anon.get(p.state, params={"username": USER}), 401, 10001)
        assert_error(await anon.post(p.state, params={"username": USER}), 401, 10001)
        for action in ACTIONS:
            response = await anon.post(
                p.of(action),
                json={
                    "username": USER,
                    "clientName": CLIENT,
                    "projectName": PROJECT,
                    "date": at(9),
                },
            )
            assert_error(response, 401, 10001)
        assert (await timer.state())["stopped"] is True

    async def test_wrong_secret(self, wrong_secret: httpx.AsyncClient, timer: Timer) -> None:
        p = timer.paths
        assert_error(await wrong_secret.get(p.state, params={"username": USER}), 401, 10002)
        for action in ACTIONS:
            response = await wrong_secret.post(
                p.of(action),
                json={
                    "username": USER,
                    "clientName": CLIENT,
                    "projectName": PROJECT,
                    "date": at(9),
                },
            )
            assert_error(response, 401, 10002)
        assert (await timer.state())["stopped"] is True


# --- concurrency ------------------------------------------------------------------------------


class TestConcurrency:
    async def test_parallel_starts_one_wins(self, timer: Timer) -> None:
        responses = await asyncio.gather(
            *(timer.post("start", date=at(9, 0, i), note=f"n{i}") for i in range(12))
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [409] * 11, [r.text for r in responses]
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 18010)
        winner = next(r.json() for r in responses if r.status_code == 200)
        assert await timer.state() == winner

    async def test_parallel_starts_after_a_stop(self, timer: Timer) -> None:
        await timer.start(at(8))
        await timer.stop(at(8, 30))
        responses = await asyncio.gather(
            *(timer.post("start", date=at(9, 0, i)) for i in range(10))
        )
        assert sorted(r.status_code for r in responses) == [200] + [409] * 9
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 18010)

    async def test_parallel_starts_of_different_users(self, timer: Timer) -> None:
        names = [f"user{i}" for i in range(10)]
        for name in names:
            await make_user(timer.api, name)
        responses = await asyncio.gather(
            *(Timer(timer.api, timer.paths, name).start(at(9)) for name in names)
        )
        assert [r["username"] for r in responses] == names
        assert all(r["playing"] for r in responses)

    async def test_parallel_stops_book_one_entry(self, timer: Timer) -> None:
        await timer.start(at(9))
        responses = await asyncio.gather(*(timer.post("stop", date=at(10, i)) for i in range(10)))
        ok = [r for r in responses if r.status_code == 200]
        assert len(ok) == 1, [r.text for r in responses]
        for r in responses:
            if r.status_code != 200:
                assert assert_errors(r, 409)[0]["code"] in (18011, 18030)
        entries = await entries_of(timer.api)
        assert len(entries) == 1
        assert entries[0]["id"] == ok[0].json()["projectTimeEntryId"]
        assert entries[0]["to"] == ok[0].json()["projectTimeEntry"]["to"]
        assert (await timer.state())["stopped"] is True

    async def test_parallel_pauses_one_wins(self, timer: Timer) -> None:
        await timer.start(at(9))
        responses = await asyncio.gather(*(timer.post("pause", date=at(10, i)) for i in range(10)))
        ok = [r for r in responses if r.status_code == 200]
        assert len(ok) == 1, [r.text for r in responses]
        for r in responses:
            if r.status_code != 200:
                assert assert_errors(r, 409)[0]["code"] in (18011, 18030)
        assert await timer.state() == ok[0].json()


# --- tenant isolation -------------------------------------------------------------------------


class TestTenants:
    async def test_another_account_cannot_touch_the_timer(
        self, timer: Timer, other_api: httpx.AsyncClient
    ) -> None:
        started = await timer.start(at(9), note="mine")
        intruder = Timer(other_api, timer.paths)
        assert_error(await intruder.read(), 400, 14040, pointer="/username")
        assert_error(await intruder.read(at(10)), 400, 14040, pointer="/username")
        response = await other_api.post(timer.paths.state, params={"username": USER})
        assert_error(response, 400, 14040, pointer="/username")
        for action in ACTIONS:
            response = await intruder.post(action, date=at(10))
            assert_error(response, 400, 14040, pointer="/username")
        assert await timer.state() == started
        assert await entries_of(timer.api) == []

    async def test_same_username_in_two_accounts(
        self, timer: Timer, other_api: httpx.AsyncClient
    ) -> None:
        await make_world(other_api)
        theirs = Timer(other_api, timer.paths)
        mine = await timer.start(at(9), note="mine")
        assert_error(await theirs.post("pause", date=at(9, 30)), 409, 18011)
        started = await theirs.start(at(10), note="theirs", taskName=TASK)
        assert (started["note"], started["startedAt"]) == ("theirs", at(10))
        assert await timer.state() == mine
        assert_error(await timer.post("start", date=at(11)), 409, 18010)
        stopped = await timer.stop(at(12))
        assert stopped["workedSeconds"] == 3 * 3600
        assert await theirs.state() == started
        assert (await theirs.stop(at(11)))["workedSeconds"] == 3600
        (my_entry,) = await entries_of(timer.api)
        (their_entry,) = await entries_of(other_api)
        assert (my_entry["details"], my_entry["from"]) == ("mine", at(9))
        assert (their_entry["details"], their_entry["from"]) == ("theirs", at(10))


# --- path spellings ---------------------------------------------------------------------------

API = "/api/v2/ext"
# One representative request per timer operation, in an order that makes each meaningful, and
# error answers among them: (method, path suffix, query, JSON body or raw bytes, status expected).
SCRIPT: list[tuple[str, str, dict[str, str], dict[str, Any] | bytes | None, int]] = [
    ("GET", "", {"username": USER}, None, 200),
    ("POST", "", {"username": USER}, None, 200),  # read-by-POST
    ("POST", "/pause", {}, {"username": USER, "date": at(9)}, 409),  # 18011: not running
    # No projectName: refused.
    ("POST", "/start", {}, {"username": USER, "clientName": CLIENT, "date": at(9)}, 400),
    (
        "POST",
        "/start",
        {},
        {"username": USER, "clientName": CLIENT, "projectName": PROJECT, "date": at(9)},
        200,
    ),
    ("GET", "", {"username": USER, "date": at(10)}, None, 200),
    ("POST", "/pause", {}, {"username": USER, "date": at(10)}, 200),
    ("POST", "/resume", {}, {"username": USER, "date": at(10, 30)}, 200),
    ("POST", "/stop", {}, {"username": USER, "date": at(11)}, 200),
    ("POST", "/stop", {}, b"{", 400),  # 10004: malformed JSON
    ("GET", "", {}, None, 400),  # 10013: username missing
]


def _timer_operations() -> set[tuple[str, str]]:
    """(method, suffix) of every timer operation the OpenAPI document declares."""
    document = create_app(Settings(database_url="sqlite:///unused.db")).openapi()
    found = set()
    for path, operations in document["paths"].items():
        suffix = path.removeprefix(API)
        if suffix.startswith(PREFIXES[0]):
            for method in operations:
                found.add((method.upper(), suffix.removeprefix(PREFIXES[0])))
    return found


def _comparable(value: Any) -> Any:
    """A body without what differs between two runs of the script by design: record ids (the
    runs live in two accounts) and ``updatedAt`` (the wall clock)."""
    if isinstance(value, dict):
        return {
            k: _comparable(v)
            for k, v in value.items()
            if k not in ("id", "updatedAt") and not k.endswith("Id")
        }
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


async def _play(api: httpx.AsyncClient, paths: Paths) -> list[tuple[int, Any]]:
    """The script's answers (status, comparable body) through one spelling of the paths."""
    await make_world(api)
    answers = []
    for method, suffix, query, body, _ in SCRIPT:
        path = paths.of(suffix.lstrip("/")) if suffix else paths.state
        if isinstance(body, bytes):
            response = await api.request(method, path, params=query, content=body)
        else:
            response = await api.request(method, path, params=query, json=body)
        assert response.headers["content-type"] == "application/json", response.text
        answers.append((response.status_code, _comparable(response.json())))
    return answers


class TestSpellings:
    """``/timers/project_timer`` and ``/project_timer``, each with and without a trailing slash,
    reach the same handlers: checked once per route shape here, not once per scenario."""

    def test_the_script_covers_every_timer_operation(self) -> None:
        assert {(method, suffix) for method, suffix, *_ in SCRIPT} == _timer_operations()

    @pytest.mark.parametrize(
        "spelling",
        OTHER_SPELLINGS,
        ids=lambda p: p.prefix.strip("/") + ("+slash" if p.slash else ""),
    )
    async def test_every_spelling_answers_as_the_canonical_path(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient, spelling: Paths
    ) -> None:
        canonical = await _play(api, CANONICAL)
        assert [status for status, _ in canonical] == [step[-1] for step in SCRIPT], canonical
        assert await _play(other_api, spelling) == canonical
