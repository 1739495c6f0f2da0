"""The change feed on every list (SPEC §3): ``updatedAt``, ``updatedSince``, ``includeDeleted``,
for every resource whose list starts empty (absence types start with six defaults and have a
change-feed test of their own, tests/absence_types/test_list.py).

A sync client keeps the newest ``updatedAt`` it has seen and asks for everything changed at or
after it; with ``includeDeleted=true`` it also learns of deletions.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import assert_error
from lists import LISTS, Context, Listing

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TICK = 0.01  # between writes that need distinct millisecond timestamps


# --- helpers ----------------------------------------------------------------------------------


def parse_utc(text: str) -> datetime:
    assert UPDATED_AT.match(text), text
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def wire(moment: datetime, offset_hours: int = 0) -> str:
    """``moment`` written with milliseconds, in UTC (``Z``) or with an explicit offset."""
    shifted = moment.astimezone(UTC) + timedelta(hours=offset_hours)
    text = f"{shifted:%Y-%m-%dT%H:%M:%S}.{shifted.microsecond // 1000:03d}"
    if offset_hours == 0:
        return text + "Z"
    sign = "+" if offset_hours > 0 else "-"
    return f"{text}{sign}{abs(offset_hours):02d}:00"


@pytest.fixture(params=LISTS, ids=str)
def kind(request: pytest.FixtureRequest) -> Listing:
    value: Listing = request.param
    return value


class Feed:
    """One resource's list in one account."""

    def __init__(self, api: httpx.AsyncClient, kind: Listing) -> None:
        self.api = api
        self.kind = kind
        self.ctx = Context(api)

    async def make(self, group: str = "alpha", *, tick: bool = True) -> dict[str, Any]:
        if tick:
            await asyncio.sleep(TICK)
        return await self.kind.make(self.ctx, group)

    async def update(self, record: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(TICK)
        response = await self.api.put(f"{self.kind.path}/{record['id']}", json=self.kind.update)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def delete(self, record: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(TICK)
        response = await self.api.delete(f"{self.kind.path}/{record['id']}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def get(self, record: dict[str, Any]) -> httpx.Response:
        return await self.api.get(f"{self.kind.path}/{record['id']}")

    async def query(self, **params: Any) -> httpx.Response:
        return await self.api.get(self.kind.path, params=params)

    async def records(self, **params: Any) -> list[dict[str, Any]]:
        response = await self.query(**params)
        assert response.status_code == 200, response.text
        body: list[dict[str, Any]] = response.json()
        assert isinstance(body, list)
        assert response.headers["X-Total-Count"] == str(len(body)) or "limit" in params
        return body

    async def ids(self, **params: Any) -> list[int]:
        return [r["id"] for r in await self.records(**params)]


@pytest.fixture
def feed(api: httpx.AsyncClient, kind: Listing) -> Feed:
    return Feed(api, kind)


# --- updatedAt --------------------------------------------------------------------------------


class TestUpdatedAt:
    async def test_every_record_carries_updated_at(self, feed: Feed) -> None:
        before = datetime.now(UTC)
        made = [await feed.make(), await feed.make("beta")]
        await feed.delete(made[1])
        after = datetime.now(UTC)
        listed = await feed.records(includeDeleted="true")
        assert [r["id"] for r in listed] == [r["id"] for r in made]
        for record in listed:
            stamp = parse_utc(record["updatedAt"])  # UTC with milliseconds, not local time
            assert before - timedelta(seconds=1) <= stamp <= after + timedelta(seconds=1)
        assert listed[0] == made[0]
        live = await feed.get(made[0])
        assert live.json()["updatedAt"] == made[0]["updatedAt"]

    async def test_update_bumps_updated_at(self, feed: Feed) -> None:
        first, second = await feed.make(), await feed.make()
        changed = await feed.update(first)
        assert parse_utc(changed["updatedAt"]) > parse_utc(first["updatedAt"])
        assert (await feed.get(first)).json()["updatedAt"] == changed["updatedAt"]
        # The change brings the record back into a feed that had moved past it.
        assert await feed.ids(updatedSince=second["updatedAt"]) == [first["id"], second["id"]]
        assert await feed.ids(updatedSince=changed["updatedAt"]) == [first["id"]]
        assert (await feed.records(updatedSince=changed["updatedAt"]))[0] == changed

    async def test_delete_bumps_updated_at(self, feed: Feed) -> None:
        record = await feed.make()
        deleted = await feed.delete(record)
        assert deleted["deleted"] is True
        assert parse_utc(deleted["updatedAt"]) > parse_utc(record["updatedAt"])


# --- updatedSince -----------------------------------------------------------------------------


class TestUpdatedSince:
    async def test_inclusive_and_excludes_older(self, feed: Feed) -> None:
        older, newer = await feed.make(), await feed.make()
        assert parse_utc(older["updatedAt"]) < parse_utc(newer["updatedAt"])
        assert await feed.ids(updatedSince=older["updatedAt"]) == [older["id"], newer["id"]]
        assert await feed.ids(updatedSince=newer["updatedAt"]) == [newer["id"]]
        one_ms_later = parse_utc(newer["updatedAt"]) + timedelta(milliseconds=1)
        assert await feed.ids(updatedSince=wire(one_ms_later)) == []

    @pytest.mark.parametrize("offset", [2, -5, 14, -12])
    async def test_explicit_offset(self, feed: Feed, offset: int) -> None:
        older, newer = await feed.make(), await feed.make()
        since = wire(parse_utc(newer["updatedAt"]), offset)
        assert await feed.ids(updatedSince=since) == [newer["id"]]
        since = wire(parse_utc(older["updatedAt"]), offset)
        assert await feed.ids(updatedSince=since) == [older["id"], newer["id"]]

    async def test_timestamp_without_milliseconds(self, feed: Feed) -> None:
        record = await feed.make()
        second = parse_utc(record["updatedAt"]).replace(microsecond=0)
        assert record["id"] in await feed.ids(updatedSince=f"{second:%Y-%m-%dT%H:%M:%S}Z")
        later = second + timedelta(seconds=1)
        assert await feed.ids(updatedSince=f"{later:%Y-%m-%dT%H:%M:%S}Z") == []

    async def test_date(self, feed: Feed) -> None:
        records = [await feed.make(), await feed.make()]
        ids = [r["id"] for r in records]
        today = parse_utc(records[0]["updatedAt"]).date()
        assert await feed.ids(updatedSince=today.isoformat()) == ids
        assert await feed.ids(updatedSince="2000-01-01") == ids
        tomorrow = today + timedelta(days=1)
        assert await feed.ids(updatedSince=tomorrow.isoformat()) == []

    @pytest.mark.parametrize(
        "value",
        [
            "yesterday",
            "2025-13-01",
            "2025-02-30",
            "2025-06-02T25:00:00Z",
            "2025-06-02T10:00",
            "2025-06-02 10:00:00",
            "2025-06-02T10:00:00+25:00",
            "1717000000",
            "x" * 41,
        ],
    )
    async def test_malformed(self, feed: Feed, value: str) -> None:
        await feed.make(tick=False)
        assert_error(await feed.query(updatedSince=value), 400, 10013, parameter="updatedSince")
        by_post = await feed.api.post(feed.kind.path, params={"updatedSince": value}, json={})
        assert_error(by_post, 400, 10013, parameter="updatedSince")

    async def test_malformed_include_deleted(self, feed: Feed) -> None:
        assert_error(
            await feed.query(includeDeleted="maybe"), 400, 10013, parameter="includeDeleted"
        )


# --- includeDeleted ---------------------------------------------------------------------------


class TestIncludeDeleted:
    async def test_deleted_records(self, feed: Feed) -> None:
        a, b, c = await feed.make(), await feed.make(), await feed.make()
        deleted = await feed.delete(b)
        assert await feed.ids() == [a["id"], c["id"]]
        assert await feed.ids(includeDeleted="false") == [a["id"], c["id"]]
        listed = await feed.records(includeDeleted="true")
        assert [r["id"] for r in listed] == [a["id"], b["id"], c["id"]]
        assert listed[1] == deleted
        assert listed[1]["deleted"] is True
        assert "deleted" not in listed[0] and "deleted" not in listed[2]
        assert await feed.ids(includeDeleted="1") == [a["id"], b["id"], c["id"]]
        # A deletion is a change: it shows in the feed past every other record.
        since = deleted["updatedAt"]
        assert await feed.ids(updatedSince=since, includeDeleted="true") == [b["id"]]
        assert await feed.ids(updatedSince=since) == []
        # Still gone for everything else.
        assert (await feed.get(b)).status_code == 404

    async def test_empty_body_post_reads_the_feed(self, feed: Feed) -> None:
        a, b = await feed.make(), await feed.make()
        await feed.delete(a)
        response = await feed.api.post(
            feed.kind.path, params={"includeDeleted": "true", "updatedSince": b["updatedAt"]}
        )
        assert response.status_code == 200, response.text
        assert [r["id"] for r in response.json()] == [a["id"], b["id"]]
        assert response.json()[0]["deleted"] is True


# --- combined with paging and filters ---------------------------------------------------------


class TestCombined:
    async def test_paging(self, feed: Feed) -> None:
        made = [await feed.make() for _ in range(5)]
        ids = [r["id"] for r in made]
        await feed.delete(made[3])
        since = made[1]["updatedAt"]
        response = await feed.query(updatedSince=since, limit=2)
        assert [r["id"] for r in response.json()] == ids[1:3]
        assert response.headers["X-Total-Count"] == "3"
        assert 'rel="next"' in response.headers["Link"]
        response = await feed.query(updatedSince=since, limit=2, page_number=1)
        assert [r["id"] for r in response.json()] == [ids[4]]
        assert response.headers["X-Total-Count"] == "3"
        assert 'rel="prev"' in response.headers["Link"]
        assert "updatedSince" in response.headers["Link"]
        response = await feed.query(updatedSince=since, includeDeleted="true", limit=2, page=2)
        assert [r["id"] for r in response.json()] == ids[3:5]
        assert response.headers["X-Total-Count"] == "4"
        assert response.json()[0]["deleted"] is True

    async def test_own_filters(self, feed: Feed) -> None:
        own = feed.kind.own_filter
        alpha1, beta1 = await feed.make("alpha"), await feed.make("beta")
        alpha2 = await feed.make("alpha")
        alpha3, beta2 = await feed.make("alpha"), await feed.make("beta")
        await feed.delete(alpha3)
        await feed.delete(beta2)
        since = alpha2["updatedAt"]

        assert await feed.ids(**own("alpha")) == [alpha1["id"], alpha2["id"]]
        assert await feed.ids(**own("alpha"), includeDeleted="true") == [
            alpha1["id"],
            alpha2["id"],
            alpha3["id"],
        ]
        assert await feed.ids(**own("alpha"), updatedSince=since) == [alpha2["id"]]
        assert await feed.ids(**own("alpha"), updatedSince=since, includeDeleted="true") == [
            alpha2["id"],
            alpha3["id"],
        ]
        assert await feed.ids(**own("beta"), updatedSince=since) == []
        assert await feed.ids(**own("beta"), updatedSince=since, includeDeleted="true") == [
            beta2["id"]
        ]
        assert await feed.ids(**own("beta")) == [beta1["id"]]


# --- tenants ----------------------------------------------------------------------------------


class TestTenants:
    async def test_another_account_never_sees_the_records(
        self, feed: Feed, other_api: httpx.AsyncClient
    ) -> None:
        a, b = await feed.make(), await feed.make()
        await feed.delete(b)
        theirs = Feed(other_api, feed.kind)
        for params in (
            {},
            {"includeDeleted": "true"},
            {"includeDeleted": "true", "updatedSince": "2000-01-01"},
            {"includeDeleted": "true", "updatedSince": a["updatedAt"]},
        ):
            assert await theirs.ids(**params) == []
            by_post = await other_api.post(feed.kind.path, params=params, json={})
            assert by_post.json() == []
        mine = await theirs.make()
        everything = {"includeDeleted": "true", "updatedSince": "2000-01-01"}
        assert [r["id"] for r in await theirs.records(**everything)] == [mine["id"]]
        assert await feed.ids(**everything) == [a["id"], b["id"]]
