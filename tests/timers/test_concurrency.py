"""Concurrent timer actions: one user's timer runs once, whatever races."""

from __future__ import annotations

import asyncio

from conftest import assert_error, assert_errors

from .common import Timer, at, entries_of, make_user


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
