"""Who exports what: the list's reach (a person's own records, a lead's team), a user out of
reach as unknown, money only where rates are shown, and each person's own language.

The world is the permission matrix's (tests/test_permissions_matrix.py): ada (admin), lee
leading mia, uma, and eve (external), each of the four with an entry and an attendance.
"""

from __future__ import annotations

import pytest
from conftest import assert_error
from fastapi import FastAPI
from test_permissions_matrix import PEOPLE, World, _as, world

from exports.common import csv_rows, workbook_sheet
from timetrack.accounts.service import update_account

__all__ = ["world"]  # the fixture, found by pytest among this module's names

ADMIN = frozenset({"admin"})
REACHED = {
    "ada": set(PEOPLE),
    "lee": {"lee", "mia"},
    "mia": {"mia"},
    "uma": {"uma"},
    "eve": {"eve"},
}


@pytest.mark.parametrize("viewer", ["ada", *PEOPLE])
async def test_an_export_holds_what_the_list_shows_the_caller(world: World, viewer: str) -> None:
    async with _as(world, viewer, ADMIN) as caller:
        for path in ("/exports/project_time_entries", "/exports/attendances"):
            _, rows = csv_rows(await caller.get(path, params={"lang": "en"}))
            assert {row["user"] for row in rows} == REACHED[viewer], (viewer, path)
            listed = await caller.get(path.removeprefix("/exports"))
            assert [int(row["id"]) for row in rows] == [item["id"] for item in listed.json()]


@pytest.mark.parametrize("viewer", PEOPLE)
async def test_a_timesheet_of_someone_out_of_reach_is_of_an_unknown_user(
    world: World, viewer: str
) -> None:
    async with _as(world, viewer, ADMIN) as caller:
        missing = await caller.get(
            "/exports/timesheet", params={"username": "nobody", "month": "2026-03"}
        )
        assert_error(missing, 400, 14040, parameter="username")
        for owner in PEOPLE:
            response = await caller.get(
                "/exports/timesheet",
                params={"username": owner, "month": "2026-03", "format": "csv"},
            )
            if owner in REACHED[viewer]:
                assert response.status_code == 200, (viewer, owner, response.text)
            else:
                error = assert_error(response, 400, 14040, parameter="username")
                assert error["detail"] == missing.json()["errors"][0]["detail"].replace(
                    "nobody", owner
                )


async def test_money_columns_only_where_rates_are_shown(world: World, app: FastAPI) -> None:
    path = "/exports/project_time_entries"
    async with _as(world, "mia", ADMIN) as mia, _as(world, "ada", ADMIN) as ada:
        keys, _ = csv_rows(await mia.get(path, params={"lang": "en"}))
        assert "hourRate" not in keys and "amount" not in keys
        header = [
            c.value for c in workbook_sheet(await mia.get(path, params={"format": "xlsx"}))[1]
        ]
        assert "Hour rate" not in header and "Amount" not in header
        keys, _ = csv_rows(await ada.get(path, params={"lang": "en"}))
        assert keys[-2:] == ["hourRate", "amount"]
        async with app.state.db.transaction(write=True) as tx:
            await update_account(tx, world.account.account.slug, rates_visible=True)
        keys, _ = csv_rows(await mia.get(path, params={"lang": "en"}))
        assert keys[-2:] == ["hourRate", "amount"]


async def test_the_default_language_is_the_callers(world: World, app: FastAPI) -> None:
    async with app.state.db.transaction(write=True) as tx:
        await tx.execute(
            "UPDATE users SET language = 'de-AT' WHERE account_id = $1 AND id = $2",
            world.account.account.id,
            world.users["mia"],
        )
    path = "/exports/project_time_entries"
    async with _as(world, "mia", ADMIN) as mia, _as(world, "uma", ADMIN) as uma:
        german = await mia.get(path)
        assert german.content.decode("utf-8-sig").startswith("ID;Datum;Benutzer")
        english = await mia.get(path, params={"lang": "en"})
        assert english.content.decode("utf-8-sig").startswith("ID,Date,User")
        assert (await uma.get(path)).content.decode("utf-8-sig").startswith("ID,Date,User")
