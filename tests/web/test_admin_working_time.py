"""The working-time models' admin page in process, on both databases: the person search, a
person's list, create, edit, refused values, a conflict and delete, each checked against what
``/users/{id}/working_time_models`` answers for the same models."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.policy import Role

from .admin_people import add_people, form_fields, signed_in, username_of

PAGE = "/app/admin/working_time_models"
# What the API stores for the model the create form is filled with below.
TYPED = {
    "validFrom": "2026-07-01",
    "mondaySeconds": "7:30",
    "tuesdaySeconds": "7,5",
    "wednesdaySeconds": "8",
    "thursdaySeconds": "450m",
    "fridaySeconds": " 4 ",
    "saturdaySeconds": "",
    "sundaySeconds": "0",
    "vacationDaysPerYear": "27,5",
}
STORED = {
    "validFrom": "2026-07-01",
    "mondaySeconds": 27000,
    "tuesdaySeconds": 27000,
    "wednesdaySeconds": 28800,
    "thursdaySeconds": 27000,
    "fridaySeconds": 14400,
    "saturdaySeconds": 0,
    "sundaySeconds": 0,
    "vacationDaysPerYear": 27.5,
}


@pytest.fixture
async def api(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app, account) as api:
        yield api


@pytest.fixture
async def admin(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> AsyncIterator[httpx.AsyncClient]:
    await add_people(app, account)
    async with signed_in(app, account, Role.ADMIN) as browser:
        yield browser


@pytest.fixture
async def person(admin: httpx.AsyncClient, api: httpx.AsyncClient) -> int:
    """The plain user's id: whose models the tests manage."""
    (user,) = (await api.get("/users", params={"username": username_of(Role.USER)})).json()
    return int(user["id"])


async def _models(api: httpx.AsyncClient, person: int) -> list[dict[str, Any]]:
    response = await api.get(f"/users/{person}/working_time_models")
    assert response.status_code == 200, response.text
    return list(response.json())


async def _add(api: httpx.AsyncClient, person: int, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post(f"/users/{person}/working_time_models", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _without_meta(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in ("id", "userId", "username", "updatedAt")}


async def test_the_person_search_lists_whom_the_api_lists_by_username(
    admin: httpx.AsyncClient, api: httpx.AsyncClient
) -> None:
    page = await admin.get(PAGE, params={"q": "the-"})
    assert page.status_code == 200
    shown = re.findall(rf'<th scope="row"><a href="{PAGE}/(\d+)">([^<]*)</a>', page.text)
    listed = (await api.get("/users", params={"username": "the-"})).json()
    assert [(int(i), name) for i, name in shown] == [(u["id"], u["username"]) for u in listed]
    assert len(listed) == 4
    nobody = await admin.get(PAGE, params={"q": "nobody-such"})
    assert "Nothing matches this search." in nobody.text


async def test_a_person_without_models_is_told_they_work_the_default_week(
    admin: httpx.AsyncClient, person: int
) -> None:
    page = await admin.get(f"{PAGE}/{person}")
    assert page.status_code == 200
    assert "has no working-time model yet and works the default week" in page.text
    assert f'href="{PAGE}/{person}/new"' in page.text


async def test_a_model_typed_in_hours_is_created_as_the_api_stores_it(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, person: int
) -> None:
    path = f"{PAGE}/{person}/new"
    form = await admin.get(path)
    fields = form_fields(form.text, path)
    # The new form offers the default week (Monday-Friday 8 h) and the default leave.
    assert (fields["mondaySeconds"], fields["sundaySeconds"]) == ("8:00", "0:00")
    assert fields["vacationDaysPerYear"] == "20"
    created = await admin.post(path, data=fields | TYPED)
    assert created.status_code == 303, created.text
    assert created.headers["location"] == f"{PAGE}/{person}?done=created&from=2026-07-01"
    (model,) = await _models(api, person)
    assert _without_meta(model) == STORED
    listed = await admin.get(created.headers["location"])
    assert "The model valid from 1 Jul 2026 was created." in listed.text
    cells = re.findall(r'<td class="num">([^<]*)</td>', listed.text)
    assert cells == ["7:30", "7:30", "8:00", "7:30", "4:00", "0:00", "0:00", "34:30", "27.5"]


async def test_the_list_speaks_the_viewers_locale(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, person: int
) -> None:
    await _add(api, person, {**STORED, "validFrom": "2026-01-01"})
    await _add(api, person, {**STORED, "vacationDaysPerYear": 30})
    (me,) = (await api.get("/users", params={"username": username_of(Role.ADMIN)})).json()
    assert (await api.put(f"/users/{me['id']}", json={"language": "de"})).status_code == 200
    page = await admin.get(f"{PAGE}/{person}")
    assert "Arbeitszeitmodelle von User Example" in page.text
    # The first model applies until the day before the second starts; the second is open.
    rows = re.findall(r'<th scope="row"><a [^>]*>([^<]*)</a></th>\s*<td>([^<]*)<', page.text)
    assert rows == [("01.01.2026", "30.06.2026"), ("01.07.2026", "")]
    assert '<td class="num">27,5</td>' in page.text
    assert '<td class="num">30</td>' in page.text


async def test_an_edit_changes_what_was_typed_and_keeps_odd_seconds_left_alone(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, person: int
) -> None:
    model = await _add(api, person, {**STORED, "mondaySeconds": 28830})
    path = f"{PAGE}/{person}/{model['id']}"
    fields = form_fields((await admin.get(path)).text, path)
    assert fields["mondaySeconds"] == "8:00:30"
    assert fields["vacationDaysPerYear"] == "27.5"
    saved = await admin.post(path, data=fields | {"fridaySeconds": "6:15"})
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{PAGE}/{person}?done=saved&from=2026-07-01"
    (after,) = await _models(api, person)
    assert _without_meta(after) == STORED | {"mondaySeconds": 28830, "fridaySeconds": 22500}


@pytest.mark.parametrize(
    ("field", "typed", "words", "status"),
    [
        ("mondaySeconds", "lots", "Enter hours from 0 to 24, such as 8, 7:30 or 7.5.", 400),
        ("mondaySeconds", "-2", "Enter hours from 0 to 24, such as 8, 7:30 or 7.5.", 400),
        # Read as 25 hours; the API refuses the seconds in its own words.
        ("tuesdaySeconds", "25", "Enter hours from 0 to 24, such as 8, 7:30 or 7.5.", 400),
        ("vacationDaysPerYear", "400", "Enter days from 0 to 366, such as 28 or 27.5.", 400),
        ("validFrom", "1.7.2026", "Enter a date such as 2026-07-01.", 400),
        ("validFrom", "", "Fill in this field.", 400),
        ("validFrom", "2026-01-01", "This person has a model valid from this day already.", 409),
    ],
)
async def test_a_refused_value_is_shown_next_to_its_field_and_nothing_is_created(
    admin: httpx.AsyncClient,
    api: httpx.AsyncClient,
    person: int,
    field: str,
    typed: str,
    words: str,
    status: int,
) -> None:
    existing = await _add(api, person, {"validFrom": "2026-01-01"})
    path = f"{PAGE}/{person}/new"
    fields = form_fields((await admin.get(path)).text, path)
    response = await admin.post(path, data=fields | TYPED | {field: typed})
    assert response.status_code == status, response.text
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', response.text)
    assert error is not None and html.unescape(error[1]) == words
    assert f'id="{field}" name="{field}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert '<small class="detail">' in response.text  # the API's (or the reader's) message
    assert f'value="{html.escape(typed)}"' in response.text  # what was typed stays
    assert await _models(api, person) == [existing]


async def test_an_edit_of_a_model_changed_meanwhile_is_a_conflict_and_overwrites_nothing(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, person: int
) -> None:
    model = await _add(api, person, STORED)
    path = f"{PAGE}/{person}/{model['id']}"
    fields = form_fields((await admin.get(path)).text, path)
    url = f"/users/{person}/working_time_models/{model['id']}"
    changed = await api.put(url, json={"fridaySeconds": 0})
    assert changed.status_code == 200, changed.text
    response = await admin.post(path, data=fields | {"mondaySeconds": "6"})
    assert response.status_code == 412
    assert "Someone changed this record since you opened it." in response.text
    assert f'href="{path}">Reopen to see the current version' in response.text
    assert (await api.get(url)).json() == changed.json()


async def test_a_delete_asks_first_then_the_api_lists_the_model_no_more(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, person: int
) -> None:
    model = await _add(api, person, STORED)
    path = f"{PAGE}/{person}/{model['id']}/delete"
    question = await admin.get(path)
    assert question.status_code == 200
    assert "Delete the model of User Example valid from 1 Jul 2026?" in question.text
    assert await _models(api, person) == [model]  # asking deleted nothing
    deleted = await admin.post(path, data=form_fields(question.text, path))
    assert deleted.status_code == 303, deleted.text
    assert deleted.headers["location"] == f"{PAGE}/{person}?done=deleted&from=2026-07-01"
    assert await _models(api, person) == []
    gone = await admin.get(f"{PAGE}/{person}/{model['id']}")
    assert gone.status_code == 404


async def test_a_delete_of_a_model_changed_meanwhile_is_a_conflict_and_deletes_nothing(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, person: int
) -> None:
    model = await _add(api, person, STORED)
    path = f"{PAGE}/{person}/{model['id']}/delete"
    fields = form_fields((await admin.get(path)).text, path)
    url = f"/users/{person}/working_time_models/{model['id']}"
    changed = (await api.put(url, json={"vacationDaysPerYear": 10})).json()
    refused = await admin.post(path, data=fields)
    assert refused.status_code == 412
    assert "Someone changed this record since you opened it." in refused.text
    assert await _models(api, person) == [changed]


async def test_the_pages_writes_are_in_the_audit_log_as_the_apis_are(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, person: int
) -> None:
    path = f"{PAGE}/{person}/new"
    fields = form_fields((await admin.get(path)).text, path)
    assert (await admin.post(path, data=fields | TYPED)).status_code == 303
    (model,) = await _models(api, person)
    log = (await api.get("/audit_log", params={"resource": "working_time_models"})).json()
    assert [(e["action"], e["recordId"], e["after"]) for e in log] == [
        ("create", model["id"], model)
    ]
