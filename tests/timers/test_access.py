"""Who may drive a project timer: credentials, and users of another account."""

from __future__ import annotations

import httpx
from conftest import assert_error

from .common import ACTIONS, CLIENT, PROJECT, TASK, USER, Timer, at, entries_of, make_world


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
