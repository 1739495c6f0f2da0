"""``POST /project_time_entries/bulk`` (ours): 1 to 1000 entries in one transaction.

Each item is checked as a single create checks it; any invalid item writes nothing, and every
problem's pointer starts with its item's index. Every test runs on SQLite and PostgreSQL
(tests/conftest.py), each in fresh accounts.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import orjson
import pytest
from conftest import FIELD_INVALID, FIELD_REQUIRED, MALFORMED_JSON, assert_error, assert_errors

from .common import (
    CLIENT_UNKNOWN,
    ENTRY,
    ENTRY_BREAK_TOO_LONG,
    ENTRY_END_BEFORE_START,
    ENTRY_KEYS,
    ENTRY_NOT_FOUND,
    ENTRY_WORKED_INCONSISTENT,
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

BULK = "/project_time_entries/bulk"
JSON = "application/json"
BODY_NOT_OBJECT = 10005
AUTH_MISSING, AUTH_INVALID = 10001, 10002
KEY_REUSED = 10031
BULK_NOT_ARRAY, BULK_EMPTY, BULK_TOO_MANY = 15040, 15041, 15042
MAX = 1000


def entry(day: int = 4, **fields: Any) -> dict[str, Any]:
    """ENTRY on 2025-03-``day``, with ``fields`` (None drops a key)."""
    body = {
        **ENTRY,
        "from": f"2025-03-{day:02d}T09:00:00Z",
        "to": f"2025-03-{day:02d}T17:00:00Z",
        **fields,
    }
    return {k: v for k, v in body.items() if v is not None}


def batch(n: int) -> list[dict[str, Any]]:
    """``n`` valid entries of alice on Acme / Website, ``details`` their index."""
    return [entry(1 + i % 28, details=str(i)) for i in range(n)]


async def total(api: httpx.AsyncClient) -> int:
    response = await api.get("/project_time_entries", params={"limit": 0, "includeDeleted": "1"})
    assert response.status_code == 200, response.text
    return int(response.headers["X-Total-Count"])


async def bulk(api: httpx.AsyncClient, items: Any, **headers: str) -> list[dict[str, Any]]:
    response = await api.post(BULK, json=items, headers=headers)
    assert response.status_code == 201, response.text
    created: list[dict[str, Any]] = response.json()
    return created


def errors(response: httpx.Response) -> list[tuple[int, str]]:
    """(code, pointer) of every problem of a 400."""
    return [(e["code"], e["source"]["pointer"]) for e in assert_errors(response, 400)]


async def audit_of_entries(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await api.get(
        "/audit_log", params={"resource": "project_time_entries", "limit": 1000}
    )
    assert response.status_code == 200, response.text
    log: list[dict[str, Any]] = response.json()
    return log


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


class TestRefused:
    """Every refusal: the right code and pointer, and nothing written."""

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            (b"", BULK_NOT_ARRAY),
            (b"{}", BULK_NOT_ARRAY),
            (b'{"user": "alice"}', BULK_NOT_ARRAY),
            (b'"text"', BULK_NOT_ARRAY),
            (b"42", BULK_NOT_ARRAY),
            (b"null", BULK_NOT_ARRAY),
            (b"[]", BULK_EMPTY),
            (b"[{", MALFORMED_JSON),
            (b"{not json", MALFORMED_JSON),
            (b'[{"user": "alice",}]', MALFORMED_JSON),
        ],
    )
    async def test_not_a_batch(self, api: httpx.AsyncClient, raw: bytes, code: int) -> None:
        await basics(api)
        await create(api)
        response = await api.post(BULK, content=raw, headers={"Content-Type": "application/json"})
        assert_error(response, 400, code)
        assert await total(api) == 1

    async def test_a_key_repeated_in_one_item_writes_nothing(self, api: httpx.AsyncClient) -> None:
        """The bulk parser refuses what the single create refuses (tests/test_wire.py)."""
        await basics(api)
        items = [orjson.dumps(item) for item in batch(3)]
        items[2] = items[2][:-1] + b', "details": "again"}'
        response = await api.post(
            BULK, content=b"[" + b",".join(items) + b"]", headers={"Content-Type": JSON}
        )
        assert errors(response) == [(MALFORMED_JSON, "/2/details")]
        assert await total(api) == 0

    async def test_one_too_many(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        error = assert_error(await api.post(BULK, json=batch(MAX + 1)), 400, BULK_TOO_MANY)
        assert "1000" in error["detail"]
        assert await total(api) == 0

    async def test_an_invalid_item_in_the_middle_writes_nothing(
        self, api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        keep = await create(api)
        items = batch(7)
        items[3]["projectName"] = "Nothing"
        response = await api.post(BULK, json=items)
        assert_error(response, 400, PROJECT_UNKNOWN, pointer="/3/projectName")
        assert await total(api) == 1
        assert (await api.get("/project_time_entries")).json() == [keep]
        assert len(await audit_of_entries(api)) == 1

    async def test_an_item_that_is_not_an_object(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(BULK, json=[ENTRY, 42, ENTRY, ["x"]])
        assert errors(response) == [(BODY_NOT_OBJECT, "/1"), (BODY_NOT_OBJECT, "/3")]
        assert await total(api) == 0

    @pytest.mark.parametrize(
        ("fields", "code", "pointer"),
        [
            ({"clientName": None}, FIELD_REQUIRED, "/clientName"),
            ({"from": None}, FIELD_REQUIRED, "/from"),
            ({"from": "2025-03-04 09:00"}, FIELD_INVALID, "/from"),
            ({"from": 1741078800}, FIELD_INVALID, "/from"),
            ({"workedMinutes": "eight hours"}, FIELD_INVALID, "/workedMinutes"),
            ({"breakMinutes": -5}, FIELD_INVALID, "/breakMinutes"),
            ({"hourRate": -1}, FIELD_INVALID, "/hourRate"),
            ({"hourRate": 1.234}, FIELD_INVALID, "/hourRate"),
            ({"billable": "yes"}, FIELD_INVALID, "/billable"),
            ({"tags": ["#a"]}, FIELD_INVALID, "/tags"),
            ({"user": 42}, FIELD_INVALID, "/user"),
            ({"task": ""}, FIELD_INVALID, "/task"),
            ({"user": None}, FIELD_REQUIRED, "/user"),
            ({"user": "nobody"}, USER_UNKNOWN, "/user"),
            ({"user": None, "username": "nobody"}, USER_UNKNOWN, "/username"),
            ({"clientName": "Nobody Inc"}, CLIENT_UNKNOWN, "/clientName"),
            ({"projectName": "Nothing"}, PROJECT_UNKNOWN, "/projectName"),
            ({"task": "Nothing"}, TASK_UNKNOWN, "/task"),
            ({"to": "2025-03-04T08:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            ({"breakMinutes": 480}, ENTRY_BREAK_TOO_LONG, "/breakMinutes"),
            ({"workedMinutes": 470}, ENTRY_WORKED_INCONSISTENT, "/workedMinutes"),
        ],
    )
    async def test_as_a_single_create_refuses_it(
        self, api: httpx.AsyncClient, fields: dict[str, Any], code: int, pointer: str
    ) -> None:
        await basics(api)
        keep = await create(api)
        bad = entry(**fields)
        alone = await api.post("/project_time_entries", json=bad)
        single = assert_error(alone, 400, code, pointer=pointer)
        response = await api.post(BULK, json=[*batch(2), bad, *batch(2)])
        error = assert_error(response, 400, code, pointer=f"/2{pointer}")
        assert error["detail"] == single["detail"]
        assert "X-Ignored-Fields" not in response.headers
        assert (await api.get("/project_time_entries")).json() == [keep]

    async def test_every_invalid_item_is_reported(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        items = [*batch(5), entry(user="nobody"), entry(user="nobody"), entry(task="Nothing")]
        items[1] = entry(to="2025-03-04T09:00:00Z")
        response = await api.post(BULK, json=items)
        assert errors(response) == [
            (ENTRY_END_BEFORE_START, "/1/to"),
            (USER_UNKNOWN, "/5/user"),
            (USER_UNKNOWN, "/6/user"),
            (TASK_UNKNOWN, "/7/task"),
        ]
        assert await total(api) == 0

    async def test_all_field_problems_of_an_item(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        items = [ENTRY, {"user": "alice", "from": "yesterday", "latitude": 200}, {}]
        found = set(errors(await api.post(BULK, json=items)))
        assert found == {
            (FIELD_REQUIRED, "/1/clientName"),
            (FIELD_REQUIRED, "/1/projectName"),
            (FIELD_INVALID, "/1/from"),
            (FIELD_INVALID, "/1/latitude"),
            (FIELD_REQUIRED, "/2/clientName"),
            (FIELD_REQUIRED, "/2/projectName"),
            (FIELD_REQUIRED, "/2/from"),
        }

    async def test_field_problems_come_before_names(self, api: httpx.AsyncClient) -> None:
        """Names are only looked up once every item's fields are valid (as an item alone)."""
        await basics(api)
        items = [entry(user="nobody"), entry(hourRate="fifty")]
        assert errors(await api.post(BULK, json=items)) == [(FIELD_INVALID, "/1/hourRate")]

    async def test_the_same_unknown_name_in_every_item(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        items = [entry(1 + i % 28, projectName="Gone") for i in range(MAX)]
        found = errors(await api.post(BULK, json=items))
        assert found == [(PROJECT_UNKNOWN, f"/{i}/projectName") for i in range(MAX)]

    async def test_deleted_references_are_unknown(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        old_client = await add_client(api, "Old Client")
        old_project = await add_project(api, "Old Project", "Acme")
        other_project = await add_project(api, "Site", "Old Client")
        old_user = await add_user(api, "olduser")
        old_task = await add_task(api, "Old Task")
        for path, record in (
            ("users", old_user),
            ("tasks", old_task),
            ("projects", old_project),
            ("projects", other_project),
            ("clients", old_client),
        ):
            assert (await api.delete(f"/{path}/{record['id']}")).status_code == 200
        items = [
            ENTRY,
            entry(user="olduser"),
            entry(user=None, username="OLDUSER"),
            entry(task="old task"),
            entry(projectName="Old Project"),
            entry(clientName="Old Client", projectName="Site"),
        ]
        assert errors(await api.post(BULK, json=items)) == [
            (USER_UNKNOWN, "/1/user"),
            (USER_UNKNOWN, "/2/username"),
            (TASK_UNKNOWN, "/3/task"),
            (PROJECT_UNKNOWN, "/4/projectName"),
            (CLIENT_UNKNOWN, "/5/clientName"),
        ]
        assert await total(api) == 0


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
