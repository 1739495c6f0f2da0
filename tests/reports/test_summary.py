"""GET /reports/summary: the sums of an account's entries by one or two groupings (see
common.py for the account the tests book)."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from timetrack.reports.query import GROUPINGS

from .common import (
    BERLIN,
    JANUARY,
    TOTAL_AMOUNT,
    TOTAL_WORKED,
    add_user,
    assert_groups_add_up,
    book,
    build,
    detailed_sums,
    summary,
)


@pytest.fixture
async def users(api: httpx.AsyncClient) -> dict[str, int]:
    return await build(api)


def names(groups: list[dict[str, Any]]) -> list[Any]:
    return [group["name"] for group in groups]


def by_name(groups: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {group["name"]: group for group in groups}


async def test_totals_sum_every_entry_with_its_frozen_rate(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    report = await summary(api, groupBy="project")
    assert (report["from"], report["to"]) == ("2026-01-01", "2026-01-31")
    assert report["rounding"] == {"mode": "none", "minutes": None}
    assert report["totals"] == {
        "entries": 6,
        "workedMinutes": TOTAL_WORKED,
        "breakMinutes": 10,
        "billableMinutes": TOTAL_WORKED - 240,
        "amount": TOTAL_AMOUNT,
        "currency": "EUR",
    }
    assert names(report["groups"]) == ["App", "Shop", "Website"]
    website = by_name(report["groups"])["Website"]
    assert (website["entries"], website["workedMinutes"], website["amount"]) == (3, 160, 160.0)


async def test_a_flat_rate_entry_bills_its_rate_once_and_an_unbillable_one_nothing(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    shop = by_name((await summary(api, groupBy="project", subGroupBy="task"))["groups"])["Shop"]
    # Dev: 7 min at 90.00/h; no task: the flat-rate entry of 4 hours, 250.00 once.
    assert [(g["name"], g["workedMinutes"], g["amount"]) for g in shop["groups"]] == [
        ("Dev", 7, 10.5),
        (None, 240, 250.0),
    ]
    app = by_name((await summary(api, groupBy="project"))["groups"])["App"]
    assert (app["workedMinutes"], app["billableMinutes"], app["amount"]) == (240, 0, 0.0)


@pytest.mark.parametrize(
    "levels",
    [(g,) for g in GROUPINGS]
    + [pair for pair in itertools.permutations(GROUPINGS, 2) if "tag" not in pair],
)
async def test_groups_add_up_to_their_parent_and_to_the_entry_list(
    api: httpx.AsyncClient, users: dict[str, int], levels: tuple[str, ...]
) -> None:
    params = dict(zip(("groupBy", "subGroupBy"), levels, strict=False))
    report = await summary(api, **params, rounding="nearest", roundingMinutes="15")
    if levels[0] != "tag":
        assert_groups_add_up(report["totals"], report["groups"])
    listed = await detailed_sums(api, rounding="nearest", roundingMinutes="15")
    totals = report["totals"]
    for field in ("entries", "workedMinutes", "breakMinutes", "billableMinutes", "amount"):
        assert totals[field] == listed[field], field


async def test_tag_groups_count_an_entry_in_each_of_its_tags(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    report = await summary(api, groupBy="tag", subGroupBy="project")
    groups = by_name(report["groups"])
    assert names(report["groups"]) == ["#meeting", "#remote", None]
    assert (groups["#meeting"]["entries"], groups["#remote"]["entries"]) == (2, 1)
    assert groups[None]["entries"] == 4
    # The entry tagged twice is in both groups; the totals count it once.
    assert sum(g["entries"] for g in report["groups"]) == report["totals"]["entries"] + 1
    for group in report["groups"]:  # within one tag, each entry counts once
        assert_groups_add_up(group, group["groups"])
    meeting = await summary(api, groupBy="project", tag="meeting")
    assert names(meeting["groups"]) == ["App", "Website"]
    assert (await summary(api, groupBy="project", tag="#meet"))["totals"]["entries"] == 0


async def test_a_user_in_two_teams_counts_in_the_first_only(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    await add_user(api, "cy", BERLIN)  # in no team
    await book(api, "cy", "Acme", "App", None, "2026-01-07T09:00:00Z", "2026-01-07T09:30:00Z")
    report = await summary(api, groupBy="team", subGroupBy="user")
    teams = by_name(report["groups"])
    # bob is in Blue (made first) and Red: he counts in Blue only, ann in Red.
    assert names(report["groups"]) == ["Blue", "Red", None]
    assert names(teams["Blue"]["groups"]) == ["bob"]
    assert names(teams["Red"]["groups"]) == ["ann"]
    assert (teams[None]["key"], names(teams[None]["groups"])) == (None, ["cy"])
    assert_groups_add_up(report["totals"], report["groups"])


async def test_dated_groups_are_days_iso_weeks_months_and_years_in_order(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    days = await summary(api, groupBy="day")
    assert [g["key"] for g in days["groups"]] == [
        "2026-01-05", "2026-01-12", "2026-01-20", "2026-01-21", "2026-01-31",
    ]  # fmt: skip
    weeks = await summary(api, groupBy="week")
    assert [g["key"] for g in weeks["groups"]] == ["2026-W02", "2026-W03", "2026-W04", "2026-W05"]
    assert [g["key"] for g in (await summary(api, groupBy="month"))["groups"]] == ["2026-01"]
    assert [g["key"] for g in (await summary(api, groupBy="year"))["groups"]] == ["2026"]
    billable = await summary(api, groupBy="billable")
    assert [(g["key"], g["name"]) for g in billable["groups"]] == [
        (True, "billable"),
        (False, "not billable"),
    ]


async def test_an_iso_week_belongs_to_its_iso_year(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    await book(api, "ann", "Acme", "App", None, "2024-12-30T09:00:00Z", "2024-12-30T10:00:00Z")
    report = await summary(api, groupBy="week", **{"from": "2024-12-01", "to": "2024-12-31"})
    assert [g["key"] for g in report["groups"]] == ["2025-W01"]


async def test_rounding_applies_to_each_entry_and_is_named(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    await book(api, "ann", "Acme", "Website", None, "2026-02-02T09:00:00Z", "2026-02-02T09:07:00Z")
    await book(api, "ann", "Acme", "Website", None, "2026-02-02T10:00:00Z", "2026-02-02T10:08:00Z")
    february = {"from": "2026-02-01", "to": "2026-02-28", "groupBy": "user"}
    expected = {"none": 15, "up": 30, "down": 0, "nearest": 15}  # 7 and 8 minutes, by 15
    for mode, minutes in expected.items():
        params = {"rounding": mode} | ({"roundingMinutes": "15"} if mode != "none" else {})
        report = await summary(api, **february, **params)
        assert report["totals"]["workedMinutes"] == minutes, mode
        assert report["rounding"]["mode"] == mode
        assert report["totals"]["amount"] == minutes  # 60.00 an hour: one per minute
    report = await summary(api, **february, rounding="up")
    assert report["rounding"] == {"mode": "up", "minutes": 15}  # the default multiple
    unrounded = await summary(api, **february, roundingMinutes="30")
    assert unrounded["rounding"] == {"mode": "none", "minutes": None}
    assert unrounded["totals"]["workedMinutes"] == 15


async def test_a_rate_changed_after_booking_changes_no_past_report(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    before = await summary(api, groupBy="project")
    website = (await api.get("/projects", params={"name": "Website"})).json()[0]
    changed = await api.put(f"/projects/{website['id']}", json={"hourRate": 999})
    assert changed.status_code == 200, changed.text
    assert await summary(api, groupBy="project") == before


async def test_an_entry_counts_on_the_local_date_it_starts_on(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    # Over midnight in Berlin: all of it counts on 14 February.
    await book(api, "ann", "Acme", "App", None, "2026-02-14T23:00:00Z", "2026-02-15T01:00:00Z")
    # Tokyo's 15 February at 00:30 is 14 February 15:30 UTC: it counts on the 15th.
    await book(api, "bob", "Acme", "App", None, "2026-02-15T00:30:00Z", "2026-02-15T01:00:00Z")
    report = await summary(
        api, groupBy="day", subGroupBy="user", **{"from": "2026-02-14", "to": "2026-02-15"}
    )
    assert [(g["key"], names(g["groups"]), g["workedMinutes"]) for g in report["groups"]] == [
        ("2026-02-14", ["ann"], 120),
        ("2026-02-15", ["bob"], 30),
    ]
    only_15th = await summary(api, groupBy="user", **{"from": "2026-02-15", "to": "2026-02-15"})
    assert names(only_15th["groups"]) == ["bob"]
    # An instant is each user's own date: Tokyo's midnight is still the 14th in Berlin.
    instant = {"from": "2026-02-15T00:00:00+09:00", "to": "2026-02-15"}
    both = await summary(api, groupBy="user", **instant)
    assert [(g["name"], g["workedMinutes"]) for g in both["groups"]] == [("ann", 120), ("bob", 30)]
    assert both["from"] == "2026-02-15"


async def test_a_daylight_saving_day_counts_its_real_minutes_on_its_date(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    # Berlin springs forward on 29 March 2026: 01:00 to 04:00 on the wall clock is 2 hours.
    await book(api, "ann", "Acme", "App", None, "2026-03-29T01:00:00Z", "2026-03-29T04:00:00Z")
    # and falls back on 25 October: 01:30 to 02:30 (the second one) is 2 hours.
    await book(
        api, "ann", "Acme", "App", None, "2026-10-25T01:30:00+02:00", "2026-10-25T02:30:00+01:00"
    )
    report = await summary(api, groupBy="day", **{"from": "2026-03-01", "to": "2026-10-31"})
    assert [(g["key"], g["workedMinutes"]) for g in report["groups"]] == [
        ("2026-03-29", 120),
        ("2026-10-25", 120),
    ]


async def test_an_empty_period_answers_zeros(api: httpx.AsyncClient, users: dict[str, int]) -> None:
    report = await summary(
        api, groupBy="project", subGroupBy="user", **{"from": "2030-01-01", "to": "2030-12-31"}
    )
    assert report["totals"] == {
        "entries": 0,
        "workedMinutes": 0,
        "breakMinutes": 0,
        "billableMinutes": 0,
        "amount": 0,
        "currency": "EUR",
    }
    assert report["groups"] == []
    nobody = await summary(api, groupBy="user", projectName="no such project")
    assert (nobody["totals"]["entries"], nobody["groups"]) == (0, [])


async def test_filters_pick_the_entries_the_entry_list_would(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    cases: list[dict[str, Any]] = [
        {"username": "ANN"},
        {"userId": str(users["bob"])},
        {"clientName": "acm"},
        {"projectName": "shop"},
        {"task": "des"},
        {"billable": "false"},
    ]
    for params in cases:
        report = await summary(api, groupBy="user", **params)
        listed = await api.get("/project_time_entries", params={**JANUARY, **params, "limit": 1000})
        assert report["totals"]["entries"] == len(listed.json()), params
        assert report["totals"]["workedMinutes"] == sum(
            e["workedMinutes"] for e in listed.json()
        ), params


async def test_post_with_an_empty_body_reads_and_another_body_is_refused(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    params = {**JANUARY, "groupBy": "client"}
    got = await api.get("/reports/summary", params=params)
    bodies: list[dict[str, Any] | None] = [None, {}]
    for body in bodies:
        posted = await api.post("/reports/summary", params=params, json=body)
        assert posted.status_code == 200, posted.text
        assert posted.json() == got.json()
    refused = await api.post("/reports/summary", params=params, json={"groupBy": "user"})
    assert refused.status_code == 405
    assert refused.json()["errors"][0]["code"] == 10008


async def test_the_summary_names_ignored_parameters_and_answers_304_when_unchanged(
    api: httpx.AsyncClient, users: dict[str, int]
) -> None:
    params = {**JANUARY, "groupBy": "user", "groupby": "task"}
    first = await api.get("/reports/summary", params=params)
    assert first.headers["X-Ignored-Fields"] == "groupby"
    again = await api.get(
        "/reports/summary", params=params, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    await book(api, "ann", "Acme", "App", None, "2026-01-02T09:00:00Z", "2026-01-02T09:30:00Z")
    changed = await api.get(
        "/reports/summary", params=params, headers={"If-None-Match": first.headers["ETag"]}
    )
    assert changed.status_code == 200
    assert changed.json()["totals"]["entries"] == 7
