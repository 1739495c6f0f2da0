"""Reports count only what the caller reaches (tests/test_permissions_matrix.py's world: ada an
admin, lee leading mia, uma in no team, eve external; each of lee, mia, uma and eve has one hour
booked on P1 in March 2026), hide money from who may not see rates, and never show another
account's data."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import assert_error
from test_permissions_matrix import PEOPLE, World, _as, world

from timetrack.accounts.service import update_account
from timetrack.grants import RATE_FIELDS

from .common import JANUARY, build, detailed_sums, summary

__all__ = ["world"]  # the fixture, found by pytest among this module's names

ADMIN = frozenset({"admin"})
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
REACHED = {
    "ada": set(PEOPLE),
    "lee": {"lee", "mia"},
    "mia": {"mia"},
    "uma": {"uma"},
    "eve": {"eve"},
}


def _money_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return (value.keys() & RATE_FIELDS) | {f for v in value.values() for f in _money_in(v)}
    if isinstance(value, list):
        return {f for item in value for f in _money_in(item)}
    return set()


@pytest.mark.parametrize("viewer", sorted(REACHED))
async def test_each_person_sums_only_the_entries_they_reach(world: World, viewer: str) -> None:
    async with _as(world, viewer, ADMIN) as caller:
        report = await caller.get("/reports/summary", params={**MARCH, "groupBy": "user"})
        assert report.status_code == 200, report.text
        seen = {group["name"] for group in report.json()["groups"]}
        assert seen == REACHED[viewer]
        assert report.json()["totals"]["workedMinutes"] == 60 * len(seen)
        listed = await caller.get("/reports/detailed", params=MARCH)
        assert {row["user"] for row in listed.json()} == REACHED[viewer]
        assert listed.headers["X-Total-Count"] == str(len(seen))
        assert listed.headers["X-Total-Worked-Minutes"] == str(60 * len(seen))
        budgets = await caller.get("/reports/projects", params=MARCH)
        assert budgets.status_code == 200, budgets.text
        assert sum(p["workedMinutes"] for p in budgets.json()) == 60 * len(seen)
        if viewer == "eve":  # an external user sees the projects she is assigned to
            assert [p["projectName"] for p in budgets.json()] == ["P1"]


async def test_another_users_name_answers_like_an_unknown_user(world: World) -> None:
    async with _as(world, "mia", ADMIN) as mia:
        for path in ("/reports/summary", "/reports/detailed", "/reports/projects"):
            params = {**MARCH, "groupBy": "user"}
            other = await mia.get(path, params={**params, "username": "uma"})
            nobody = await mia.get(path, params={**params, "username": "nobody"})
            assert_error(other, 400, 14040, parameter="username")
            assert other.json() == nobody.json() | {
                "errors": [nobody.json()["errors"][0] | {"detail": "no user named 'uma'"}]
            }
            by_id = await mia.get(path, params={**params, "userId": world.users["uma"]})
            assert by_id.status_code == 200, by_id.text
        report = await mia.get(
            "/reports/summary", params={**MARCH, "groupBy": "user", "userId": world.users["uma"]}
        )
        assert report.json()["totals"]["entries"] == 0


async def test_a_user_sees_no_amount_unless_the_account_shows_rates(world: World) -> None:
    params = {**MARCH, "groupBy": "project", "subGroupBy": "user"}
    async with _as(world, "mia", ADMIN) as mia:
        hidden = {
            "summary": (await mia.get("/reports/summary", params=params)).json(),
            "detailed": (detailed := await mia.get("/reports/detailed", params=MARCH)).json(),
            "projects": (await mia.get("/reports/projects", params=MARCH)).json(),
        }
        assert _money_in(hidden) == set()
        assert "X-Total-Amount" not in detailed.headers
        assert detailed.headers["X-Currency"] == "EUR"
        assert hidden["summary"]["totals"]["currency"] == "EUR"
    async with _as(world, "ada", ADMIN) as ada:
        shown = (await ada.get("/reports/summary", params=params)).json()
        assert shown["totals"]["amount"] == 0 and "amount" in shown["groups"][0]["groups"][0]
    async with world.app.state.db.transaction(write=True) as tx:
        await update_account(tx, world.account.account.slug, rates_visible=True, currency="CHF")
    async with _as(world, "mia", ADMIN) as mia:
        report = (await mia.get("/reports/summary", params=params)).json()
        assert report["totals"]["amount"] == 0
        assert report["totals"]["currency"] == "CHF"
        detailed = await mia.get("/reports/detailed", params=MARCH)
        assert detailed.headers["X-Total-Amount"] == "0.00"
        projects = (await mia.get("/reports/projects", params=MARCH)).json()
        assert {"amount", "budgetEstimated", "budgetUsedPercent"} <= projects[0].keys()


async def test_the_reports_scope_opens_reports_only(world: World) -> None:
    async with _as(world, "ada", frozenset({"reports:read"})) as key:
        report = await key.get("/reports/summary", params={**MARCH, "groupBy": "user"})
        assert report.status_code == 200, report.text
        assert_error(await key.get("/project_time_entries"), 403, 10051)
    async with _as(world, "ada", frozenset({"attendances:read"})) as key:
        refused = await key.get("/reports/summary", params={**MARCH, "groupBy": "user"})
        assert_error(refused, 403, 10051)


async def test_another_accounts_data_never_appears(
    api: httpx.AsyncClient, other_api: httpx.AsyncClient
) -> None:
    await build(other_api)
    theirs = await summary(other_api, groupBy="user")
    assert theirs["totals"]["entries"] == 6
    mine = await summary(api, groupBy="project", subGroupBy="user")
    assert (mine["totals"]["entries"], mine["groups"]) == (0, [])
    their_user = theirs["groups"][0]["key"]
    assert (await summary(api, groupBy="user", userId=their_user))["groups"] == []
    assert (await detailed_sums(api))["entries"] == 0
    projects = await api.get("/reports/projects", params=JANUARY)
    assert (projects.status_code, projects.json()) == (200, [])
    named = await api.get(
        "/reports/summary", params={**JANUARY, "groupBy": "user", "username": "ann"}
    )
    assert_error(named, 400, 14040, parameter="username")
