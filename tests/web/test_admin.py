"""The admin pages of every section of ``admin_table.SECTIONS``, in process on both databases:
list, search, page 2, create, edit, a validation error, a conflict and delete, each checked
against what the API answers for the same records."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.policy import Role
from timetrack.web.admin_table import SECTIONS, Section

from .admin_people import add_people, form_fields, signed_in


@dataclass(frozen=True)
class Sample:
    """What a section's forms are filled with: ``create(n)`` the fields of the n-th new
    record, ``edit`` a change and the API field it shows in, ``invalid`` a field the service
    refuses (and the input the error stands next to)."""

    create: dict[str, str]
    edit: tuple[str, str]
    invalid: tuple[str, str]
    search: str  # the API's name filter parameter
    query: str = "zed"  # what finds the three records the test makes
    narrows: bool = True  # whether the filter finds one of them by its name

    def fields(self, n: int) -> dict[str, str]:
        return {name: value.format(n=n) for name, value in self.create.items()}


SAMPLES = {
    "clients": Sample({"name": "Zed {n}"}, ("notes", "edited"), ("email", "nope"), "name"),
    "projects": Sample(
        {"projectName": "Zed {n}", "clientName": "Acme"},
        ("notes", "edited"),
        ("clientName", "Nobody such"),
        "projectName",
    ),
    "tasks": Sample({"name": "Zed {n}"}, ("notes", "edited"), ("hourRate", "lots"), "name"),
    "users": Sample(
        {
            "username": "zed{n}",
            "firstName": "Zed",
            "lastName": "Example",
            "email": "zed{n}@example.com",
            "password": "a long password",
            "language": "en",
        },
        ("lastName", "Edited"),
        ("email", "nope"),
        "username",
    ),
    "teams": Sample({"name": "Zed {n}"}, ("members", "the-user"), ("leads", "nobody-such"), "name"),
    # The keys' filter is their owner: the admin's own three.
    "api_keys": Sample(
        {"name": "Zed {n}", "scopes": "read, time_entries:write"},
        ("name", "Renamed"),
        ("name", "x" * 300),  # the edit form's one field: too long a name
        "username",
        query="the-admin",
        narrows=False,
    ),
}


def test_every_section_has_a_sample() -> None:
    assert set(SAMPLES) == {section.slug for section in SECTIONS}


@pytest.fixture
async def admin(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    await add_people(app, account)
    async with client(app, account) as api:
        assert (await api.post("/clients", json={"name": "Acme"})).status_code == 201
    async with signed_in(app, account, Role.ADMIN) as browser:
        yield browser


@pytest.fixture
async def api(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app, account) as api:
        yield api


async def _create(browser: httpx.AsyncClient, section: Section, n: int) -> None:
    path = f"/app/admin/{section.slug}/new"
    fields = form_fields((await browser.get(path)).text, path)
    response = await browser.post(path, data=fields | SAMPLES[section.slug].fields(n))
    if section.api.shown_once is not None:  # the page that shows the secret once
        assert response.status_code == 200, response.text
        assert 'id="new-secret"' in response.text
        return
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(f"/app/admin/{section.slug}?done=created")


async def _find(api: httpx.AsyncClient, section: Section, n: int) -> dict[str, object]:
    sample = SAMPLES[section.slug]
    name = sample.fields(n)[section.name_field]
    query = name if sample.narrows else sample.query
    found = (await api.get(f"/{section.slug}", params={sample.search: query})).json()
    (item,) = [i for i in found if i[section.name_field] == name]
    return dict(item)


def _names(page: str, section: Section) -> list[str]:
    """The names the list shows, in order (the row headers' links)."""
    pattern = rf'<th scope="row"><a href="/app/admin/{section.slug}/\d+">([^<]*)</a>'
    return [html.unescape(name) for name in re.findall(pattern, page)]


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
async def test_the_list_searches_and_pages_as_the_api_does(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, section: Section
) -> None:
    for n in range(1, 4):
        await _create(admin, section, n)
    sample = SAMPLES[section.slug]
    listed = await admin.get(f"/app/admin/{section.slug}", params={"q": sample.query})
    assert listed.status_code == 200
    found = await api.get(f"/{section.slug}", params={sample.search: sample.query})
    assert _names(listed.text, section) == [i[section.name_field] for i in found.json()]
    assert len(found.json()) == 3
    second_name = sample.fields(2)[section.name_field]
    if sample.narrows:
        one = await admin.get(f"/app/admin/{section.slug}", params={"q": second_name})
        assert _names(one.text, section) == [second_name]
    params = {"q": sample.query, "page": "2", "limit": "2"}
    second = await admin.get(f"/app/admin/{section.slug}", params=params)
    api_second = await api.get(
        f"/{section.slug}", params={sample.search: sample.query, "page_number": "1", "limit": "2"}
    )
    assert _names(second.text, section) == [i[section.name_field] for i in api_second.json()]
    assert len(api_second.json()) == 1
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
async def test_an_edit_is_saved_and_the_api_answers_it(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, section: Section
) -> None:
    await _create(admin, section, 1)
    item = await _find(api, section, 1)
    path = f"/app/admin/{section.slug}/{item['id']}"
    fields = form_fields((await admin.get(path)).text, path)
    name, value = SAMPLES[section.slug].edit
    response = await admin.post(path, data=fields | {name: value})
    assert response.status_code == 303, response.text
    after = (await api.get(f"/{section.slug}/{item['id']}")).json()
    assert after[name] in (value, [value])
    # Nothing else changed: every other field reads as before.
    assert {k: v for k, v in after.items() if k not in (name, "updatedAt")} == {
        k: v for k, v in item.items() if k not in (name, "updatedAt")
    }


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
async def test_a_refused_field_is_shown_next_to_it_in_words_and_nothing_is_saved(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, section: Section
) -> None:
    await _create(admin, section, 1)
    item = await _find(api, section, 1)
    path = f"/app/admin/{section.slug}/{item['id']}"
    fields = form_fields((await admin.get(path)).text, path)
    name, value = SAMPLES[section.slug].invalid
    response = await admin.post(path, data=fields | {name: value})
    assert response.status_code in (400, 409), response.text
    assert f'<p class="error" id="{name}-error">' in response.text
    assert 'aria-invalid="true"' in response.text
    assert '<small class="detail">' in response.text  # the API's message underneath
    assert f'value="{html.escape(value)}"' in response.text  # what was typed stays
    assert (await api.get(f"/{section.slug}/{item['id']}")).json() == item


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
async def test_an_edit_of_a_record_changed_meanwhile_is_a_conflict_and_overwrites_nothing(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, section: Section
) -> None:
    await _create(admin, section, 1)
    item = await _find(api, section, 1)
    path = f"/app/admin/{section.slug}/{item['id']}"
    fields = form_fields((await admin.get(path)).text, path)
    name, value = SAMPLES[section.slug].edit
    # Another writer changes the record after the form was shown.
    changed = await api.put(f"/{section.slug}/{item['id']}", json={"id": item["id"]} | _other(name))
    assert changed.status_code == 200, changed.text
    response = await admin.post(path, data=fields | {name: value})
    assert response.status_code == 412
    assert "Someone changed this record since you opened it." in response.text
    assert (await api.get(f"/{section.slug}/{item['id']}")).json() == changed.json()


def _other(name: str) -> dict[str, object]:
    """Another writer's change of the field the sample edits."""
    return {name: ["the-teamlead"] if name == "members" else "theirs"}


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.slug)
async def test_delete_asks_first_and_refuses_a_changed_record(
    admin: httpx.AsyncClient, api: httpx.AsyncClient, section: Section
) -> None:
    await _create(admin, section, 1)
    item = await _find(api, section, 1)
    path = f"/app/admin/{section.slug}/{item['id']}/delete"
    question = await admin.get(path)
    assert question.status_code == 200
    fields = form_fields(question.text, path)
    assert (await api.get(f"/{section.slug}/{item['id']}")).status_code == 200  # only asked
    name, _ = SAMPLES[section.slug].edit
    await api.put(f"/{section.slug}/{item['id']}", json=_other(name))
    stale = await admin.post(path, data=fields)
    assert stale.status_code == 412 and "Someone changed this record" in stale.text
    assert (await api.get(f"/{section.slug}/{item['id']}")).status_code == 200
    fresh = form_fields((await admin.get(path)).text, path)
    done = await admin.post(path, data=fresh)
    assert done.status_code == 303
    assert "done=deleted" in done.headers["location"]
    assert (await api.get(f"/{section.slug}/{item['id']}")).status_code in (404, 410)


async def test_a_new_api_keys_secret_is_shown_once_and_works(
    admin: httpx.AsyncClient, app: FastAPI
) -> None:
    path = "/app/admin/api_keys/new"
    fields = form_fields((await admin.get(path)).text, path)
    shown = await admin.post(path, data=fields | {"name": "Payroll", "scopes": "read"})
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    key = re.search(r'id="new-key">([^<]+)<', shown.text)
    secret = re.search(r'id="new-secret">([^<]+)<', shown.text)
    assert key is not None and secret is not None
    headers = {"X-TimeTrack-Api-Key": key.group(1), "X-TimeTrack-Api-Secret": secret.group(1)}
    async with client(app, headers) as holder:
        assert (await holder.get("/clients")).status_code == 200
    listed = await admin.get("/app/admin/api_keys")
    assert "Payroll" in listed.text and secret.group(1) not in listed.text
