"""Optimistic concurrency (SPEC §3): ``ETag`` on every single-record response, ``If-Match`` on
``PUT`` and ``DELETE`` (412, code 10030, nothing changed), ``If-None-Match`` on reads (304).

Every check runs on every resource with full CRUD (``records.KINDS``), on both databases.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from conftest import assert_error
from fastapi import FastAPI
from records import KINDS, USER, Kind, create, make_project, make_user

PRECONDITION_FAILED = 10030
STRONG_ETAG = re.compile(r'^"[0-9a-f]{16}"$')

by_kind = pytest.mark.parametrize("kind", KINDS, ids=str)


def etag(response: httpx.Response) -> str:
    value: str | None = response.headers.get("etag")
    assert value is not None, (response.status_code, dict(response.headers))
    assert STRONG_ETAG.match(value), value
    return value


class TestETag:
    @by_kind
    async def test_every_single_record_response_carries_one(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        collection, created = await create(api, kind)
        tag = etag(created)
        one = created.headers["location"].removeprefix("/api/v2/ext")

        got = await api.get(one)
        assert got.status_code == 200
        assert etag(got) == tag, "a read of the version just created has the create's ETag"
        by_post = await api.post(one, json={})
        assert by_post.status_code == 200
        assert etag(by_post) == tag

        updated = await api.put(one, json=kind.update)
        assert updated.status_code == 200, updated.text
        assert etag(updated) != tag
        assert etag(await api.get(one)) == etag(updated)

        deleted = await api.delete(one)
        assert deleted.status_code == 200, deleted.text
        assert etag(deleted) not in (tag, etag(updated))

        listed = await api.get(collection, params={"includeDeleted": "true"})
        assert listed.status_code == 200
        assert "etag" not in listed.headers, "a list is not one record"

    @by_kind
    async def test_an_update_that_changes_nothing_keeps_the_etag(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        echoed = await api.put(one, json={})
        assert echoed.status_code == 200, echoed.text
        assert etag(echoed) == etag(created)

    async def test_timer_and_clock_responses_carry_one(self, api: httpx.AsyncClient) -> None:
        await make_user(api)
        await make_project(api)
        timer = "/timers/project_timer"
        started = await api.post(
            f"{timer}/start",
            json={
                "username": USER,
                "clientName": "Acme",
                "projectName": "Website",
                "date": "2026-03-02T09:00:00.000Z",
            },
        )
        assert started.status_code == 200, started.text
        state = await api.get(timer, params={"username": USER})
        assert etag(state) == etag(started)
        for action, minute in (("pause", 10), ("resume", 20), ("stop", 30)):
            response = await api.post(
                f"{timer}/{action}",
                json={"username": USER, "date": f"2026-03-02T10:{minute}:00.000Z"},
            )
            assert response.status_code == 200, response.text
            etag(response)

        clocked_in = await api.post(
            "/attendances/clock_in", json={"username": USER, "date": "2026-03-03T08:00:00Z"}
        )
        assert clocked_in.status_code == 201, clocked_in.text
        one = clocked_in.headers["location"].removeprefix("/api/v2/ext")
        assert etag(await api.get(one)) == etag(clocked_in)
        clocked_out = await api.post(
            "/attendances/clock_out", json={"username": USER, "date": "2026-03-03T16:00:00Z"}
        )
        assert clocked_out.status_code == 200, clocked_out.text
        assert etag(await api.get(one)) == etag(clocked_out) != etag(clocked_in)

    async def test_a_change_to_a_referenced_name_changes_the_etag(
        self, api: httpx.AsyncClient
    ) -> None:
        # The ETag validates the representation, and an entry shows its project's name.
        kind = next(k for k in KINDS if k.name == "project_time_entries")
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        renamed = await api.put("/projects/1", json={"projectName": "Web shop"})
        assert renamed.status_code == 200, renamed.text
        got = await api.get(one)
        assert got.json()["projectName"] == "Web shop"
        assert etag(got) != etag(created)
        stale = await api.put(one, json={"details": "x"}, headers={"If-Match": etag(created)})
        assert_error(stale, 412, PRECONDITION_FAILED)


class TestIfMatch:
    @by_kind
    async def test_current_etag_updates(self, api: httpx.AsyncClient, kind: Kind) -> None:
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        updated = await api.put(one, json=kind.update, headers={"If-Match": etag(created)})
        assert updated.status_code == 200, updated.text
        again = await api.put(one, json=kind.other_update, headers={"If-Match": etag(updated)})
        assert again.status_code == 200, again.text

    @by_kind
    async def test_stale_put_gets_412_and_changes_nothing(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        stale = etag(created)
        first = await api.put(one, json=kind.update, headers={"If-Match": stale})
        assert first.status_code == 200, first.text

        refused = await api.put(one, json=kind.other_update, headers={"If-Match": stale})
        error = assert_error(refused, 412, PRECONDITION_FAILED)
        assert error["title"] == "Precondition failed"
        assert etag(refused) == etag(first), "a 412 names the current version"
        now = await api.get(one)
        assert now.json() == first.json()
        assert etag(now) == etag(first)

    @by_kind
    async def test_stale_delete_gets_412_and_deletes_nothing(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        collection, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        updated = await api.put(one, json=kind.update)
        assert updated.status_code == 200, updated.text

        refused = await api.delete(one, headers={"If-Match": etag(created)})
        assert_error(refused, 412, PRECONDITION_FAILED)
        assert etag(refused) == etag(updated)
        still = await api.get(one)
        assert still.status_code == 200
        assert still.json() == updated.json()
        listed = await api.get(collection)
        assert created.json()["id"] in [r["id"] for r in listed.json()]

        deleted = await api.delete(one, headers={"If-Match": etag(updated)})
        assert deleted.status_code == 200, deleted.text
        assert deleted.json()["deleted"] is True

    @by_kind
    async def test_star_matches_any_existing_version(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        updated = await api.put(one, json=kind.update, headers={"If-Match": "*"})
        assert updated.status_code == 200, updated.text
        deleted = await api.delete(one, headers={"If-Match": "*"})
        assert deleted.status_code == 200, deleted.text
        # A deleted record has no current version: its 404 comes first, as without If-Match.
        gone = await api.put(one, json=kind.other_update, headers={"If-Match": "*"})
        assert gone.status_code == 404, gone.text
        assert (await api.delete(one, headers={"If-Match": "*"})).status_code == 404

    @by_kind
    async def test_without_if_match_writes_are_unconditional(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        # The vendor's clients send no If-Match: they keep last-writer-wins.
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        assert (await api.put(one, json=kind.update)).status_code == 200
        assert (await api.put(one, json=kind.other_update)).status_code == 200
        assert (await api.delete(one)).status_code == 200

    async def test_a_missing_record_answers_404_not_412(self, api: httpx.AsyncClient) -> None:
        response = await api.put("/clients/999", json={"notes": "x"}, headers={"If-Match": '"0"'})
        assert_error(response, 404, 11010)
        response = await api.delete("/clients/999", headers={"If-Match": "*"})
        assert_error(response, 404, 11010)

    async def test_another_accounts_etag_does_not_help(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        mine = await api.post("/clients", json={"name": "Acme"})
        theirs = await other_api.post("/clients", json={"name": "Acme"})
        assert mine.json()["id"] == theirs.json()["id"] == 1
        response = await other_api.put(
            "/clients/1", json={"notes": "x"}, headers={"If-Match": etag(mine)}
        )
        if etag(mine) != etag(theirs):
            assert_error(response, 412, PRECONDITION_FAILED)
        assert (await api.get("/clients/1")).json() == mine.json()

    @pytest.mark.parametrize(
        ("header", "ok"),
        [
            ("{current}", True),
            ('"0000000000000000", {current}', True),
            ("{bare}", True),  # sent without its quotes: read as quoted
            ("W/{current}", False),  # If-Match compares strongly: a weak tag never matches
            ('"0000000000000000"', False),
            ("", False),
            ("garbage", False),
        ],
    )
    async def test_header_forms(self, api: httpx.AsyncClient, header: str, ok: bool) -> None:
        created = await api.post("/tasks", json={"name": "Design"})
        current = etag(created)
        value = header.format(current=current, bare=current.strip('"'))
        response = await api.put("/tasks/1", json={"notes": "x"}, headers={"If-Match": value})
        if ok:
            assert response.status_code == 200, response.text
        else:
            assert_error(response, 412, PRECONDITION_FAILED)

    @by_kind
    async def test_concurrent_writers_of_one_version_one_wins(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        tag = etag(created)
        changes = [kind.update, kind.other_update] * 4
        responses = await asyncio.gather(
            *(api.put(one, json=change, headers={"If-Match": tag}) for change in changes)
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [412] * 7, [r.text for r in responses]
        winner = next(r for r in responses if r.status_code == 200)
        assert (await api.get(one)).json() == winner.json()

    @pytest.mark.parametrize("name", ["absences", "attendances", "clients"])
    async def test_conditional_and_unconditional_writers_mixed(
        self, api: httpx.AsyncClient, name: str
    ) -> None:
        # Writers with and without If-Match lock the record's row in one order; none of them
        # may fail with anything but a 412 (a deadlock would be a 500 on PostgreSQL).
        kind = next(k for k in KINDS if k.name == name)
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        base = await api.put(one, json=kind.other_update)  # an absence: disapproved
        assert base.status_code == 200, base.text
        writes: list[Any] = []
        for i in range(6):
            headers = {"If-Match": etag(base)} if i % 2 else {}
            writes.append(api.put(one, json=kind.update, headers=headers))
        writes.append(api.delete(one, headers={"If-Match": etag(base)}))
        responses = await asyncio.gather(*writes)
        for response in responses:
            assert response.status_code in (200, 404, 412), response.text


class TestIfNoneMatch:
    @by_kind
    async def test_current_etag_gets_304(self, api: httpx.AsyncClient, kind: Kind) -> None:
        _, created = await create(api, kind)
        one = created.headers["location"].removeprefix("/api/v2/ext")
        tag = etag(created)
        for value in (tag, f"W/{tag}", f'"0000000000000000", {tag}', "*"):
            response = await api.get(one, headers={"If-None-Match": value})
            assert response.status_code == 304, (value, response.text)
            assert response.content == b""
            assert response.headers["etag"] == tag
        updated = await api.put(one, json=kind.update)
        response = await api.get(one, headers={"If-None-Match": tag})
        assert response.status_code == 200
        assert response.json() == updated.json()

    async def test_only_get_is_conditional(self, api: httpx.AsyncClient) -> None:
        created = await api.post("/tasks", json={"name": "Design"})
        response = await api.post("/tasks/1", headers={"If-None-Match": etag(created)})
        assert response.status_code == 200
        assert response.json() == created.json()


class TestOpenAPI:
    async def test_headers_are_documented(self, app_without_database: FastAPI) -> None:
        doc = app_without_database.openapi()
        paths = doc["paths"]

        def params(path: str, method: str) -> set[str]:
            operation = paths[f"/api/v2/ext{path}"][method]
            return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}

        for path in ("/clients/{id}", "/users/{id}/working_time_models/{modelId}"):
            for method in ("put", "delete"):
                assert "If-Match" in params(path, method), (path, method)
                responses = paths[f"/api/v2/ext{path}"][method]["responses"]
                assert responses["412"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorEnvelope"
                }
                assert "ETag" in responses["200"]["headers"]
            assert "If-None-Match" in params(path, "get")
            assert "304" in paths[f"/api/v2/ext{path}"]["get"]["responses"]
        created = paths["/api/v2/ext/clients"]["post"]["responses"]["201"]
        assert {"ETag", "Idempotent-Replayed"} <= set(created["headers"])
        listed = paths["/api/v2/ext/clients"]["get"]["responses"]["200"]
        assert "ETag" not in listed.get("headers", {})
        assert 10030 in {c["code"] for c in doc["info"]["x-error-codes"]}
