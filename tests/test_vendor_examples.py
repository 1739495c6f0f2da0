"""Every example of the vendor's documentation (shared/research/vendor-api.md), sent as printed.

SPEC: "a client written against the vendor's documentation, or a script that copies its curl
examples, works against this server unchanged." The bodies below are the documentation's own,
byte for byte where it prints them (the e-mail addresses, hidden on the vendor's pages by an
obfuscation plugin, are filled in). Reads go out twice: as the third-party clients send them
(GET) and as the curl examples do (``-d $'{}'``, which makes curl POST a body of ``{}``); both
must answer the same. Each test then checks that the answer says what the documentation says
it does, not only that it is a 200.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import auth_headers, client, new_account
from fastapi import FastAPI

from timetrack.db import Database

# What the vendor's curl examples send besides the two credential headers.
CURL_HEADERS = {"Content-Type": "application/json"}


@pytest.fixture
async def vendor(app: FastAPI, database: Database) -> Any:
    """A fresh account in Germany (the vendor's home; its work report shows German holidays)."""
    creds = await new_account(database, country="DE")
    async with client(app, {**auth_headers(creds), **CURL_HEADERS}) as caller:
        yield caller


async def read(api: httpx.AsyncClient, path: str) -> Any:
    """``path`` read with GET and as curl's POST with ``{}``: the same 200 and body both ways."""
    got = await api.get(path)
    assert got.status_code == 200, f"GET {path}: {got.text}"
    posted = await api.post(path, content=b"{}")
    assert posted.status_code == 200, f"POST {path} -d '{{}}': {posted.text}"
    assert posted.json() == got.json(), path
    return got.json()


async def send(
    api: httpx.AsyncClient, method: str, path: str, body: dict[str, Any], status: int = 200
) -> dict[str, Any]:
    response = await api.request(method, path, json=body)
    assert response.status_code == status, f"{method} {path}: {response.text}"
    answer: dict[str, Any] = response.json()
    return answer


async def post(api: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return await send(api, "POST", path, body, 201)


def names(records: list[dict[str, Any]], key: str = "name") -> list[str]:
    return [record[key] for record in records]


# --- 2.1 clients ----------------------------------------------------------------------------


async def test_client_examples_create_filter_update_and_delete(vendor: httpx.AsyncClient) -> None:
    created = await post(vendor, "/clients", {"name": "Client Test", "field1": "VAT ID: 123455678"})
    assert (created["id"], created["name"], created["field1"]) == (
        1,
        "Client Test",
        "VAT ID: 123455678",
    )
    for name in ("Test company", "Acme", "Globex", "Initech", "Client 006"):
        await post(vendor, "/clients", {"name": name})

    # PUT /clients/6: the sixth client of the account, as in the documentation.
    updated = await send(
        vendor, "PUT", "/clients/6", {"email": "test@timetrackapp.com", "field2": "Test"}
    )
    assert (updated["name"], updated["email"], updated["field2"]) == (
        "Client 006",
        "test@timetrackapp.com",
        "Test",
    )
    assert len(await read(vendor, "/clients/")) == 6
    # "returns all clients whose name contains test"
    assert names(await read(vendor, "/clients?name=test")) == ["Client Test", "Test company"]
    assert (await read(vendor, "/clients/1"))["name"] == "Client Test"
    deleted = await vendor.delete("/clients/3")
    assert deleted.status_code == 200, deleted.text
    assert "Acme" not in names(await read(vendor, "/clients/"))


# --- 2.2 projects ---------------------------------------------------------------------------


async def test_project_examples_create_filter_update_and_delete(vendor: httpx.AsyncClient) -> None:
    await post(vendor, "/clients", {"name": "Test company"})
    created = await post(
        vendor, "/projects", {"projectName": "Test project 001", "clientName": "Test company"}
    )
    assert created["clientName"] == "Test company"
    await post(vendor, "/projects", {"projectName": "Website", "clientName": "Test company"})

    # The German page's update: hourRate sent as a string.
    updated = await send(
        vendor,
        "PUT",
        f"/projects/{created['id']}",
        {"hourRate": "50", "notes": "Test Projekt fuer API"},
    )
    assert (updated["hourRate"], updated["notes"]) == (50, "Test Projekt fuer API")
    assert len(await read(vendor, "/projects/")) == 2
    assert names(await read(vendor, "/projects?projectName=Test"), "projectName") == [
        "Test project 001"
    ]
    assert (await read(vendor, f"/projects/{created['id']}"))["projectName"] == "Test project 001"
    assert (await vendor.delete(f"/projects/{created['id']}")).status_code == 200
    assert names(await read(vendor, "/projects/"), "projectName") == ["Website"]


# --- 2.3 tasks ------------------------------------------------------------------------------


async def test_task_examples_create_filter_and_update(vendor: httpx.AsyncClient) -> None:
    created = await post(vendor, "/tasks", {"name": "Development", "hourRate": 30.0})
    assert created["hourRate"] == 30
    await post(vendor, "/tasks", {"name": "Testing"})
    updated = await send(
        vendor, "PUT", f"/tasks/{created['id']}", {"hourRate": 35.5, "notes": "Test task for API"}
    )
    assert (updated["hourRate"], updated["notes"]) == (35.5, "Test task for API")
    # The English example filters with name=est (its comment says "test").
    assert names(await read(vendor, "/tasks?name=est")) == ["Testing"]
    assert (await vendor.delete(f"/tasks/{created['id']}")).status_code == 200


# --- 2.4 users ------------------------------------------------------------------------------

USER_EXAMPLE = {
    "teamLead": False,
    "password": "123123123",
    "firstName": "Max",
    "admin": True,
    "username": "test6",
    "email": "test6@timetrackapp.com",
    "language": "de",
    "personalNumber": 1234,
    "lastName": "Smith",
}


async def test_user_examples_create_with_a_numeric_personal_number_and_update_with_a_typo(
    vendor: httpx.AsyncClient,
) -> None:
    created = await post(vendor, "/users", USER_EXAMPLE)
    assert created["personalNumber"] == 1234
    assert (created["admin"], created["teamLead"], created["language"]) == (True, False, "de")
    assert "password" not in created

    # The vendor's update example carries the typo "langauge": ignored, and named as ignored.
    response = await vendor.put(
        f"/users/{created['id']}", json={"lastName": "Smith", "langauge": "en"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["X-Ignored-Fields"] == "langauge"
    assert response.json()["language"] == "de"

    for username in ("test", "tester", "anna"):
        await post(
            vendor, "/users", {**USER_EXAMPLE, "username": username, "email": f"{username}@x.de"}
        )
    assert names(await read(vendor, "/users?username=test"), "username") == [
        "test6",
        "test",
        "tester",
    ]
    assert (await read(vendor, f"/users/{created['id']}"))["personalNumber"] == 1234
    assert (await vendor.delete(f"/users/{created['id']}")).status_code == 200


# --- 2.5-2.9: time entries, attendances, absences, the timer, work reports --------------------


async def _people_and_projects(api: httpx.AsyncClient) -> None:
    for username in ("test", "tester"):
        await post(
            api, "/users", {**USER_EXAMPLE, "username": username, "email": f"{username}@x.de"}
        )
    await post(api, "/clients", {"name": "Client 006"})
    await post(api, "/projects", {"projectName": "Project 006_1", "clientName": "Client 006"})


async def test_timer_examples_start_pause_resume_stop_and_book_the_entry(
    vendor: httpx.AsyncClient,
) -> None:
    await _people_and_projects(vendor)
    started = await send(
        vendor,
        "POST",
        "/timers/project_timer/start",
        {
            "username": "test",
            "clientName": "Client 006",
            "projectName": "Project 006_1",
            "date": "2020-10-23T15:00:00.000Z",
        },
    )
    assert (started["playing"], started["startedAt"]) == (True, "2020-10-23T15:00:00.000Z")
    state = await read(vendor, "/timers/project_timer?username=test&date=2020-10-23T16:00:00.000Z")
    assert (state["playing"], state["projectName"]) == (True, "Project 006_1")

    # The older page's path without timers/ serves the same timer.
    paused = await send(
        vendor,
        "POST",
        "/project_timer/pause",
        {"username": "test", "date": "2020-10-23T16:00:00.000Z"},
    )
    assert paused["paused"] is True
    await send(
        vendor,
        "POST",
        "/timers/project_timer/resume",
        {"username": "test", "date": "2020-10-23T16:30:00.000Z"},
    )
    stopped = await send(
        vendor,
        "POST",
        "/timers/project_timer/stop",
        {"username": "test", "date": "2020-10-23T17:00:00.000Z"},
    )
    assert stopped["stopped"] is True

    # The time entries example: user test, 2020-10-01 to 2020-10-23.
    entries = await read(
        vendor,
        "/project_time_entries?username=test&from=2020-10-01T00:00:00Z&to=2020-10-23T23:59:59Z",
    )
    assert [(e["from"], e["to"], e["workedMinutes"], e["breakMinutes"]) for e in entries] == [
        ("2020-10-23T15:00:00.000Z", "2020-10-23T17:00:00.000Z", 90, 30)
    ]
    # The GrandTotal plugin's request (page=1 is the first page) and the keys it reads.
    (entry,) = await read(vendor, "/project_time_entries?limit=1000&page=1")
    wanted = ("id", "clientName", "projectName", "task", "from", "workedMinutes", "hourRate")
    assert {*wanted, "details", "user", "tags", "billable"} <= set(entry)
    assert entry["user"] == "test" and entry["billable"] is True


async def test_attendance_examples_filter_by_username_and_timestamps_and_get_by_id(
    vendor: httpx.AsyncClient,
) -> None:
    await _people_and_projects(vendor)
    for day in ("2020-09-30", "2020-10-05", "2020-10-30"):
        await post(
            vendor,
            "/attendances",
            {
                "username": "tester",
                "from": f"{day}T08:00:00Z",
                "to": f"{day}T16:30:00Z",
                "breakMinutes": 30,
            },
        )
    await post(
        vendor,
        "/attendances",
        {"username": "test", "from": "2020-10-05T08:00:00Z", "to": "2020-10-05T12:00:00Z"},
    )
    listed = await read(
        vendor, "/attendances?username=tester&from=2020-10-01T00:00:00Z&to=2020-10-31T00:00:00Z"
    )
    assert [(a["user"], a["from"]) for a in listed] == [
        ("tester", "2020-10-05T08:00:00.000Z"),
        ("tester", "2020-10-30T08:00:00.000Z"),
    ]
    one = await read(vendor, f"/attendances/{listed[0]['id']}")
    assert (one["workedMinutes"], one["breakMinutes"]) == (480, 30)


async def test_absence_examples_request_approve_filter_and_delete(
    vendor: httpx.AsyncClient,
) -> None:
    await _people_and_projects(vendor)
    created = await post(
        vendor,
        "/absences",
        {"username": "tester", "absenceType": 1, "to": "2020-10-28", "from": "2020-10-26"},
    )
    assert (created["user"], created["status"], created["absenceType"]) == ("tester", 0, 1)
    # The German page: only the status changes, sent as a string.
    approved = await send(vendor, "PUT", f"/absences/{created['id']}", {"status": "1"})
    assert approved["status"] == 1

    listed = await read(vendor, "/absences?username=tester&from=2020-10-01&to=2020-10-31")
    assert [(a["from"], a["to"]) for a in listed] == [("2020-10-26", "2020-10-28")]
    # A third-party client sends startDate/endDate.
    assert (
        await read(vendor, "/absences?username=tester&startDate=2020-10-01&endDate=2020-10-31")
        == listed
    )
    assert (await vendor.delete(f"/absences/{created['id']}")).status_code == 200
    assert await read(vendor, "/absences?username=tester&from=2020-10-01&to=2020-10-31") == []


async def test_work_report_example_with_timestamps_gives_one_report_per_day(
    vendor: httpx.AsyncClient,
) -> None:
    await _people_and_projects(vendor)
    await post(
        vendor,
        "/attendances",
        {
            "username": "test",
            "from": "2020-10-05T08:00:00Z",
            "to": "2020-10-05T16:30:00Z",
            "breakMinutes": 30,
        },
    )
    reports = await read(
        vendor, "/work_reports?username=test&from=2020-10-01T00:00:00Z&to=2020-10-31T00:00:00Z"
    )
    assert [r["workDate"] for r in reports] == [f"2020-10-{day:02}" for day in range(1, 32)]
    by_day = {r["workDate"]: r for r in reports}
    monday = by_day["2020-10-05"]
    assert (monday["username"], monday["workedSeconds"], monday["targetSeconds"]) == (
        "test",
        28800,
        28800,
    )
    assert (monday["weekday"], monday["holiday"]) == (1, False)
    # German Unity Day (a Saturday in 2020): a holiday, weekday 8, and a Boolean as documented.
    unity = by_day["2020-10-03"]
    assert (unity["holiday"], unity["weekday"], unity["holidayName"]) == (
        True,
        8,
        "German Unity Day",
    )
    assert all(isinstance(r["holiday"], bool) for r in reports)
