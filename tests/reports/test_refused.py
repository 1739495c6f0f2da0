"""What the reports refuse, each with its own code (docs/errors.md, 22xxx)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import PARAMETER_INVALID, assert_error

from .common import JANUARY

ROUTES = ("/reports/summary", "/reports/detailed", "/reports/projects")
GROUPED = {**JANUARY, "groupBy": "project"}


@pytest.mark.parametrize(
    ("params", "status", "code", "parameter"),
    [
        ({**JANUARY, "groupBy": "colour"}, 400, 22010, "groupBy"),
        ({**GROUPED, "subGroupBy": "weekday"}, 400, 22010, "subGroupBy"),
        ({**GROUPED, "subGroupBy": "PROJECT"}, 400, 22011, "subGroupBy"),
        ({**JANUARY}, 400, PARAMETER_INVALID, "groupBy"),
        ({"from": "2026-02-01", "to": "2026-01-31", "groupBy": "day"}, 400, 22020, "to"),
        ({"from": "2021-01-01", "to": "2026-01-01", "groupBy": "year"}, 400, 22021, "to"),
        ({**GROUPED, "rounding": "sideways"}, 400, 22030, "rounding"),
        (
            {**GROUPED, "rounding": "up", "roundingMinutes": "0"},
            400,
            PARAMETER_INVALID,
            "roundingMinutes",
        ),
        ({**GROUPED, "from": "2026-13-01"}, 400, PARAMETER_INVALID, "from"),
        ({"to": "2026-01-31", "groupBy": "day"}, 400, PARAMETER_INVALID, "from"),
        ({**GROUPED, "username": "nobody"}, 400, 14040, "username"),
        ({**GROUPED, "tag": "#a #b"}, 400, PARAMETER_INVALID, "tag"),
    ],
)
async def test_a_bad_summary_query_answers_the_envelope_with_its_code(
    api: httpx.AsyncClient,
    params: dict[str, Any],
    status: int,
    code: int,
    parameter: str,
) -> None:
    response = await api.get("/reports/summary", params=params)
    assert_error(response, status, code, parameter=parameter)


async def test_five_years_are_the_longest_range(api: httpx.AsyncClient) -> None:
    longest = {"from": "2021-01-01", "to": "2025-12-31", "groupBy": "year"}
    assert (await api.get("/reports/summary", params=longest)).status_code == 200
    leap = {"from": "2024-02-29", "to": "2029-02-28", "groupBy": "year"}
    assert (await api.get("/reports/summary", params=leap)).status_code == 200
    too_long = await api.get("/reports/summary", params={**leap, "to": "2029-03-01"})
    assert_error(too_long, 400, 22021, parameter="to")


@pytest.mark.parametrize("path", ROUTES)
async def test_every_report_refuses_a_reversed_range_and_a_bad_rounding(
    api: httpx.AsyncClient, path: str
) -> None:
    reversed_range = {"from": "2026-02-01", "to": "2026-01-31", "groupBy": "day"}
    assert_error(await api.get(path, params=reversed_range), 400, 22020, parameter="to")
    bad_rounding = await api.get(path, params={**GROUPED, "rounding": "up!"})
    assert_error(bad_rounding, 400, 22030, parameter="rounding")
    assert_error(await api.post(path, params=GROUPED, json={"a": 1}), 405, 10008)
