"""The account's settings page: a change saved (and audited) as the CLI's update saves it, a
refused value next to its field, and a form older than the account's last change refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.accounts.service import Credentials, get_account
from timetrack.db import Database
from timetrack.policy import Role

from .admin_people import add_people, form_fields, signed_in

PATH = "/app/admin/account"


@pytest.fixture
async def admin(app: FastAPI, account: Credentials) -> AsyncIterator[httpx.AsyncClient]:
    await add_people(app, account)
    async with signed_in(app, account, Role.ADMIN) as browser:
        yield browser


async def _settings(database: Database, account: Credentials) -> tuple[str, str | None, str | None]:
    async with database.transaction(write=False) as tx:
        found = await get_account(tx, account.account.slug)
    return found.timezone, found.country, found.region


async def test_a_change_of_zone_country_and_region_is_saved_and_audited(
    admin: httpx.AsyncClient, app: FastAPI, database: Database, account: Credentials
) -> None:
    fields = form_fields((await admin.get(PATH)).text, PATH)
    change = {"timezone": "Europe/Berlin", "country": "de", "region": "BY"}
    response = await admin.post(PATH, data=fields | change)
    assert response.status_code == 303, response.text
    assert (await admin.get(response.headers["location"])).text.count("were saved") == 1
    assert await _settings(database, account) == ("Europe/Berlin", "DE", "BY")
    async with client(app, account) as api:
        log = (await api.get("/audit_log", params={"resource": "accounts"})).json()
    assert [entry["actor"] for entry in log if entry["action"] == "update"] == ["user:the-admin"]


@pytest.mark.parametrize(
    ("field", "value"), [("timezone", "Mars/Olympus"), ("country", "XX"), ("region", "Nowhere")]
)
async def test_a_refused_setting_is_shown_next_to_its_field_and_nothing_changes(
    admin: httpx.AsyncClient, database: Database, account: Credentials, field: str, value: str
) -> None:
    before = await _settings(database, account)
    fields = form_fields((await admin.get(PATH)).text, PATH)
    response = await admin.post(PATH, data=fields | {"country": "DE", field: value})
    assert response.status_code == 400
    assert f'<p class="error" id="{field}-error">' in response.text
    assert await _settings(database, account) == before


async def test_a_form_older_than_the_last_change_is_a_conflict(
    admin: httpx.AsyncClient, database: Database, account: Credentials
) -> None:
    first = form_fields((await admin.get(PATH)).text, PATH)
    second = dict(first)
    assert (await admin.post(PATH, data=first | {"timezone": "Europe/Vienna"})).status_code == 303
    response = await admin.post(PATH, data=second | {"timezone": "Asia/Tokyo"})
    assert response.status_code == 412
    assert "Someone changed this record since you opened it." in response.text
    assert (await _settings(database, account))[0] == "Europe/Vienna"
