"""Pausing and resuming the project timer: worked and break seconds, and transitions out of
order.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import assert_error, assert_errors

from .common import ACTIONS, CLIENT, USER, Timer, at, body_of, entries_of, state_part


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
