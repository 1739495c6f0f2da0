"""What a request pays for its SQL text and its wire form, by the ways of writing them once.

Issue 11.4 asks to derive each resource's column list (the SELECT list, ``to_wire``, the Read
schema) from one place, and suggests SQLAlchemy Core statements compiled once per dialect and
cached. This measures, per request, in-process (no database):

- the SQL of a read of one time entry: the string the service builds at import, plus
  ``AND e.id = $2``; the same statement as SQLAlchemy Core, compiled on every request; and
  compiled once and cached;
- a page of 50 entries in their wire form: ``to_wire`` as written by hand before; and derived
  from the table of (column, wire name, converter) that replaced it.

    .venv/bin/python bench/columns.py
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from timetrack.crud import with_meta
from timetrack.fieldtypes import coordinate_text
from timetrack.models import Client, Project, Task, TimeEntry, User
from timetrack.spans import wire_local_text
from timetrack.time_entries import service
from timetrack.times import wire_utc


def per_call_us(run: Callable[[], object], number: int) -> float:
    best = min(timeit.repeat(run, number=number, repeat=25))
    return best / number * 1e6


def core_statement() -> Select[Any]:
    e, u, p, c, t = (m.__table__ for m in (TimeEntry, User, Project, Client, Task))
    columns = [
        e.c.id, e.c.user_id, u.c.username, e.c.project_id, p.c.name.label("project_name"),
        p.c.client_id, c.c.name.label("client_name"), e.c.task_id, t.c.name.label("task_name"),
        e.c.start_at, e.c.end_at, e.c.start_local, e.c.end_local, e.c.time_zone,
        e.c.worked_minutes, e.c.break_minutes, e.c.hour_rate, e.c.billable, e.c.flat_rate,
        e.c.details, e.c.tags, e.c.latitude, e.c.longitude, e.c.latitude1, e.c.longitude1,
        e.c.updated_at, e.c.deleted_at,
    ]  # fmt: skip
    joined = (
        e.join(u, and_(u.c.account_id == e.c.account_id, u.c.id == e.c.user_id))
        .join(p, and_(p.c.account_id == e.c.account_id, p.c.id == e.c.project_id))
        .join(c, and_(c.c.account_id == p.c.account_id, c.c.id == p.c.client_id))
        .outerjoin(t, and_(t.c.account_id == e.c.account_id, t.c.id == e.c.task_id))
    )
    return (
        select(*columns)
        .select_from(joined)
        .where(e.c.account_id == bindparam("account_id"), e.c.id == bindparam("id"))
    )


def sample_row() -> dict[str, Any]:
    at = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    return {
        "id": 7, "user_id": 1, "username": "kim", "project_id": 2, "project_name": "Web",
        "client_id": 3, "client_name": "Acme", "task_id": 4, "task_name": "Dev",
        "start_at": at, "end_at": at, "start_local": "2026-03-04 10:00:00",
        "end_local": "2026-03-04 12:00:00", "time_zone": "Europe/Berlin",
        "worked_minutes": 120, "break_minutes": 0, "hour_rate": Decimal("50.00"),
        "billable": True, "flat_rate": False, "details": "x", "tags": None,
        "latitude": 52.52, "longitude": 13.4, "latitude1": None, "longitude1": None,
        "updated_at": at, "deleted_at": None,
    }  # fmt: skip


def hand_written_to_wire(row: Any) -> dict[str, Any]:
    """The entries' ``to_wire`` as it was written by hand before the column table."""
    item = {
        "id": row["id"],
        "user": row["username"],
        "userId": row["user_id"],
        "clientName": row["client_name"],
        "clientId": row["client_id"],
        "projectName": row["project_name"],
        "projectId": row["project_id"],
        "task": row["task_name"],
        "taskId": row["task_id"],
        "hourRate": row["hour_rate"],
        "latitude": coordinate_text(row["latitude"]),
        "longitude": coordinate_text(row["longitude"]),
        "latitude1": coordinate_text(row["latitude1"]),
        "longitude1": coordinate_text(row["longitude1"]),
        "billable": row["billable"],
        "flatRate": row["flat_rate"],
        "details": row["details"],
        "tags": row["tags"],
        "from": wire_local_text(row["start_local"]),
        "to": wire_local_text(row["end_local"]),
        "workedMinutes": row["worked_minutes"],
        "breakMinutes": row["break_minutes"],
        "timeZone": row["time_zone"],
        "fromUtc": wire_utc(row["start_at"]),
        "toUtc": wire_utc(row["end_at"]),
    }
    return with_meta(item, row)


def main() -> None:
    stmt = core_statement()
    pg_dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    dialects = {"postgresql": pg_dialect, "sqlite": sqlite.dialect()}
    cache = {name: str(stmt.compile(dialect=d)) for name, d in dialects.items()}
    owned = service._OWNED
    results = {
        "string SQL: f'{_OWNED} AND e.id = $2'": per_call_us(
            lambda: f"{owned} AND e.id = $2", 200_000
        ),
        "Core, compiled once per dialect, cached (dict lookup)": per_call_us(
            lambda: cache["postgresql"], 200_000
        ),
        "Core, built and compiled per request (postgresql)": per_call_us(
            lambda: str(core_statement().compile(dialect=dialects["postgresql"])), 200
        ),
        "Core, compiled per request (sqlite)": per_call_us(
            lambda: str(stmt.compile(dialect=dialects["sqlite"])), 200
        ),
    }
    rows = [sample_row() for _ in range(50)]
    assert service.to_wire(rows[0]) == hand_written_to_wire(rows[0])
    results["50 rows, to_wire written by hand (before)"] = per_call_us(
        lambda: [hand_written_to_wire(r) for r in rows], 500
    )
    results["50 rows, to_wire from the column table (columns.WireColumns)"] = per_call_us(
        lambda: [service.to_wire(r) for r in rows], 500
    )
    width = max(map(len, results))
    for name, us in results.items():
        print(f"{name:<{width}}  {us:10.2f} µs")


if __name__ == "__main__":
    main()
