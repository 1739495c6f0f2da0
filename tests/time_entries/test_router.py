"""HTTP-level tests of ``/project_time_entries`` (SPEC §1 wire conventions, §2 "Project time
entries"). Time zones, DST and the time filters are in ``test_time_semantics.py``.

Every test runs on SQLite and PostgreSQL (tests/conftest.py), each in fresh accounts. Users here
live in the account's default zone (UTC) unless a test says otherwise, so wall-clock and UTC
agree and the tests can focus on the rules themselves.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from conftest import (
    BODY_NOT_OBJECT,
    FIELD_INVALID,
    FIELD_READ_ONLY,
    FIELD_REQUIRED,
    MALFORMED_JSON,
    PARAMETER_INVALID,
    assert_error,
)
from records import created

from timetrack import crud

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NEVER = 987_654_321  # an id no test account ever reaches
PASSWORD = "s3cret-pass"
ENTRY_KEYS = {
    "id",
    "user",
    "userId",
    "clientName",
    "clientId",
    "projectName",
    "projectId",
    "task",
    "taskId",
    "hourRate",
    "latitude",
    "longitude",
    "latitude1",
    "longitude1",
    "billable",
    "flatRate",
    "details",
    "tags",
    "from",
    "to",
    "workedMinutes",
    "breakMinutes",
    "timeZone",
    "fromUtc",
    "toUtc",
    "updatedAt",
}
# The smallest valid create: alice books 09:00-17:00 on Acme / Website.
ENTRY: dict[str, Any] = {
    "user": "alice",
    "clientName": "Acme",
    "projectName": "Website",
    "from": "2025-03-04T09:00:00Z",
    "to": "2025-03-04T17:00:00Z",
}

# Codes (src/timetrack/errors.py).
CLIENT_UNKNOWN = 11040
PROJECT_UNKNOWN = 12040
TASK_UNKNOWN = 13040
USER_UNKNOWN = 14040
ENTRY_NOT_FOUND = 15010
ENTRY_DELETED = 15020
ENTRY_END_BEFORE_START = 15030
ENTRY_BREAK_TOO_LONG = 15031
ENTRY_WORKED_INCONSISTENT = 15032


# --- helpers ----------------------------------------------------------------------------------


async def add_client(api: httpx.AsyncClient, name: str = "Acme") -> dict[str, Any]:
    return await created(api, "/clients", {"name": name})


async def add_project(
    api: httpx.AsyncClient, name: str = "Website", client: str = "Acme", **fields: Any
) -> dict[str, Any]:
    return await created(api, "/projects", {"projectName": name, "clientName": client, **fields})


async def add_task(api: httpx.AsyncClient, name: str = "Design", **fields: Any) -> dict[str, Any]:
    return await created(api, "/tasks", {"name": name, **fields})


async def add_user(
    api: httpx.AsyncClient, username: str = "alice", **fields: Any
) -> dict[str, Any]:
    body = {
        "username": username,
        "firstName": username.title(),
        "lastName": "Example",
        "email": f"{username}@example.com",
        "password": PASSWORD,
        **fields,
    }
    return await created(api, "/users", body)


async def basics(api: httpx.AsyncClient, **project: Any) -> None:
    """Client Acme, its project Website, and the user alice."""
    await add_client(api)
    await add_project(api, **project)
    await add_user(api)


def body_of(drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    body = {**ENTRY, **fields}
    for key in drop:
        body.pop(key, None)
    return body


async def create(api: httpx.AsyncClient, drop: Iterable[str] = (), **fields: Any) -> dict[str, Any]:
    return await created(api, "/project_time_entries", body_of(drop, **fields))


async def fetch(api: httpx.AsyncClient, entry_id: int) -> dict[str, Any]:
    response = await api.get(f"/project_time_entries/{entry_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def listed(api: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await api.get("/project_time_entries", params=params)
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    assert response.headers["X-Total-Count"] == str(len(result)) or "limit" in params
    return result


async def listed_ids(api: httpx.AsyncClient, **params: Any) -> list[int]:
    return [e["id"] for e in await listed(api, **params)]


def without(entry: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in keys}


# --- create -----------------------------------------------------------------------------------


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


class TestCreateEdges:
    async def test_task_null_and_rate_null_mean_none(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        body = await create(api, task=None, hourRate=None, username=None)
        assert (body["task"], body["taskId"], body["hourRate"]) == (None, None, 80.0)

    async def test_largest_durations(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        body = await create(api, drop=["to"], workedMinutes=1_000_000, breakMinutes="1000000")
        assert (body["workedMinutes"], body["breakMinutes"]) == (1_000_000, 1_000_000)
        assert body["to"].endswith(".000Z")
        assert await fetch(api, body["id"]) == body
        # The largest durations are accepted as numbers, but `to` may not pass the year 2199.
        response = await api.post(
            "/project_time_entries",
            json=body_of(drop=["to"], workedMinutes=100_000_000, breakMinutes="100000000"),
        )
        assert_error(response, 400, FIELD_INVALID, pointer="/workedMinutes")
        response = await api.post(
            "/project_time_entries", json=body_of(drop=["to"], workedMinutes=100_000_001)
        )
        assert_error(response, 400, FIELD_INVALID, pointer="/workedMinutes")

    async def test_concurrent_creates_get_distinct_ids(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        responses = await asyncio.gather(
            *(api.post("/project_time_entries", json=ENTRY) for _ in range(8))
        )
        assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
        ids = sorted(r.json()["id"] for r in responses)
        assert len(set(ids)) == 8
        assert await listed_ids(api) == ids

    async def test_echo_after_its_references_were_deleted(self, api: httpx.AsyncClient) -> None:
        """The entry still names them; sending those names back unchanged is no new reference."""
        await basics(api, hourRate=80)
        task = await add_task(api, "Design")
        user = await add_user(api, "bob")
        entry = await create(api, user="bob", task="Design")
        for path in (
            f"/tasks/{task['id']}",
            f"/users/{user['id']}",
            f"/projects/{entry['projectId']}",
        ):
            assert (await api.delete(path)).status_code == 200
        url = f"/project_time_entries/{entry['id']}"
        response = await api.put(url, json=entry | {"details": "late note"})
        assert response.status_code == 200, response.text
        assert without(response.json(), "details", "updatedAt") == without(
            entry, "details", "updatedAt"
        )
        # The same name in another spelling is still the same reference.
        assert (await api.put(url, json={"user": "BOB ", "task": "design"})).status_code == 200
        # Naming another deleted record is refused.
        carol = await add_user(api, "carol")
        assert (await api.delete(f"/users/{carol['id']}")).status_code == 200
        assert_error(await api.put(url, json={"user": "carol"}), 400, USER_UNKNOWN, pointer="/user")


class TestCreateBadInput:
    """Every refusal: the right code and pointer, and nothing written."""

    @pytest.mark.parametrize(
        ("drop", "fields", "code", "pointer"),
        [
            (["clientName"], {}, FIELD_REQUIRED, "/clientName"),
            (["projectName"], {}, FIELD_REQUIRED, "/projectName"),
            (["from"], {}, FIELD_REQUIRED, "/from"),
            (["user"], {}, FIELD_REQUIRED, "/user"),
            (["to"], {}, FIELD_REQUIRED, "/to"),
            (["to"], {"breakMinutes": 30}, FIELD_REQUIRED, "/to"),
            ([], {"user": "nobody"}, USER_UNKNOWN, "/user"),
            (["user"], {"username": "nobody"}, USER_UNKNOWN, "/username"),
            ([], {"clientName": "Nobody Inc"}, CLIENT_UNKNOWN, "/clientName"),
            ([], {"projectName": "Nothing"}, PROJECT_UNKNOWN, "/projectName"),
            ([], {"task": "Nothing"}, TASK_UNKNOWN, "/task"),
            ([], {"to": "2025-03-04T09:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            ([], {"to": "2025-03-04T08:59:59Z"}, ENTRY_END_BEFORE_START, "/to"),
            ([], {"to": "2025-03-03T17:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            (["to"], {"workedMinutes": 0}, ENTRY_END_BEFORE_START, "/to"),
            ([], {"breakMinutes": 480}, ENTRY_BREAK_TOO_LONG, "/breakMinutes"),
            ([], {"breakMinutes": 600}, ENTRY_BREAK_TOO_LONG, "/breakMinutes"),
            (
                ["to"],
                {"workedMinutes": 0, "breakMinutes": 30},
                ENTRY_BREAK_TOO_LONG,
                "/breakMinutes",
            ),
            ([], {"workedMinutes": 470}, ENTRY_WORKED_INCONSISTENT, "/workedMinutes"),
            ([], {"workedMinutes": 500}, ENTRY_WORKED_INCONSISTENT, "/workedMinutes"),
            # Timestamps that are not real, not in the format, or out of range.
            ([], {"from": "2024-02-30T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-02-29T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-04-31T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-13-01T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T24:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T09:60:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2025-03-04T09:00:60Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01 10:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01 10:00:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "01.03.2024"}, FIELD_INVALID, "/from"),
            ([], {"from": "01.03.2024 10:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-3-1T10:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00+0200"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00+19:00"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00+02:60"}, FIELD_INVALID, "/from"),
            ([], {"from": "2024-03-01T10:00:00 CET"}, FIELD_INVALID, "/from"),
            ([], {"from": "Fri, 01 Mar 2024 10:00:00 GMT"}, FIELD_INVALID, "/from"),
            ([], {"from": 1709287200}, FIELD_INVALID, "/from"),
            ([], {"from": 1709287200000}, FIELD_INVALID, "/from"),
            ([], {"from": "1709287200"}, FIELD_INVALID, "/from"),
            ([], {"from": 1709287200.5}, FIELD_INVALID, "/from"),
            ([], {"from": ""}, FIELD_INVALID, "/from"),
            ([], {"from": None}, FIELD_INVALID, "/from"),
            ([], {"from": True}, FIELD_INVALID, "/from"),
            ([], {"from": ["2025-03-04T09:00:00Z"]}, FIELD_INVALID, "/from"),
            ([], {"from": "1969-12-31T23:59:59Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "0001-01-01T00:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/from"),
            ([], {"from": "9999-12-31T23:59:59Z"}, FIELD_INVALID, "/from"),
            ([], {"to": "2024-02-30T10:00:00Z"}, FIELD_INVALID, "/to"),
            ([], {"to": "2025-03-04 17:00"}, FIELD_INVALID, "/to"),
            ([], {"to": "04.03.2025"}, FIELD_INVALID, "/to"),
            ([], {"to": 1741107600}, FIELD_INVALID, "/to"),
            ([], {"to": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/to"),
            ([], {"to": "\x00"}, FIELD_INVALID, "/to"),
            # Durations.
            ([], {"workedMinutes": -1}, FIELD_INVALID, "/workedMinutes"),
            ([], {"workedMinutes": 1.5}, FIELD_INVALID, "/workedMinutes"),
            ([], {"workedMinutes": "eight hours"}, FIELD_INVALID, "/workedMinutes"),
            ([], {"workedMinutes": True}, FIELD_INVALID, "/workedMinutes"),
            ([], {"breakMinutes": -5}, FIELD_INVALID, "/breakMinutes"),
            ([], {"breakMinutes": "0.5"}, FIELD_INVALID, "/breakMinutes"),
            # Money, flags, GPS, texts.
            ([], {"hourRate": -1}, FIELD_INVALID, "/hourRate"),
            ([], {"hourRate": "fifty"}, FIELD_INVALID, "/hourRate"),
            ([], {"hourRate": 1.234}, FIELD_INVALID, "/hourRate"),
            ([], {"hourRate": "NaN"}, FIELD_INVALID, "/hourRate"),
            ([], {"billable": "yes"}, FIELD_INVALID, "/billable"),
            ([], {"billable": 2}, FIELD_INVALID, "/billable"),
            ([], {"billable": None}, FIELD_INVALID, "/billable"),
            ([], {"flatRate": "no"}, FIELD_INVALID, "/flatRate"),
            ([], {"tags": ["#meeting", "#remote"]}, FIELD_INVALID, "/tags"),
            ([], {"tags": 5}, FIELD_INVALID, "/tags"),
            ([], {"tags": {"a": 1}}, FIELD_INVALID, "/tags"),
            ([], {"tags": "#" * 1001}, FIELD_INVALID, "/tags"),
            ([], {"tags": "#a\x00"}, FIELD_INVALID, "/tags"),
            ([], {"details": 5}, FIELD_INVALID, "/details"),
            ([], {"details": "x" * 10_001}, FIELD_INVALID, "/details"),
            ([], {"user": ""}, FIELD_INVALID, "/user"),
            ([], {"user": "   "}, FIELD_INVALID, "/user"),
            ([], {"user": 42}, FIELD_INVALID, "/user"),
            ([], {"clientName": None}, FIELD_INVALID, "/clientName"),
            ([], {"projectName": ""}, FIELD_INVALID, "/projectName"),
            ([], {"task": ""}, FIELD_INVALID, "/task"),
            ([], {"task": "x" * 256}, FIELD_INVALID, "/task"),
        ],
    )
    async def test_refused(
        self,
        api: httpx.AsyncClient,
        drop: list[str],
        fields: dict[str, Any],
        code: int,
        pointer: str,
    ) -> None:
        await basics(api)
        keep = await create(api)
        response = await api.post("/project_time_entries", json=body_of(drop, **fields))
        assert_error(response, 400, code, pointer=pointer)
        assert "X-Ignored-Fields" not in response.headers
        listed_now = await api.get("/project_time_entries", params={"includeDeleted": "true"})
        assert listed_now.json() == [keep]
        assert listed_now.headers["X-Total-Count"] == "1"

    async def test_several_problems_are_listed(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries",
            json={"user": "alice", "from": "yesterday", "latitude": 200, "tags": 1},
        )
        assert response.status_code == 400, response.text
        found = {(e["code"], e["source"]["pointer"]) for e in response.json()["errors"]}
        assert found == {
            (FIELD_REQUIRED, "/clientName"),
            (FIELD_REQUIRED, "/projectName"),
            (FIELD_INVALID, "/from"),
            (FIELD_INVALID, "/latitude"),
            (FIELD_INVALID, "/tags"),
        }
        assert await listed(api) == []

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            (b"{not json", MALFORMED_JSON),
            (b'{"user": "alice",}', MALFORMED_JSON),
            (b"[]", BODY_NOT_OBJECT),
            (b'[{"user": "alice"}]', BODY_NOT_OBJECT),
            (b'"text"', BODY_NOT_OBJECT),
            (b"42", BODY_NOT_OBJECT),
        ],
    )
    async def test_not_an_object(self, api: httpx.AsyncClient, raw: bytes, code: int) -> None:
        await basics(api)
        response = await api.post(
            "/project_time_entries", content=raw, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 400, code)
        assert await listed(api) == []


# --- the raw JSON text ------------------------------------------------------------------------


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


# --- rates ------------------------------------------------------------------------------------


class TestHourRate:
    @pytest.mark.parametrize(
        ("explicit", "task", "project", "user", "expected"),
        [
            (99, 50, 80, 30, 99.0),
            ("0", 50, 80, 30, 0.0),  # an explicit zero is a rate, not "missing"
            (None, 50, 80, 30, 50.0),
            (None, None, 80, 30, 80.0),
            (None, None, None, 30, 30.0),
            (None, None, None, None, 0.0),
            (None, 0, 80, 30, 0.0),
            (None, None, 0, 30, 0.0),
        ],
    )
    async def test_resolution_order(
        self,
        api: httpx.AsyncClient,
        explicit: Any,
        task: float | None,
        project: float | None,
        user: float | None,
        expected: float,
    ) -> None:
        await add_client(api)
        await add_project(api, hourRate=project)
        await add_user(api, hourRate=user)
        await add_task(api, "Design", hourRate=task)
        fields: dict[str, Any] = {"task": "Design"}
        if explicit is not None:
            fields["hourRate"] = explicit
        body = await create(api, **fields)
        assert body["hourRate"] == expected
        assert (await fetch(api, body["id"]))["hourRate"] == expected

    async def test_without_task_the_project_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        await add_task(api, "Design", hourRate=50)
        assert (await create(api))["hourRate"] == 80.0

    async def test_frozen_against_later_changes(self, api: httpx.AsyncClient) -> None:
        await add_client(api)
        project = await add_project(api, hourRate=80)
        user = await add_user(api, hourRate=30)
        task = await add_task(api, "Design", hourRate=50)
        by_project = await create(api)
        by_task = await create(api, task="Design")
        assert (by_project["hourRate"], by_task["hourRate"]) == (80.0, 50.0)
        for path, change in (
            (f"/projects/{project['id']}", {"hourRate": 120}),
            (f"/tasks/{task['id']}", {"hourRate": 70}),
            (f"/users/{user['id']}", {"hourRate": 40}),
        ):
            response = await api.put(path, json=change)
            assert response.status_code == 200, response.text
        assert await fetch(api, by_project["id"]) == by_project
        assert await fetch(api, by_task["id"]) == by_task
        assert [e["hourRate"] for e in await listed(api)] == [80.0, 50.0]
        # New entries take the new rates.
        assert (await create(api))["hourRate"] == 120.0
        assert (await create(api, task="design"))["hourRate"] == 70.0

    async def test_echoed_put_keeps_the_frozen_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        await add_task(api, "Design")
        entry = await create(api, task="Design", tags="#a", details="d", breakMinutes=30)
        project_id = entry["projectId"]
        assert (await api.put(f"/projects/{project_id}", json={"hourRate": 120})).is_success
        response = await api.put(f"/project_time_entries/{entry['id']}", json=entry)
        assert response.status_code == 200, response.text
        assert without(response.json(), "updatedAt") == without(entry, "updatedAt")
        assert without(await fetch(api, entry["id"]), "updatedAt") == without(entry, "updatedAt")

    async def test_echo_without_the_rate_keeps_it_too(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api)
        assert (await api.put(f"/projects/{entry['projectId']}", json={"hourRate": 1})).is_success
        echo = without(entry, "hourRate")
        response = await api.put(f"/project_time_entries/{entry['id']}", json=echo)
        assert response.status_code == 200, response.text
        assert response.json()["hourRate"] == 80.0

    async def test_other_edits_keep_the_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api)
        assert (await api.put(f"/projects/{entry['projectId']}", json={"hourRate": 1})).is_success
        for change in (
            {"details": "more"},
            {"to": "2025-03-04T18:00:00Z"},
            {"breakMinutes": 15},
            {"billable": False},
            {"user": "ALICE"},
            {"projectName": "website"},
        ):
            response = await api.put(f"/project_time_entries/{entry['id']}", json=change)
            assert response.status_code == 200, response.text
            assert response.json()["hourRate"] == 80.0, change

    async def test_move_to_another_project_takes_its_rate(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex", hourRate=60)
        await add_project(api, "Docs", "Acme", hourRate=45)
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        moved = (await api.put(url, json={"projectName": "Docs"})).json()
        assert (moved["projectName"], moved["hourRate"]) == ("Docs", 45.0)
        moved = (
            await api.put(url, json={"clientName": "Globex", "projectName": "Intranet"})
        ).json()
        assert (moved["clientName"], moved["projectName"], moved["hourRate"]) == (
            "Globex",
            "Intranet",
            60.0,
        )
        kept = (
            await api.put(url, json={"clientName": "Acme", "projectName": "Website", "hourRate": 7})
        ).json()
        assert (kept["projectName"], kept["hourRate"]) == ("Website", 7.0)
        assert (await fetch(api, entry["id"]))["hourRate"] == 7.0

    async def test_move_to_a_project_without_rate(self, api: httpx.AsyncClient) -> None:
        await add_client(api)
        await add_project(api, hourRate=80)
        await add_project(api, "Free")
        await add_user(api, hourRate=25)
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        assert (await api.put(url, json={"projectName": "Free"})).json()["hourRate"] == 25.0

    async def test_explicit_rate_on_update(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        assert (await api.put(url, json={"hourRate": "12.5"})).json()["hourRate"] == 12.5
        assert (await api.put(url, json={"hourRate": 0})).json()["hourRate"] == 0.0
        assert_error(
            await api.put(url, json={"hourRate": None}), 400, FIELD_INVALID, pointer="/hourRate"
        )
        assert (await fetch(api, entry["id"]))["hourRate"] == 0.0


# --- update -----------------------------------------------------------------------------------


class TestUpdate:
    async def test_partial_update_keeps_the_rest(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api, details="old", tags="#a", latitude=1, breakMinutes=30)
        response = await api.put(
            f"/project_time_entries/{entry['id']}", json={"details": "new", "tags": "#b"}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert without(body, "details", "tags", "updatedAt") == without(
            entry, "details", "tags", "updatedAt"
        )
        assert (body["details"], body["tags"]) == ("new", "#b")
        assert body["updatedAt"] >= entry["updatedAt"]
        assert await fetch(api, entry["id"]) == body

    async def test_nulls_clear_optional_fields(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_task(api, "Design")
        entry = await create(api, details="d", tags="#a", latitude=1, longitude1=2, task="Design")
        response = await api.put(
            f"/project_time_entries/{entry['id']}",
            json={
                "details": None,
                "tags": None,
                "latitude": None,
                "longitude1": None,
                "task": None,
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        for key in ("details", "tags", "latitude", "longitude1", "task", "taskId"):
            assert body[key] is None, key

    async def test_times(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api, breakMinutes=30)
        url = f"/project_time_entries/{entry['id']}"

        async def put(change: dict[str, Any]) -> tuple[str, str, int, int]:
            response = await api.put(url, json=change)
            assert response.status_code == 200, response.text
            b = response.json()
            return b["from"][11:16], b["to"][11:16], b["workedMinutes"], b["breakMinutes"]

        # A new `from` keeps `to` and the break: worked follows.
        assert await put({"from": "2025-03-04T08:00:00Z"}) == ("08:00", "17:00", 510, 30)
        # A new `to` likewise.
        assert await put({"to": "2025-03-04T16:00:00Z"}) == ("08:00", "16:00", 450, 30)
        # A new break keeps the span.
        assert await put({"breakMinutes": 60}) == ("08:00", "16:00", 420, 60)
        # workedMinutes alone moves `to`.
        assert await put({"workedMinutes": 300}) == ("08:00", "14:00", 300, 60)
        # All of them, consistent.
        assert await put(
            {
                "from": "2025-03-04T10:00:00Z",
                "to": "2025-03-04T12:00:00Z",
                "workedMinutes": 120,
                "breakMinutes": 0,
            }
        ) == ("10:00", "12:00", 120, 0)
        assert (await fetch(api, entry["id"]))["fromUtc"] == "2025-03-04T10:00:00.000Z"

    @pytest.mark.parametrize(
        ("change", "code", "pointer"),
        [
            ({"to": "2025-03-04T09:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            ({"from": "2025-03-04T18:00:00Z"}, ENTRY_END_BEFORE_START, "/to"),
            ({"breakMinutes": 480}, ENTRY_BREAK_TOO_LONG, "/breakMinutes"),
            ({"workedMinutes": 400, "to": "2025-03-04T17:00:00Z"}, 15032, "/workedMinutes"),
            ({"from": None}, FIELD_INVALID, "/from"),
            ({"to": None}, FIELD_INVALID, "/to"),
            ({"workedMinutes": None}, FIELD_INVALID, "/workedMinutes"),
            ({"breakMinutes": None}, FIELD_INVALID, "/breakMinutes"),
            ({"billable": None}, FIELD_INVALID, "/billable"),
            ({"flatRate": None}, FIELD_INVALID, "/flatRate"),
            ({"user": None}, FIELD_INVALID, "/user"),
            ({"clientName": None}, FIELD_INVALID, "/clientName"),
            ({"projectName": None}, FIELD_INVALID, "/projectName"),
            ({"from": "2024-02-30T10:00:00Z"}, FIELD_INVALID, "/from"),
            ({"to": "2025-03-04 17:00"}, FIELD_INVALID, "/to"),
            ({"from": 1741078800}, FIELD_INVALID, "/from"),
            ({"to": "2200-01-01T00:00:00Z"}, FIELD_INVALID, "/to"),
            ({"latitude": 91}, FIELD_INVALID, "/latitude"),
            ({"longitude1": "east"}, FIELD_INVALID, "/longitude1"),
            ({"tags": ["#a"]}, FIELD_INVALID, "/tags"),
            ({"user": "nobody"}, USER_UNKNOWN, "/user"),
            ({"username": "nobody"}, USER_UNKNOWN, "/username"),
            ({"clientName": "Nobody Inc"}, CLIENT_UNKNOWN, "/clientName"),
            ({"projectName": "Nothing"}, PROJECT_UNKNOWN, "/projectName"),
            ({"projectName": "Intranet"}, PROJECT_UNKNOWN, "/projectName"),
            ({"clientName": "Globex"}, PROJECT_UNKNOWN, "/projectName"),
            ({"task": "Nothing"}, TASK_UNKNOWN, "/task"),
            ({"id": NEVER}, FIELD_READ_ONLY, "/id"),
            ({"id": "x"}, FIELD_READ_ONLY, "/id"),
        ],
    )
    async def test_refused(
        self, api: httpx.AsyncClient, change: dict[str, Any], code: int, pointer: str
    ) -> None:
        await basics(api)
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex")
        entry = await create(api, details="keep")
        response = await api.put(f"/project_time_entries/{entry['id']}", json=change)
        assert_error(response, 400, code, pointer=pointer)
        assert await fetch(api, entry["id"]) == entry

    async def test_refused_change_with_valid_ones_writes_nothing(
        self, api: httpx.AsyncClient
    ) -> None:
        await basics(api)
        entry = await create(api)
        response = await api.put(
            f"/project_time_entries/{entry['id']}",
            json={"details": "changed", "hourRate": 5, "task": "Nothing"},
        )
        assert_error(response, 400, TASK_UNKNOWN, pointer="/task")
        assert await fetch(api, entry["id"]) == entry

    async def test_change_references(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_user(api, "bob")
        await add_task(api, "Design")
        await add_client(api, "Globex")
        await add_project(api, "Intranet", "Globex")
        entry = await create(api)
        url = f"/project_time_entries/{entry['id']}"
        body = (await api.put(url, json={"username": "BOB", "task": "design"})).json()
        assert (body["user"], body["task"]) == ("bob", "Design")
        body = (await api.put(url, json={"clientName": "globex", "projectName": "intranet"})).json()
        assert (body["clientName"], body["projectName"]) == ("Globex", "Intranet")
        assert body["from"] == entry["from"] and body["to"] == entry["to"]
        assert await fetch(api, entry["id"]) == body

    async def test_echo_of_the_whole_entry(self, api: httpx.AsyncClient) -> None:
        await basics(api, hourRate=80)
        entry = await create(api, details="d", tags="#x", latitude=1.5, breakMinutes=15)
        response = await api.put(f"/project_time_entries/{entry['id']}", json=entry)
        assert response.status_code == 200, response.text
        assert without(response.json(), "updatedAt") == without(entry, "updatedAt")
        ignored = response.headers["X-Ignored-Fields"].split(", ")
        assert set(ignored) == {
            "id",
            "userId",
            "clientId",
            "projectId",
            "taskId",
            "timeZone",
            "fromUtc",
            "toUtc",
            "updatedAt",
        }


# --- delete -----------------------------------------------------------------------------------


class TestDelete:
    async def test_soft_delete(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api, details="keep me")
        other = await create(api)
        response = await api.delete(f"/project_time_entries/{entry['id']}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["deleted"] is True
        assert without(body, "deleted", "updatedAt") == without(entry, "updatedAt")
        assert_error(await api.get(f"/project_time_entries/{entry['id']}"), 404, ENTRY_DELETED)
        assert_error(await api.post(f"/project_time_entries/{entry['id']}"), 404, ENTRY_DELETED)
        assert_error(await api.delete(f"/project_time_entries/{entry['id']}"), 404, ENTRY_DELETED)
        assert await listed(api) == [other]
        assert await listed(api, details="keep me") == [other]  # unknown filters are ignored
        feed = await listed(api, includeDeleted="true")
        assert [e["id"] for e in feed] == [entry["id"], other["id"]]
        assert feed[0]["deleted"] is True and feed[0]["details"] == "keep me"
        assert "deleted" not in feed[1]

    async def test_entries_outlive_their_references(self, api: httpx.AsyncClient) -> None:
        """Deleting the user, task or project keeps the entries that name them."""
        await basics(api)
        task = await add_task(api, "Design")
        user = await add_user(api, "bob")
        entry = await create(api, user="bob", task="Design")
        assert (await api.delete(f"/tasks/{task['id']}")).status_code == 200
        assert (await api.delete(f"/users/{user['id']}")).status_code == 200
        assert await fetch(api, entry["id"]) == entry
        assert await listed(api, user="bob") == [entry]
        assert await listed(api, task="design") == [entry]


# --- list, filters, paging, feed --------------------------------------------------------------


async def three_entries(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    """alice/Acme/Website/Design (billable), bob/Acme/Docs, alice/Globex/Website (not billable).

    Created out of time order: the list orders by start, not by id."""
    await basics(api)
    await add_user(api, "bob")
    await add_task(api, "Design")
    await add_task(api, "Design review")
    await add_project(api, "Docs", "Acme")
    await add_client(api, "Globex")
    await add_project(api, "Website", "Globex")
    third = await create(
        api,
        clientName="Globex",
        billable=False,
        **{"from": "2025-03-06T09:00:00Z", "to": "2025-03-06T10:00:00Z"},
    )
    first = await create(
        api, task="Design", **{"from": "2025-03-04T09:00:00Z", "to": "2025-03-04T10:00:00Z"}
    )
    second = await create(
        api,
        user="bob",
        projectName="Docs",
        task="Design review",
        **{"from": "2025-03-05T09:00:00Z", "to": "2025-03-05T10:00:00Z"},
    )
    return [first, second, third]


class TestList:
    async def test_empty(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/project_time_entries")
        assert response.status_code == 200
        assert response.json() == []
        assert response.headers["X-Total-Count"] == "0"

    async def test_ordered_by_start_then_id(self, api: httpx.AsyncClient) -> None:
        first, second, third = await three_entries(api)
        same_start = await create(
            api, **{"from": "2025-03-04T09:00:00Z", "to": "2025-03-04T09:30:00Z"}
        )
        assert await listed_ids(api) == [first["id"], same_start["id"], second["id"], third["id"]]
        response = await api.get("/project_time_entries")
        assert response.headers["X-Total-Count"] == "4"
        assert response.json()[0] == first

    @pytest.mark.parametrize(
        ("params", "which"),
        [
            ({"user": "alice"}, [0, 2]),
            ({"user": "ALICE"}, [0, 2]),
            ({"username": "Bob"}, [1]),
            ({"user": " bob "}, [1]),
            ({"user": "ali"}, []),  # a user is picked whole, never by a substring
            ({"user": "nobody"}, []),
            ({"clientName": "acme"}, [0, 1]),
            ({"clientName": "GLOBEX"}, [2]),
            ({"clientName": "Acm"}, [0, 1]),  # names match substrings, as on /projects
            ({"clientName": "OBE"}, [2]),
            ({"clientName": "zz"}, []),
            ({"clientName": ""}, [0, 1, 2]),
            ({"projectName": "website"}, [0, 2]),
            ({"projectName": "Docs"}, [1]),
            ({"projectName": "Web"}, [0, 2]),
            ({"projectName": "o"}, [1]),
            ({"task": "design"}, [0, 1]),
            ({"task": "DESIGN REVIEW"}, [1]),
            ({"task": "review"}, [1]),
            ({"task": "n r"}, [1]),
            ({"billable": "true"}, [0, 1]),
            ({"billable": "false"}, [2]),
            ({"billable": "1"}, [0, 1]),
            ({"billable": "0"}, [2]),
            ({"user": "alice", "clientName": "Acme"}, [0]),
            ({"user": "alice", "projectName": "Website", "billable": "false"}, [2]),
            ({"clientName": "Acme", "projectName": "Website"}, [0]),
            ({"clientName": "Globex", "projectName": "Docs"}, []),
            ({"clientName": "a", "projectName": "doc"}, [1]),  # Acme's and Docs' ids intersect
            ({"user": "bob", "task": "design"}, [1]),
            ({"user": "alice", "task": "review"}, []),
            ({"from": "2025-03-05", "to": "2025-03-05"}, [1]),
            ({"from": "2025-03-05"}, [1, 2]),
            ({"to": "2025-03-05"}, [0, 1]),
            ({"from": "2025-03-05", "user": "alice"}, [2]),
            (
                {"from": "2025-03-04", "to": "2025-03-06", "clientName": "acme", "billable": 1},
                [0, 1],
            ),
        ],
    )
    async def test_filters(
        self, api: httpx.AsyncClient, params: dict[str, Any], which: list[int]
    ) -> None:
        entries = await three_entries(api)
        response = await api.get("/project_time_entries", params=params)
        assert response.status_code == 200, response.text
        assert [e["id"] for e in response.json()] == [entries[i]["id"] for i in which]
        assert response.headers["X-Total-Count"] == str(len(which))
        by_post = await api.post("/project_time_entries", params=params, json={})
        assert by_post.json() == response.json()

    async def test_filters_non_ascii_names(self, api: httpx.AsyncClient) -> None:
        await add_client(api, "Straße AG")
        await add_project(api, "Überprüfung", "Straße AG")
        await add_user(api, "jürgen")
        entry = await create(api, user="jürgen", clientName="Straße AG", projectName="Überprüfung")
        assert await listed_ids(api, clientName="STRASSE AG") == [entry["id"]]
        assert await listed_ids(api, projectName="überprüfung") == [entry["id"]]
        assert await listed_ids(api, user="JÜRGEN") == [entry["id"]]

    @pytest.mark.parametrize(
        ("params", "which"),
        [
            ({"userId": (0, "userId")}, [0, 2]),
            ({"userId": (1, "userId")}, [1]),
            ({"projectId": (0, "projectId")}, [0]),
            ({"projectId": (2, "projectId")}, [2]),
            ({"clientId": (0, "clientId")}, [0, 1]),
            ({"clientId": (2, "clientId")}, [2]),
            ({"taskId": (1, "taskId")}, [1]),
            ({"userId": (0, "userId"), "clientId": (0, "clientId")}, [0]),
            ({"userId": (0, "userId"), "user": "bob"}, []),
            ({"clientId": (2, "clientId"), "clientName": "acme"}, []),
            ({"projectId": (0, "projectId"), "projectName": "site"}, [0]),
            ({"userId": "999"}, []),
            ({"clientId": "999"}, []),
        ],
    )
    async def test_id_filters(
        self, api: httpx.AsyncClient, params: dict[str, Any], which: list[int]
    ) -> None:
        """``(i, field)`` stands for that field of the i-th entry."""
        entries = await three_entries(api)
        query = {
            name: entries[value[0]][value[1]] if isinstance(value, tuple) else value
            for name, value in params.items()
        }
        assert await listed_ids(api, **query) == [entries[i]["id"] for i in which]
        by_post = await api.post("/project_time_entries", params=query, json={})
        assert [e["id"] for e in by_post.json()] == [entries[i]["id"] for i in which]

    async def test_id_filters_see_only_the_account(
        self, api: httpx.AsyncClient, other_api: httpx.AsyncClient
    ) -> None:
        theirs = await three_entries(other_api)
        await basics(api)
        for name in ("userId", "projectId", "clientId", "taskId"):
            assert await listed(api, **{name: theirs[1][name]}) == []

    async def test_many_matching_names_filter_in_the_database(
        self, api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Past ``MAX_BOUND_IDS`` matches the ids are not bound one by one; same answers."""
        entries = await three_entries(api)
        monkeypatch.setattr(crud, "MAX_BOUND_IDS", 1)
        cases = [
            ({"clientName": "acme"}, [0, 1]),
            ({"clientName": "a", "projectName": "doc"}, [1]),
            ({"clientName": "e", "user": "alice"}, [0, 2]),
            ({"task": "design", "clientId": entries[0]["clientId"]}, [0, 1]),
        ]
        for params, which in cases:
            assert await listed_ids(api, **params) == [entries[i]["id"] for i in which], params

    async def test_filters_with_wildcards_are_literal(self, api: httpx.AsyncClient) -> None:
        await three_entries(api)
        for params in ({"user": "%"}, {"clientName": "_cme"}, {"projectName": "%"}):
            assert await listed(api, **params) == []

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"billable": "maybe"}, "billable"),
            ({"from": "2024-02-30"}, "from"),
            ({"from": "2024-02-30T10:00:00Z"}, "from"),
            ({"to": "2024-03-01 10:00"}, "to"),
            ({"to": "01.03.2024"}, "to"),
            ({"from": "1709287200"}, "from"),
            ({"from": "1969-12-31"}, "from"),
            ({"to": "2200-01-01"}, "to"),
            ({"to": "2200-01-01T00:00:00Z"}, "to"),
            ({"from": "yesterday"}, "from"),
            ({"to": "2025-03-04T09:00:00+25:00"}, "to"),
            ({"from": "2025-03-04T09:00:00" + "0" * 40}, "from"),
            ({"updatedSince": "2024-02-30"}, "updatedSince"),
            ({"updatedSince": "01.03.2024"}, "updatedSince"),
            ({"includeDeleted": "perhaps"}, "includeDeleted"),
            ({"user": "x" * 256}, "user"),
            ({"clientName": "x" * 256}, "clientName"),
            ({"userId": "abc"}, "userId"),
            ({"userId": "1.5"}, "userId"),
            ({"projectId": 0}, "projectId"),
            ({"clientId": -1}, "clientId"),
            ({"taskId": str(2**63)}, "taskId"),
        ],
    )
    async def test_bad_parameters(
        self, api: httpx.AsyncClient, params: dict[str, Any], parameter: str
    ) -> None:
        await basics(api)
        keep = await create(api)
        assert_error(
            await api.get("/project_time_entries", params=params),
            400,
            PARAMETER_INVALID,
            parameter=parameter,
        )
        assert_error(
            await api.post("/project_time_entries", params=params, json={}),
            400,
            PARAMETER_INVALID,
            parameter=parameter,
        )
        assert await listed(api) == [keep]

    async def test_paging(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        made = [
            await create(
                api,
                **{"from": f"2025-03-{day:02d}T09:00:00Z", "to": f"2025-03-{day:02d}T10:00:00Z"},
            )
            for day in (5, 3, 1, 4, 2)
        ]
        by_start = sorted(made, key=lambda e: e["from"])
        response = await api.get("/project_time_entries", params={"limit": 2, "page_number": 1})
        assert response.json() == by_start[2:4]
        assert response.headers["X-Total-Count"] == "5"
        assert 'rel="next"' in response.headers["Link"]
        assert 'rel="prev"' in response.headers["Link"]
        one_based = await api.get("/project_time_entries", params={"limit": 2, "page": 2})
        assert one_based.json() == by_start[2:4]
        last = await api.get("/project_time_entries", params={"limit": 2, "page": 3})
        assert last.json() == by_start[4:]
        assert 'rel="next"' not in last.headers.get("Link", "")
        everything = await api.get("/project_time_entries", params={"limit": 1000, "page": 1})
        assert everything.json() == by_start
        assert "Link" not in everything.headers
        beyond = await api.get("/project_time_entries", params={"limit": 2, "page_number": 9})
        assert beyond.json() == []
        assert beyond.headers["X-Total-Count"] == "5"
        zero = await api.get("/project_time_entries", params={"limit": 0})
        assert zero.json() == []
        assert zero.headers["X-Total-Count"] == "5"

    async def test_paging_with_filters(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_user(api, "bob")
        for day in range(1, 7):
            await create(
                api,
                user="alice" if day % 2 else "bob",
                **{"from": f"2025-03-{day:02d}T09:00:00Z", "to": f"2025-03-{day:02d}T10:00:00Z"},
            )
        response = await api.get(
            "/project_time_entries", params={"user": "alice", "limit": 2, "page_number": 1}
        )
        assert [e["from"][:10] for e in response.json()] == ["2025-03-05"]
        assert response.headers["X-Total-Count"] == "3"
        link = response.headers["Link"]
        assert "user=alice" in link and 'rel="prev"' in link and 'rel="next"' not in link

    async def test_change_feed(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        old = await create(api)
        gone = await create(api)
        since = (await create(api))["updatedAt"]
        changed = (
            await api.put(f"/project_time_entries/{old['id']}", json={"details": "edited"})
        ).json()
        assert (await api.delete(f"/project_time_entries/{gone['id']}")).status_code == 200
        recent = await listed(api, updatedSince=since)
        assert changed["id"] in [e["id"] for e in recent]
        assert gone["id"] not in [e["id"] for e in recent]
        with_deleted = await listed(api, updatedSince=since, includeDeleted="true")
        assert {e["id"] for e in with_deleted} >= {changed["id"], gone["id"]}
        assert [e.get("deleted") for e in with_deleted if e["id"] == gone["id"]] == [True]
        assert await listed(api, updatedSince="2199-01-01") == []
        assert len(await listed(api, updatedSince="1970-01-01T00:00:00Z")) == 2

    async def test_feed_combines_with_filters(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        await add_user(api, "bob")
        mine = await create(api)
        theirs = await create(api, user="bob")
        assert (await api.delete(f"/project_time_entries/{mine['id']}")).status_code == 200
        feed = await listed(api, includeDeleted="true", user="alice")
        assert [(e["id"], e.get("deleted")) for e in feed] == [(mine["id"], True)]
        assert await listed_ids(api, user="bob") == [theirs["id"]]


# --- tenant isolation -------------------------------------------------------------------------


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


class TestLenientQueries:
    async def test_empty_filters_mean_no_filter(self, api: httpx.AsyncClient) -> None:
        await basics(api)
        entry = await create(api)
        for name in ("user", "username", "clientName", "projectName", "task", "from", "to"):
            response = await api.get("/project_time_entries", params={name: ""})
            assert [e["id"] for e in response.json()] == [entry["id"]], name

    async def test_unencoded_plus_of_an_offset(self, api: httpx.AsyncClient) -> None:
        """curl users type ``+02:00`` unencoded; it arrives as a space and still works."""
        await basics(api)
        entry = await create(api)  # starts 2025-03-04T09:00:00 UTC
        url = "/project_time_entries?from=2025-03-04T10:00:00+02:00&to=2025-03-04T11:00:00+02:00"
        assert [e["id"] for e in (await api.get(url)).json()] == [entry["id"]]
        url = "/project_time_entries?from=2025-03-04T12:00:00+02:00"
        assert (await api.get(url)).json() == []
