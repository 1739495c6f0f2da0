"""The GPS rule, once for every write that takes coordinates (docs/api.md, "GPS coordinates").

The vendor types its coordinates as Text. Every carrier below (project time entries: create,
update, bulk create; attendances: create, update, clock-in, clock-out) accepts a coordinate as a
JSON number or as numeric text, takes an empty or blank text as "no position" (stored as null),
refuses anything else with a 400 naming the field, and shows a stored coordinate as its shortest
decimal text. A record's own GET body is accepted back by PUT.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from records import CLIENT, PROJECT, USER, make_project, make_user

from timetrack.errors import FIELD_INVALID

ENTRIES, ATTENDANCES = "/project_time_entries", "/attendances"
ENTRY = {
    "user": USER,
    "clientName": CLIENT,
    "projectName": PROJECT,
    "from": "2026-03-02T09:00:00Z",
    "to": "2026-03-02T10:00:00Z",
}
ATTENDANCE = {"user": USER, "from": "2026-03-02T08:00:00Z", "to": "2026-03-02T12:00:00Z"}
CLOCK_IN = {"username": USER, "date": "2026-03-02T08:00:00Z"}
CLOCK_OUT = {"username": USER, "date": "2026-03-02T16:00:00Z"}
ENTRY_FIELDS = ("latitude", "longitude", "latitude1", "longitude1")
ATTENDANCE_FIELDS = ("latitudeStart", "longitudeStart", "latitudeEnd", "longitudeEnd")
# A position every record an update starts from already has, so that clearing it shows.
PLACED = "1.5"

Prepare = Callable[[httpx.AsyncClient], Awaitable[int | None]]
Write = Callable[[httpx.AsyncClient, int | None, dict[str, Any]], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Carrier:
    """One way to write coordinates: the fields it takes (sent name -> shown name)."""

    name: str
    collection: str
    fields: dict[str, str]
    # Makes what the write needs; answers the id of the record it writes to, if any.
    prepare: Prepare
    write: Write
    pointer: str = ""  # where the item sits in the body ("/0" in a batch)

    def __str__(self) -> str:
        return self.name

    def record(self, response: httpx.Response) -> dict[str, Any]:
        body = response.json()
        found: dict[str, Any] = body[0] if isinstance(body, list) else body
        return found


def _same(fields: tuple[str, ...]) -> dict[str, str]:
    return {name: name for name in fields}


async def _ok(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def _entry_needs(api: httpx.AsyncClient) -> int | None:
    await make_user(api)
    await make_project(api)
    return None


async def _placed_entry(api: httpx.AsyncClient) -> int | None:
    await _entry_needs(api)
    placed = dict.fromkeys(ENTRY_FIELDS, PLACED)
    entry_id: int = (await _ok(await api.post(ENTRIES, json={**ENTRY, **placed})))["id"]
    return entry_id


async def _user(api: httpx.AsyncClient) -> int | None:
    await make_user(api)
    return None


async def _placed_attendance(api: httpx.AsyncClient) -> int | None:
    await make_user(api)
    placed = dict.fromkeys(ATTENDANCE_FIELDS, PLACED)
    record_id: int = (await _ok(await api.post(ATTENDANCES, json={**ATTENDANCE, **placed})))["id"]
    return record_id


async def _clocked_in(api: httpx.AsyncClient) -> int | None:
    await make_user(api)
    placed = {"latitude": PLACED, "longitude": PLACED}
    record_id: int = (
        await _ok(await api.post(f"{ATTENDANCES}/clock_in", json={**CLOCK_IN, **placed}))
    )["id"]
    return record_id


def _post(path: str, base: dict[str, Any], *, batch: bool = False) -> Write:
    async def write(api: httpx.AsyncClient, _: int | None, gps: dict[str, Any]) -> httpx.Response:
        body = {**base, **gps}
        return await api.post(path, json=[body] if batch else body)

    return write


def _put(collection: str) -> Write:
    async def write(api: httpx.AsyncClient, record_id: int | None, gps: dict[str, Any]) -> Any:
        return await api.put(f"{collection}/{record_id}", json=gps)

    return write


CARRIERS = [
    Carrier("entry create", ENTRIES, _same(ENTRY_FIELDS), _entry_needs, _post(ENTRIES, ENTRY)),
    Carrier("entry update", ENTRIES, _same(ENTRY_FIELDS), _placed_entry, _put(ENTRIES)),
    Carrier(
        "entry bulk create",
        ENTRIES,
        _same(ENTRY_FIELDS),
        _entry_needs,
        _post(f"{ENTRIES}/bulk", ENTRY, batch=True),
        pointer="/0",
    ),
    Carrier(
        "attendance create",
        ATTENDANCES,
        _same(ATTENDANCE_FIELDS),
        _user,
        _post(ATTENDANCES, ATTENDANCE),
    ),
    Carrier(
        "attendance update",
        ATTENDANCES,
        _same(ATTENDANCE_FIELDS),
        _placed_attendance,
        _put(ATTENDANCES),
    ),
    Carrier(
        "clock-in",
        ATTENDANCES,
        {"latitude": "latitudeStart", "longitude": "longitudeStart"},
        _user,
        _post(f"{ATTENDANCES}/clock_in", CLOCK_IN),
    ),
    Carrier(
        "clock-out",
        ATTENDANCES,
        {"latitude": "latitudeEnd", "longitude": "longitudeEnd"},
        _clocked_in,
        _post(f"{ATTENDANCES}/clock_out", CLOCK_OUT),
    ),
]


def _is_latitude(name: str) -> bool:
    return name.startswith("lat")


def _each(carrier: Carrier, latitude: Any, longitude: Any) -> dict[str, Any]:
    return {f: latitude if _is_latitude(f) else longitude for f in carrier.fields}


async def _stored(api: httpx.AsyncClient, carrier: Carrier) -> list[dict[str, Any]]:
    response = await api.get(carrier.collection)
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


@pytest.mark.parametrize("carrier", CARRIERS, ids=str)
class TestCoordinates:
    @pytest.mark.parametrize(
        ("latitude", "latitude_shown", "longitude", "longitude_shown"),
        [
            (52.52, "52.52", 13.405, "13.405"),
            ("52.52", "52.52", "13.405", "13.405"),
            ("-33.8688", "-33.8688", "151.2093", "151.2093"),
            (90, "90", -180, "-180"),
            ("-90.0", "-90", "180.000", "180"),
            (48.137154, "48.137154", 11.576124, "11.576124"),
            (0.00001, "0.00001", "-0.000001", "-0.000001"),
            ("-0", "0", 0, "0"),
            ("0.5", "0.5", "-12.0", "-12"),
        ],
    )
    async def test_numbers_and_numeric_text_are_shown_as_their_shortest_decimal_text(
        self,
        api: httpx.AsyncClient,
        carrier: Carrier,
        latitude: Any,
        latitude_shown: str,
        longitude: Any,
        longitude_shown: str,
    ) -> None:
        record_id = await carrier.prepare(api)
        response = await carrier.write(api, record_id, _each(carrier, latitude, longitude))
        assert response.status_code in (200, 201), response.text
        record = carrier.record(response)
        for sent, shown in carrier.fields.items():
            assert record[shown] == (latitude_shown if _is_latitude(sent) else longitude_shown)
        stored = await _ok(await api.get(f"{carrier.collection}/{record['id']}"), 200)
        assert stored == record

    @pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
    async def test_blank_text_means_no_position(
        self, api: httpx.AsyncClient, carrier: Carrier, blank: str
    ) -> None:
        record_id = await carrier.prepare(api)
        response = await carrier.write(api, record_id, _each(carrier, blank, blank))
        assert response.status_code in (200, 201), response.text
        record = carrier.record(response)
        assert {record[shown] for shown in carrier.fields.values()} == {None}
        stored = await _ok(await api.get(f"{carrier.collection}/{record['id']}"), 200)
        assert stored == record

    @pytest.mark.parametrize(
        ("latitude", "longitude"),
        [
            ("north", "east"),
            (90.000001, -180.000001),
            ("-90.5", "181"),
            ("52,52", "13,405"),  # a decimal comma
            ("5e1", "1e2"),  # exponents, as for every number sent as text
            (" -33.8688 ", "\t151.2093 "),  # one spelling per number: no spaces around
            (".5", "-12."),  # nor a point without digits on both sides
            ("052.5", "+13"),  # nor leading zeros or a plus
            (True, False),
            ([52.52], {"value": 13.4}),
        ],
    )
    async def test_not_a_number_in_range_is_refused_with_the_fields_pointer(
        self, api: httpx.AsyncClient, carrier: Carrier, latitude: Any, longitude: Any
    ) -> None:
        record_id = await carrier.prepare(api)
        before = await _stored(api, carrier)
        response = await carrier.write(api, record_id, _each(carrier, latitude, longitude))
        assert response.status_code == 400, response.text
        errors = response.json()["errors"]
        assert {(e["code"], e["source"]["pointer"]) for e in errors} == {
            (FIELD_INVALID.code, f"{carrier.pointer}/{sent}") for sent in carrier.fields
        }
        assert await _stored(api, carrier) == before


@pytest.mark.parametrize(
    ("collection", "prepare", "field"),
    [(ENTRIES, _placed_entry, "longitude"), (ATTENDANCES, _placed_attendance, "latitudeEnd")],
    ids=["entry", "attendance"],
)
async def test_a_records_own_get_body_is_accepted_back(
    api: httpx.AsyncClient, collection: str, prepare: Prepare, field: str
) -> None:
    path = f"{collection}/{await prepare(api)}"
    await _ok(await api.put(path, json={field: 0.00001}), 200)
    shown = await _ok(await api.get(path), 200)
    again = await _ok(await api.put(path, json=shown), 200)
    assert (shown[field], again[field]) == ("0.00001", "0.00001")
    assert {k: v for k, v in again.items() if k != "updatedAt"} == {
        k: v for k, v in shown.items() if k != "updatedAt"
    }


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a schema, nested ``anyOf`` flattened."""
    if "anyOf" not in schema:
        return [schema]
    return [leaf for branch in schema["anyOf"] for leaf in _branches(branch)]


@pytest.mark.parametrize(
    ("taken", "shown", "name"),
    [
        ("EntryCreate", "EntryRead", "latitude1"),
        ("AttendanceUpdate", "AttendanceRead", "longitudeEnd"),
    ],
)
def test_the_openapi_document_states_number_or_text_in_and_text_out(
    app_without_database: FastAPI, taken: str, shown: str, name: str
) -> None:
    schemas = app_without_database.openapi()["components"]["schemas"]
    out = _branches(schemas[shown]["properties"][name])
    assert sorted(b["type"] for b in out) == ["null", "string"]
    into = _branches(schemas[taken]["properties"][name])
    assert sorted(b.get("type", "") for b in into) == ["null", "number", "string", "string"]
    assert r"^\s*$" in {b.get("pattern") for b in into}  # blank text: no position
