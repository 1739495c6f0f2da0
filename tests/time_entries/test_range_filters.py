"""The time filters of ``/project_time_entries``, in each user's wall clock."""

from __future__ import annotations

import httpx
import pytest
from conftest import PARAMETER_INVALID, assert_error

from .semantics import basics, book, listed_ids


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
