"""One user's attendances never overlap, also under concurrent writes."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import (
    assert_error,
)

from timetrack.attendances import service

from .common import (
    BERLIN,
    CLOCKED_IN,
    NOT_CLOCKED_IN,
    OVERLAP,
    add_user,
    body_of,
    clock_in,
    clock_out,
    create,
    create_open,
    everything,
    listed,
    listed_ids,
    span,
)


class TestOverlap:
    """A user's live attendances never overlap: ``[from, to)``, an open one to infinity."""

    @pytest.mark.parametrize(
        ("times", "ok"),
        [
            (span(4, "08:00", "09:00"), True),  # ends as the other starts
            (span(4, "17:00", "18:00"), True),  # starts as the other ends
            (span(4, "06:00", "07:00"), True),
            (span(5, "09:00", "17:00"), True),
            (span(4, "08:00", "09:01"), False),
            (span(4, "16:59", "18:00"), False),
            (span(4, "10:00", "11:00"), False),  # inside
            (span(4, "08:00", "18:00"), False),  # around
            (span(4, "09:00", "17:00"), False),  # the same
            (span(4, "17:00", None), True),  # open from its end
            (span(5, "08:00", None), True),
            (span(4, "16:00", None), False),  # open from inside
            (span(4, "08:00", None), False),  # open from before: reaches over it
            (span(1, "08:00", None), False),
        ],
    )
    async def test_against_a_closed_one(
        self, api: httpx.AsyncClient, times: dict[str, Any], ok: bool
    ) -> None:
        await add_user(api)
        first = await create(api)
        response = await api.post("/attendances", json=body_of(**times))
        if ok:
            assert response.status_code == 201, response.text
        else:
            error = assert_error(response, 409, OVERLAP)
            assert f"attendance {first['id']}" in error["detail"]
            assert "2025-03-04T09:00:00.000Z to 2025-03-04T17:00:00.000Z" in error["detail"]
            assert await everything(api) == [first]

    @pytest.mark.parametrize(
        ("times", "code"),
        [
            (span(4, "08:00", "09:00"), None),  # before the open one starts
            (span(4, "08:00", "09:01"), OVERLAP),
            (span(4, "10:00", "11:00"), OVERLAP),  # after its start: inside it
            (span(9, "10:00", "11:00"), OVERLAP),  # days later: still inside
            (span(4, "10:00", None), CLOCKED_IN),
            (span(1, "10:00", None), CLOCKED_IN),
        ],
    )
    async def test_against_an_open_one(
        self, api: httpx.AsyncClient, times: dict[str, Any], code: int | None
    ) -> None:
        await add_user(api)
        running = await create_open(api, "2025-03-04T09:00:00Z")
        response = await api.post("/attendances", json=body_of(**times))
        if code is None:
            assert response.status_code == 201, response.text
        else:
            error = assert_error(response, 409, code)
            assert f"attendance {running['id']}" in error["detail"]
            assert await everything(api) == [running]

    async def test_other_users_and_deleted_ones_do_not_count(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        await add_user(api, "bob")
        await create(api)
        await create_open(api, "2025-03-04T08:00:00Z", user="bob")
        gone = await create(api, **span(5, "09:00", "17:00"))
        assert (await api.delete(f"/attendances/{gone['id']}")).status_code == 200
        again = await create(api, **span(5, "10:00", "11:00"))
        assert again["id"] != gone["id"]
        assert len(await listed(api)) == 3

    async def test_compares_true_instants(self, api: httpx.AsyncClient) -> None:
        """Alice works in Berlin; a time with an explicit offset names an instant."""
        await add_user(api, timeZone=BERLIN)
        first = await create(api)  # 09:00-17:00 Berlin = 08:00-16:00 UTC
        later = {"from": "2025-03-04T15:30:00+00:00", "to": "2025-03-04T18:00:00+00:00"}
        assert_error(await api.post("/attendances", json=body_of(**later)), 409, OVERLAP)
        fine = {"from": "2025-03-04T16:00:00+00:00", "to": "2025-03-04T18:00:00+00:00"}
        body = await create(api, **fine)
        assert (body["from"], body["to"]) == (
            "2025-03-04T17:00:00.000Z",
            "2025-03-04T19:00:00.000Z",
        )
        assert await listed_ids(api) == [first["id"], body["id"]]

    async def test_one_open_attendance_per_user_in_the_database(
        self, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With the check skipped, the partial unique index still refuses a second open
        attendance, and the violation answers like the check would (16041)."""
        await add_user(api)
        running = await create_open(api, "2025-03-04T09:00:00Z")

        async def skip(*args: Any, **kwargs: Any) -> None:
            return None

        monkeypatch.setattr(service, "refuse_overlap", skip)
        assert_error(await clock_in(api, "2025-03-05T09:00:00Z"), 409, CLOCKED_IN)
        assert_error(await api.post("/attendances", json=body_of(to=None)), 409, CLOCKED_IN)
        closed = await create(api, **span(1, "09:00", "10:00"))
        response = await api.put(f"/attendances/{closed['id']}", json={"to": None})
        assert_error(response, 409, CLOCKED_IN)
        assert await listed(api) == [closed, running]


class TestConcurrency:
    """Requests fired together: exactly one of a set of conflicting writes succeeds."""

    @staticmethod
    def outcome(responses: list[httpx.Response], winner: int) -> list[httpx.Response]:
        """Assert one response has status ``winner`` and every other is a 409 of the overlap
        family; return the winners."""
        won = [r for r in responses if r.status_code == winner]
        assert len(won) == 1, [r.text for r in responses]
        for r in responses:
            if r is not won[0]:
                assert r.status_code == 409, r.text
                assert r.json()["errors"][0]["code"] in (OVERLAP, CLOCKED_IN), r.text
        return won

    async def test_overlapping_creates(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(
                api.post("/attendances", json=body_of(**span(4, f"{9 + i % 4:02d}:00", "18:00")))
                for i in range(12)
            )
        )
        (won,) = self.outcome(list(responses), 201)
        assert await everything(api) == [won.json()]

    async def test_open_creates(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(
                api.post("/attendances", json=body_of(**span(1 + i, "09:00", None)))
                for i in range(10)
            )
        )
        (won,) = self.outcome(list(responses), 201)
        assert await everything(api) == [won.json()]

    async def test_clock_ins(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(clock_in(api, f"2025-03-04T09:00:{i:02d}Z") for i in range(12))
        )
        (won,) = self.outcome(list(responses), 201)
        for r in responses:
            if r is not won:
                assert r.json()["errors"][0]["code"] == CLOCKED_IN
        assert await everything(api) == [won.json()]

    async def test_clock_ins_and_creates_mixed(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        requests = [clock_in(api, f"2025-03-04T10:{i:02d}:00Z") for i in range(6)]
        requests += [
            api.post("/attendances", json=body_of(**span(4, f"{8 + i:02d}:00", "12:00")))
            for i in range(4)
        ]
        responses = await asyncio.gather(*requests)
        (won,) = self.outcome(list(responses), 201)
        assert await everything(api) == [won.json()]

    async def test_reopens(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        made = [await create(api, **span(day, "09:00", "10:00")) for day in (1, 2, 3, 4)]
        last = made[-1]["id"]
        responses = await asyncio.gather(
            *(api.put(f"/attendances/{a['id']}", json={"to": None}) for a in made),
            *(api.put(f"/attendances/{last}", json={"to": None}) for _ in range(3)),
            clock_in(api, "2025-03-05T09:00:00Z"),
        )
        open_ones = [a for a in await listed(api) if a["to"] is None]
        assert len(open_ones) == 1, [r.text for r in responses]
        assert all(r.status_code in (200, 201, 409) for r in responses), [r.text for r in responses]

    async def test_clock_outs(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        running = (await clock_in(api, "2025-03-04T09:00:00Z")).json()
        responses = await asyncio.gather(
            *(clock_out(api, f"2025-03-04T17:{i:02d}:00Z") for i in range(10))
        )
        won = [r for r in responses if r.status_code == 200]
        assert len(won) == 1, [r.text for r in responses]
        for r in responses:
            if r is not won[0]:
                assert_error(r, 409, NOT_CLOCKED_IN)
        assert await listed(api) == [won[0].json()]
        assert won[0].json()["id"] == running["id"]

    async def test_different_users_do_not_wait_for_each_other(self, api: httpx.AsyncClient) -> None:
        names = [f"user{i}" for i in range(8)]
        for name in names:
            await add_user(api, name)
        responses = await asyncio.gather(
            *(clock_in(api, "2025-03-04T09:00:00Z", username=name) for name in names)
        )
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        assert sorted(a["user"] for a in await listed(api)) == names
        ids = sorted(r.json()["id"] for r in responses)
        assert ids == list(range(1, 9))

    async def test_non_overlapping_creates_all_succeed(self, api: httpx.AsyncClient) -> None:
        await add_user(api)
        responses = await asyncio.gather(
            *(
                api.post(
                    "/attendances", json=body_of(**span(4, f"{8 + i:02d}:00", f"{9 + i:02d}:00"))
                )
                for i in range(8)
            )
        )
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        assert len(await listed(api)) == 8
