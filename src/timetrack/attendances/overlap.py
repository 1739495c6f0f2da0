"""The no-overlap rule of attendances: a user's live attendances never overlap, as half-open
ranges ``[from, to)`` of true instants, an open one reaching to infinity. So a user has at most
one open attendance, and it is the latest.

``refuse_overlap`` checks it, under the user's row lock (``users.service.lock_user_writes``);
the partial unique index ``uq_attendances_open`` backs its "one open attendance" half in the
database, and ``is_open_violation`` recognises that index's refusal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from timetrack.db import IntegrityViolation, Row, Tx
from timetrack.errors import ATTENDANCE_ALREADY_CLOCKED_IN, ATTENDANCE_OVERLAP, AppError
from timetrack.times import wire_local


def when(row: Row) -> str:
    end = "open" if row["end_at"] is None else wire_local(row["end_at"], row["time_zone"])
    return f"{wire_local(row['start_at'], row['time_zone'])} to {end}"


async def refuse_overlap(
    tx: Tx,
    account_id: int,
    user_id: int,
    start: datetime,
    end: datetime | None,
    *,
    except_id: int = 0,
) -> None:
    """409 when ``[start, end)`` (``end`` None: open, to infinity) overlaps another live
    attendance of the user; a second open one is "already clocked in". Call under
    ``lock_user_writes``."""
    base = (
        "SELECT id, start_at, end_at, time_zone FROM attendances "
        "WHERE account_id = $1 AND user_id = $2 AND deleted_at IS NULL AND id <> $3"
    )
    if end is None:
        running = await tx.fetchrow(f"{base} AND end_at IS NULL", account_id, user_id, except_id)
        if running is not None:
            raise AppError.of(
                ATTENDANCE_ALREADY_CLOCKED_IN,
                f"the user is clocked in already: attendance {running['id']} "
                f"({when(running)}); clock out or close it first",
            )
    args: list[Any] = [account_id, user_id, except_id, start]
    sql = f"{base} AND (end_at IS NULL OR end_at > $4)"
    if end is not None:
        sql += " AND start_at < $5"
        args.append(end)
    other = await tx.fetchrow(f"{sql} ORDER BY start_at, id LIMIT 1", *args)
    if other is not None:
        raise AppError.of(
            ATTENDANCE_OVERLAP, f"overlaps attendance {other['id']} of the user ({when(other)})"
        )


def is_open_violation(exc: IntegrityViolation) -> bool:
    """Whether ``uq_attendances_open`` refused a write (only the message's first line:
    PostgreSQL's DETAIL line quotes the values)."""
    first = str(exc).partition("\n")[0]
    return "uq_attendances_open" in first or "attendances.account_id, attendances.user_id" in first


def clocked_in_already() -> AppError:
    return AppError.of(
        ATTENDANCE_ALREADY_CLOCKED_IN, "the user is clocked in already (by a concurrent request)"
    )
