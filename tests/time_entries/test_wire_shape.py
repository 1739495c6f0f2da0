"""A time entry on the wire, to the letter; another account's names and ids."""

from __future__ import annotations

import re

import httpx
from conftest import (
    assert_error,
)

from .common import (
    CLIENT_UNKNOWN,
    ENTRY,
    NEVER,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    USER_UNKNOWN,
    add_client,
    add_project,
    add_task,
    add_user,
    basics,
    body_of,
    create,
    fetch,
    listed,
)


class TestRawJson:
    """The bytes a vendor client parses: shapes asserted on ``response.text`` itself."""

    async def test_list_is_a_bare_array(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        empty = await api.get("/project_time_entries")
        assert empty.text == "[]"
        await create(api, hourRate=80)
        for response in (
            await api.get("/project_time_entries"),
            await api.get("/project_time_entries/"),
            await api.post("/project_time_entries", json={}),
            await api.post("/project_time_entries", content=b""),
        ):
            assert response.status_code == 200, response.text
            text = response.text
            assert text.startswith("[{") and text.endswith("}]"), text
            assert '"errors"' not in text

    async def test_values_written_to_the_letter(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post("/project_time_entries", json=body_of(hourRate="80"))
        created_text = response.text
        entry_id = response.json()["id"]
        for text in (
            created_text,
            (await api.get(f"/project_time_entries/{entry_id}")).text,
            (await api.get("/project_time_entries")).text,
        ):
            assert '"from":"2025-03-04T09:00:00.000Z"' in text
            assert '"to":"2025-03-04T17:00:00.000Z"' in text
            assert '"fromUtc":"2025-03-04T09:00:00.000Z"' in text
            assert '"billable":true' in text
            assert '"flatRate":false' in text
            assert '"tags":null' in text
            assert '"details":null' in text
            assert '"task":null' in text
            assert '"latitude":null' in text
            assert '"workedMinutes":480' in text
            assert '"breakMinutes":0' in text
            assert '"hourRate":80.0' in text
            assert '"user":"alice"' in text
            assert '"clientName":"Acme"' in text
            assert '"projectName":"Website"' in text
            assert f'"id":{entry_id},' in text
            assert '"timeZone":"UTC"' in text
            assert '"deleted"' not in text
            assert re.search(r'"updatedAt":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"', text)

    async def test_numbers_are_numbers(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_task(api, "Design")
        text = (
            await api.post(
                "/project_time_entries",
                json=body_of(
                    task="design",
                    hourRate="95.5",
                    breakMinutes="30",
                    billable="false",
                    flatRate=1,
                    tags="#meeting #remote",
                ),
            )
        ).text
        assert '"hourRate":95.5' in text
        assert '"workedMinutes":450' in text
        assert '"breakMinutes":30' in text
        assert '"billable":false' in text
        assert '"flatRate":true' in text
        assert '"tags":"#meeting #remote"' in text
        assert '"task":"Design"' in text
        assert re.search(r'"taskId":\d+,', text)
        assert re.search(r'"userId":\d+,', text)

    async def test_zero_rate_is_a_number(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        text = (await api.post("/project_time_entries", json=ENTRY)).text
        assert '"hourRate":0.0' in text

    async def test_error_text(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        text = (await api.get(f"/project_time_entries/{NEVER}")).text
        assert text.startswith('{"errors":[{')
        assert '"status":404' in text and '"code":15010' in text


class TestTenantIsolation:
    async def test_names_answer_like_unknown_ones(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        await add_task(api, "Design")
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex")
        keep = await create(api, task="Design")
        # The other account has its own client and user, but none of the first account's names.
        await add_client(other_api, "Initech")
        await add_project(other_api, "Portal", "Initech")
        await add_user(other_api, "bob")
        mine = {"user": "bob", "clientName": "Initech", "projectName": "Portal"}
        for fields, code, pointer in (
            ({"user": "alice"}, USER_UNKNOWN, "/user"),
            ({"user": None, "username": "alice"}, USER_UNKNOWN, "/username"),
            ({"clientName": "Acme", "projectName": "Website"}, CLIENT_UNKNOWN, "/clientName"),
            ({"projectName": "Website"}, PROJECT_UNKNOWN, "/projectName"),
            ({"task": "Design"}, TASK_UNKNOWN, "/task"),
        ):
            body = {**ENTRY, **mine, **fields}
            if body["user"] is None:
                body.pop("user")
            response = await other_api.post("/project_time_entries", json=body)
            assert_error(response, 400, code, pointer=pointer)
        assert await listed(other_api) == []
        assert await listed(api) == [keep]

    async def test_filters_by_the_other_accounts_names_find_nothing(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        await add_task(api, "Design")
        await create(api, task="Design")
        for params in (
            {},
            {"user": "alice"},
            {"username": "alice"},
            {"clientName": "Acme"},
            {"projectName": "Website"},
            {"task": "Design"},
            {"from": "2025-03-04", "to": "2025-03-04"},
            {"includeDeleted": "true"},
        ):
            response = await other_api.get("/project_time_entries", params=params)
            assert response.status_code == 200
            assert response.text == "[]"
            assert response.headers["X-Total-Count"] == "0"

    async def test_same_names_and_ids_stay_apart(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        await basics(api, hourRate=80)
        await basics(other_api, hourRate=20)
        mine = await create(api, details="mine")
        theirs = await create(other_api, details="theirs")
        assert mine["id"] == theirs["id"]
        assert (mine["hourRate"], theirs["hourRate"]) == (80.0, 20.0)
        response = await other_api.put(
            f"/project_time_entries/{theirs['id']}", json={"details": "edited"}
        )
        assert response.status_code == 200
        assert (await other_api.delete(f"/project_time_entries/{theirs['id']}")).is_success
        assert await fetch(api, mine["id"]) == mine
        assert await listed(api, user="alice", clientName="acme") == [mine]
        assert await listed(other_api) == []
