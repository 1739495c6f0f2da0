"""A user's leave balance (``/users/{id}/leave_balance``): entitlement from the models, absences
taken, public holidays.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from conftest import NEVER, assert_error

from timetrack.accounts.service import Credentials
from timetrack.db import Database

from .common import (
    BALANCE_KEYS,
    DISAPPROVED,
    HALF_DAY_LEAVE,
    SICK_LEAVE,
    WAITING,
    Absences,
    balance_path,
    create_model,
    create_user,
    models_path,
)


class TestLeaveBalance:
    async def test_without_models_or_absences(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        response = await api.get(balance_path(user["id"], 2026))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "userId": user["id"],
            "username": "alice",
            "year": 2026,
            "entitlementDays": 20,
            "takenDays": 0,
            "plannedDays": 0,
            "remainingDays": 20,
        }

    async def test_year_defaults_to_the_current_one(
        self, api: httpx.AsyncClient, user: dict[str, Any]
    ) -> None:
        response = await api.get(balance_path(user["id"]))
        assert response.status_code == 200
        body = response.json()
        assert set(body) == BALANCE_KEYS
        # The account's zone is UTC; around New Year the year may just have turned.
        assert body["year"] in {datetime.now(UTC).year, datetime.now(UTC).year - 1}
        read_by_post = await api.post(balance_path(user["id"]) + "/", content=b"{}")
        assert read_by_post.status_code == 200
        assert read_by_post.json()["year"] == body["year"]
        assert_error(await api.post(balance_path(user["id"]), json={"year": 2026}), 405, 10008)

    @pytest.mark.parametrize("year", ["1969", "2200", "abc", "2026.5", "", "-2026"])
    async def test_invalid_year(
        self, api: httpx.AsyncClient, user: dict[str, Any], year: str
    ) -> None:
        assert_error(await api.get(balance_path(user["id"], year)), 400, 10013, parameter="year")

    @pytest.mark.parametrize("year", [1970, 2199])
    async def test_year_limits(
        self, api: httpx.AsyncClient, user: dict[str, Any], year: int
    ) -> None:
        response = await api.get(balance_path(user["id"], year))
        assert response.status_code == 200, response.text
        assert response.json()["year"] == year

    async def test_unknown_user(self, api: httpx.AsyncClient) -> None:
        assert_error(await api.get(balance_path(NEVER, 2026)), 404, 14010)
        assert_error(await api.get(balance_path("abc")), 404, 14010)

    async def test_hand_computed_year_in_bavaria(
        self, by_api: httpx.AsyncClient, bavaria: Credentials, database: Database
    ) -> None:
        """2026 for a user who goes from full time (30 days) to four days a week (20 days) on
        1 July, in Bavaria (DE/BY).

        Entitlement: 30 x 181/365 + 20 x 184/365 = 24.96, to the half day: 25.

        Taken (approved, types that count):
        - Mon 11 May - Mon 18 May, vacation: Thu 14 May is Ascension Day and 16/17 May a
          weekend: 11, 12, 13, 15, 18 = 5 days;
        - Mon 2 March, a half-day-leave type: 0.5;
        - Tue 3 March, vacation for the first half of the day: 0.5;
        - Mon 29 June - Fri 3 July, vacation across the model change: 29 and 30 June
          (full time), 1 and 2 July (Wednesday, Thursday), Friday 3 July is no working day in
          the new model: 4 days;
        - Fri 3 April (Good Friday) - Mon 6 April (Easter Monday): all holiday or weekend: 0.
        Total 10.

        Planned (waiting): Mon 1 - Fri 5 June with Corpus Christi on Thursday 4 June: 4; Mon 28
        December 2026 - Tue 5 January 2027, only Monday-Thursday 28-31 December inside 2026
        (1 January is a holiday and in 2027 anyway): 4. Total 8.

        Not counted: sick leave, a disapproved vacation, a deleted vacation, and another
        user's vacation.

        Remaining: 25 - 10 - 8 = 7.
        """
        alice = await create_user(by_api, "alice")
        bob = await create_user(by_api, "bob")
        full = await create_model(
            by_api, alice["id"], validFrom="2025-01-01", vacationDaysPerYear=30
        )
        part = await create_model(
            by_api,
            alice["id"],
            validFrom="2026-07-01",
            fridaySeconds=0,
            vacationDaysPerYear=20,
        )
        assert (full["fridaySeconds"], part["fridaySeconds"]) == (28800, 0)
        absences = Absences(database, bavaria.account.id)
        uid = alice["id"]
        await absences.add(uid, "2026-05-11", "2026-05-18")
        await absences.add(uid, "2026-03-02", "2026-03-02", type_id=HALF_DAY_LEAVE)
        await absences.add(uid, "2026-03-03", "2026-03-03", segment=1)
        await absences.add(uid, "2026-06-29", "2026-07-03")
        await absences.add(uid, "2026-04-03", "2026-04-06")
        await absences.add(uid, "2026-06-01", "2026-06-05", status=WAITING)
        await absences.add(uid, "2026-12-28", "2027-01-05", status=WAITING)
        await absences.add(uid, "2026-02-02", "2026-02-06", type_id=SICK_LEAVE)
        await absences.add(uid, "2026-09-07", "2026-09-11", status=DISAPPROVED)
        await absences.add(uid, "2026-10-05", "2026-10-09", deleted=True)
        await absences.add(bob["id"], "2026-10-12", "2026-10-16")

        response = await by_api.get(balance_path(uid, 2026))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "userId": uid,
            "username": "alice",
            "year": 2026,
            "entitlementDays": 25,
            "takenDays": 10,
            "plannedDays": 8,
            "remainingDays": 7,
        }
        # 2027: the part-time model all year (20 days). Of the year-end leave, 4 and 5 January
        # fall in 2027 as working days (1 January is a holiday, 2 and 3 January a weekend).
        response = await by_api.get(balance_path(uid, 2027))
        assert response.json()["entitlementDays"] == 20
        assert response.json()["plannedDays"] == 2
        assert response.json()["takenDays"] == 0
        assert response.json()["remainingDays"] == 18
        # 2025: the full-time model all year; nothing taken.
        response = await by_api.get(balance_path(uid, 2025))
        assert response.json()["entitlementDays"] == 30
        assert response.json()["remainingDays"] == 30
        # Bob has no model: the default 20 days, his one week of vacation taken.
        response = await by_api.get(balance_path(bob["id"], 2026))
        assert response.json()["entitlementDays"] == 20
        assert response.json()["takenDays"] == 5

    async def test_a_deleted_model_no_longer_applies(
        self, by_api: httpx.AsyncClient, bavaria: Credentials, database: Database
    ) -> None:
        alice = await create_user(by_api, "alice")
        model = await create_model(
            by_api, alice["id"], validFrom="2026-01-01", vacationDaysPerYear=27.5
        )
        assert (await by_api.get(balance_path(alice["id"], 2026))).json()["entitlementDays"] == 27.5
        await by_api.delete(f"{models_path(alice['id'])}/{model['id']}")
        assert (await by_api.get(balance_path(alice["id"], 2026))).json()["entitlementDays"] == 20

    async def test_a_model_starting_mid_year_follows_the_default(
        self, by_api: httpx.AsyncClient, bavaria: Credentials, database: Database
    ) -> None:
        # Before a user's first model the default applies (20 days, Monday-Friday 8 h):
        # 20 x 90/365 + 30 x 275/365 = 27.53 -> 27.5.
        alice = await create_user(by_api, "alice")
        await create_model(by_api, alice["id"], validFrom="2026-04-01", vacationDaysPerYear=30)
        absences = Absences(database, bavaria.account.id)
        await absences.add(alice["id"], "2026-03-30", "2026-04-01", status=WAITING)
        body = (await by_api.get(balance_path(alice["id"], 2026))).json()
        assert body["entitlementDays"] == 27.5
        assert body["plannedDays"] == 3
        assert body["remainingDays"] == 24.5
