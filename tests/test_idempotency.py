"""Idempotent POSTs (SPEC §3): a retry with the same ``Idempotency-Key`` gets the first answer
without a second write, also when the retries race; another request with the key gets 409
(10031); keys expire after ``TIMETRACK_IDEMPOTENCY_TTL_HOURS``; keys are per account.

Every check runs on both databases; the per-resource ones on every resource with full CRUD.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import assert_error
from records import CLIENT, KINDS, PROJECT, USER, Kind, make_project, make_user

from timetrack.accounts.service import Credentials
from timetrack.config import Settings
from timetrack.db import Database

KEY_REUSED, KEY_INVALID = 10031, 10032
REPLAYED = "idempotent-replayed"
# The headers that belong to an answer, and so are repeated with it.
ANSWER_HEADERS = ("location", "etag", "x-ignored-fields", "content-type")

by_kind = pytest.mark.parametrize("kind", KINDS, ids=str)


def new_key() -> str:
    return str(uuid.uuid4())


async def total(api: httpx.AsyncClient, collection: str) -> int:
    response = await api.get(collection, params={"limit": 0})
    assert response.status_code == 200, response.text
    return int(response.headers["x-total-count"])


def assert_same_answer(
    first: httpx.Response, retry: httpx.Response, shown_once: tuple[str, ...] = ()
) -> None:
    """The retry answers what the first did, byte for byte, but for what only a create shows
    (a key's secret: never stored, so a replay answers it as null)."""
    assert retry.status_code == first.status_code, retry.text
    if shown_once:
        kept = {**first.json(), **dict.fromkeys(shown_once)}
        assert retry.json() == kept
    else:
        assert retry.content == first.content
    for name in ANSWER_HEADERS:
        assert retry.headers.get(name) == first.headers.get(name), name
    assert REPLAYED not in first.headers
    assert retry.headers[REPLAYED] == "true"


async def age_keys(database: Database, key: str, hours: float) -> None:
    """Make the key look ``hours`` old."""
    async with database.transaction(write=True) as tx:
        await tx.execute(
            "UPDATE idempotency_keys SET created_at = $2 WHERE key = $1",
            key,
            datetime.now(UTC) - timedelta(hours=hours),
        )


async def stored_keys(database: Database, account: Credentials) -> list[str]:
    async with database.transaction(write=False) as tx:
        rows = await tx.fetch(
            "SELECT key FROM idempotency_keys WHERE account_id = $1 ORDER BY key",
            account.account.id,
        )
    return [r["key"] for r in rows]


class TestRetry:
    @by_kind
    async def test_a_retry_gets_the_first_answer_and_writes_nothing(
        self, api: httpx.AsyncClient, kind: Kind
    ) -> None:
        collection = await kind.prepare(api)
        before = await total(api, collection)
        headers = {"Idempotency-Key": new_key()}
        body = {**kind.create, "langauge": "de"}  # an ignored key: X-Ignored-Fields
        first = await api.post(collection, json=body, headers=headers)
        assert first.status_code == 201, first.text
        assert first.headers["x-ignored-fields"] == "langauge"
        assert await total(api, collection) == before + 1

        for _ in range(2):
            retry = await api.post(collection, json=body, headers=headers)
            assert_same_answer(first, retry, kind.shown_once)
        assert await total(api, collection) == before + 1

    async def test_the_first_answer_even_after_the_record_changed(
        self, api: httpx.AsyncClient
    ) -> None:
        headers = {"Idempotency-Key": new_key()}
        first = await api.post("/clients", json={"name": "Acme"}, headers=headers)
        assert first.status_code == 201
        assert (await api.put("/clients/1", json={"notes": "changed"})).status_code == 200
        assert (await api.delete("/clients/1")).status_code == 200
        retry = await api.post("/clients", json={"name": "Acme"}, headers=headers)
        assert_same_answer(first, retry)
        assert await total(api, "/clients") == 0, "the retry did not create the client again"

    async def test_both_spellings_of_the_route_are_one_request(
        self, api: httpx.AsyncClient
    ) -> None:
        headers = {"Idempotency-Key": new_key()}
        first = await api.post("/tasks", json={"name": "Design"}, headers=headers)
        retry = await api.post("/tasks/", json={"name": "Design"}, headers=headers)
        assert_same_answer(first, retry)

    async def test_without_a_key_nothing_is_stored(
        self, api: httpx.AsyncClient, account: Credentials, database: Database
    ) -> None:
        assert (await api.post("/tasks", json={"name": "A"})).status_code == 201
        second = await api.post("/tasks", json={"name": "A"})
        assert_error(second, 409, 13030, pointer="/name")
        assert await stored_keys(database, account) == []

    async def test_timer_actions(self, api: httpx.AsyncClient) -> None:
        await make_user(api)
        await make_project(api)
        timer = "/timers/project_timer"
        start = {
            "username": USER,
            "clientName": CLIENT,
            "projectName": PROJECT,
            "date": "2026-03-02T09:00:00.000Z",
        }
        key = {"Idempotency-Key": new_key()}
        started = await api.post(f"{timer}/start", json=start, headers=key)
        assert started.status_code == 200, started.text
        retry = await api.post(f"{timer}/start", json=start, headers=key)
        assert_same_answer(started, retry)  # not 409 "already running"
        plain = await api.post(f"{timer}/start", json=start)
        assert_error(plain, 409, 18010)

        stop = {"username": USER, "date": "2026-03-02T10:00:00.000Z"}
        key = {"Idempotency-Key": new_key()}
        stopped = await api.post(f"{timer}/stop", json=stop, headers=key)
        assert stopped.status_code == 200, stopped.text
        retries = await asyncio.gather(
            *(api.post(f"{timer}/stop", json=stop, headers=key) for _ in range(3))
        )
        for retry in retries:
            assert_same_answer(stopped, retry)
        assert await total(api, "/project_time_entries") == 1

    async def test_clock_in_and_out(self, api: httpx.AsyncClient) -> None:
        await make_user(api)
        clock_in = {"username": USER, "date": "2026-03-02T08:00:00Z"}
        key = {"Idempotency-Key": new_key()}
        first = await api.post("/attendances/clock_in", json=clock_in, headers=key)
        assert first.status_code == 201, first.text
        assert first.headers["location"] == "/api/v2/ext/attendances/1"
        assert_same_answer(
            first, await api.post("/attendances/clock_in", json=clock_in, headers=key)
        )
        clock_out = {"username": USER, "date": "2026-03-02T16:00:00Z"}
        key = {"Idempotency-Key": new_key()}
        out = await api.post("/attendances/clock_out", json=clock_out, headers=key)
        assert out.status_code == 200, out.text
        assert_same_answer(
            out, await api.post("/attendances/clock_out", json=clock_out, headers=key)
        )
        assert await total(api, "/attendances") == 1

    async def test_reads_by_post_ignore_the_key(
        self, api: httpx.AsyncClient, account: Credentials, database: Database
    ) -> None:
        key = {"Idempotency-Key": new_key()}
        listed = await api.post("/clients", json={}, headers=key)
        assert listed.status_code == 200
        assert REPLAYED not in listed.headers
        created = await api.post("/clients", json={"name": "Acme"}, headers=key)
        assert created.status_code == 201, "the read did not use up the key"
        got = await api.post("/clients/1", headers=key)
        assert got.status_code == 200
        assert REPLAYED not in got.headers
        assert await stored_keys(database, account) == [key["Idempotency-Key"]]

    async def test_put_and_delete_ignore_the_key(self, api: httpx.AsyncClient) -> None:
        await api.post("/clients", json={"name": "Acme"})
        key = {"Idempotency-Key": new_key()}
        first = await api.put("/clients/1", json={"notes": "a"}, headers=key)
        second = await api.put("/clients/1", json={"notes": "b"}, headers=key)
        assert first.status_code == second.status_code == 200
        assert second.json()["notes"] == "b"
        assert REPLAYED not in second.headers


class TestRace:
    @by_kind
    async def test_racing_retries_write_once(self, api: httpx.AsyncClient, kind: Kind) -> None:
        collection = await kind.prepare(api)
        before = await total(api, collection)
        headers = {"Idempotency-Key": new_key()}
        responses = await asyncio.gather(
            *(api.post(collection, json=kind.create, headers=headers) for _ in range(8))
        )
        assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
        originals = [r for r in responses if REPLAYED not in r.headers]
        assert len(originals) == 1
        for response in responses:
            if response is not originals[0]:
                assert_same_answer(originals[0], response, kind.shown_once)
        assert await total(api, collection) == before + 1

    async def test_racing_different_requests_with_one_key(self, api: httpx.AsyncClient) -> None:
        headers = {"Idempotency-Key": new_key()}
        responses = await asyncio.gather(
            *(api.post("/tasks", json={"name": f"T{i}"}, headers=headers) for i in range(6))
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 5, [r.text for r in responses]
        for response in responses:
            if response.status_code == 409:
                assert_error(response, 409, KEY_REUSED)
        assert await total(api, "/tasks") == 1


class TestAnotherRequest:
    async def test_another_body_gets_409(self, api: httpx.AsyncClient) -> None:
        headers = {"Idempotency-Key": new_key()}
        assert (await api.post("/clients", json={"name": "Acme"}, headers=headers)).status_code
        response = await api.post("/clients", json={"name": "Globex"}, headers=headers)
        error = assert_error(response, 409, KEY_REUSED)
        assert error["title"] == "Idempotency key reused with a different request"
        assert "another body" in error["detail"]
        # The same JSON spelled differently is another body too: keys compare bytes.
        response = await api.post(
            "/clients",
            content=b'{"name":  "Acme"}',
            headers={**headers, "Content-Type": "application/json"},
        )
        assert_error(response, 409, KEY_REUSED)
        assert await total(api, "/clients") == 1

    async def test_another_path_gets_409(self, api: httpx.AsyncClient) -> None:
        headers = {"Idempotency-Key": new_key()}
        assert (await api.post("/clients", json={"name": "Acme"}, headers=headers)).status_code
        response = await api.post("/tasks", json={"name": "Acme"}, headers=headers)
        error = assert_error(response, 409, KEY_REUSED)
        assert "/api/v2/ext/clients" in error["detail"]
        assert await total(api, "/tasks") == 0

    async def test_a_failed_request_does_not_use_up_the_key(
        self, api: httpx.AsyncClient, account: Credentials, database: Database
    ) -> None:
        headers = {"Idempotency-Key": new_key()}
        body = {"clientName": "Acme", "projectName": "Website"}
        assert_error(
            await api.post("/projects", json=body, headers=headers),
            400,
            11040,
            pointer="/clientName",
        )
        assert await stored_keys(database, account) == []
        # Fixed (the client now exists): the same key and body run again and write.
        await api.post("/clients", json={"name": "Acme"})
        created = await api.post("/projects", json=body, headers=headers)
        assert created.status_code == 201, created.text
        assert REPLAYED not in created.headers
        # A different request with a new key that fails, then the same retried: a 409 again.
        taken = {"Idempotency-Key": new_key()}
        assert_error(
            await api.post("/projects", json=body, headers=taken),
            409,
            12030,
            pointer="/projectName",
        )
        assert_error(
            await api.post("/projects", json=body, headers=taken),
            409,
            12030,
            pointer="/projectName",
        )
        assert await stored_keys(database, account) == [headers["Idempotency-Key"]]


class TestKeys:
    async def test_keys_are_per_account(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        headers = {"Idempotency-Key": new_key()}
        mine = await api.post("/clients", json={"name": "Acme"}, headers=headers)
        theirs = await other_api.post("/clients", json={"name": "Acme"}, headers=headers)
        assert mine.status_code == theirs.status_code == 201
        assert REPLAYED not in theirs.headers
        assert await total(api, "/clients") == await total(other_api, "/clients") == 1
        # From now on the key is used in the other account too: another request there with
        # it is a reuse.
        other = await other_api.post("/tasks", json={"name": "x"}, headers=headers)
        assert_error(other, 409, KEY_REUSED)

    @pytest.mark.parametrize(
        ("key", "ok"),
        [("a", True), ("k" * 255, True), ("", False), ("   ", False), ("k" * 256, False)],
    )
    async def test_key_length(self, api: httpx.AsyncClient, key: str, ok: bool) -> None:
        response = await api.post(
            "/tasks", json={"name": "Design"}, headers={"Idempotency-Key": key}
        )
        if ok:
            assert response.status_code == 201, response.text
        else:
            assert_error(response, 400, KEY_INVALID)
            assert await total(api, "/tasks") == 0

    async def test_two_keys_are_refused(self, api: httpx.AsyncClient) -> None:
        response = await api.post(
            "/tasks",
            json={"name": "Design"},
            headers=[("Idempotency-Key", "a"), ("Idempotency-Key", "b")],
        )
        assert_error(response, 400, KEY_INVALID)


class TestExpiry:
    async def test_an_expired_key_counts_as_unused(
        self, api: httpx.AsyncClient, database: Database
    ) -> None:
        key = new_key()
        headers = {"Idempotency-Key": key}
        first = await api.post("/tasks", json={"name": "Design"}, headers=headers)
        assert first.status_code == 201
        await age_keys(database, key, 23.9)  # the default TTL is 24 hours
        assert_same_answer(
            first, await api.post("/tasks", json={"name": "Design"}, headers=headers)
        )
        await age_keys(database, key, 24.1)
        again = await api.post("/tasks", json={"name": "Design"}, headers=headers)
        assert_error(again, 409, 13030, pointer="/name")  # it ran again: the task exists
        other = await api.post("/tasks", json={"name": "Other"}, headers=headers)
        assert other.status_code == 201, "an expired key may carry a new request"
        assert REPLAYED not in other.headers

    async def test_expired_keys_are_purged_when_a_key_is_claimed(
        self,
        api: httpx.AsyncClient,
        other_api: httpx.AsyncClient,
        account: Credentials,
        other_account: Credentials,
        database: Database,
    ) -> None:
        old = [new_key() for _ in range(3)]
        for i, key in enumerate(old):
            response = await api.post(
                "/tasks", json={"name": f"T{i}"}, headers={"Idempotency-Key": key}
            )
            assert response.status_code == 201
        for key in old:
            await age_keys(database, key, 48)
        theirs = new_key()
        response = await other_api.post(
            "/tasks", json={"name": "T"}, headers={"Idempotency-Key": theirs}
        )
        await age_keys(database, theirs, 48)
        assert len(await stored_keys(database, account)) == 3
        fresh = new_key()
        response = await api.post(
            "/tasks", json={"name": "New"}, headers={"Idempotency-Key": fresh}
        )
        assert response.status_code == 201
        assert await stored_keys(database, account) == [fresh]
        assert await stored_keys(database, other_account) == [theirs], "only the account's own"

    async def test_the_ttl_is_a_setting(self) -> None:
        assert Settings().idempotency_ttl_hours == 24
        assert Settings(idempotency_ttl_hours=1).idempotency_ttl_hours == 1


class TestOpenAPI:
    async def test_write_posts_document_the_header(self, app_without_database: Any) -> None:
        doc = app_without_database.openapi()
        for path in (
            "/clients",
            "/timers/project_timer/start",
            "/attendances/clock_in",
            "/users/{id}/working_time_models",
        ):
            operation = doc["paths"][f"/api/v2/ext{path}"]["post"]
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert "Idempotency-Key" in names, path
            assert "10031" in operation["responses"]["409"]["description"], path
        read = doc["paths"]["/api/v2/ext/clients/{id}"]["post"]
        assert "Idempotency-Key" not in {p["name"] for p in read.get("parameters", [])}
