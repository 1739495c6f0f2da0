"""Time semantics of ``/project_time_entries`` (SPEC §1 "Dates and times").

On the wire a timestamp ending in ``Z`` (or with no offset) is the user's local wall clock; an
explicit offset names an instant, converted into the user's zone. Responses write local wall
clock as ``...T09:00:00.000Z`` and add ``fromUtc``/``toUtc``/``timeZone``. The database keeps
the true instant (``start_at``/``end_at``), the wall-clock text (``start_local``/``end_local``)
and the zone. Wall-clock times that do not name exactly one instant follow RFC 5545: a time in a
spring-forward gap is read with the offset before the gap, an ambiguous fall-back time is its
first occurrence.

Europe/Berlin in 2025: clocks go 02:00 CET -> 03:00 CEST on 30 March (00:59:59 UTC is the last
CET second) and 03:00 CEST -> 02:00 CET on 26 October (01:00 UTC).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from conftest import FIELD_INVALID, PARAMETER_INVALID, assert_error, client
from fastapi import FastAPI
from records import created

from timetrack.accounts.service import Credentials, create_account
from timetrack.db import Database

PASSWORD = "s3cret-pass"
BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
TOKYO = "Asia/Tokyo"

ENTRY_END_BEFORE_START = 15030
ENTRY_WORKED_INCONSISTENT = 15032
STORED = (
    "start_at",
    "end_at",
    "start_local",
    "end_local",
    "time_zone",
    "worked_minutes",
    "break_minutes",
)


# --- helpers ----------------------------------------------------------------------------------


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def add_user(api: httpx.AsyncClient, username: str, zone: str | None) -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": PASSWORD,
    }
    if zone is not None:
        body["timeZone"] = zone
    return await created(api, "/users", body)


async def basics(api: httpx.AsyncClient, **users: str | None) -> None:
    """Client Acme with project Website, and users (username -> zone; alice in Berlin)."""
    await created(api, "/clients", {"name": "Acme"})
    await created(api, "/projects", {"projectName": "Website", "clientName": "Acme"})
    for username, zone in (users or {"alice": BERLIN}).items():
        await add_user(api, username, zone)


def entry_body(start: str, end: str | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user": "alice",
        "clientName": "Acme",
        "projectName": "Website",
        "from": start,
        **fields,
    }
    if end is not None:
        body["to"] = end
    return body


async def book(
    api: httpx.AsyncClient, start: str, end: str | None = None, **fields: Any
) -> dict[str, Any]:
    return await created(api, "/project_time_entries", entry_body(start, end, **fields))


async def fetch(api: httpx.AsyncClient, entry_id: int) -> dict[str, Any]:
    response = await api.get(f"/project_time_entries/{entry_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def listed_ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    response = await api.get("/project_time_entries", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["X-Total-Count"] == str(len(response.json()))
    return [e["id"] for e in response.json()]


async def stored(database: Database, creds: Credentials, entry_id: int) -> dict[str, Any]:
    """The row as the database keeps it."""
    async with database.transaction(write=False) as tx:
        row = await tx.fetchrow(
            f"SELECT {', '.join(STORED)} FROM time_entries WHERE account_id = $1 AND id = $2",
            creds.account.id,
            entry_id,
        )
    assert row is not None
    result = {key: row[key] for key in STORED}
    for key in ("start_at", "end_at"):
        assert result[key].utcoffset().total_seconds() == 0, result
    return result


def times(entry: dict[str, Any]) -> tuple[str, str, str, str, int]:
    return entry["from"], entry["to"], entry["fromUtc"], entry["toUtc"], entry["workedMinutes"]


# --- DST changes ------------------------------------------------------------------------------


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


# --- explicit offsets -------------------------------------------------------------------------


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


# --- range filters ----------------------------------------------------------------------------


@pytest.fixture
async def october(api: httpx.AsyncClient) -> dict[str, int]:
    """Entries of three users in three zones around October 2025, by name."""
    await basics(api, alice=BERLIN, bob=NEW_YORK, kenji=TOKYO)
    plan = {
        # alice, Berlin (CEST +02:00, CET +01:00 from 26 October)
        "a_sep_last": ("alice", "2025-09-30T23:30:00Z"),  # 21:30 UTC
        "a_oct_first": ("alice", "2025-10-01T00:30:00Z"),  # 30 Sep 22:30 UTC
        "a_oct_last": ("alice", "2025-10-31T23:30:00Z"),  # 22:30 UTC
        "a_nov_first": ("alice", "2025-11-01T00:00:00Z"),  # 31 Oct 23:00 UTC
        # bob, New York (EDT -04:00)
        "b_sep_last": ("bob", "2025-09-30T21:00:00Z"),  # 1 Oct 01:00 UTC
        "b_oct_last": ("bob", "2025-10-31T22:00:00Z"),  # 1 Nov 02:00 UTC
        # kenji, Tokyo (+09:00)
        "k_oct_first": ("kenji", "2025-10-01T08:00:00Z"),  # 30 Sep 23:00 UTC
        "k_nov_first": ("kenji", "2025-11-01T05:00:00Z"),  # 31 Oct 20:00 UTC
    }
    ids = {}
    for name, (user, start) in plan.items():
        ids[name] = (await book(api, start, workedMinutes=15, user=user))["id"]
    return ids


class TestRangeFilters:
    async def test_october_is_each_users_october(
        self, api: httpx.AsyncClient, october: dict[str, int]
    ) -> None:
        expected = ["a_oct_first", "k_oct_first", "b_oct_last", "a_oct_last"]  # by local start
        for params in (
            {"from": "2025-10-01", "to": "2025-10-31"},
            {"from": "2025-10-01T00:00:00Z", "to": "2025-10-31T23:59:59Z"},
            {"from": "2025-10-01T00:00:00", "to": "2025-10-31T23:59:59.999Z"},
        ):
            assert await listed_ids(api, **params) == [october[n] for n in expected], params
        response = await api.post(
            "/project_time_entries", params={"from": "2025-10-01", "to": "2025-10-31"}, json={}
        )
        assert [e["id"] for e in response.json()] == [october[n] for n in expected]

    async def test_with_user_filter(self, api: httpx.AsyncClient, october: dict[str, int]) -> None:
        params = {"from": "2025-10-01", "to": "2025-10-31"}
        assert await listed_ids(api, user="bob", **params) == [october["b_oct_last"]]
        assert await listed_ids(api, username="KENJI", **params) == [october["k_oct_first"]]
        assert await listed_ids(api, user="alice", **params) == [
            october["a_oct_first"],
            october["a_oct_last"],
        ]

    async def test_date_to_includes_its_whole_day(
        self, api: httpx.AsyncClient, october: dict[str, int]
    ) -> None:
        assert await listed_ids(api, user="alice", to="2025-10-31") == [
            october["a_sep_last"],
            october["a_oct_first"],
            october["a_oct_last"],
        ]
        assert await listed_ids(api, user="alice", to="2025-10-31T23:30:00Z") == [
            october["a_sep_last"],
            october["a_oct_first"],
            october["a_oct_last"],
        ]
        assert await listed_ids(api, user="alice", to="2025-10-31T23:29:59Z") == [
            october["a_sep_last"],
            october["a_oct_first"],
        ]
        assert await listed_ids(api, user="alice", to="2025-09-30") == [october["a_sep_last"]]

    async def test_from_is_inclusive(self, api: httpx.AsyncClient, october: dict[str, int]) -> None:
        assert await listed_ids(api, **{"from": "2025-11-01"}) == [
            october["a_nov_first"],
            october["k_nov_first"],
        ]
        assert await listed_ids(api, user="alice", **{"from": "2025-11-01T00:00:00Z"}) == [
            october["a_nov_first"]
        ]
        assert await listed_ids(api, user="alice", **{"from": "2025-11-01T00:00:01Z"}) == []

    async def test_a_single_day(self, api: httpx.AsyncClient, october: dict[str, int]) -> None:
        assert await listed_ids(api, **{"from": "2025-10-01", "to": "2025-10-01"}) == [
            october["a_oct_first"],
            october["k_oct_first"],
        ]
        assert await listed_ids(api, **{"from": "2025-10-02", "to": "2025-10-01"}) == []

    async def test_explicit_offsets_compare_instants(
        self, api: httpx.AsyncClient, october: dict[str, int]
    ) -> None:
        # October in UTC: 1 Oct 00:00 UTC <= start <= 31 Oct 23:59:59 UTC; ordered by local start.
        expected = ["b_sep_last", "a_oct_last", "a_nov_first", "k_nov_first"]
        for params in (
            {"from": "2025-10-01T00:00:00+00:00", "to": "2025-10-31T23:59:59+00:00"},
            {"from": "2025-10-01T02:00:00+02:00", "to": "2025-10-31T19:59:59-04:00"},
        ):
            assert await listed_ids(api, **params) == [october[n] for n in expected], params
        # October in Berlin's own offsets picks alice's October and the others at those instants.
        berlin = {"from": "2025-10-01T00:00:00+02:00", "to": "2025-11-01T00:00:00+01:00"}
        assert await listed_ids(api, **berlin, user="alice") == [
            october["a_oct_first"],
            october["a_oct_last"],
            october["a_nov_first"],  # 00:00 +01:00 is exactly the upper bound, inclusive
        ]

    async def test_mixed_bounds(self, api: httpx.AsyncClient, october: dict[str, int]) -> None:
        params = {"from": "2025-10-31", "to": "2025-10-31T22:30:00+00:00", "user": "alice"}
        assert await listed_ids(api, **params) == [october["a_oct_last"]]
        params = {"from": "2025-10-31", "to": "2025-10-31T22:29:59+00:00", "user": "alice"}
        assert await listed_ids(api, **params) == []
        params = {"from": "2025-10-31T22:00:00+00:00", "to": "2025-10-31"}
        assert await listed_ids(api, **params) == [october["b_oct_last"], october["a_oct_last"]]

    async def test_ordered_by_local_start_then_id(
        self, api: httpx.AsyncClient, october: dict[str, int]
    ) -> None:
        expected = [
            "b_sep_last",  # 2025-09-30 21:00 New York
            "a_sep_last",  # 2025-09-30 23:30 Berlin
            "a_oct_first",  # 2025-10-01 00:30
            "k_oct_first",  # 2025-10-01 08:00
            "b_oct_last",  # 2025-10-31 22:00
            "a_oct_last",  # 2025-10-31 23:30
            "a_nov_first",  # 2025-11-01 00:00
            "k_nov_first",  # 2025-11-01 05:00
        ]
        assert await listed_ids(api) == [october[n] for n in expected]
        same = await book(api, "2025-10-01T00:30:00Z", workedMinutes=5, user="alice")
        ids = await listed_ids(api, **{"from": "2025-10-01", "to": "2025-10-01"})
        assert ids == [october["a_oct_first"], same["id"], october["k_oct_first"]]
        page = await api.get("/project_time_entries", params={"limit": 3, "page": 2})
        assert [e["id"] for e in page.json()] == [
            same["id"],
            october["k_oct_first"],
            october["b_oct_last"],
        ]
        assert page.headers["X-Total-Count"] == "9"

    async def test_dst_days(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        spring = await book(api, "2025-03-30T02:30:00Z", workedMinutes=30)  # read as 03:30
        autumn = await book(api, "2025-10-26T02:30:00+01:00", workedMinutes=30)
        assert await listed_ids(api, **{"from": "2025-03-30", "to": "2025-03-30"}) == [spring["id"]]
        assert await listed_ids(api, **{"from": "2025-03-30T03:30:00Z", "to": "2025-03-30"}) == [
            spring["id"]
        ]
        assert await listed_ids(api, to="2025-03-30T03:29:59Z") == []
        assert await listed_ids(api, **{"from": "2025-10-26", "to": "2025-10-26"}) == [autumn["id"]]
        # The second 02:30 is 01:30 UTC; the first would be 00:30 UTC.
        assert await listed_ids(api, **{"from": "2025-10-26T01:00:00+00:00"}) == [autumn["id"]]

    @pytest.mark.parametrize(
        ("parameter", "value"),
        [
            ("from", "2024-02-30"),
            ("from", "2024-02-30T10:00:00Z"),
            ("from", "2025-02-29"),
            ("to", "2024-03-01 10:00"),
            ("to", "01.03.2024"),
            ("to", "1709287200"),
            ("from", "1969-12-31"),
            ("from", "1969-12-31T23:59:59+00:00"),
            ("to", "2200-01-01"),
            ("to", "2025-10-01T00:00:00+19:00"),
            ("to", "2025-10"),
            ("from", "2025-10-01T00:00Z"),
        ],
    )
    async def test_bad_bounds(
        self, api: httpx.AsyncClient, october: dict[str, int], parameter: str, value: str
    ) -> None:
        assert_error(
            await api.get("/project_time_entries", params={parameter: value}),
            400,
            PARAMETER_INVALID,
            parameter=parameter,
        )

    @pytest.mark.parametrize(
        ("params", "count"),
        [
            ({"from": "1970-01-01", "to": "2199-12-31"}, 8),
            ({"from": "1970-01-01T00:00:00Z", "to": "2199-12-31T23:59:59Z"}, 8),
        ],
    )
    async def test_widest_bounds(
        self, api: httpx.AsyncClient, october: dict[str, int], params: dict[str, str], count: int
    ) -> None:
        assert len(await listed_ids(api, **params)) == count


# --- bad time input ---------------------------------------------------------------------------


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
