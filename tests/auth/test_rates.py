"""Rates (hour rates and budgets) are for admins and the account key, and for other people only
when the account shows them (``timetrack account update --rates-visible yes``): hidden from
every answer and its ETag, refused in writes, kept whole in the audit log."""

from __future__ import annotations

from typing import Any

import httpx
from conftest import assert_error, auth_headers
from fastapi import FastAPI
from test_permissions_matrix import World, _as, world

from timetrack.accounts.service import update_account
from timetrack.app import API_PREFIX
from timetrack.grants import RATE_FIELDS

__all__ = ["world"]  # the fixture, found by pytest among this module's names

ADMIN = frozenset({"admin"})
ENTRY = {
    "user": "mia",
    "clientName": "C1",
    "projectName": "P1",
    "from": "2026-04-06T09:00:00.000Z",
    "to": "2026-04-06T10:00:00.000Z",
}


def _rates_in(value: Any) -> set[str]:
    """The rate fields anywhere in an answer."""
    if isinstance(value, dict):
        return (value.keys() & RATE_FIELDS) | {f for v in value.values() for f in _rates_in(v)}
    if isinstance(value, list):
        return {f for item in value for f in _rates_in(item)}
    return set()


async def _answers(caller: httpx.AsyncClient, world: World, name: str) -> dict[str, Any]:
    """What a person reads of records that carry rates, by every kind of answer (an admin
    reads mia's entry, having none)."""
    entry_id = world.records.get(name, world.records["mia"])["project_time_entries"]
    timer = {"username": name, "date": "2026-04-07T09:00:00.000Z"}
    started = await caller.post(
        "/project_timer/start", json=timer | {"clientName": "C1", "projectName": "P1"}
    )
    assert started.status_code == 200, started.text
    stopped = await caller.post(
        "/project_timer/stop", json=timer | {"date": "2026-04-07T10:00:00.000Z"}
    )
    assert stopped.status_code == 200, stopped.text
    answers = {
        "entry": await caller.get(f"/project_time_entries/{entry_id}"),
        "entries": await caller.get("/project_time_entries"),
        "feed": await caller.get("/project_time_entries", params={"updatedSince": "2000-01-01"}),
        "projects": await caller.get("/projects"),
        "project": await caller.get("/projects/1"),
        "tasks": await caller.get("/tasks"),
        "me": await caller.get(f"/users/{world.users[name]}"),
        "bulk": await caller.post("/project_time_entries/bulk", json=[ENTRY | {"user": name}]),
    }
    return {what: _ok(response) for what, response in answers.items()} | {
        "stopped timer": stopped.json()
    }


def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


async def test_people_other_than_admins_see_no_rates_anywhere(world: World) -> None:
    for name in ("lee", "mia", "eve"):
        async with _as(world, name, ADMIN) as person:
            answers = await _answers(person, world, name)
        assert "projectTimeEntry" in answers["stopped timer"]
        for what, answer in answers.items():
            assert _rates_in(answer) == set(), (name, what)


async def test_admins_and_the_account_key_see_every_rate(world: World) -> None:
    async with _as(world, "ada", ADMIN) as admin:
        answers = await _answers(admin, world, "ada")
    assert _rates_in(answers["entry"]) == {"hourRate"}
    assert _rates_in(answers["project"]) == {"hourRate", "budgetEstimated"}
    assert _rates_in(answers["stopped timer"]) == {"hourRate"}
    async with _account_key(world) as key:
        assert "hourRate" in _ok(await key.get("/project_time_entries/1"))


async def test_the_account_setting_shows_rates_to_everybody(world: World, app: FastAPI) -> None:
    async with app.state.db.transaction(write=True) as tx:
        await update_account(tx, world.account.account.slug, rates_visible=True)
    async with _as(world, "mia", ADMIN) as mia:
        answers = await _answers(mia, world, "mia")
        assert _rates_in(answers["entry"]) == {"hourRate"}
        assert _rates_in(answers["project"]) == {"hourRate", "budgetEstimated"}
        # Seen, a rate may be set too.
        entry_id = world.records["mia"]["project_time_entries"]
        updated = await mia.put(f"/project_time_entries/{entry_id}", json={"hourRate": 80})
        assert _ok(updated)["hourRate"] == 80


async def test_a_rate_one_may_not_see_is_refused_in_every_write(world: World) -> None:
    entry_id = world.records["mia"]["project_time_entries"]
    async with _as(world, "mia", ADMIN) as mia:
        before = _ok(await mia.get("/project_time_entries", params={"limit": "1000"}))
        created = await mia.post("/project_time_entries", json=ENTRY | {"hourRate": 1})
        assert_error(created, 403, 10056, pointer="/hourRate")
        bulk = await mia.post(
            "/project_time_entries/bulk", json=[ENTRY, ENTRY | {"hourRate": 1000}]
        )
        assert_error(bulk, 403, 10056, pointer="/1/hourRate")
        updated = await mia.put(f"/project_time_entries/{entry_id}", json={"hourRate": 1})
        assert_error(updated, 403, 10056, pointer="/hourRate")
        after = _ok(await mia.get("/project_time_entries", params={"limit": "1000"}))
    assert after == before
    async with _account_key(world) as key:
        stored = _ok(await key.get(f"/project_time_entries/{entry_id}"))
    assert stored["hourRate"] == 0


async def test_an_etag_read_without_rates_is_the_one_if_match_expects(world: World) -> None:
    entry_id = world.records["mia"]["project_time_entries"]
    async with _as(world, "mia", ADMIN) as mia:
        read = await mia.get(f"/project_time_entries/{entry_id}")
        etag = read.headers["ETag"]
        updated = await mia.put(
            f"/project_time_entries/{entry_id}",
            json={"details": "checked"},
            headers={"If-Match": etag},
        )
        assert updated.status_code == 200, updated.text
        assert (
            updated.headers["ETag"]
            == (await mia.get(f"/project_time_entries/{entry_id}")).headers["ETag"]
        )
    async with _account_key(world) as key:
        full = await key.get(f"/project_time_entries/{entry_id}")
    # The ETag hashes what its reader sees: it cannot be used to guess the hidden rate.
    assert full.headers["ETag"] != updated.headers["ETag"]


async def test_the_audit_log_keeps_the_rate_of_a_write_by_a_person(world: World) -> None:
    async with _as(world, "mia", ADMIN) as mia:
        created = _ok(await mia.post("/project_time_entries", json=ENTRY))
    async with _account_key(world) as key:
        log = _ok(
            await key.get(
                "/audit_log",
                params={"resource": "project_time_entries", "recordId": str(created["id"])},
            )
        )
    assert [item["after"]["hourRate"] for item in log] == [0]


def _account_key(world: World) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world.app),
        base_url="http://testserver" + API_PREFIX,
        headers=auth_headers(world.account),
    )
