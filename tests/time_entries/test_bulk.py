"""Creating many project time entries at once (``/project_time_entries/bulk``): all or nothing,
one audit entry each, idempotent retries.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from conftest import assert_error

from .bulk import (
    AUTH_INVALID,
    AUTH_MISSING,
    BULK,
    KEY_REUSED,
    MAX,
    audit_of_entries,
    batch,
    bulk,
    entry,
    errors,
    total,
)
from .common import (
    CLIENT_UNKNOWN,
    ENTRY,
    ENTRY_KEYS,
    ENTRY_NOT_FOUND,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    USER_UNKNOWN,
    add_client,
    add_project,
    add_task,
    add_user,
    basics,
    create,
    fetch,
    without,
)


class TestCredentials:
    async def test_anonymous(self, anon: httpx.AsyncClient, api: httpx.AsyncClient) -> None:
        await basics(api)
        assert_error(await anon.post(BULK, json=[ENTRY]), 401, AUTH_MISSING)
        assert await total(api) == 0

    async def test_wrong_secret(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        wrong = {"X-TimeTrack-Api-Secret": "tts_wrong"}  # replaces the client's own
        response = await api.post(BULK, json=[ENTRY], headers=wrong)
        assert_error(response, 401, AUTH_INVALID)
        assert await total(api) == 0


class TestCreated:
    async def test_mixed_users_projects_tasks_and_rates(self, api: httpx.AsyncClient) -> None:
        await add_client(api)
        await add_client(api, "Globex")
        await add_project(api, hourRate=80)
        await add_project(api, "Intranet", "Globex")
        await add_user(api, hourRate=30)
        await add_user(api, "bob", hourRate=40, timeZone="Europe/Berlin")
        await add_task(api, "Design", hourRate=50)
        await add_task(api, "Review")
        items = [
            entry(task="Design"),  # the task's rate
            entry(user=None, username="BOB", clientName="globex", projectName="intranet"),
            entry(clientName="ACME", projectName="website", task="review"),  # the project's
            entry(hourRate="99", billable="false", tags="#a #b", details="notes"),
            entry(to=None, workedMinutes=90, breakMinutes="15"),
            entry(user="bob", clientName="Globex", projectName="Intranet", task="Design"),
        ]
        created = await bulk(api, items)
        assert [e["hourRate"] for e in created] == [50.0, 40.0, 80.0, 99.0, 80.0, 50.0]
        assert [e["user"] for e in created] == ["alice", "bob", "alice", "alice", "alice", "bob"]
        assert [e["task"] for e in created] == ["Design", None, "Review", None, None, "Design"]
        assert [e["projectName"] for e in created] == [
            "Website",
            "Intranet",
            "Website",
            "Website",
            "Website",
            "Intranet",
        ]
        first = created[0]["id"]
        assert [e["id"] for e in created] == list(range(first, first + len(items)))
        assert (created[3]["billable"], created[3]["tags"], created[3]["details"]) == (
            False,
            "#a #b",
            "notes",
        )
        assert (created[4]["to"], created[4]["workedMinutes"], created[4]["breakMinutes"]) == (
            "2025-03-04T10:45:00.000Z",
            90,
            15,
        )
        # bob books in his own zone: 09:00 in Berlin is 08:00 UTC in March.
        assert (created[1]["timeZone"], created[1]["fromUtc"]) == (
            "Europe/Berlin",
            "2025-03-04T08:00:00.000Z",
        )
        for item in created:
            assert set(item) == ENTRY_KEYS
            assert await fetch(api, item["id"]) == item
        # Each is what a single create of the same body answers.
        for sent, got in zip(items, created, strict=True):
            alone = await api.post("/project_time_entries", json=sent)
            assert alone.status_code == 201, alone.text
            assert without(alone.json(), "id", "updatedAt") == without(got, "id", "updatedAt")

    async def test_answer_is_a_bare_array_without_location(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(BULK, json=batch(3))
        assert response.status_code == 201, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.text.startswith("[{")
        assert "Location" not in response.headers
        assert "X-Ignored-Fields" not in response.headers
        assert [e["details"] for e in response.json()] == ["0", "1", "2"]

    async def test_one_entry_and_the_trailing_slash(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(BULK + "/", json=[ENTRY])
        assert response.status_code == 201, response.text
        assert await total(api) == 1

    async def test_ids_follow_on_from_single_creates(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        before = await create(api)
        created = await bulk(api, batch(3))
        after = await create(api)
        ids = [before["id"], *(e["id"] for e in created), after["id"]]
        assert ids == list(range(before["id"], before["id"] + 5))

    async def test_ignored_keys_are_named_once(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        items = [entry(langauge="de", id=7), entry(langauge="en"), entry(fromUtc="x")]
        response = await api.post(BULK, json=items)
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == "langauge, id, fromUtc"
        assert all(e["id"] != 7 for e in response.json())

    async def test_the_most_entries(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        created = await bulk(api, batch(MAX))
        assert [e["details"] for e in created] == [str(i) for i in range(MAX)]
        assert await total(api) == MAX
        assert len(await audit_of_entries(api)) == MAX

    async def test_concurrent_batches_get_distinct_ids(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        results = await asyncio.gather(*(api.post(BULK, json=batch(50)) for _ in range(3)))
        ids = []
        for response in results:
            assert response.status_code == 201, response.text
            mine = [e["id"] for e in response.json()]
            assert mine == list(range(mine[0], mine[0] + 50))
            ids += mine
        assert sorted(ids) == list(range(1, 151))

    async def test_get_of_the_bulk_path_is_an_unknown_id(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.get(BULK), 404, ENTRY_NOT_FOUND)


class TestTenantIsolation:
    async def test_another_accounts_names_answer_like_unknown_ones(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        await add_task(api, "Design")
        keep = await create(api, task="Design")
        await add_client(other_api, "Initech")
        await add_project(other_api, "Portal", "Initech")
        await add_user(other_api, "bob")
        mine: dict[str, Any] = {"user": "bob", "clientName": "Initech", "projectName": "Portal"}
        items = [
            entry(**mine),
            entry(**{**mine, "user": "alice"}),
            entry(**{**mine, "user": None, "username": "alice"}),
            entry(**{**mine, "clientName": "Acme", "projectName": "Website"}),
            entry(**{**mine, "projectName": "Website"}),
            entry(**{**mine, "task": "Design"}),
        ]
        response = await other_api.post(BULK, json=items)
        assert errors(response) == [
            (USER_UNKNOWN, "/1/user"),
            (USER_UNKNOWN, "/2/username"),
            (CLIENT_UNKNOWN, "/3/clientName"),
            (PROJECT_UNKNOWN, "/4/projectName"),
            (TASK_UNKNOWN, "/5/task"),
        ]
        assert await total(other_api) == 0
        assert (await api.get("/project_time_entries")).json() == [keep]
        # The other account's own batch is its own: ids count from 1 there too.
        created = await bulk(other_api, [entry(**mine)])
        assert created[0]["id"] == 1


class TestIdempotency:
    async def test_a_retry_gets_the_first_answer_and_writes_once(
        self, api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        items = [*batch(3), entry(langauge="de")]
        first = await api.post(BULK, json=items, headers=headers)
        assert first.status_code == 201, first.text
        retry = await api.post(BULK + "/", json=items, headers=headers)
        assert retry.status_code == 201, retry.text
        assert retry.content == first.content
        assert retry.headers["Idempotent-Replayed"] == "true"
        assert retry.headers["X-Ignored-Fields"] == first.headers["X-Ignored-Fields"] == "langauge"
        assert "Idempotent-Replayed" not in first.headers
        assert await total(api) == 4
        assert len(await audit_of_entries(api)) == 4
        other = await api.post(BULK, json=batch(2), headers=headers)
        assert_error(other, 409, KEY_REUSED)
        assert await total(api) == 4

    async def test_the_key_of_a_refused_batch_stays_free(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        items = [ENTRY, entry(user="carol")]
        response = await api.post(BULK, json=items, headers=headers)
        assert_error(response, 400, USER_UNKNOWN, pointer="/1/user")
        await add_user(api, "carol")
        assert len(await bulk(api, items, **headers)) == 2


class TestAudit:
    async def test_one_entry_per_created_entry(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        single = await create(api)
        created = await bulk(api, batch(3))
        log = await audit_of_entries(api)
        assert [e["recordId"] for e in log] == [single["id"], *(e["id"] for e in created)]
        first, *rest = log
        for logged, item in zip(rest, created, strict=True):
            assert (logged["action"], logged["before"], logged["after"]) == ("create", None, item)
            # The same content as a single create's entry.
            assert logged["actor"] == first["actor"]
            assert set(logged) == set(first)
        ids = [e["id"] for e in log]
        assert ids == list(range(ids[0], ids[0] + 4))


class TestDocument:
    async def test_the_operation_is_documented(self, anon: httpx.AsyncClient) -> None:
        doc = (await anon.get("http://testserver/openapi.json")).json()
        operation = doc["paths"]["/api/v2/ext" + BULK]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/EntryBatch"}
        batch_schema = doc["components"]["schemas"]["EntryBatch"]
        assert (batch_schema["type"], batch_schema["minItems"], batch_schema["maxItems"]) == (
            "array",
            1,
            MAX,
        )
        assert batch_schema["items"] == {"$ref": "#/components/schemas/EntryCreate"}
        created = operation["responses"]["201"]
        assert created["content"]["application/json"]["schema"]["items"] == {
            "$ref": "#/components/schemas/EntryRead"
        }
        assert "Location" not in created.get("headers", {})
        assert {"400", "401", "409", "413"} <= set(operation["responses"])
        assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}
