"""Time entries with explicit offsets and in each user's zone; times that are refused."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from conftest import FIELD_INVALID, assert_error, client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database

from .semantics import (
    BERLIN,
    ENTRY_END_BEFORE_START,
    NEW_YORK,
    TOKYO,
    basics,
    book,
    entry_body,
    fetch,
    stored,
    times,
    utc,
)


class TestExplicitOffsets:
    @pytest.mark.parametrize(
        ("sent", "local", "instant"),
        [
            ("2025-03-04T09:00:00Z", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T09:00:00", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T09:00:00.000Z", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T10:00:00+02:00", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T08:00:00+00:00", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T08:00:00-00:00", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T03:00:00-05:00", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T09:00:00+01:00", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-04T13:30:00+05:30", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            ("2025-03-03T22:00:00-10:00", "2025-03-04T09:00:00.000Z", "2025-03-04T08:00:00.000Z"),
            (
                "2025-03-04T10:00:00.750+02:00",
                "2025-03-04T09:00:00.000Z",
                "2025-03-04T08:00:00.000Z",
            ),
            # Summer: Berlin is on +02:00.
            ("2025-07-01T09:00:00+02:00", "2025-07-01T09:00:00.000Z", "2025-07-01T07:00:00.000Z"),
            ("2025-07-01T07:00:00+00:00", "2025-07-01T09:00:00.000Z", "2025-07-01T07:00:00.000Z"),
            ("2025-07-01T02:00:00-05:00", "2025-07-01T09:00:00.000Z", "2025-07-01T07:00:00.000Z"),
            ("2025-07-01T09:00:00Z", "2025-07-01T09:00:00.000Z", "2025-07-01T07:00:00.000Z"),
            # Into another local day.
            ("2025-03-04T23:30:00+00:00", "2025-03-05T00:30:00.000Z", "2025-03-04T23:30:00.000Z"),
            ("2025-12-31T23:30:00-05:00", "2026-01-01T05:30:00.000Z", "2026-01-01T04:30:00.000Z"),
        ],
    )
    async def test_converted_into_the_users_zone(
        self, api: httpx.AsyncClient, sent: str, local: str, instant: str
    ) -> None:
        await basics(api)
        entry = await book(api, sent, workedMinutes=60)
        assert (entry["from"], entry["fromUtc"], entry["timeZone"]) == (local, instant, BERLIN)
        assert await fetch(api, entry["id"]) == entry

    async def test_stored_instants(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-07-01T09:00:00+02:00", "2025-07-01T12:00:00-05:00")
        assert await stored(database, account, entry["id"]) == {
            "start_at": utc(2025, 7, 1, 7),
            "end_at": utc(2025, 7, 1, 17),
            "start_local": "2025-07-01 09:00:00",
            "end_local": "2025-07-01 19:00:00",
            "time_zone": BERLIN,
            "worked_minutes": 600,
            "break_minutes": 0,
        }
        assert times(entry) == (
            "2025-07-01T09:00:00.000Z",
            "2025-07-01T19:00:00.000Z",
            "2025-07-01T07:00:00.000Z",
            "2025-07-01T17:00:00.000Z",
            600,
        )

    async def test_mixed_z_and_offset(self, api: httpx.AsyncClient) -> None:
        """``Z`` is local wall clock, ``+00:00`` is UTC: for a Berlin user they differ."""
        await basics(api)
        entry = await book(api, "2025-03-04T09:00:00Z", "2025-03-04T09:00:00+00:00")
        assert (entry["to"], entry["workedMinutes"]) == ("2025-03-04T10:00:00.000Z", 60)
        response = await api.post(
            "/project_time_entries",
            json=entry_body("2025-03-04T09:00:00+00:00", "2025-03-04T09:00:00Z"),
        )
        assert_error(response, 400, ENTRY_END_BEFORE_START, pointer="/to")

    async def test_utc_user_reads_z_as_utc(self, api: httpx.AsyncClient) -> None:
        await basics(api, utcuser=None)  # the account's zone: UTC
        entry = await book(api, "2025-07-01T09:00:00Z", "2025-07-01T12:00:00+02:00", user="utcuser")
        assert times(entry) == (
            "2025-07-01T09:00:00.000Z",
            "2025-07-01T10:00:00.000Z",
            "2025-07-01T09:00:00.000Z",
            "2025-07-01T10:00:00.000Z",
            60,
        )
        assert entry["timeZone"] == "UTC"

    async def test_user_in_the_far_east(self, api: httpx.AsyncClient) -> None:
        await basics(api, kenji=TOKYO)
        entry = await book(api, "2025-03-04T20:00:00+00:00", workedMinutes=120, user="kenji")
        assert times(entry) == (
            "2025-03-05T05:00:00.000Z",
            "2025-03-05T07:00:00.000Z",
            "2025-03-04T20:00:00.000Z",
            "2025-03-04T22:00:00.000Z",
            120,
        )


class TestZones:
    async def test_account_zone_is_the_default(self, app: FastAPI, database: Database) -> None:
        async with database.transaction(write=True) as tx:
            creds = await create_account(tx, f"t-{uuid.uuid4().hex[:12]}", timezone=TOKYO)
        async with client(app, creds) as api:
            await basics(api, alice=None)
            entry = await book(api, "2025-03-04T09:00:00Z", workedMinutes=60)
            assert (entry["timeZone"], entry["fromUtc"]) == (TOKYO, "2025-03-04T00:00:00.000Z")

    async def test_entry_keeps_its_zone_when_the_user_moves(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-03-04T09:00:00Z", "2025-03-04T17:00:00Z")
        users = (await api.get("/users", params={"username": "alice"})).json()
        moved = await api.put(f"/users/{users[0]['id']}", json={"timeZone": NEW_YORK})
        assert moved.status_code == 200, moved.text
        assert await fetch(api, entry["id"]) == entry
        assert (await stored(database, account, entry["id"]))["time_zone"] == BERLIN
        # Editing the entry's times reads them in the entry's zone.
        response = await api.put(
            f"/project_time_entries/{entry['id']}", json={"from": "2025-03-04T10:00:00Z"}
        )
        assert response.status_code == 200, response.text
        assert (response.json()["fromUtc"], response.json()["timeZone"]) == (
            "2025-03-04T09:00:00.000Z",
            BERLIN,
        )
        # New entries are booked in the new zone.
        new = await book(api, "2025-03-04T09:00:00Z", workedMinutes=60)
        assert (new["timeZone"], new["fromUtc"]) == (NEW_YORK, "2025-03-04T14:00:00.000Z")

    async def test_update_across_a_dst_change(
        self, api: httpx.AsyncClient, database: Database, account: Credentials
    ) -> None:
        await basics(api)
        entry = await book(api, "2025-03-29T22:00:00Z", "2025-03-29T23:00:00Z")
        url = f"/project_time_entries/{entry['id']}"
        response = await api.put(url, json={"to": "2025-03-30T04:00:00Z"})
        assert response.status_code == 200, response.text
        assert response.json()["workedMinutes"] == 5 * 60
        response = await api.put(url, json={"workedMinutes": 240})
        assert response.json()["to"] == "2025-03-30T03:00:00.000Z"
        row = await stored(database, account, entry["id"])
        assert (row["end_at"], row["end_local"]) == (utc(2025, 3, 30, 1), "2025-03-30 03:00:00")

    @pytest.mark.parametrize(
        "sent",
        ["1970-01-01T00:00:00Z", "1970-01-01T00:00:00+00:00", "2199-12-31T22:00:00Z"],
    )
    async def test_year_range_edges(self, api: httpx.AsyncClient, sent: str) -> None:
        await basics(api, utcuser=None)
        entry = await book(api, sent, workedMinutes=60, user="utcuser")
        assert entry["from"] == sent[:19] + ".000Z"

    async def test_round_trip_format_everywhere(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries",
            json=entry_body("2025-03-04T09:00:00.123+01:00", "2025-03-04T17:30:00"),
        )
        text = response.text
        assert '"from":"2025-03-04T09:00:00.000Z"' in text
        assert '"to":"2025-03-04T17:30:00.000Z"' in text
        assert '"fromUtc":"2025-03-04T08:00:00.000Z"' in text
        assert '"toUtc":"2025-03-04T16:30:00.000Z"' in text
        assert '"timeZone":"Europe/Berlin"' in text
        listed = (await api.get("/project_time_entries")).text
        assert listed.startswith('[{"id":')
        assert '"from":"2025-03-04T09:00:00.000Z","to":"2025-03-04T17:30:00.000Z"' in listed


class TestBadTimes:
    @pytest.mark.parametrize(
        "value",
        [
            "2024-02-30T10:00:00Z",
            "2025-02-29T10:00:00Z",
            "2024-03-01 10:00",
            "01.03.2024",
            "03/01/2024 10:00",
            1709287200,
            "1709287200",
            "1969-12-31T23:59:59Z",
            "2200-01-01T00:00:00Z",
            "2025-03-30T02:30:00 Europe/Berlin",
            "2025-03-30T02:30:00+01",
        ],
    )
    async def test_refused_with_nothing_written(self, api: httpx.AsyncClient, value: Any) -> None:
        await basics(api)
        keep = await book(api, "2025-03-04T09:00:00Z", workedMinutes=60)
        for field in ("from", "to"):
            body = entry_body("2025-03-04T09:00:00Z", "2025-03-04T17:00:00Z") | {field: value}
            response = await api.post("/project_time_entries", json=body)
            assert_error(response, 400, FIELD_INVALID, pointer=f"/{field}")
            response = await api.put(
                f"/project_time_entries/{keep['id']}", json={field: value, "details": "x"}
            )
            assert_error(response, 400, FIELD_INVALID, pointer=f"/{field}")
        listed = await api.get("/project_time_entries")
        assert listed.json() == [keep]
