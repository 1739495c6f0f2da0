"""Bulk creates that are refused write nothing: every problem of every item is named by its
pointer.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from conftest import FIELD_INVALID, FIELD_REQUIRED, MALFORMED_JSON, assert_error

from .bulk import (
    BODY_NOT_OBJECT,
    BULK,
    BULK_EMPTY,
    BULK_NOT_ARRAY,
    BULK_TOO_MANY,
    JSON,
    MAX,
    audit_of_entries,
    batch,
    entry,
    errors,
    total,
)
from .common import (
    CLIENT_UNKNOWN,
    ENTRY,
    ENTRY_BREAK_TOO_LONG,
    ENTRY_END_BEFORE_START,
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
)


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
