"""Helpers and constants shared by the tests of this package.

``/users/{id}/working_time_models`` and ``/users/{id}/leave_balance`` over HTTP.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import httpx

from timetrack.db import Database

UPDATED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


MODEL_KEYS = {
    "id",
    "userId",
    "username",
    "validFrom",
    "mondaySeconds",
    "tuesdaySeconds",
    "wednesdaySeconds",
    "thursdaySeconds",
    "fridaySeconds",
    "saturdaySeconds",
    "sundaySeconds",
    "vacationDaysPerYear",
    "updatedAt",
}


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


BALANCE_KEYS = {
    "userId",
    "username",
    "year",
    "entitlementDays",
    "takenDays",
    "plannedDays",
    "remainingDays",
}


# The default absence types of a new account (absence_types.service.DEFAULT_TYPES).
VACATION, HALF_DAY_LEAVE, SICK_LEAVE = 1, 2, 5


WAITING, APPROVED, DISAPPROVED = 0, 1, 2


async def create_user(api: httpx.AsyncClient, username: str = "alice") -> dict[str, Any]:
    response = await api.post(
        "/users",
        json={
            "username": username,
            "firstName": "Alice",
            "lastName": "Archer",
            "email": f"{username}@example.com",
            "password": "Correct-Horse-42",
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def models_path(user_id: int | str) -> str:
    return f"/users/{user_id}/working_time_models"


async def create_model(api: httpx.AsyncClient, user_id: int, **fields: Any) -> dict[str, Any]:
    response = await api.post(models_path(user_id), json={"validFrom": "2026-01-01", **fields})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


class Absences:
    """Inserts absence rows directly (the absences API is another resource's business)."""

    def __init__(self, database: Database, account_id: int) -> None:
        self.database = database
        self.account_id = account_id
        self.next_id = 1000

    async def add(
        self,
        user_id: int,
        start: str,
        end: str,
        *,
        type_id: int = VACATION,
        status: int = APPROVED,
        segment: int = 0,
        deleted: bool = False,
    ) -> None:
        self.next_id += 1
        stamp = datetime.now(UTC)
        async with self.database.transaction(write=True) as tx:
            await tx.execute(
                "INSERT INTO absences (account_id, id, user_id, absence_type_id, start_date, "
                "end_date, status, day_segment, notes, created_at, updated_at, deleted_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)",
                self.account_id,
                self.next_id,
                user_id,
                type_id,
                date.fromisoformat(start),
                date.fromisoformat(end),
                status,
                segment,
                None,
                stamp,
                stamp if deleted else None,
            )


def balance_path(user_id: int | str, year: int | str | None = None) -> str:
    suffix = "" if year is None else f"?year={year}"
    return f"/users/{user_id}/leave_balance{suffix}"
