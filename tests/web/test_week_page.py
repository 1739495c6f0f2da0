"""The week page over HTTP, in process (src/timetrack/web/week_page.py): the grid's form post
books what the API then lists, a duration the grid cannot read is shown next to its cell with
nothing written, every write needs the CSRF token, a lost race is shown instead of
overwriting, and another person's entry answers like a missing one."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from conftest import assert_error, client
from fastapi import FastAPI
from starlette.routing import Mount, Route

from timetrack.accounts.auth import CSRF_HEADER
from timetrack.accounts.service import Credentials
from timetrack.policy import Action, Resource

from .conftest import PASSWORD, csrf_of
from .grid import MONDAY, book, catalogue

ROOT = "http://testserver"
CSRF_FAILED, FIELD_INVALID, PRECONDITION_FAILED = 10061, 10011, 10030
WEEK = MONDAY.isoformat()
_CELL = re.compile(r'id="c-(\d+)-(\d+)-(\d{4}-\d{2}-\d{2})" name="([^"]+)" value="([^"]*)"')


@dataclass
class Person:
    browser: httpx.AsyncClient
    api: httpx.AsyncClient
    ids: dict[str, int]

    async def page(self, query: str = f"?week={WEEK}") -> str:
        response = await self.browser.get(f"/app/week{query}")
        assert response.status_code == 200, response.text
        return response.text

    async def entries(self, user: str = "alice") -> list[dict[str, Any]]:
        response = await self.api.get("/project_time_entries", params={"user": user})
        assert response.status_code == 200, response.text
        result: list[dict[str, Any]] = response.json()
        return result


def cells(html: str) -> dict[tuple[int, int, str], tuple[str, str]]:
    """(project, task, day) → (field name, value) of every editable cell of the page."""
    return {(int(p), int(t), d): (n, v) for p, t, d, n, v in _CELL.findall(html)}


async def sign_in(browser: httpx.AsyncClient, account: Credentials, username: str) -> None:
    form = await browser.get("/app/signin")
    fields = {
        "csrf": csrf_of(form.text),
        "account": account.account.slug,
        "username": username,
        "password": PASSWORD,
        "next": "/app/week",
    }
    assert (await browser.post("/app/signin", data=fields)).status_code == 303


@pytest.fixture
async def alice(app: FastAPI, account: Credentials) -> AsyncIterator[Person]:
    async with client(app, account) as api:
        ids = await catalogue(api)
        for name in ("alice", "bob"):
            body = {"password": PASSWORD}
            assert (await api.put(f"/users/{ids[name]}", json=body)).status_code == 200
        async with client(app, base_url=ROOT) as browser:
            await sign_in(browser, account, "alice")
            yield Person(browser, api, ids)


async def test_an_empty_week_says_what_to_do_first(alice: Person) -> None:
    html = await alice.page()
    assert "No entries this week." in html
    assert 'id="grid"' not in html


async def test_a_row_added_and_a_cell_typed_books_what_the_api_lists(alice: Person) -> None:
    html = await alice.page(f"?week={WEEK}&add-client=acme&add-project=website&add-task=Design")
    found = cells(html)
    key = (alice.ids["Website"], alice.ids["Design"], "2025-09-30")
    name, value = found[key]
    assert value == ""
    token = csrf_of(html)
    form = {"csrf": token, "week": WEEK, name: "1,5"}
    response = await alice.browser.post("/app/week", data=form)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/app/week?week={WEEK}&done=saved"
    [entry] = await alice.entries()
    assert (entry["workedMinutes"], entry["task"], entry["from"][:10]) == (
        90,
        "Design",
        "2025-09-30",
    )
    page = await alice.page()
    assert cells(page)[key][1] == "1:30"
    assert 'id="week-total">1:30<' in page


async def test_a_bad_duration_is_shown_next_to_its_cell_and_nothing_is_written(
    alice: Person,
) -> None:
    await book(alice.api, "2025-09-29T09:00:00Z", 60)
    html = await alice.page()
    found = cells(html)
    monday = found[(alice.ids["Website"], 0, "2025-09-29")][0]
    tuesday = found[(alice.ids["Website"], 0, "2025-09-30")][0]
    form = {"csrf": csrf_of(html), "week": WEEK, monday: "2:00", tuesday: "1:70"}
    response = await alice.browser.post("/app/week", data=form)
    assert response.status_code == 400
    cell = response.text.split('id="c-' + f'{alice.ids["Website"]}-0-2025-09-30"', 1)[1]
    assert 'value="1:70"' in cell.split(">", 1)[0]
    assert "Write a duration like 1:30, 1.5 or 90m." in cell.split("</td>", 1)[0]
    assert 'value="2:00"' in response.text  # the other typed cell is kept, not saved
    [entry] = await alice.entries()
    assert entry["workedMinutes"] == 60


async def test_a_fetch_sets_one_cell_and_answers_the_new_totals(alice: Person) -> None:
    await book(alice.api, "2025-09-29T09:00:00Z", 60)
    html = await alice.page()
    name = cells(html)[(alice.ids["Website"], 0, "2025-09-29")][0]
    headers = {"Accept": "application/json", CSRF_HEADER: csrf_of(html)}
    response = await alice.browser.post(
        "/app/week", data={"week": WEEK, name: "90m"}, headers=headers
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["value"] == "1:30"
    assert answer["total"] == "1:30"
    assert answer["days"][0] == {"total": "1:30", "difference": "-6:30"}
    refused = await alice.browser.post(
        "/app/week", data={"week": WEEK, answer["name"]: "abc"}, headers=headers
    )
    assert_error(refused, 400, FIELD_INVALID, pointer=f"/{answer['name']}")
    assert unquote(refused.headers["x-shown"]) == "Write a duration like 1:30, 1.5 or 90m."
    assert (await alice.entries())[0]["workedMinutes"] == 90


async def test_every_write_of_the_page_needs_the_csrf_token(alice: Person) -> None:
    entry = await book(alice.api, "2025-09-29T09:00:00Z", 60)
    html = await alice.page()
    name = cells(html)[(alice.ids["Website"], 0, "2025-09-29")][0]
    version = re.search(
        r'name="version" value="([0-9a-f]+)"', await alice.page(f"/entries/{entry['id']}")
    )
    assert version is not None
    posts = [
        ("/app/week", {"week": WEEK, name: "3:00"}),
        (f"/app/week/entries/{entry['id']}", {"version": version[1], "duration": "3:00"}),
        (f"/app/week/entries/{entry['id']}/delete", {"version": version[1]}),
    ]
    for path, fields in posts:
        for token in (None, "forged"):
            data = fields if token is None else {**fields, "csrf": token}
            response = await alice.browser.post(path, data=data)
            assert response.status_code == 403, path
        refused = await alice.browser.post(
            path, data=fields, headers={"Accept": "application/json"}
        )
        assert_error(refused, 403, CSRF_FAILED)
    [after] = await alice.entries()
    assert after["workedMinutes"] == 60


async def test_an_entry_edit_that_lost_a_race_shows_both_versions(alice: Person) -> None:
    entry = await book(alice.api, "2025-09-29T09:00:00Z", 60, details="first")
    html = await alice.page(f"/entries/{entry['id']}")
    version = re.search(r'name="version" value="([0-9a-f]+)"', html)
    assert version is not None
    changed = await alice.api.put(
        f"/project_time_entries/{entry['id']}", json={"details": "theirs"}
    )
    assert changed.status_code == 200
    form = {
        "csrf": csrf_of(html),
        "version": version[1],
        "start": "09:00",
        "end": "10:00",
        "duration": "1:00",
        "break": "0:00",
        "note": "mine",
        "client": "Acme",
        "project": "Website",
        "task": "",
    }
    response = await alice.browser.post(f"/app/week/entries/{entry['id']}", data=form)
    assert response.status_code == 412
    assert "This entry changed meanwhile." in response.text
    assert ">mine<" in response.text and ">theirs<" in response.text
    [now] = await alice.entries()
    assert now["details"] == "theirs"
    keep = re.search(
        r'name="version" value="([0-9a-f]+)">\s*(?:<input type="hidden" name="start")',
        response.text,
    )
    assert keep is not None and keep[1] != version[1]
    again = await alice.browser.post(
        f"/app/week/entries/{entry['id']}", data={**form, "version": keep[1]}
    )
    assert again.status_code == 303, again.text
    assert (await alice.entries())[0]["details"] == "mine"


async def test_another_persons_entry_answers_like_a_missing_one(
    alice: Person, app: FastAPI, account: Credentials
) -> None:
    theirs = await book(alice.api, "2025-09-29T09:00:00Z", 60, user="bob")
    other = await alice.browser.get(f"/app/week/entries/{theirs['id']}")
    missing = await alice.browser.get(f"/app/week/entries/{theirs['id'] + 1000}")
    assert other.status_code == missing.status_code == 404
    # The same page but for the id it names.
    mine, absent = f"time entry {theirs['id']} ", f"time entry {theirs['id'] + 1000} "
    assert mine in other.text
    assert other.text.replace(mine, "time entry N ") == missing.text.replace(
        absent, "time entry N "
    )
    html = await alice.page()
    post = await alice.browser.post(
        f"/app/week/entries/{theirs['id']}/delete", data={"csrf": csrf_of(html), "version": "x"}
    )
    assert post.status_code == 404
    assert len(await alice.entries("bob")) == 1


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("-1:00", "A duration cannot be negative."),
        ("25", "A day holds at most 24 hours."),
        ("1h 75m", "Write a duration like 1:30, 1.5 or 90m."),
    ],
)
async def test_each_unreadable_duration_says_why_in_words(
    alice: Person, typed: str, words: str
) -> None:
    html = await alice.page(f"?week={WEEK}&add-client=Acme&add-project=Website")
    name = cells(html)[(alice.ids["Website"], 0, "2025-10-01")][0]
    response = await alice.browser.post(
        "/app/week", data={"csrf": csrf_of(html), "week": WEEK, name: typed}
    )
    assert response.status_code == 400
    assert f'<a href="#c-{alice.ids["Website"]}-0-2025-10-01">{words}</a>' in response.text
    assert await alice.entries() == []


async def test_only_the_opened_entry_carries_its_forms(alice: Person) -> None:
    first = await book(alice.api, "2025-09-29T09:00:00Z", 60, details="first")
    second = await book(alice.api, "2025-09-29T11:00:00Z", 30, details="second")
    day = await alice.page(f"?week={WEEK}&day={WEEK}")
    for entry in (first, second):
        assert f'href="/app/week/entries/{entry["id"]}#entry-{entry["id"]}"' in day
        assert f'action="/app/week/entries/{entry["id"]}"' not in day
    opened = await alice.page(f"/entries/{second['id']}")
    assert f'action="/app/week/entries/{second["id"]}"' in opened
    assert f'action="/app/week/entries/{second["id"]}/delete"' in opened
    assert f'action="/app/week/entries/{first["id"]}"' not in opened
    assert f'href="/app/week/entries/{first["id"]}#entry-{first["id"]}"' in opened


async def test_an_entry_is_edited_by_end_or_duration_and_deleted(alice: Person) -> None:
    entry = await book(alice.api, "2025-09-29T09:00:00Z", 60, breakMinutes=15)
    path = f"/app/week/entries/{entry['id']}"
    html = await alice.page(path.removeprefix("/app/week"))
    assert "<details open>" in html
    version = re.search(r'name="version" value="([0-9a-f]+)"', html)
    assert version is not None
    form = {"csrf": csrf_of(html), "version": version[1], "end": "1130"}
    response = await alice.browser.post(path, data=form)
    assert response.status_code == 303, response.text
    assert (
        response.headers["location"] == f"/app/week?day=2025-09-29&done=entry#entry-{entry['id']}"
    )
    [after] = await alice.entries()
    assert (after["to"][11:16], after["workedMinutes"], after["breakMinutes"]) == ("11:30", 135, 15)
    html = await alice.page(path.removeprefix("/app/week"))
    version = re.search(r'name="version" value="([0-9a-f]+)"', html)
    assert version is not None
    form = {"csrf": csrf_of(html), "version": version[1], "duration": "0:45", "note": "short"}
    assert (await alice.browser.post(path, data=form)).status_code == 303
    [after] = await alice.entries()
    assert (after["to"][11:16], after["workedMinutes"], after["details"]) == ("10:00", 45, "short")
    stale = {"csrf": csrf_of(html), "version": version[1]}
    refused = await alice.browser.post(f"{path}/delete", data=stale)
    assert refused.status_code == 412
    assert "Delete anyway" in refused.text
    html = await alice.page(path.removeprefix("/app/week"))
    version = re.search(r'name="version" value="([0-9a-f]+)"', html)
    assert version is not None
    deleted = await alice.browser.post(f"{path}/delete", data={**stale, "version": version[1]})
    assert deleted.headers["location"] == "/app/week?day=2025-09-29&done=deleted"
    assert await alice.entries() == []


async def test_an_unreadable_time_is_shown_next_to_its_field_and_nothing_changes(
    alice: Person,
) -> None:
    entry = await book(alice.api, "2025-09-29T09:00:00Z", 60)
    html = await alice.page(f"/entries/{entry['id']}")
    version = re.search(r'name="version" value="([0-9a-f]+)"', html)
    assert version is not None
    form = {"csrf": csrf_of(html), "version": version[1], "start": "25:00", "note": "kept"}
    response = await alice.browser.post(f"/app/week/entries/{entry['id']}", data=form)
    assert response.status_code == 400
    field = f'id="e{entry["id"]}-start-error">Check this field.'
    assert field in response.text
    assert 'value="kept"' in response.text  # what was typed stays
    [after] = await alice.entries()
    assert after["details"] is None and after["from"][11:16] == "09:00"


async def test_a_cell_of_several_entries_is_changed_in_the_days_list(alice: Person) -> None:
    await book(alice.api, "2025-09-29T09:00:00Z", 60)
    await book(alice.api, "2025-09-29T14:00:00Z", 30)
    html = await alice.page()
    assert (alice.ids["Website"], 0, "2025-09-29") not in cells(html)
    assert '1:30<span class="visually-hidden"> (several entries)</span>' in html


async def test_odd_addresses_and_fields_answer_a_page_or_a_refusal(alice: Person) -> None:
    for query in ("?week=9999-12-31", "?week=0001-01-01&day=x", "?row=1²-0&row=99999999999-0"):
        assert (await alice.browser.get(f"/app/week{query}")).status_code == 200, query
    html = await alice.page()
    for name in ("c:1:0:9999-12-31:0:-", "c:99999999999:0:2025-09-29:0:-", "c:1:0:2025-02-30:0:-"):
        response = await alice.browser.post(
            "/app/week", data={"csrf": csrf_of(html), "week": WEEK, name: "1:00"}
        )
        assert response.status_code == 400, name
    for path in ("/app/week/entries/abc", "/app/week/entries/99999999999999999999"):
        assert (await alice.browser.get(path)).status_code == 404, path
    assert await alice.entries() == []


async def test_the_header_offers_a_timer_and_shows_the_running_one(alice: Person) -> None:
    html = await alice.page()
    assert '<a href="/app/timer">Start a timer</a>' in html
    fields = {"csrf": csrf_of(html), "client": "Acme", "project": "Website"}
    assert (await alice.browser.post("/app/timer/start", data=fields)).status_code == 303
    html = await alice.page()
    header = html.split("</header>", 1)[0]
    assert "Running: Website" in header and 'id="header-clock"' in header
    assert 'action="/app/timer/stop"' in header and "header.js" in html
    timer_page = (await alice.browser.get("/app/timer")).text
    assert "header-clock" not in timer_page  # the page shows its own clock


async def test_a_grid_post_that_lost_a_race_keeps_the_typed_value_to_send_again(
    alice: Person,
) -> None:
    entry = await book(alice.api, "2025-09-29T09:00:00Z", 60)
    html = await alice.page()
    key = (alice.ids["Website"], 0, "2025-09-29")
    name = cells(html)[key][0]
    changed = await alice.api.put(
        f"/project_time_entries/{entry['id']}", json={"workedMinutes": 45}
    )
    assert changed.status_code == 200
    response = await alice.browser.post(
        "/app/week", data={"csrf": csrf_of(html), "week": WEEK, name: "2:00"}
    )
    assert response.status_code == 412
    assert "This cell changed meanwhile." in response.text
    assert "Saved now: 0:45. Save again to keep yours." in response.text
    again_name, typed = cells(response.text)[key]
    assert typed == "2:00" and again_name != name
    assert (await alice.entries())[0]["workedMinutes"] == 45
    again = await alice.browser.post(
        "/app/week", data={"csrf": csrf_of(html), "week": WEEK, again_name: typed}
    )
    assert again.status_code == 303
    assert (await alice.entries())[0]["workedMinutes"] == 120


def test_the_week_pages_read_and_write_time_entries(app_without_database: FastAPI) -> None:
    (mount,) = [r for r in app_without_database.router.routes if isinstance(r, Mount)]
    declared = {
        (route.path, method): getattr(route.endpoint, "permission", None)
        for route in mount.routes
        if isinstance(route, Route) and route.path.startswith("/week")
        for method in route.methods or ()
        if method != "HEAD"
    }
    reads, writes = (Resource.TIME_ENTRIES, Action.READ), (Resource.TIME_ENTRIES, Action.WRITE)
    assert declared == {
        ("/week", "GET"): reads,
        ("/week", "POST"): writes,
        ("/week/entries/{id}", "GET"): reads,
        ("/week/entries/{id}", "POST"): writes,
        ("/week/entries/{id}/delete", "POST"): writes,
    }
