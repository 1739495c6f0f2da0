"""Withdrawing one's own leave request on the absences page, in process: the API's delete of a
waiting absence with the version the page showed (If-Match), audited as the API's; another
person's request answers exactly like a missing one whatever the role, a request decided
meanwhile is not withdrawn and the page says why, a decided one is its deciders', and the post
needs the session's CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from timetrack.accounts.service import Credentials

from .admin_people import form_fields
from .office import APPROVED, VACATION, Office, Signed, open_office, sign_in, signed_clients

DELETED = 17020
MISSING = 999_999


@pytest.fixture
async def office(app: FastAPI, account: Credentials) -> Office:
    return await open_office(app, account)


@pytest.fixture
async def signed() -> AsyncIterator[Signed]:
    async with signed_clients() as clients:
        yield clients


async def ask(office: Office, name: str, day: str) -> int:
    """``name``'s request for ``day`` through the API: its id."""
    async with office.api() as api:
        body = {"username": name, "absenceType": VACATION, "from": day, "to": day}
        asked = await api.post("/absences", json=body)
        assert asked.status_code == 201, asked.text
        return int(asked.json()["id"])


def withdraw_path(absence_id: int) -> str:
    return f"/app/absences/{absence_id}/withdraw"


def summary_of(html: str) -> str:
    """The page's problem summary, the words a person reads about the refusal."""
    found = re.search(r'<div class="summary".*?</div>', html, re.S)
    assert found is not None, html
    return found.group(0)


async def test_a_waiting_request_is_withdrawn_as_the_apis_delete_with_if_match_would(
    office: Office, signed: Signed
) -> None:
    absence_id = await ask(office, "mia", "2026-10-05")
    token = await sign_in(office, signed, "mia")
    page = (await signed["mia"].get("/app/absences")).text
    fields = form_fields(page, withdraw_path(absence_id))
    async with office.api() as api:
        shown = await api.get(f"/absences/{absence_id}")
    assert fields == {"csrf": token, "version": shown.headers["etag"]}
    done = await signed["mia"].post(withdraw_path(absence_id), data=fields)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/app/absences?done=withdrawn"
    page = (await signed["mia"].get(done.headers["location"])).text
    assert "Your request is withdrawn." in page
    assert withdraw_path(absence_id) not in page
    async with office.api() as api:
        gone = await api.get(f"/absences/{absence_id}")
        assert gone.status_code == 404
        assert gone.json()["errors"][0]["code"] == DELETED
        entries = (await api.get("/audit_log")).json()
    (entry,) = [e for e in entries if e["action"] == "delete" and e["resource"] == "absences"]
    assert entry["recordId"] == absence_id
    assert entry["before"]["status"] == 0 and entry["after"]["deleted"] is True


async def test_another_persons_request_answers_exactly_like_a_missing_one_whatever_the_role(
    office: Office, signed: Signed
) -> None:
    theirs = await ask(office, "mia", "2026-10-12")
    withdrawn = await ask(office, "uma", "2026-10-13")
    async with office.api() as api:
        version = (await api.get(f"/absences/{theirs}")).headers["etag"]
        assert (await api.delete(f"/absences/{withdrawn}")).status_code == 200
    # A plain user, mia's lead, and an admin (who reaches every request, deleted ones too).
    for name in ("uma", "lee", "ada"):
        token = await sign_in(office, signed, name)
        missing = await signed[name].post(
            withdraw_path(MISSING), data={"csrf": token, "version": version}
        )
        assert missing.status_code == 404, (name, missing.text)
        expected = summary_of(missing.text).replace(f"absence {MISSING} ", "absence {id} ")
        assert "You have no such request." in expected
        assert "absence {id} not found" in expected  # the API's message, underneath
        for other in (theirs, withdrawn):
            if name == "uma" and other == withdrawn:
                continue  # her own, withdrawn already
            answer = await signed[name].post(
                withdraw_path(other), data={"csrf": token, "version": version}
            )
            assert answer.status_code == 404, (name, other, answer.text)
            said = summary_of(answer.text).replace(f"absence {other} ", "absence {id} ")
            assert said == expected, name
    async with office.api() as api:
        still = await api.get(f"/absences/{theirs}")
    assert still.status_code == 200 and still.json()["status"] == 0


async def test_a_request_decided_meanwhile_is_not_withdrawn_and_the_page_says_so(
    office: Office, signed: Signed
) -> None:
    absence_id = await ask(office, "mia", "2026-10-19")
    await sign_in(office, signed, "mia")
    page = (await signed["mia"].get("/app/absences")).text
    fields = form_fields(page, withdraw_path(absence_id))
    lead_token = await sign_in(office, signed, "lee")
    approved = await signed["lee"].post(
        f"/app/absences/{absence_id}/decide", data={"csrf": lead_token, "decision": "approve"}
    )
    assert approved.headers["location"] == "/app/absences?done=approved"
    late = await signed["mia"].post(withdraw_path(absence_id), data=fields)
    assert late.status_code == 412
    assert "This request was decided or changed meanwhile, so it is not withdrawn." in (
        summary_of(late.text)
    )
    assert "Approved" in late.text  # the list shows it as it is now
    assert withdraw_path(absence_id) not in late.text  # a decided one has no withdraw button
    async with office.api() as api:
        now = await api.get(f"/absences/{absence_id}")
    assert now.status_code == 200 and now.json()["status"] == APPROVED


async def test_a_decided_request_is_its_deciders_and_a_posted_withdrawal_is_refused(
    office: Office, signed: Signed
) -> None:
    absence_id = await ask(office, "mia", "2026-10-26")
    async with office.api() as api:
        decided = await api.put(f"/absences/{absence_id}", json={"status": APPROVED})
        version = decided.headers["etag"]
    token = await sign_in(office, signed, "mia")
    refused = await signed["mia"].post(
        withdraw_path(absence_id), data={"csrf": token, "version": version}
    )
    assert refused.status_code == 403  # as DELETE /absences/{id} answers her: 10050
    assert "Only a request still waiting can be withdrawn." in summary_of(refused.text)
    async with office.api() as api:
        assert (await api.get(f"/absences/{absence_id}")).json()["status"] == APPROVED


async def test_a_withdrawal_without_the_sessions_token_is_refused_and_withdraws_nothing(
    office: Office, signed: Signed
) -> None:
    absence_id = await ask(office, "mia", "2026-11-09")
    await sign_in(office, signed, "mia")
    page = (await signed["mia"].get("/app/absences")).text
    version = form_fields(page, withdraw_path(absence_id))["version"]
    for token in ({}, {"csrf": "forged"}):
        response = await signed["mia"].post(
            withdraw_path(absence_id), data={"version": version, **token}
        )
        assert response.status_code == 403
        assert "This form has expired" in response.text
    async with office.api() as api:
        kept = await api.get(f"/absences/{absence_id}")
    assert kept.status_code == 200 and kept.json()["status"] == 0
