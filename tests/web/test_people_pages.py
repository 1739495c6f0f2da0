"""The attendance and absences pages over HTTP, in process: clocking books what ``GET
/attendances`` answers, a leave request's refusals are worded next to their fields, deciding
follows the API's policy (grants.py) with its codes, nobody sees another person's requests, and
every form needs the session's CSRF token."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI

from timetrack.accounts.service import Credentials

from .office import (
    APPROVED,
    REJECTED,
    VACATION,
    Office,
    Signed,
    error_of,
    open_office,
    sign_in,
    signed_clients,
)


@pytest.fixture
async def office(app: FastAPI, account: Credentials) -> Office:
    return await open_office(app, account)


@pytest.fixture
async def signed() -> AsyncIterator[Signed]:
    async with signed_clients() as clients:
        yield clients


async def move_clock_in(office: Office, name: str, earlier: timedelta) -> None:
    """Move the person's open attendance's start into the past through the API, as if they
    had clocked in that much earlier (a clock-out in the same second is refused)."""
    async with office.api() as api:
        listed = (await api.get("/attendances", params={"user": name})).json()
        (running,) = [a for a in listed if a["to"] is None]
        start = datetime.strptime(running["from"][:19], "%Y-%m-%dT%H:%M:%S") - earlier
        body = {"from": start.strftime("%Y-%m-%dT%H:%M:%S.000Z")}
        moved = await api.put(f"/attendances/{running['id']}", json=body)
        assert moved.status_code == 200, moved.text


async def test_clocking_in_and_out_books_the_attendance_the_api_lists(
    office: Office, signed: Signed
) -> None:
    token = await sign_in(office, signed, "mia")
    mia = signed["mia"]
    page = await mia.get("/app/attendance")
    assert "No attendance today yet." in page.text
    clocked = await mia.post("/app/attendance/clock_in", data={"csrf": token})
    assert clocked.headers["location"] == "/app/attendance?done=clock_in"
    again = await mia.post("/app/attendance/clock_in", data={"csrf": token})
    assert again.status_code == 409
    assert "You are clocked in already." in again.text
    page = await mia.get("/app/attendance")
    assert 'action="/app/attendance/clock_out"' in page.text
    refused = await mia.post("/app/attendance/clock_out", data={"csrf": token, "break": "half"})
    assert refused.status_code == 400
    assert error_of(refused.text, "break") == "Enter the break in whole minutes, such as 30."
    await move_clock_in(office, "mia", timedelta(hours=2, minutes=30))
    out = await mia.post("/app/attendance/clock_out", data={"csrf": token, "break": "30"})
    assert out.status_code == 303, out.text
    assert out.headers["location"] == "/app/attendance?done=clock_out"
    async with office.api() as api:
        listed = (await api.get("/attendances", params={"user": "mia"})).json()
    assert len(listed) == 1, listed
    assert (listed[0]["workedMinutes"], listed[0]["breakMinutes"]) == (120, 30), listed
    page = await mia.get("/app/attendance")
    assert "Clocked out; the attendance is booked." not in page.text  # only after the redirect
    assert 'action="/app/attendance/clock_in"' in page.text
    assert page.text.count("<tbody>") == 3  # the balance, today's and the week's attendances


async def test_a_request_with_the_last_day_first_is_refused_next_to_the_last_day(
    office: Office, signed: Signed
) -> None:
    token = await sign_in(office, signed, "mia")
    fields = {"csrf": token, "type": str(VACATION), "from": "2026-07-10", "to": "2026-07-08"}
    response = await signed["mia"].post("/app/absences/request", data=fields)
    assert response.status_code == 400
    assert error_of(response.text, "to") == "The last day must not be before the first day."
    assert 'value="2026-07-10"' in response.text  # what was typed stays
    async with office.api() as api:
        assert (await api.get("/absences", params={"user": "mia"})).json() == []


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"type": "999", "from": "2026-07-01"}, "type", "Choose a kind of absence from the list."),
        ({"type": "vacation", "from": "2026-07-01"}, "type", "Choose a kind of absence"),
        ({"type": str(VACATION), "from": "1.7."}, "from", "Enter a date such as 2026-07-01."),
        ({"type": str(VACATION), "from": ""}, "from", "Fill in this field."),
        (
            {"type": str(VACATION), "from": "2026-07-01", "to": "2026-07-02", "segment": "1"},
            "segment",
            "A half day is a single day",
        ),
    ],
)
async def test_a_request_the_api_refuses_says_why_next_to_its_field(
    office: Office,
    signed: Signed,
    fields: dict[str, str],
    field: str,
    words: str,
) -> None:
    token = await sign_in(office, signed, "mia")
    response = await signed["mia"].post("/app/absences/request", data={"csrf": token, **fields})
    assert response.status_code == 400, response.text
    assert words in response.text
    if field != "segment":  # the fieldset's error has no id of its own
        assert error_of(response.text, field).startswith(words)


async def test_a_lead_decides_a_members_request_and_neither_sees_an_outsiders(
    office: Office, signed: Signed
) -> None:
    tokens = {name: await sign_in(office, signed, name) for name in ("lee", "mia", "uma")}
    for name, day in (("mia", "2026-08-03"), ("uma", "2026-08-04"), ("lee", "2026-08-05")):
        fields = {"csrf": tokens[name], "type": str(VACATION), "from": day, "note": f"{name}'s"}
        sent = await signed[name].post("/app/absences/request", data=fields)
        assert sent.headers["location"] == "/app/absences?done=requested"
    async with office.api() as api:
        ids = {a["user"]: a["id"] for a in (await api.get("/absences")).json()}
    lead_page = (await signed["lee"].get("/app/absences")).text
    assert f"/app/absences/{ids['mia']}/decide" in lead_page
    assert f"/app/absences/{ids['uma']}/decide" not in lead_page  # not his team
    assert f"/app/absences/{ids['lee']}/decide" not in lead_page  # never his own
    mia_page = (await signed["mia"].get("/app/absences")).text
    assert "/decide" not in mia_page and "uma" not in mia_page and "Waiting" in mia_page
    # A lead posting a decision on his own request: the API's 403 10050, in words.
    own = await signed["lee"].post(
        f"/app/absences/{ids['lee']}/decide", data={"csrf": tokens["lee"], "decision": "approve"}
    )
    assert own.status_code == 403
    assert "You may not decide this request." in own.text
    assert "not their own" in own.text  # the API's message underneath
    done = await signed["lee"].post(
        f"/app/absences/{ids['mia']}/decide", data={"csrf": tokens["lee"], "decision": "approve"}
    )
    assert done.headers["location"] == "/app/absences?done=approved"
    async with office.api() as api:
        assert (await api.get(f"/absences/{ids['mia']}")).json()["status"] == APPROVED
        assert (await api.get(f"/absences/{ids['lee']}")).json()["status"] == 0
    assert "Approved" in (await signed["mia"].get("/app/absences")).text


async def test_a_plain_users_decision_is_refused_as_the_api_refuses_it(
    office: Office, signed: Signed
) -> None:
    tokens = {name: await sign_in(office, signed, name) for name in ("mia", "uma")}
    for name in ("mia", "uma"):
        fields = {"csrf": tokens[name], "type": str(VACATION), "from": "2026-09-01"}
        await signed[name].post("/app/absences/request", data=fields)
    async with office.api() as api:
        ids = {a["user"]: a["id"] for a in (await api.get("/absences")).json()}
    uma = signed["uma"]
    own = await uma.post(
        f"/app/absences/{ids['uma']}/decide", data={"csrf": tokens["uma"], "decision": "approve"}
    )
    assert own.status_code == 403  # as PUT /absences/{id} answers: ROLE_FORBIDS
    others = await uma.post(
        f"/app/absences/{ids['mia']}/decide", data={"csrf": tokens["uma"], "decision": "reject"}
    )
    assert others.status_code == 404  # another person's request does not exist for her
    async with office.api() as api:
        statuses = {a["user"]: a["status"] for a in (await api.get("/absences")).json()}
    assert statuses == {"mia": 0, "uma": 0}


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/app/attendance/clock_in", {}),
        ("/app/absences/request", {"type": str(VACATION), "from": "2026-10-01"}),
    ],
)
async def test_every_form_of_the_pages_needs_the_sessions_token(
    office: Office, signed: Signed, path: str, fields: dict[str, str]
) -> None:
    await sign_in(office, signed, "mia")
    for token in ({}, {"csrf": "forged"}):
        response = await signed["mia"].post(path, data={**fields, **token})
        assert response.status_code == 403
        assert "This form has expired" in response.text
    async with office.api() as api:
        assert (await api.get("/attendances", params={"user": "mia"})).json() == []
        assert (await api.get("/absences", params={"user": "mia"})).json() == []


async def test_a_decision_needs_the_sessions_token(office: Office, signed: Signed) -> None:
    tokens = {name: await sign_in(office, signed, name) for name in ("lee", "mia")}
    fields = {"csrf": tokens["mia"], "type": str(VACATION), "from": "2026-11-02"}
    await signed["mia"].post("/app/absences/request", data=fields)
    async with office.api() as api:
        (absence,) = (await api.get("/absences")).json()
    forged = await signed["lee"].post(
        f"/app/absences/{absence['id']}/decide", data={"csrf": "forged", "decision": "approve"}
    )
    assert forged.status_code == 403
    async with office.api() as api:
        assert (await api.get(f"/absences/{absence['id']}")).json()["status"] == 0


async def test_a_decision_on_a_request_decided_meanwhile_is_refused_not_overwritten(
    office: Office, signed: Signed
) -> None:
    tokens = {name: await sign_in(office, signed, name) for name in ("lee", "mia")}
    fields = {"csrf": tokens["mia"], "type": str(VACATION), "from": "2026-12-14"}
    await signed["mia"].post("/app/absences/request", data=fields)
    async with office.api() as api:
        (absence,) = (await api.get("/absences")).json()
        shown = await api.get(f"/absences/{absence['id']}")
    page = (await signed["lee"].get("/app/absences")).text
    found = re.search(r'name="version" value="([^"]+)"', page)
    assert found is not None
    version = html.unescape(found.group(1))
    assert version == shown.headers["etag"]  # what the API's read answers
    async with office.api() as api:  # an admin rejects it first
        rejected = await api.put(f"/absences/{absence['id']}", json={"status": REJECTED})
        assert rejected.status_code == 200
    late = await signed["lee"].post(
        f"/app/absences/{absence['id']}/decide",
        data={"csrf": tokens["lee"], "decision": "approve", "version": version},
    )
    assert late.status_code == 412
    assert "This request changed meanwhile." in late.text
    async with office.api() as api:
        assert (await api.get(f"/absences/{absence['id']}")).json()["status"] == REJECTED


async def test_an_admin_decides_everybodys_requests_and_a_user_sees_no_list_to_decide(
    office: Office, signed: Signed
) -> None:
    tokens = {name: await sign_in(office, signed, name) for name in ("ada", "lee", "uma")}
    for name in ("lee", "uma"):
        fields = {"csrf": tokens[name], "type": str(VACATION), "from": "2026-12-21"}
        await signed[name].post("/app/absences/request", data=fields)
    async with office.api() as api:
        ids = {a["user"]: a["id"] for a in (await api.get("/absences")).json()}
    admin_page = (await signed["ada"].get("/app/absences")).text
    assert all(f"/app/absences/{ids[name]}/decide" in admin_page for name in ("lee", "uma"))
    assert "Requests to decide" not in (await signed["uma"].get("/app/absences")).text
    done = await signed["ada"].post(
        f"/app/absences/{ids['lee']}/decide", data={"csrf": tokens["ada"], "decision": "reject"}
    )
    assert done.headers["location"] == "/app/absences?done=rejected"
    async with office.api() as api:
        assert (await api.get(f"/absences/{ids['lee']}")).json()["status"] == REJECTED
