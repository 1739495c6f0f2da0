"""Whatever the server stores, it accepts back (issue 10, point 3).

A record's GET body sent back unchanged with ``PUT`` must answer 200 and change nothing; a
create the server refuses must be refused with 400 and the error envelope, and store nothing.
This is the contract for every write that stores ``from``/``to``/``workedMinutes``/
``breakMinutes``: project time entries (single and bulk create, update), the timer's stop
(which books an entry), attendances (create, update, clock-in, clock-out).

Hypothesis draws the records: times anywhere in 1970-2199 and at its edges, written with or
without offsets up to ±18:00, for users in zones from -11:00 to +14:00 with and without
daylight saving (and the 30-minute one of Lord Howe), spans given by ``to``, by
``workedMinutes`` or both, breaks, coordinates as numbers and as text, and text fields up to
their limits. Bounded and reproducible for CI: derandomized, no example database, a modest
``max_examples`` (``TIMETRACK_ROUND_TRIP_EXAMPLES``, default 100 per kind).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from conftest import Backend, assert_error, auth_headers, client
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from records import CLIENT, PROJECT, make_project

from timetrack.accounts.service import Credentials
from timetrack.app import create_app
from timetrack.db import Database
from timetrack.errors import FIELD_INVALID
from timetrack.wire import MINUTES_MAX

EXAMPLES = int(os.environ.get("TIMETRACK_ROUND_TRIP_EXAMPLES", "100"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/St_Johns",
    "America/Adak",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]
FIRST, LAST = datetime(1970, 1, 1), datetime(2199, 12, 31, 23, 59, 59)
EDGES = [
    FIRST,
    FIRST + timedelta(hours=13, minutes=59),
    LAST,
    LAST - timedelta(hours=13, minutes=59),
    datetime(2026, 3, 29, 2, 30),  # Berlin's spring-forward gap
    datetime(2026, 10, 25, 2, 30),  # Berlin's repeated autumn hour
    datetime(2026, 4, 5, 1, 45),  # Lord Howe's repeated half hour
]
OFFSETS = ["+14:00", "-14:00", "+18:00", "-18:00", "+05:45", "-03:30", "+00:00"]

walls = st.one_of(st.sampled_from([FIRST, LAST]), st.sampled_from(EDGES), st.datetimes(FIRST, LAST))
offsets = st.one_of(
    st.none(),
    st.just("Z"),
    st.sampled_from(["+14:00", "-14:00"]),
    st.sampled_from(OFFSETS),
    st.builds(
        lambda sign, h, m: f"{sign}{h:02d}:{m:02d}",
        st.sampled_from("+-"),
        st.integers(0, 18),
        st.integers(0, 59),
    ).filter(lambda o: o[1:] <= "18:00"),
)
minutes = st.one_of(
    st.sampled_from([0, 1, 59, 60, 1440, MINUTES_MAX - 1, MINUTES_MAX]),
    st.integers(0, MINUTES_MAX),
)
# Seconds from `from` to `to`: mostly working days, sometimes centuries, sometimes not after.
deltas = st.one_of(
    st.integers(-120, 24 * 3600),
    st.integers(0, 250 * 366 * 86400),
    st.sampled_from([0, 1, 59, 60, 61, MINUTES_MAX * 60, MINUTES_MAX * 60 + 60]),
)
texts = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30),
    st.just("x" * 10_000),
    st.just("  padded \n"),
)
coordinates = st.one_of(
    st.none(),
    st.just(""),
    st.floats(-90, 90, allow_nan=False),
    st.floats(-90, 90, allow_nan=False).map(lambda x: format(Decimal(repr(x)), "f")),
    st.sampled_from([-90, 90, 0, 1e-7, -0.0, "52.52", "-0.00001"]),
)
money = st.one_of(
    st.none(),
    st.decimals(0, Decimal("9999999999.99"), places=2).map(str),
    st.sampled_from([0, 0.1, 12.5, 9999999999.99, "9999999999.99"]),
)


def stamp(wall: datetime, offset: str | None) -> str:
    return wall.strftime("%Y-%m-%dT%H:%M:%S") + (offset or "")


@st.composite
def spans(draw: st.DrawFn, *, may_be_open: bool = False) -> dict[str, Any]:
    """``from`` and the fields that end a span (or none: an open attendance)."""
    start = draw(walls)
    offset = draw(offsets)
    fields: dict[str, Any] = {"from": stamp(start, offset)}
    if draw(st.booleans()):
        fields["breakMinutes"] = draw(st.one_of(st.integers(0, 90), minutes))
    ends = ["to", "worked", "both", "agreeing", "to_edge"] + (["open"] * may_be_open)
    end = draw(st.sampled_from(ends))
    if end in ("to", "both", "agreeing"):
        delta = draw(deltas)
        moment = min(max(start + timedelta(seconds=delta), FIRST), LAST)
        # Agreeing: the same offset, so the wall-clock span is the true one (but for DST).
        fields["to"] = stamp(moment, offset if end == "agreeing" else draw(offsets))
        if end == "agreeing":
            worked = (int((moment - start).total_seconds()) + 30) // 60
            fields["workedMinutes"] = max(0, worked - fields.get("breakMinutes", 0))
    if end == "to_edge":
        fields["to"] = stamp(draw(st.sampled_from([LAST, FIRST, *EDGES])), draw(offsets))
    if end in ("worked", "both"):
        fields["workedMinutes"] = draw(minutes)
    return fields


@st.composite
def entries(draw: st.DrawFn) -> dict[str, Any]:
    fields = draw(spans())
    extra = {
        "hourRate": draw(money),
        "billable": draw(st.one_of(st.none(), st.booleans())),
        "flatRate": draw(st.one_of(st.none(), st.booleans())),
        "details": draw(texts),
        "tags": draw(st.one_of(st.none(), st.just("#meeting #remote"), st.just("#" * 1000))),
        "latitude": draw(coordinates),
        "longitude": draw(coordinates),
        "latitude1": draw(coordinates),
        "longitude1": draw(coordinates),
    }
    fields.update({k: v for k, v in extra.items() if v is not None})
    return fields


@st.composite
def attendances(draw: st.DrawFn) -> dict[str, Any]:
    fields = draw(spans(may_be_open=True))
    extra = {
        "notes": draw(texts),
        "manual": draw(st.one_of(st.none(), st.booleans())),
        "latitudeStart": draw(coordinates),
        "longitudeStart": draw(coordinates),
        "latitudeEnd": draw(coordinates),
        "longitudeEnd": draw(coordinates),
    }
    fields.update({k: v for k, v in extra.items() if v is not None})
    return fields


class World:
    """The test's account, with a client and project; a fresh user (in the drawn zone) for
    every example, so a timer left running or an attendance left open stays with its user."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.api = api
        self._names = itertools.count(1)

    async def user(self, zone: str) -> str:
        name = f"u{next(self._names)}"
        response = await self.api.post(
            "/users",
            json={
                "username": name,
                "firstName": "Una",
                "lastName": "Example",
                "email": f"{name}@example.com",
                "password": "correct horse",
                "timeZone": zone,
            },
        )
        assert response.status_code == 201, response.text
        return name


@pytest.fixture
async def world(backend: Backend, database: Database, account: Credentials) -> AsyncIterator[World]:
    """The test's account, through an app without the per-key rate limit: hundreds of writes
    a second would otherwise only test 429."""
    app = create_app(backend.settings.model_copy(update={"rate_limit_enabled": False}), database)
    async with client(app, auth_headers(account)) as api:
        await make_project(api)
        yield World(api)


def refused(response: httpx.Response, what: str = "refused") -> None:
    """A refused write: 400 with the envelope, every problem naming a field."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    errors = response.json()["errors"]
    assert errors and all(e["status"] == 400 and "source" in e for e in errors), errors
    event(f"{what}: {sorted({(e['code'], e['source'].get('pointer')) for e in errors})}")


async def nothing_stored(api: httpx.AsyncClient, collection: str, user: str) -> None:
    listed = await api.get(collection, params={"user": user})
    assert listed.status_code == 200 and listed.json() == [], listed.text


def _same(a: dict[str, Any], b: dict[str, Any]) -> None:
    strip = {"updatedAt"}
    assert {k: v for k, v in a.items() if k not in strip} == {
        k: v for k, v in b.items() if k not in strip
    }


async def echo_back(api: httpx.AsyncClient, collection: str, record_id: int) -> dict[str, Any]:
    """PUT the record's own GET body: 200, and the record is what it was. Returns the body."""
    read = await api.get(f"{collection}/{record_id}")
    assert read.status_code == 200, read.text
    before: dict[str, Any] = read.json()
    event("stored, echoed back" + (" (open)" if before.get("to", "") is None else ""))
    put = await api.put(f"{collection}/{record_id}", json=before)
    assert put.status_code == 200, f"PUT of its own GET body {before}: {put.text}"
    _same(put.json(), before)
    _same((await api.get(f"{collection}/{record_id}")).json(), before)
    return before


async def reimport(api: httpx.AsyncClient, entry: dict[str, Any]) -> None:
    """An importer sends an exported entry again: no limit may refuse what was stored. Only a
    wall-clock time in a repeated daylight-saving hour may read differently (its first
    occurrence), and so disagree with the stored span (15030/15032)."""
    response = await api.post("/project_time_entries/bulk", json=[entry])
    if response.status_code != 201:
        refused(response, "re-import refused")
        codes = {e["code"] for e in response.json()["errors"]}
        assert codes <= {15030, 15032}, response.text


ISSUE_SPAN = {"from": "1970-01-01T00:00:00Z", "to": "2199-12-31T23:59:59Z"}
ISSUE_OFFSET = {"from": "1970-01-01T00:00:00+14:00", "workedMinutes": 60}


@SETTINGS
@given(
    zone=st.sampled_from(ZONES),
    via=st.sampled_from(["single", "bulk", "timer"]),
    fields=entries(),
)
@example(zone="UTC", via="single", fields=ISSUE_SPAN)
@example(zone="Europe/Berlin", via="single", fields=ISSUE_OFFSET)
@example(
    zone="Pacific/Kiritimati",
    via="bulk",
    fields={"from": "2199-12-31T23:00:00-14:00", "workedMinutes": 30},
)
@example(
    zone="UTC",
    via="timer",
    fields={"from": "1970-01-01T00:00:00+14:00", "to": "1970-01-01T10:00:00Z"},
)
async def test_every_stored_time_entry_is_accepted_back_unchanged(
    world: World, zone: str, via: str, fields: dict[str, Any]
) -> None:
    api = world.api
    user = await world.user(zone)
    body = {"user": user, "clientName": CLIENT, "projectName": PROJECT, **fields}
    if via == "timer" and "to" in fields:
        start = {"username": user, "clientName": CLIENT, "projectName": PROJECT}
        started = await api.post(
            "/timers/project_timer/start", json={**start, "date": fields["from"]}
        )
        if started.status_code != 200:
            refused(started)
            return await nothing_stored(api, "/project_time_entries", user)
        response = await api.post(
            "/timers/project_timer/stop", json={"username": user, "date": fields["to"]}
        )
        if response.status_code != 200:
            refused(response)
            return await nothing_stored(api, "/project_time_entries", user)
        entry_id = response.json()["projectTimeEntryId"]
    elif via == "bulk":
        response = await api.post("/project_time_entries/bulk", json=[body])
        if response.status_code != 201:
            refused(response)
            return await nothing_stored(api, "/project_time_entries", user)
        entry_id = response.json()[0]["id"]
    else:
        response = await api.post("/project_time_entries", json=body)
        if response.status_code != 201:
            refused(response)
            return await nothing_stored(api, "/project_time_entries", user)
        entry_id = response.json()["id"]
    await reimport(api, await echo_back(api, "/project_time_entries", entry_id))


@SETTINGS
@given(zone=st.sampled_from(ZONES), via=st.sampled_from(["create", "clock"]), fields=attendances())
@example(zone="UTC", via="create", fields=ISSUE_SPAN)
@example(zone="Europe/Berlin", via="create", fields=ISSUE_OFFSET)
@example(zone="Europe/Berlin", via="clock", fields={"from": "1970-01-01T00:00:00+14:00"})
@example(
    zone="UTC",
    via="clock",
    fields={"from": "2199-12-31T10:00:00Z", "to": "2199-12-31T23:59:00-14:00"},
)
async def test_every_stored_attendance_is_accepted_back_unchanged(
    world: World, zone: str, via: str, fields: dict[str, Any]
) -> None:
    api = world.api
    user = await world.user(zone)
    if via == "clock":
        clock = {"username": user, "date": fields["from"]}
        if "latitudeStart" in fields and "longitudeStart" in fields:
            clock |= {"latitude": fields["latitudeStart"], "longitude": fields["longitudeStart"]}
        response = await api.post("/attendances/clock_in", json=clock)
        if response.status_code != 201:
            refused(response)
            return await nothing_stored(api, "/attendances", user)
        attendance_id = response.json()["id"]
        if "to" in fields:
            out = {"username": user, "date": fields["to"]}
            if "breakMinutes" in fields:
                out["breakMinutes"] = fields["breakMinutes"]
            closed = await api.post("/attendances/clock_out", json=out)
            if closed.status_code != 200:
                refused(closed)
                opened = (await api.get(f"/attendances/{attendance_id}")).json()
                assert opened["to"] is None, opened  # the refused clock-out changed nothing
    else:
        response = await api.post("/attendances", json={"user": user, **fields})
        if response.status_code != 201:
            refused(response)
            return await nothing_stored(api, "/attendances", user)
        attendance_id = response.json()["id"]
    await echo_back(api, "/attendances", attendance_id)


# --- the rule's answers, named -----------------------------------------------------------------


async def test_a_span_whose_worked_minutes_would_pass_the_limit_is_refused(
    world: World,
) -> None:
    user = await world.user("UTC")
    body = {"user": user, "clientName": CLIENT, "projectName": PROJECT, **ISSUE_SPAN}
    response = await world.api.post("/project_time_entries", json=body)
    error = assert_error(response, 400, FIELD_INVALID.code, pointer="/to")
    assert f"{MINUTES_MAX:,}" in error["detail"]
    await nothing_stored(world.api, "/project_time_entries", user)


async def test_an_offset_that_moves_the_local_year_out_of_range_is_refused(
    world: World,
) -> None:
    user = await world.user("Europe/Berlin")
    response = await world.api.post("/attendances", json={"user": user, **ISSUE_OFFSET})
    error = assert_error(response, 400, FIELD_INVALID.code, pointer="/from")
    assert "1969" in error["detail"]
    await nothing_stored(world.api, "/attendances", user)


async def test_a_computed_end_past_2199_in_the_users_zone_points_at_worked_minutes(
    world: World,
) -> None:
    # An hour after 23:00 on the last day is 2200 in the user's zone.
    user = await world.user("Pacific/Kiritimati")
    body = {
        "user": user,
        "clientName": CLIENT,
        "projectName": PROJECT,
        "from": "2199-12-31T23:00:00Z",
        "workedMinutes": 60,
    }
    response = await world.api.post("/project_time_entries", json=body)
    assert_error(response, 400, FIELD_INVALID.code, pointer="/workedMinutes")


async def test_clock_in_and_the_timer_refuse_a_date_outside_the_years_with_a_pointer_to_it(
    world: World,
) -> None:
    api = world.api
    user = await world.user("UTC")
    date = "1970-01-01T00:00:00+14:00"  # 1969-12-31T10:00 in UTC
    assert_error(
        await api.post("/attendances/clock_in", json={"username": user, "date": date}),
        400,
        FIELD_INVALID.code,
        pointer="/date",
    )
    start = {"username": user, "clientName": CLIENT, "projectName": PROJECT, "date": date}
    assert_error(
        await api.post("/timers/project_timer/start", json=start),
        400,
        FIELD_INVALID.code,
        pointer="/date",
    )
    await nothing_stored(api, "/attendances", user)
