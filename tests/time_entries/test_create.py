"""Creating a project time entry: references by name, times, worked and break minutes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import (
    assert_error,
)

from .common import (
    CLIENT_UNKNOWN,
    ENTRY,
    ENTRY_KEYS,
    ENTRY_WORKED_INCONSISTENT,
    PROJECT_UNKNOWN,
    TASK_UNKNOWN,
    UPDATED_AT,
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
    without,
)


class TestCreate:
    async def test_minimal(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post("/project_time_entries", json=ENTRY)
        assert response.status_code == 201, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == ENTRY_KEYS
        assert isinstance(body["id"], int) and body["id"] >= 1
        assert response.headers["Location"] == f"/api/v2/ext/project_time_entries/{body['id']}"
        assert "X-Ignored-Fields" not in response.headers
        assert without(body, "id", "userId", "clientId", "projectId", "updatedAt") == {
            "user": "alice",
            "clientName": "Acme",
            "projectName": "Website",
            "task": None,
            "taskId": None,
            "hourRate": 0.0,
            "latitude": None,
            "longitude": None,
            "latitude1": None,
            "longitude1": None,
            "billable": True,
            "flatRate": False,
            "details": None,
            "tags": None,
            "from": "2025-03-04T09:00:00.000Z",
            "to": "2025-03-04T17:00:00.000Z",
            "workedMinutes": 480,
            "breakMinutes": 0,
            "timeZone": "UTC",
            "fromUtc": "2025-03-04T09:00:00.000Z",
            "toUtc": "2025-03-04T17:00:00.000Z",
        }
        assert UPDATED_AT.match(body["updatedAt"])
        assert await fetch(api, body["id"]) == body
        again = await api.get(response.headers["Location"].removeprefix("/api/v2/ext"))
        assert again.json() == body

    async def test_all_fields_round_trip(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_task(api, "Design")
        body = await create(
            api,
            task="Design",
            hourRate="95.50",
            latitude="48.137154",
            longitude=11.576124,
            latitude1=-33.8688,
            longitude1="151.2093",
            billable="0",
            flatRate="true",
            details="Sprint review ✓\nsecond line",
            tags="#meeting #remote",
            breakMinutes="30",
            workedMinutes=450,
        )
        assert body["task"] == "Design"
        assert isinstance(body["taskId"], int)
        assert body["hourRate"] == 95.5
        assert (body["latitude"], body["longitude"]) == ("48.137154", "11.576124")
        assert (body["latitude1"], body["longitude1"]) == ("-33.8688", "151.2093")
        assert body["billable"] is False
        assert body["flatRate"] is True
        assert body["details"] == "Sprint review ✓\nsecond line"
        assert body["tags"] == "#meeting #remote"
        assert (body["workedMinutes"], body["breakMinutes"]) == (450, 30)
        assert await fetch(api, body["id"]) == body
        assert await listed(api) == [body]

    async def test_username_instead_of_user(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, drop=["user"], username="alice")
        assert body["user"] == "alice"

    async def test_user_wins_over_username(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_user(api, "bob")
        assert (await create(api, user="bob", username="alice"))["user"] == "bob"

    async def test_references_are_case_insensitive(self, api: httpx.AsyncClient) -> None:
        await add_client(api, "Acme GmbH")
        await add_project(api, "Web Site", "Acme GmbH")
        await add_user(api, "Alice.Smith")
        await add_task(api, "Design Review")
        body = await create(
            api,
            user="alice.smith",
            clientName="ACME gmbh",
            projectName="web SITE",
            task="DESIGN REVIEW",
        )
        # The stored spellings come back, not the ones sent.
        assert body["user"] == "Alice.Smith"
        assert body["clientName"] == "Acme GmbH"
        assert body["projectName"] == "Web Site"
        assert body["task"] == "Design Review"

    async def test_references_non_ascii_and_trimmed(self, api: httpx.AsyncClient) -> None:
        await add_client(api, "Straße AG")
        await add_project(api, "Überprüfung", "Straße AG")
        await add_user(api, "jürgen")
        body = await create(
            api, user=" JÜRGEN ", clientName="STRASSE ag", projectName="ÜBERPRÜFUNG"
        )
        assert (body["user"], body["clientName"], body["projectName"]) == (
            "jürgen",
            "Straße AG",
            "Überprüfung",
        )

    async def test_names_are_whole_not_substrings(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_task(api, "Design")
        before = await listed(api)
        for field, value, code in (
            ("user", "ali", USER_UNKNOWN),
            ("clientName", "Acm", CLIENT_UNKNOWN),
            ("projectName", "Web", PROJECT_UNKNOWN),
            ("task", "Des", TASK_UNKNOWN),
            ("task", "Design%", TASK_UNKNOWN),
        ):
            response = await api.post("/project_time_entries", json=body_of(**{field: value}))
            assert_error(response, 400, code, pointer=f"/{field}")
        assert await listed(api) == before

    async def test_to_missing_is_from_plus_worked_plus_break(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, drop=["to"], workedMinutes=450, breakMinutes=30)
        assert body["from"] == "2025-03-04T09:00:00.000Z"
        assert body["to"] == "2025-03-04T17:00:00.000Z"
        assert (body["workedMinutes"], body["breakMinutes"]) == (450, 30)
        plain = await create(api, drop=["to"], workedMinutes="90")
        assert plain["to"] == "2025-03-04T10:30:00.000Z"
        assert plain["breakMinutes"] == 0

    async def test_to_missing_crosses_midnight(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, drop=["to"], workedMinutes=180, **{"from": "2025-03-04T22:30:00Z"})
        assert body["to"] == "2025-03-05T01:30:00.000Z"

    async def test_worked_missing_is_span_less_break(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, breakMinutes=45)
        assert (body["workedMinutes"], body["breakMinutes"]) == (435, 45)
        assert (await create(api))["workedMinutes"] == 480

    async def test_both_given_and_consistent(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, workedMinutes=450, breakMinutes=30)
        assert (body["workedMinutes"], body["breakMinutes"]) == (450, 30)

    @pytest.mark.parametrize(
        ("to", "worked", "ok"),
        [
            ("2025-03-04T17:00:59Z", 480, True),  # 59 seconds off: the same minute
            ("2025-03-04T16:59:01Z", 480, True),
            ("2025-03-04T17:01:00Z", 480, False),  # a whole minute off
            ("2025-03-04T16:59:00Z", 480, False),
            ("2025-03-04T17:00:00Z", 479, False),
            ("2025-03-04T17:00:00Z", 481, False),
            ("2025-03-04T17:00:00Z", 0, False),
        ],
    )
    async def test_inconsistency_threshold_is_one_minute(
        self, api: httpx.AsyncClient, to: str, worked: int, ok: bool
    ) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries", json=body_of(to=to, workedMinutes=worked)
        )
        if ok:
            assert response.status_code == 201, response.text
            assert response.json()["workedMinutes"] == worked
        else:
            assert_error(response, 400, ENTRY_WORKED_INCONSISTENT, pointer="/workedMinutes")
            assert await listed(api) == []

    async def test_inconsistent_counts_the_break(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries", json=body_of(workedMinutes=480, breakMinutes=30)
        )
        assert_error(response, 400, ENTRY_WORKED_INCONSISTENT, pointer="/workedMinutes")
        assert await listed(api) == []

    async def test_seconds_are_kept_and_fractions_dropped(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(
            api, **{"from": "2025-03-04T09:00:15.250Z", "to": "2025-03-04T10:00:15.999999Z"}
        )
        assert body["from"] == "2025-03-04T09:00:15.000Z"
        assert body["to"] == "2025-03-04T10:00:15.000Z"
        assert body["workedMinutes"] == 60

    async def test_short_break_just_fits(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, breakMinutes=479)
        assert (body["workedMinutes"], body["breakMinutes"]) == (1, 479)

    async def test_zero_worked_minutes_with_to(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, to="2025-03-04T09:00:29Z")
        assert body["workedMinutes"] == 0
        # Half a minute rounds up (not to even): 30 s books 1 minute.
        body = await create(api, **{"from": "2025-03-05T09:00:00Z", "to": "2025-03-05T09:00:30Z"})
        assert body["workedMinutes"] == 1

    @pytest.mark.parametrize(
        ("field", "sent", "stored"),
        [
            ("billable", False, False),
            ("billable", "false", False),
            ("billable", 0, False),
            ("billable", "1", True),
            ("flatRate", True, True),
            ("flatRate", "true", True),
            ("flatRate", 1, True),
            ("flatRate", "0", False),
        ],
    )
    async def test_boolean_spellings(
        self, api: httpx.AsyncClient, field: str, sent: Any, stored: bool
    ) -> None:
        await basics(api)
        assert (await create(api, **{field: sent}))[field] is stored

    @pytest.mark.parametrize("value", ["#meeting #remote", "", "#ü ✓", None])
    async def test_tags(self, api: httpx.AsyncClient, value: str | None) -> None:
        await basics(api)
        body = await create(api, tags=value)
        assert body["tags"] == value
        assert (await fetch(api, body["id"]))["tags"] == value

    async def test_unknown_keys_ignored_and_named(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries",
            json=body_of(id=77, fromUtc="1999-01-01T00:00:00Z", langauge="de"),
        )
        assert response.status_code == 201, response.text
        assert response.headers["X-Ignored-Fields"] == "id, fromUtc, langauge"
        body = response.json()
        assert body["id"] != 77
        assert body["fromUtc"] == "2025-03-04T09:00:00.000Z"

    async def test_trailing_slash(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post("/project_time_entries/", json=ENTRY)
        assert response.status_code == 201, response.text
        assert [e["id"] for e in await listed(api)] == [response.json()["id"]]

    async def test_ids_count_up_per_account(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        first, second = await create(api), await create(api)
        assert second["id"] == first["id"] + 1

    async def test_deleted_user_client_project_task_are_unknown(
        self, api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        old_client = await add_client(api, "Old Client")
        old_project = await add_project(api, "Old Project", "Acme")
        other_project = await add_project(api, "Site", "Old Client")
        old_user = await add_user(api, "olduser")
        old_task = await add_task(api, "Old Task")
        keep = await create(api)
        assert (await api.delete(f"/users/{old_user['id']}")).status_code == 200
        assert (await api.delete(f"/tasks/{old_task['id']}")).status_code == 200
        assert (await api.delete(f"/projects/{old_project['id']}")).status_code == 200
        assert (await api.delete(f"/projects/{other_project['id']}")).status_code == 200
        assert (await api.delete(f"/clients/{old_client['id']}")).status_code == 200
        for fields, code, pointer in (
            ({"user": "olduser"}, USER_UNKNOWN, "/user"),
            ({"user": None, "username": "OLDUSER"}, USER_UNKNOWN, "/username"),
            ({"task": "old task"}, TASK_UNKNOWN, "/task"),
            ({"projectName": "Old Project"}, PROJECT_UNKNOWN, "/projectName"),
            ({"clientName": "Old Client", "projectName": "Site"}, CLIENT_UNKNOWN, "/clientName"),
        ):
            body = body_of(**fields)
            if body.get("user") is None:
                body.pop("user")
            response = await api.post("/project_time_entries", json=body)
            assert_error(response, 400, code, pointer=pointer)
        assert await listed(api) == [keep]

    async def test_a_new_name_after_a_deleted_one(self, api: httpx.AsyncClient) -> None:
        """A name freed by a delete and reused resolves to the live record only."""
        await basics(api)
        old = await add_task(api, "Review", hourRate=10)
        assert (await api.delete(f"/tasks/{old['id']}")).status_code == 200
        new = await add_task(api, "review", hourRate=20)
        body = await create(api, task="REVIEW")
        assert (body["taskId"], body["task"], body["hourRate"]) == (new["id"], "review", 20.0)

    async def test_project_of_another_client(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex")
        keep = await create(api)
        response = await api.post("/project_time_entries", json=body_of(projectName="Intranet"))
        assert_error(response, 400, PROJECT_UNKNOWN, pointer="/projectName")
        assert await listed(api) == [keep]
        moved = await create(api, clientName="globex", projectName="INTRANET")
        assert (moved["clientName"], moved["projectName"]) == ("Globex", "Intranet")

    async def test_same_project_name_under_two_clients(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_client(api, "Globex")
        theirs = await add_project(api, "Website", "Globex", hourRate=55)
        body = await create(api, clientName="GLOBEX")
        assert (body["projectId"], body["clientName"], body["hourRate"]) == (
            theirs["id"],
            "Globex",
            55.0,
        )

    async def test_disabled_user_can_still_be_named(self, api: httpx.AsyncClient) -> None:
        """A disabled user is not a deleted one (SPEC only refuses unknown or deleted)."""
        await basics(api)
        await add_user(api, "carol", enabled=False)
        assert (await create(api, user="carol"))["user"] == "carol"
