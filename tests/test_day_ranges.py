"""The rule for ranges of whole days, once for every filter that has one (docs/api.md, "Ranges of
days"): work reports, grouped work reports and absences (``from``/``to`` and their aliases
``startDate``/``endDate``), read by GET and by POST with an empty body.

Each bound is a date or a timestamp. A timestamp with ``Z`` or no offset is wall-clock time, so
it stands for the date written; one with an offset is converted into the user's zone first, and
over several users each user's own zone gives the date. So every answer here must equal the
answer to the same request written with dates.

The account's users: alice in UTC, carol in London (the same dates as UTC in winter) and bob
in New York (five hours behind). Each has a one-day absence on 2024-12-31, 2025-01-01 and
2025-01-03.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from timetrack.errors import PARAMETER_INVALID

USERS = {"alice": "UTC", "bob": "America/New_York", "carol": "Europe/London"}
ABSENCE_DAYS = ("2024-12-31", "2025-01-01", "2025-01-03")


@dataclass(frozen=True)
class RangeFilter:
    name: str
    path: str
    low: str
    high: str
    method: str
    extra: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return self.name


def _filters() -> list[RangeFilter]:
    found = []
    for method in ("GET", "POST"):
        found += [
            RangeFilter(f"{method} work reports", "/work_reports", "from", "to", method),
            RangeFilter(
                f"{method} grouped work reports",
                "/work_reports/grouped",
                "from",
                "to",
                method,
                (("groupBy", "week"),),
            ),
            RangeFilter(f"{method} absences", "/absences", "from", "to", method),
            RangeFilter(f"{method} absences", "/absences", "startDate", "endDate", method),
        ]
    return found


FILTERS = _filters()


async def _account(api: httpx.AsyncClient) -> None:
    for username, zone in USERS.items():
        response = await api.post(
            "/users",
            json={
                "username": username,
                "firstName": username.title(),
                "lastName": "Example",
                "email": f"{username}@example.com",
                "password": "correct horse",
                "timeZone": zone,
            },
        )
        assert response.status_code == 201, response.text
        for day in ABSENCE_DAYS:
            response = await api.post(
                "/absences", json={"username": username, "from": day, "to": day, "absenceType": 1}
            )
            assert response.status_code == 201, response.text


async def _read(
    api: httpx.AsyncClient, f: RangeFilter, low: str, high: str, **more: str
) -> httpx.Response:
    params = {f.low: low, f.high: high, **dict(f.extra), **more}
    if f.method == "POST":
        return await api.post(f.path, params=params, json={})
    return await api.get(f.path, params=params)


async def _answer(
    api: httpx.AsyncClient, f: RangeFilter, low: str, high: str, **more: str
) -> tuple[list[dict[str, Any]], str]:
    """The records (in a fixed order, to compare answers of several reads) and the total."""
    response = await _read(api, f, low, high, limit="1000", **more)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()
    assert items, "every range here finds something"
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True)), response.headers[
        "X-Total-Count"
    ]


def _merged(*answers: tuple[list[dict[str, Any]], str]) -> tuple[list[dict[str, Any]], str]:
    items = [item for found, _ in answers for item in found]
    total = sum(int(count) for _, count in answers)
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True)), str(total)


@pytest.mark.parametrize("f", FILTERS, ids=str)
class TestRangesOfDays:
    @pytest.mark.parametrize(
        ("low", "high"),
        [
            ("2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z"),  # the vendor's own form
            ("2025-01-01T00:00:00.000Z", "2025-01-03T23:59:59.999Z"),
            ("2025-01-01T23:30:00", "2025-01-03T06:00:00"),  # no offset: wall clock too
        ],
    )
    async def test_a_wall_clock_timestamp_stands_for_the_date_written(
        self, api: httpx.AsyncClient, f: RangeFilter, low: str, high: str
    ) -> None:
        await _account(api)
        assert await _answer(api, f, low, high) == await _answer(api, f, "2025-01-01", "2025-01-03")

    @pytest.mark.parametrize(
        ("low", "high"),
        [
            # 02:00 UTC on 2 January is 21:00 on 1 January in New York; 04:00 UTC on 3 January
            # is 23:00 on 2 January there. The dates written (2 and 3 January) find other
            # records: bob's absence on 3 January, report days 2 and 3.
            ("2025-01-02T03:00:00+01:00", "2025-01-03T04:00:00+00:00"),
            ("2025-01-01T21:00:00-05:00", "2025-01-02T23:00:00-05:00"),
            # Typed into a URL unencoded, the "+" of an offset arrives as a space.
            ("2025-01-02T03:00:00 01:00", "2025-01-03T04:00:00 00:00"),
        ],
    )
    async def test_an_offset_is_converted_into_the_users_zone(
        self, api: httpx.AsyncClient, f: RangeFilter, low: str, high: str
    ) -> None:
        await _account(api)
        converted = await _answer(api, f, low, high, username="bob")
        assert converted == await _answer(api, f, "2025-01-01", "2025-01-02", username="bob")

    async def test_over_all_users_each_users_own_zone_applies(
        self, api: httpx.AsyncClient, f: RangeFilter
    ) -> None:
        await _account(api)
        # 03:00 UTC: still the evening before in New York, the same day in UTC and London.
        low, high = "2025-01-01T03:00:00+00:00", "2025-01-02T03:00:00Z"
        expected = _merged(
            await _answer(api, f, "2025-01-01", "2025-01-02", username="alice"),
            await _answer(api, f, "2024-12-31", "2025-01-02", username="bob"),
            await _answer(api, f, "2025-01-01", "2025-01-02", username="carol"),
        )
        assert await _answer(api, f, low, high) == expected

    @pytest.mark.parametrize(
        "bad",
        [
            "2025-1-01",
            "2025-02-30",
            "2025-01-01T24:00:00Z",
            "2025-01-01T00:00:00+19:00",
            "2025-01-01T00:00Z",
            "2200-01-01",
            "yesterday",
        ],
    )
    async def test_anything_else_is_refused_naming_the_parameter(
        self, api: httpx.AsyncClient, f: RangeFilter, bad: str
    ) -> None:
        for low, high, named in (
            (bad, "2025-01-31", f.low),
            ("2025-01-01", bad, f.high),
        ):
            response = await _read(api, f, low, high)
            assert response.status_code == 400, response.text
            errors = response.json()["errors"]
            assert [(e["code"], e["source"]) for e in errors] == [
                (PARAMETER_INVALID.code, {"parameter": named})
            ]


def test_every_range_filter_documents_both_forms(app_without_database: Any) -> None:
    """The OpenAPI document offers a date or a timestamp on each of them."""
    paths = app_without_database.openapi()["paths"]
    for f in FILTERS:
        operation = paths[f"/api/v2/ext{f.path}"][f.method.lower()]
        parameters = {p["name"]: p for p in operation["parameters"]}
        for name in (f.low, f.high):
            schema = parameters[name]["schema"]
            pattern = schema.get("pattern") or schema["anyOf"][0]["pattern"]
            assert "T" in pattern and "Z" in pattern, (f, name, schema)
            assert "offset" in parameters[name]["description"], (f, name)
