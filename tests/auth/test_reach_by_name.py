"""The issue's attacks by name, as a plain user (mia, a personal key with every scope her role
has) asking for another user's (uma's) data by every other way than a record id, which
tests/test_permissions_matrix.py covers: work reports, the leave balance, the change feed, a
bulk create, the audit log. Each answers as if uma did not exist, and writes nothing."""

from __future__ import annotations

from conftest import assert_error
from fastapi import FastAPI
from test_permissions_matrix import MISSING, World, _as, world

from timetrack.accounts.service import set_enabled

__all__ = ["world"]  # the fixture, found by pytest among this module's names

ADMIN = frozenset({"admin"})


async def test_work_reports_of_another_user_answer_as_of_nobody(world: World) -> None:
    async with _as(world, "mia", ADMIN) as mia:
        params = {"from": "2026-03-01", "to": "2026-03-31"}
        other = await mia.get("/work_reports", params={**params, "username": "uma"})
        nobody = await mia.get("/work_reports", params={**params, "username": "nobody"})
        assert other.status_code == nobody.status_code == 400
        assert other.json()["errors"][0]["code"] == nobody.json()["errors"][0]["code"]
        everyone = await mia.get("/work_reports", params=params)
        assert everyone.status_code == 200, everyone.text
        assert {row["username"] for row in everyone.json()} == {"mia"}


async def test_the_leave_balance_of_another_user_is_not_found(world: World) -> None:
    async with _as(world, "mia", ADMIN) as mia:
        other = await mia.get(f"/users/{world.users['uma']}/leave_balance")
        missing = await mia.get(f"/users/{MISSING}/leave_balance")
        assert other.status_code == missing.status_code == 404
        own = await mia.get(f"/users/{world.users['mia']}/leave_balance")
        assert own.status_code == 200, own.text


async def test_the_change_feed_shows_only_ones_own_records(world: World) -> None:
    feed = {"updatedSince": "2000-01-01", "includeDeleted": "true", "limit": "1000"}
    async with _as(world, "mia", ADMIN) as mia:
        for path in ("/project_time_entries", "/attendances", "/absences", "/users"):
            listed = await mia.get(path, params=feed)
            assert listed.status_code == 200, listed.text
            owners = {item.get("user", item.get("username")) for item in listed.json()}
            assert owners == {"mia"}, (path, owners)
            assert listed.headers["X-Total-Count"] == str(len(listed.json()))


async def test_a_bulk_create_naming_another_user_writes_nothing(world: World) -> None:
    entry = {
        "clientName": "C1",
        "projectName": "P1",
        "from": "2026-04-06T09:00:00.000Z",
        "to": "2026-04-06T10:00:00.000Z",
    }
    async with _as(world, "mia", ADMIN) as mia:
        before = (await mia.get("/project_time_entries")).headers["X-Total-Count"]
        refused = await mia.post(
            "/project_time_entries/bulk", json=[entry | {"user": "mia"}, entry | {"user": "uma"}]
        )
        assert_error(refused, 400, 14040, pointer="/1/user")
        assert (await mia.get("/project_time_entries")).headers["X-Total-Count"] == before


async def test_the_audit_log_is_closed_to_a_user(world: World) -> None:
    async with _as(world, "mia", ADMIN) as mia:
        assert_error(await mia.get("/audit_log"), 403, 10050)


async def test_a_disabled_account_refuses_its_peoples_keys(world: World, app: FastAPI) -> None:
    async with app.state.db.transaction(write=True) as tx:
        await set_enabled(tx, world.account.account.slug, False)
    async with _as(world, "mia", ADMIN) as mia:
        assert_error(await mia.get("/auth/me"), 403, 10003)
