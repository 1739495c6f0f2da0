"""Reading the project timer (SPEC §2 "Project timer"): a user's state before, during and after
a run, and the users it can name.
"""

from __future__ import annotations

import pytest
from conftest import assert_error

from .common import (
    CLIENT,
    PROJECT,
    STOPPED_NEVER_STARTED,
    TIMER_KEYS,
    USER,
    Timer,
    at,
    body_of,
    make_user,
    state_part,
)


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
