"""``work_reports.first_day``, where the attendance page's running balance starts (when
after 1 January): the earliest of the day a user was added (in their zone), their first live
working-time model and their first live attendance. On each database (SQLite answers a
subquery's date as text)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from conftest import NEVER, client
from fastapi import FastAPI

from timetrack.db import Database
from timetrack.work_reports.first_day import first_known_day

from .common import add_attendance, add_model, add_user, bavarian_account

WEEK = (28800, 28800, 28800, 28800, 28800, 0, 0)


async def test_it_is_the_earliest_of_added_first_model_and_first_attendance(
    app: FastAPI, database: Database
) -> None:
    creds = await bavarian_account(database)
    acc = creds.account.id
    zone = "Pacific/Kiritimati"  # UTC+14: the day added is the zone's, not UTC's
    async with client(app, creds) as api:
        fresh = await add_user(api, "fresh", zone)
        modelled = await add_user(api, "modelled")
        clocked = await add_user(api, "clocked")
        both = await add_user(api, "both")
    async with database.transaction(write=True) as tx:
        # Deleted records say nothing of anybody's first day.
        await add_model(tx, acc, 1, fresh, "2020-01-01", WEEK, deleted=True)
        await add_attendance(
            tx, acc, 1, fresh, "2020-01-02 08:00", "2020-01-02 12:00", deleted=True
        )
        await add_model(tx, acc, 2, modelled, "2025-03-01", WEEK)
        await add_model(tx, acc, 3, modelled, "2025-07-01", WEEK)
        await add_attendance(tx, acc, 2, clocked, "2025-05-04 23:30", None)  # still clocked in
        await add_attendance(tx, acc, 3, clocked, "2025-06-01 08:00", "2025-06-01 12:00")
        await add_model(tx, acc, 4, both, "2025-09-01", WEEK)
        await add_attendance(tx, acc, 4, both, "2025-08-15 08:00", "2025-08-15 12:00")
    async with database.transaction(write=False) as tx:
        assert await first_known_day(tx, acc, fresh) == datetime.now(ZoneInfo(zone)).date()
        assert await first_known_day(tx, acc, modelled) == date(2025, 3, 1)
        assert await first_known_day(tx, acc, clocked) == date(2025, 5, 4)
        assert await first_known_day(tx, acc, both) == date(2025, 8, 15)
        assert await first_known_day(tx, acc, NEVER) is None


async def test_a_model_after_the_day_someone_was_added_leaves_that_day_first(
    app: FastAPI, database: Database
) -> None:
    creds = await bavarian_account(database)
    acc = creds.account.id
    async with client(app, creds) as api:
        veteran = await add_user(api, "veteran", "Europe/Berlin")
    async with database.transaction(write=True) as tx:
        await add_model(tx, acc, 1, veteran, "2025-03-01", WEEK)  # new hours, not a first day
        await tx.execute(
            "UPDATE users SET created_at = $3 WHERE account_id = $1 AND id = $2",
            acc,
            veteran,
            datetime(2024, 9, 1, 22, 30, tzinfo=UTC),  # 2 September in Berlin
        )
    async with database.transaction(write=False) as tx:
        assert await first_known_day(tx, acc, veteran) == date(2024, 9, 2)
