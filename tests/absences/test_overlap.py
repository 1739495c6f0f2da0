"""A user's absences never overlap, unless disapproved, also under concurrent writes."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from conftest import assert_error

from .common import HDL, HO, SICK, VAC, body_of, create, listed, make_user, set_status


class TestOverlap:
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2026-07-06", "2026-07-10"),  # the same
            ("2026-07-07", "2026-07-08"),  # inside
            ("2026-07-01", "2026-07-31"),  # around
            ("2026-07-01", "2026-07-06"),  # ends on its first day
            ("2026-07-10", "2026-07-12"),  # starts on its last day
            ("2026-07-08", "2026-07-08"),  # one day inside
        ],
    )
    async def test_overlapping(
        self, api: httpx.AsyncClient, ann: dict[str, Any], start: str, end: str
    ) -> None:
        first = await create(api, "2026-07-06", "2026-07-10")
        response = await api.post("/absences", json=body_of(start, end, SICK))
        err = assert_error(response, 409, 17040)
        assert str(first["id"]) in err["detail"]
        assert await listed(api) == [first]

    async def test_adjacent_days_do_not_overlap(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await create(api, "2026-07-06", "2026-07-10")
        await create(api, "2026-07-01", "2026-07-05")
        await create(api, "2026-07-11", "2026-07-11")
        assert len(await listed(api)) == 3

    async def test_other_users_do_not_overlap(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await make_user(api, "bob")
        await create(api, "2026-07-06", "2026-07-10")
        await create(api, "2026-07-06", "2026-07-10", username="bob")
        assert [a["user"] for a in await listed(api)] == ["ann", "bob"]

    @pytest.mark.parametrize("status", [0, 1])
    async def test_waiting_and_approved_block(
        self, api: httpx.AsyncClient, ann: dict[str, Any], status: int
    ) -> None:
        first = await create(api)
        await set_status(api, first["id"], status)
        assert_error(await api.post("/absences", json=body_of()), 409, 17040)

    async def test_disapproved_does_not_block(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        first = await create(api)
        await set_status(api, first["id"], 2)
        second = await create(api)
        assert second["id"] == 2

    async def test_deleted_does_not_block(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        first = await create(api)
        assert (await api.delete(f"/absences/{first['id']}")).status_code == 200
        await create(api)

    async def test_two_halves_of_one_day(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        await create(api, absence_type=HDL, day_segment=1)
        await create(api, absence_type=HO, day_segment=2)
        assert [a["day_segment"] for a in await listed(api)] == [1, 2]
        # Both halves taken: neither half nor the whole day is free any more.
        segments: list[dict[str, Any]] = [{"day_segment": n} for n in (1, 2, 0)] + [{}]
        for fields in segments:
            response = await api.post("/absences", json=body_of(absence_type=VAC, **fields))
            assert_error(response, 409, 17040)

    @pytest.mark.parametrize(
        ("first", "second"),
        [
            ({"day_segment": 1}, {"day_segment": 1}),
            ({"day_segment": 2}, {"daySegment": 2}),
            ({"day_segment": 1}, {}),
            ({}, {"day_segment": 2}),
        ],
    )
    async def test_half_days_that_overlap(
        self,
        api: httpx.AsyncClient,
        ann: dict[str, Any],
        first: dict[str, Any],
        second: dict[str, Any],
    ) -> None:
        await create(api, absence_type=HDL, **first)
        assert_error(
            await api.post("/absences", json=body_of(absence_type=HDL, **second)), 409, 17040
        )

    async def test_half_day_inside_a_longer_absence(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await create(api, "2026-07-01", "2026-07-05")
        response = await api.post("/absences", json=body_of("2026-07-03", day_segment=2))
        assert_error(response, 409, 17040)
        await create(api, "2026-07-06", day_segment=2)

    async def test_half_day_of_a_disapproved_day(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        first = await create(api, day_segment=1)
        await set_status(api, first["id"], 2)
        await create(api, day_segment=1)

    async def test_concurrent_creates(self, api: httpx.AsyncClient, ann: dict[str, Any]) -> None:
        """Overlapping creates for one user at the same moment: exactly one wins."""
        responses = await asyncio.gather(
            *(
                api.post("/absences", json=body_of(f"2026-07-{1 + i:02d}", "2026-07-20"))
                for i in range(8)
            )
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 7, [
            r.text for r in responses
        ]
        for r in responses:
            if r.status_code == 409:
                assert_error(r, 409, 17040)
        assert len(await listed(api)) == 1

    async def test_concurrent_halves_and_other_users(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        await make_user(api, "bob")
        bodies = [
            body_of(absence_type=HDL, day_segment=1),
            body_of(absence_type=HDL, day_segment=2),
            body_of(username="bob"),
            body_of("2026-07-02"),
        ]
        responses = await asyncio.gather(*(api.post("/absences", json=b) for b in bodies))
        assert [r.status_code for r in responses] == [201] * 4, [r.text for r in responses]
        assert len({r.json()["id"] for r in responses}) == 4

    async def test_concurrent_reapprovals(
        self, api: httpx.AsyncClient, ann: dict[str, Any]
    ) -> None:
        """Disapproved absences on the same days, set back to approved at once: one wins."""
        records = []
        for _ in range(6):
            record = await create(api)
            await set_status(api, record["id"], 2)
            records.append(record)
        responses = await asyncio.gather(
            *(api.put(f"/absences/{r['id']}", json={"status": 1}) for r in records)
        )
        assert sorted(r.status_code for r in responses) == [200] + [409] * 5
        assert len(await listed(api, status=1)) == 1
