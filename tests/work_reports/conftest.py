"""Fixtures of the tests in tests/work_reports/ (their helpers are in common.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from conftest import client
from fastapi import FastAPI

from timetrack.db import Database

from .common import (
    HDL,
    HO,
    SICK,
    VAC,
    Example,
    add_absence,
    add_attendance,
    add_model,
    add_user,
    bavarian_account,
)


@pytest.fixture
async def example(app: FastAPI, database: Database) -> AsyncIterator[Example]:
    """anna's January 2025 (see the module docstring); ben has no data at all."""
    creds = await bavarian_account(database)
    async with client(app, creds) as api:
        ben = await add_user(api, "ben")  # created first: the order is by name, not by id
        anna = await add_user(api, "anna")
        acc = creds.account.id
        async with database.transaction(write=True) as tx:
            h8, h6, h4 = 8 * 3600, 6 * 3600, 4 * 3600
            await add_model(tx, acc, 1000, anna, "2024-01-01", (h8, h8, h8, h8, h8, 0, 0))
            await add_model(tx, acc, 1001, anna, "2025-01-16", (h6, h6, h6, h6, h4, 0, 0))
            await add_model(tx, acc, 1002, anna, "2025-01-20", (1, 1, 1, 1, 1, 1, 1), deleted=True)
            attendances: list[tuple[str, str | None, int]] = [
                ("2024-12-31 08:00", "2024-12-31 12:00", 0),  # before the range
                ("2025-01-02 08:00", "2025-01-02 16:30", 30),
                ("2025-01-03 08:00", "2025-01-03 12:00", 0),
                ("2025-01-03 12:45", "2025-01-03 17:15", 15),
                ("2025-01-05 10:00", "2025-01-05 12:00", 0),
                ("2025-01-06 09:00", "2025-01-06 11:00", 0),
                ("2025-01-07 08:00", "2025-01-07 12:00", 0),
                ("2025-01-09 08:00", "2025-01-09 12:30", 0),
                ("2025-01-10 08:00", "2025-01-10 16:00", 30),
                ("2025-01-13 08:00", "2025-01-13 16:30", 30),
                ("2025-01-15 08:00", "2025-01-15 16:30", 30),
                ("2025-01-16 08:00", "2025-01-16 14:00", 0),
                ("2025-01-17 08:00", "2025-01-17 13:00", 0),
                ("2025-01-28 22:00", "2025-01-29 02:00", 0),
                ("2025-01-31 08:00", None, 0),  # still clocked in
                ("2025-02-01 08:00", "2025-02-01 12:00", 0),  # after the range
            ]
            for number, (start, end, pause) in enumerate(attendances, start=1000):
                await add_attendance(tx, acc, number, anna, start, end, pause)
            await add_attendance(
                tx, acc, 1100, anna, "2025-01-22 08:00", "2025-01-22 14:00", deleted=True
            )
            await add_absence(tx, acc, 1000, anna, HDL, "2025-01-07")
            await add_absence(tx, acc, 1001, anna, SICK, "2025-01-08")
            await add_absence(tx, acc, 1002, anna, VAC, "2025-01-09", segment=2)
            await add_absence(tx, acc, 1003, anna, VAC, "2025-01-10", status=0)
            await add_absence(tx, acc, 1004, anna, VAC, "2025-01-14", status=2)
            await add_absence(tx, acc, 1005, anna, HO, "2025-01-13")
            await add_absence(tx, acc, 1006, anna, VAC, "2025-01-24", "2025-01-27")
            await add_absence(tx, acc, 1007, anna, SICK, "2025-01-30", segment=2)
            await add_absence(tx, acc, 1008, anna, VAC, "2025-01-30", segment=1)
            await add_absence(tx, acc, 1009, anna, VAC, "2025-01-06")
            await add_absence(tx, acc, 1010, anna, SICK, "2025-01-20", deleted=True)
        yield Example(api, creds, anna, ben)
