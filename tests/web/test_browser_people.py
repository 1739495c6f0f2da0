"""The attendance and absences pages in a real browser, on each database: clocking in and out
books one attendance equal to ``GET /attendances``; a member asks for leave, their lead approves
it and the member sees it approved; a plain user has no approve control and a decision posted
anyway is refused as the API refuses it; a person withdraws a waiting request of theirs with
the keyboard and the API has it deleted; axe-core and screenshots with data and empty."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from browser import serving, watched_tab
from conftest import Backend, client, new_account
from fastapi import FastAPI

from timetrack.app import create_app
from timetrack.db import Database

from .conftest import PASSWORD, Site, screenshot, sign_in
from .test_browser import assert_accessible

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

# lee leads mia; uma is in no team. mia reads German, the others English.
PEOPLE = {"lee": ("en", True), "mia": ("de", False), "uma": ("en", False)}


@pytest.fixture(scope="module")
async def office(backend: Backend, database: Database, app: FastAPI) -> AsyncIterator[Site]:
    account = await new_account(database)
    user_ids = {}
    async with client(app, account) as api:
        for name, (language, lead) in PEOPLE.items():
            body = {
                "username": name,
                "firstName": name.title(),
                "lastName": "Example",
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "language": language,
                "teamLead": lead,
            }
            response = await api.post("/users", json=body)
            assert response.status_code == 201, response.text
            user_ids[name] = response.json()["id"]
        team = {"name": "Support", "leads": ["lee"], "members": ["mia"]}
        assert (await api.post("/teams", json=team)).status_code == 201
    with serving(create_app(backend.settings)) as url:
        yield Site(url, app, account, database, backend.name, user_ids)


async def fits_a_phone(tab: Page) -> None:
    await tab.set_viewport_size({"width": 360, "height": 800})
    assert await tab.evaluate("document.documentElement.scrollWidth") <= 360
    await tab.set_viewport_size({"width": 1280, "height": 800})


async def test_clocking_in_then_out_books_one_attendance_equal_to_the_api(
    browser: Browser, office: Site
) -> None:
    async with watched_tab(browser, office.url, width=360, height=800) as (tab, _):
        await sign_in(tab, office, "uma")
        await tab.goto(f"{office.url}/app/attendance")
        await assert_accessible(tab)
        await screenshot(tab, office, "attendance-empty")
        # One tap at phone width: the button is on the first screen.
        await tab.set_viewport_size({"width": 360, "height": 640})
        clock_in = tab.get_by_role("button", name="Clock in")
        assert await clock_in.is_visible()
        box = await clock_in.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 640
        await clock_in.click()
        await tab.wait_for_url("**/app/attendance?done=clock_in")
        assert await tab.get_by_role("status").inner_text() == "Clocked in."
        async with office.api() as api:
            (running,) = (await api.get("/attendances", params={"user": "uma"})).json()
            start = datetime.strptime(running["from"][:19], "%Y-%m-%dT%H:%M:%S")
            start -= timedelta(hours=8, minutes=45)  # as if clocked in this morning
            moved = await api.put(
                f"/attendances/{running['id']}",
                json={"from": start.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
            )
            assert moved.status_code == 200, moved.text
        await tab.goto(f"{office.url}/app/attendance")
        await assert_accessible(tab)
        await screenshot(tab, office, "attendance-running")
        await tab.get_by_label("Break in minutes (optional)").fill("45")
        await tab.get_by_role("button", name="Clock out").click()
        await tab.wait_for_url("**/app/attendance?done=clock_out")
        async with office.api() as api:
            listed = (await api.get("/attendances", params={"user": "uma"})).json()
        assert len(listed) == 1, listed
        (booked,) = listed
        assert (booked["workedMinutes"], booked["breakMinutes"], booked["manual"]) == (
            480,
            45,
            False,
        )
        rows = tab.locator("section", has=tab.locator("#week-title")).locator("tbody tr")
        assert await rows.count() == 1
        assert (await rows.nth(0).locator("td").nth(3).inner_text()) == "8:00"
        await assert_accessible(tab)
        await screenshot(tab, office, "attendance-data")
        await fits_a_phone(tab)


async def test_a_member_asks_for_leave_and_their_lead_approves_it(
    browser: Browser, office: Site
) -> None:
    async with watched_tab(browser, office.url) as (tab, _):
        await sign_in(tab, office, "mia")
        await tab.goto(f"{office.url}/app/absences")
        assert await tab.get_by_role("button", name="Genehmigen").count() == 0
        await assert_accessible(tab)
        await screenshot(tab, office, "absences-empty")
        await tab.get_by_label("Abwesenheitsart").select_option(label="Vacation")
        await tab.get_by_label("Erster Tag").fill("2026-07-06")
        await tab.get_by_label("Letzter Tag").fill("2026-07-03")
        await tab.get_by_role("button", name="Antrag senden").click()
        error = tab.locator("#to-error")
        assert await error.inner_text() == "Der letzte Tag darf nicht vor dem ersten Tag liegen."
        await assert_accessible(tab)
        await screenshot(tab, office, "absences-error")
        await tab.get_by_label("Letzter Tag").fill("2026-07-10")
        await tab.get_by_label("Notiz (optional)").fill("Sommer")
        await tab.get_by_role("button", name="Antrag senden").click()
        await tab.wait_for_url("**/app/absences?done=requested")
        assert "Wartet" in await tab.locator(".abs-mine").inner_text()
    async with watched_tab(browser, office.url) as (tab, _):
        await sign_in(tab, office, "lee")
        await tab.goto(f"{office.url}/app/absences")
        await assert_accessible(tab)
        await screenshot(tab, office, "absences-lead")
        await tab.get_by_role("button", name="Approve mia").click()
        await tab.wait_for_url("**/app/absences?done=approved")
        assert "No request waits for your decision." in await tab.locator("main").inner_text()
    async with office.api() as api:
        (absence,) = (await api.get("/absences", params={"user": "mia"})).json()
    assert (absence["from"], absence["to"], absence["status"]) == ("2026-07-06", "2026-07-10", 1)
    async with watched_tab(browser, office.url) as (tab, _):
        await sign_in(tab, office, "mia")
        await tab.goto(f"{office.url}/app/absences")
        assert "Genehmigt" in await tab.locator(".abs-mine").inner_text()
        await assert_accessible(tab)
        await screenshot(tab, office, "absences-data")
        await fits_a_phone(tab)


async def _uma_asks(office: Site, first: str, last: str) -> int:
    """uma's request for leave through the API: its id."""
    async with office.api() as api:
        body = {"username": "uma", "absenceType": 1, "from": first, "to": last}
        asked = await api.post("/absences", json=body)
        assert asked.status_code == 201, asked.text
        return int(asked.json()["id"])


async def test_a_plain_user_has_no_approve_control_and_a_posted_decision_is_refused(
    browser: Browser, office: Site
) -> None:
    absence_id = await _uma_asks(office, "2026-09-07", "2026-09-07")
    async with watched_tab(browser, office.url) as (tab, _):
        await sign_in(tab, office, "uma")
        await tab.goto(f"{office.url}/app/absences")
        assert await tab.get_by_role("button", name="Approve").count() == 0
        assert await tab.locator("#decide-title").count() == 0
        token = await tab.locator('input[name="csrf"]').first.get_attribute("value")
        response = await tab.request.post(
            f"{office.url}/app/absences/{absence_id}/decide",
            form={"csrf": token or "", "decision": "approve"},
            max_redirects=0,
        )
        assert response.status == 403  # as PUT /absences/{id} answers her: 10050
        assert "You may not decide this request." in await response.text()
    async with office.api() as api:
        assert (await api.get(f"/absences/{absence_id}")).json()["status"] == 0


async def test_a_person_withdraws_a_waiting_request_and_the_api_has_it_deleted(
    browser: Browser, office: Site
) -> None:
    absence_id = await _uma_asks(office, "2026-09-14", "2026-09-15")
    async with watched_tab(browser, office.url) as (tab, _):
        await sign_in(tab, office, "uma")
        await tab.goto(f"{office.url}/app/absences")
        # The button says which request it withdraws: its kind and its days.
        withdraw = tab.get_by_role(
            "button", name="Withdraw Vacation 14 Sept 2026 \u2013 15 Sept 2026", exact=True
        )
        assert await withdraw.count() == 1
        await assert_accessible(tab)
        await screenshot(tab, office, "absences-withdraw")
        await withdraw.focus()
        await tab.keyboard.press("Enter")
        await tab.wait_for_url("**/app/absences?done=withdrawn")
        assert await tab.get_by_role("status").inner_text() == "Your request is withdrawn."
        assert await withdraw.count() == 0
        assert "15 Sept 2026" not in await tab.locator("main").inner_text()
        await assert_accessible(tab)
        await fits_a_phone(tab)
    async with office.api() as api:
        gone = await api.get(f"/absences/{absence_id}")
        assert gone.status_code == 404
        assert gone.json()["errors"][0]["code"] == 17020  # deleted, as DELETE /absences leaves it
        listed = (await api.get("/absences", params={"user": "uma"})).json()
    assert absence_id not in [a["id"] for a in listed]
