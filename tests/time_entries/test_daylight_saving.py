"""Time entries across daylight-saving changes: the gaps and the repeated hours of the user's
zone.
"""

from __future__ import annotations

import httpx
import pytest
from conftest import assert_error

from timetrack.accounts.service import Credentials
from timetrack.db import Database

from .semantics import (
    BERLIN,
    ENTRY_WORKED_INCONSISTENT,
    NEW_YORK,
    basics,
    book,
    entry_body,
    fetch,
    listed_ids,
    stored,
    times,
    utc,
)


class TestDaylightSavingChanges:
    async def test_spring_forward_day_has_a_short_night(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries",
            json=entry_body("2025-03-30T01:00:00Z", "2025-03-30T04:00:00Z"),
        )
        assert response.status_code == 201, response.text
        entry = response.json()
        assert times(entry) == (
            "2025-03-30T01:00:00.000Z",
            "2025-03-30T04:00:00.000Z",
            "2025-03-30T00:00:00.000Z",
            "2025-03-30T02:00:00.000Z",
            120,  # three hours on the wall clock, two in reality
        )
        assert entry["timeZone"] == BERLIN
        assert '"from":"2025-03-30T01:00:00.000Z"' in response.text
        assert '"workedMinutes":120' in response.text
        assert await stored(database, account, entry["id"]) == {
            "start_at": utc(2025, 3, 30, 0, 0),
            "end_at": utc(2025, 3, 30, 2, 0),
            "start_local": "2025-03-30 01:00:00",
            "end_local": "2025-03-30 04:00:00",
            "time_zone": BERLIN,
            "worked_minutes": 120,
            "break_minutes": 0,
        }
        assert await fetch(api, entry["id"]) == entry

    async def test_fall_back_day_has_a_long_night(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-10-26T01:00:00Z", "2025-10-26T04:00:00Z", breakMinutes=30)
        assert times(entry) == (
            "2025-10-26T01:00:00.000Z",
            "2025-10-26T04:00:00.000Z",
            "2025-10-25T23:00:00.000Z",
            "2025-10-26T03:00:00.000Z",
            210,  # four real hours less the break
        )
        row = await stored(database, account, entry["id"])
        assert (row["start_at"], row["end_at"]) == (utc(2025, 10, 25, 23), utc(2025, 10, 26, 3))
        assert (row["start_local"], row["end_local"]) == (
            "2025-10-26 01:00:00",
            "2025-10-26 04:00:00",
        )
        assert (row["time_zone"], row["worked_minutes"], row["break_minutes"]) == (BERLIN, 210, 30)

    async def test_worked_minutes_across_spring_forward(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-03-30T01:00:00Z", workedMinutes=180)
        # 180 real minutes from 00:00 UTC end at 03:00 UTC, which is 05:00 CEST.
        assert times(entry) == (
            "2025-03-30T01:00:00.000Z",
            "2025-03-30T05:00:00.000Z",
            "2025-03-30T00:00:00.000Z",
            "2025-03-30T03:00:00.000Z",
            180,
        )
        row = await stored(database, account, entry["id"])
        assert (row["end_at"], row["end_local"]) == (utc(2025, 3, 30, 3), "2025-03-30 05:00:00")

    async def test_worked_minutes_across_fall_back(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-10-26T01:00:00Z", workedMinutes=150, breakMinutes=30)
        # 180 real minutes from 23:00 UTC end at 02:00 UTC, which is 03:00 CET.
        assert times(entry) == (
            "2025-10-26T01:00:00.000Z",
            "2025-10-26T03:00:00.000Z",
            "2025-10-25T23:00:00.000Z",
            "2025-10-26T02:00:00.000Z",
            150,
        )
        row = await stored(database, account, entry["id"])
        assert (row["end_at"], row["end_local"]) == (utc(2025, 10, 26, 2), "2025-10-26 03:00:00")

    async def test_wall_clock_span_is_not_the_worked_time(self, api: httpx.AsyncClient) -> None:
        """Given both, workedMinutes must match the real span, not the wall-clock one."""
        await basics(api)
        wall = entry_body("2025-03-30T01:00:00Z", "2025-03-30T04:00:00Z", workedMinutes=180)
        response = await api.post("/project_time_entries", json=wall)
        assert_error(response, 400, ENTRY_WORKED_INCONSISTENT, pointer="/workedMinutes")
        real = entry_body("2025-10-26T01:00:00Z", "2025-10-26T04:00:00Z", workedMinutes=240)
        assert (await api.post("/project_time_entries", json=real)).status_code == 201
        wall = entry_body("2025-10-26T01:00:00Z", "2025-10-26T04:00:00Z", workedMinutes=180)
        response = await api.post("/project_time_entries", json=wall)
        assert_error(response, 400, ENTRY_WORKED_INCONSISTENT, pointer="/workedMinutes")
        assert len(await listed_ids(api)) == 1

    async def test_whole_days_around_the_changes(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        spring = await book(api, "2025-03-30T00:00:00Z", "2025-03-31T00:00:00Z")
        autumn = await book(api, "2025-10-26T00:00:00Z", "2025-10-27T00:00:00Z")
        ordinary = await book(api, "2025-06-01T00:00:00Z", "2025-06-02T00:00:00Z")
        assert spring["workedMinutes"] == 23 * 60
        assert autumn["workedMinutes"] == 25 * 60
        assert ordinary["workedMinutes"] == 24 * 60

    async def test_other_zones_change_on_other_days(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api, bob=NEW_YORK)
        # New York springs forward on 9 March 2025 at 02:00 EST.
        entry = await book(api, "2025-03-09T01:00:00Z", "2025-03-09T04:00:00Z", user="bob")
        assert times(entry) == (
            "2025-03-09T01:00:00.000Z",
            "2025-03-09T04:00:00.000Z",
            "2025-03-09T06:00:00.000Z",
            "2025-03-09T08:00:00.000Z",
            120,
        )
        assert entry["timeZone"] == NEW_YORK
        assert (await stored(database, account, entry["id"]))["time_zone"] == NEW_YORK


class TestGapsAndAmbiguousTimes:
    async def test_gap_time_takes_the_offset_before_the_gap(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        """02:30 does not exist on 30 March in Berlin: read with CET it is 01:30 UTC, 03:30."""
        await basics(api)
        entry = await book(api, "2025-03-30T02:30:00Z", "2025-03-30T04:00:00Z")
        assert times(entry) == (
            "2025-03-30T03:30:00.000Z",
            "2025-03-30T04:00:00.000Z",
            "2025-03-30T01:30:00.000Z",
            "2025-03-30T02:00:00.000Z",
            30,
        )
        row = await stored(database, account, entry["id"])
        assert (row["start_at"], row["start_local"]) == (
            utc(2025, 3, 30, 1, 30),
            "2025-03-30 03:30:00",
        )

    async def test_gap_time_as_the_end(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await book(api, "2025-03-30T01:00:00Z", "2025-03-30T02:30:00Z")
        assert times(entry) == (
            "2025-03-30T01:00:00.000Z",
            "2025-03-30T03:30:00.000Z",
            "2025-03-30T00:00:00.000Z",
            "2025-03-30T01:30:00.000Z",
            90,
        )

    @pytest.mark.parametrize(
        ("wall", "instant", "written"),
        [
            ("2025-03-30T02:00:00Z", "2025-03-30T01:00:00.000Z", "2025-03-30T03:00:00.000Z"),
            ("2025-03-30T02:59:59Z", "2025-03-30T01:59:59.000Z", "2025-03-30T03:59:59.000Z"),
            ("2025-03-30T01:59:59Z", "2025-03-30T00:59:59.000Z", "2025-03-30T01:59:59.000Z"),
            ("2025-03-30T03:00:00Z", "2025-03-30T01:00:00.000Z", "2025-03-30T03:00:00.000Z"),
            ("2025-10-26T01:59:59Z", "2025-10-25T23:59:59.000Z", "2025-10-26T01:59:59.000Z"),
            ("2025-10-26T02:00:00Z", "2025-10-26T00:00:00.000Z", "2025-10-26T02:00:00.000Z"),
            ("2025-10-26T02:30:00Z", "2025-10-26T00:30:00.000Z", "2025-10-26T02:30:00.000Z"),
            ("2025-10-26T02:59:59Z", "2025-10-26T00:59:59.000Z", "2025-10-26T02:59:59.000Z"),
            ("2025-10-26T03:00:00Z", "2025-10-26T02:00:00.000Z", "2025-10-26T03:00:00.000Z"),
        ],
    )
    async def test_edges_of_the_changes(
        self, api: httpx.AsyncClient, wall: str, instant: str, written: str
    ) -> None:
        await basics(api)
        entry = await book(api, wall, workedMinutes=1)
        assert (entry["fromUtc"], entry["from"]) == (instant, written)

    async def test_ambiguous_time_is_its_first_occurrence(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-10-26T02:30:00Z", "2025-10-26T03:30:00Z")
        # 02:30 CEST (00:30 UTC) to 03:30 CET (02:30 UTC): two real hours.
        assert times(entry) == (
            "2025-10-26T02:30:00.000Z",
            "2025-10-26T03:30:00.000Z",
            "2025-10-26T00:30:00.000Z",
            "2025-10-26T02:30:00.000Z",
            120,
        )
        row = await stored(database, account, entry["id"])
        assert (row["start_at"], row["start_local"]) == (
            utc(2025, 10, 26, 0, 30),
            "2025-10-26 02:30:00",
        )

    async def test_an_offset_picks_the_second_occurrence(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-10-26T02:30:00+01:00", "2025-10-26T03:30:00Z")
        assert times(entry) == (
            "2025-10-26T02:30:00.000Z",
            "2025-10-26T03:30:00.000Z",
            "2025-10-26T01:30:00.000Z",
            "2025-10-26T02:30:00.000Z",
            60,
        )
        first = await book(api, "2025-10-26T02:30:00+02:00", "2025-10-26T02:45:00+01:00")
        assert (first["fromUtc"], first["toUtc"], first["workedMinutes"]) == (
            "2025-10-26T00:30:00.000Z",
            "2025-10-26T01:45:00.000Z",
            75,
        )
        row = await stored(database, account, entry["id"])
        assert (row["start_at"], row["start_local"]) == (
            utc(2025, 10, 26, 1, 30),
            "2025-10-26 02:30:00",
        )

    async def test_echo_of_an_entry_in_the_repeated_hour_keeps_it(
        self, api: httpx.AsyncClient
    ) -> None:
        """A read-modify-write client sends back the wall clock it read. For an entry in the
        second 02:xx hour that text is ambiguous; the echo must not move the entry."""
        await basics(api)
        entry = await book(api, "2025-10-26T02:30:00+01:00", "2025-10-26T03:30:00Z")
        url = f"/project_time_entries/{entry['id']}"
        response = await api.put(url, json=entry)
        assert response.status_code == 200, response.text
        assert times(response.json()) == times(entry)
        edited = entry | {"details": "edited"}
        response = await api.put(url, json=edited)
        assert response.status_code == 200, response.text
        assert times(response.json()) == times(entry)
        # A wall clock that differs from the stored one is read by the usual rule.
        moved = await api.put(url, json={"from": "2025-10-26T02:15:00Z"})
        assert moved.status_code == 200, moved.text
        assert moved.json()["fromUtc"] == "2025-10-26T00:15:00.000Z"
