"""EXPLAIN the project time entry list on SQLite and PostgreSQL with a realistic data set.

    .venv/bin/python bench/explain_entries.py [--entries N] [--postgres-url URL]

Creates a fresh SQLite file (in a temporary directory) and a fresh PostgreSQL database,
migrates both with ``timetrack.migrate.upgrade``, bulk-loads the same generated data into
both, then shows the plan and the timing of the statements ``GET /project_time_entries``
really runs. The SQL is not copied here: ``service.list_entries`` is called with the router's
own ``_feed``/``list_filter`` results and a transaction that only records the statements, so
what is explained is exactly what the server sends (``$n`` placeholders become ``?n`` for
SQLite through ``timetrack.db``).

SQLite is explained twice: without ``sqlite_stat1`` (the server never runs ANALYZE, so this
is the plan a real deployment gets) and after ANALYZE. PostgreSQL is explained after
VACUUM ANALYZE (what autovacuum keeps up), with the custom plan EXPLAIN ANALYZE shows and the
generic plan the server's prepared statements (asyncpg's statement cache) may switch to after
five executions.

Exit status: 0 when the plans of (a) and (b) and their counts read no whole table, 1 when one
does, 2 on an error. The scratch database and the temporary directory are removed in all
cases. Everything is bounded: the load is linear in N, every timed statement has a timeout
(``--query-timeout``) and slow statements are repeated fewer times.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import random
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from timetrack import migrate
from timetrack.db import _sqlite_sql, connect_sqlite, pg_dsn
from timetrack.models import Account, Client, IdCounter, Project, Task, TimeEntry, User
from timetrack.paging import Page
from timetrack.routing import _feed
from timetrack.time_entries import service
from timetrack.time_entries.router import list_filter
from timetrack.times import local_to_utc
from timetrack.wire import name_key

try:
    from timetrack.spans import time_columns
except ImportError:  # the service's own helper before timetrack.spans (commit 2ad599d)
    time_columns = service._time_columns  # type: ignore[attr-defined]

# --- the data set ------------------------------------------------------------------------------

END = date(2026, 11, 1)  # exclusive; fixed so every run builds the same data
MONTH = ("2026-03-01", "2026-03-31")  # the month (a), (b) and (f) ask for (a DST month)
PAGE_SIZE = 50
SEED = 20261128


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# slug, name, zone, country, share of users/projects, the users' zones with weights, a city
ACCOUNTS = (
    ("acme-consulting", "ACME Consulting GmbH", "Europe/Berlin", "DE", 0.40,
     (("Europe/Berlin", 8), ("Europe/London", 1), ("Asia/Kolkata", 1)), (52.52, 13.40)),
    ("northwind", "Northwind Traders Inc.", "America/New_York", "US", 0.25,
     (("America/New_York", 7), ("America/Los_Angeles", 3)), (40.71, -74.01)),
    ("bangalore-labs", "Bangalore Labs Pvt Ltd", "Asia/Kolkata", "IN", 0.15,
     (("Asia/Kolkata", 1),), (12.97, 77.59)),
    ("kangaroo-digital", "Kangaroo Digital Pty", "Australia/Sydney", "AU", 0.12,
     (("Australia/Sydney", 9), ("Pacific/Auckland", 1)), (-33.87, 151.21)),
    ("globex", "Globex Remote Ltd", "UTC", None, 0.08,
     (("UTC", 2), ("Europe/Berlin", 1), ("America/Sao_Paulo", 1)), (51.51, -0.13)),
)  # fmt: skip
FIRST = _words(
    "Anna Ben Clara David Emma Felix Greta Hannah Ivan Julia Karl Lena Max Nina Oskar Paula "
    "Quentin Rosa Sam Tina Uwe Vera Will Xenia Yusuf Zoe Arjun Priya Liam Olivia Noah Mia "
    "Lucas Sofia Ethan Chloe Mateo Aisha Kenji Ingrid"
)
LAST = _words(
    "Schmidt Müller Weber Fischer Wagner Becker Hoffmann Schulz Koch Richter Smith Johnson "
    "Brown Garcia Miller Davis Wilson Taylor Anderson Thomas Sharma Patel Iyer Nair Reddy "
    "Kelly Nguyen Walker Young King Silva Santos Costa Oliveira Tanaka Sato Novak Horvat "
    "Larsen Dubois"
)
COMPANY = _words(
    "Alpine Atlas Blue Bright Cedar Coastal Delta Eagle Evergreen Falcon Granite Harbor "
    "Horizon Iron Juniper Keystone Lakeside Maple Meridian Nova Oak Orbit Pioneer Quartz "
    "Redwood Silver Summit Sunrise Terra Vertex Willow Zenith"
)
COMPANY_KIND = _words("Bank Logistics Foods Media Health Energy Retail Labs Insurance Studios")
PROJECTS = (
    "Maintenance", "Support", "Website relaunch", "Mobile app", "Data migration", "SEO",
    "Internal", "Consulting", "Onboarding", "Cloud migration", "Security audit", "Training",
    "Reporting", "API integration", "Redesign", "Newsletter", "Hosting", "Analytics", "Shop",
    "Intranet", "Brand refresh", "Marketing campaign", "Backend rewrite", "QA",
    "Documentation", "CRM rollout", "Accessibility", "Performance",
)  # fmt: skip
TASKS = (
    "Development", "Design", "Meeting", "Code review", "Testing", "Project management",
    "Support", "Travel", "Documentation", "Research", "Deployment", "Workshop", "Analysis",
    "Bug fixing", "Planning", "Training", "Sales", "Admin", "Copywriting", "Accounting",
)  # fmt: skip
DETAILS = (
    "Weekly sync with the client", "Sprint planning", "Fixed checkout bug", "Call with PM",
    "Reviewed pull requests", "Wrote the release notes", "Prepared the workshop",
    "Database tuning", "Estimation for phase 2", "Customer tickets", "Team stand-up",
    "Refactored the importer", "Deployed to staging", "Drafted the proposal",
    "Updated the wireframes", "On-site visit", "Onboarding of the new colleague",
)  # fmt: skip
TAGS = ("remote", "onsite", "urgent", "remote,meeting", "onsite,travel", "overtime")
RATES = tuple(Decimal(r) for r in ("45.00", "60.00", "75.00", "90.00", "110.00", "135.00"))
FAKE_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2htYXJrLXNhbHQ$" + "A" * 43  # never checked

ENTRY_COLUMNS = (
    "account_id", "id", "user_id", "project_id", "task_id", "start_at", "end_at",
    "start_local", "end_local", "time_zone", "worked_minutes", "break_minutes", "hour_rate",
    "billable", "flat_rate", "details", "tags", "latitude", "longitude", "latitude1",
    "longitude1", "created_at", "updated_at", "deleted_at",
)  # fmt: skip
ACCOUNT_COLUMNS = (
    "id", "slug", "name", "api_key", "secret_hash", "timezone", "country", "region", "enabled",
    "created_at", "updated_at",
)  # fmt: skip
USER_COLUMNS = (
    "account_id", "id", "username", "username_key", "first_name", "last_name", "email",
    "email_key", "password_hash", "admin", "team_lead", "language", "personal_number",
    "enabled", "time_zone", "hour_rate", "created_at", "updated_at", "deleted_at",
)  # fmt: skip
CLIENT_COLUMNS = (
    "account_id", "id", "name", "name_key", "enabled", "color", "created_at", "updated_at",
)  # fmt: skip
PROJECT_COLUMNS = (
    "account_id", "id", "client_id", "name", "name_key", "enabled", "notes", "hour_rate",
    "time_estimated", "budget_estimated", "created_at", "updated_at",
)  # fmt: skip
TASK_COLUMNS = (
    "account_id", "id", "name", "name_key", "notes", "hour_rate", "created_at", "updated_at",
)  # fmt: skip
COUNTER_COLUMNS = ("account_id", "resource", "last_id")

Record = tuple[Any, ...]


@dataclass
class UserInfo:
    account_id: int
    id: int
    username: str
    zone: str
    rate: Decimal | None
    projects: list[int]
    weights: list[float]
    factor: float  # how finely this user splits a day into entries, around 1


@dataclass
class Data:
    """Everything but the entries, which are generated chunk by chunk."""

    start: date
    tables: dict[str, tuple[tuple[str, ...], list[Record]]]
    users: list[UserInfo]
    project_rate: dict[tuple[int, int], Decimal | None]
    project_name: dict[tuple[int, int], str]
    tasks: dict[int, list[tuple[int, Decimal | None]]]
    user_days: list[tuple[date, UserInfo, int]]
    # filled while the entries are generated
    entries: Counter[int] = field(default_factory=Counter)
    live: Counter[int] = field(default_factory=Counter)
    month_live: Counter[tuple[int, int]] = field(default_factory=Counter)
    last_id: dict[int, int] = field(default_factory=dict)


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """``total`` split by ``shares``, largest remainder first, every part at least 1."""
    raw = [total * s / sum(shares) for s in shares]
    parts = [max(1, int(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def build_data(entries: int, users: int, projects: int, years: int, rng: random.Random) -> Data:
    start = END.replace(year=END.year - years)
    setup = datetime.combine(start - timedelta(days=30), clock(9), UTC)
    shares = [a[4] for a in ACCOUNTS]
    tables: dict[str, tuple[tuple[str, ...], list[Record]]] = {
        name: (cols, [])
        for name, cols in (
            ("accounts", ACCOUNT_COLUMNS),
            ("clients", CLIENT_COLUMNS),
            ("projects", PROJECT_COLUMNS),
            ("tasks", TASK_COLUMNS),
            ("users", USER_COLUMNS),
            ("id_counters", COUNTER_COLUMNS),
        )
    }
    infos: list[UserInfo] = []
    project_rate: dict[tuple[int, int], Decimal | None] = {}
    project_name: dict[tuple[int, int], str] = {}
    tasks: dict[int, list[tuple[int, Decimal | None]]] = {}
    user_counts = _split(users, shares)
    project_counts = _split(projects, shares)
    for account_id, (slug, name, zone, country, _share, zones, _city) in enumerate(ACCOUNTS, 1):
        secret = hashlib.sha256(f"bench-{slug}".encode()).hexdigest()
        account = (account_id, slug, name, f"ttk_bench_{account_id}", secret, zone, country,
                   None, True, setup, setup)  # fmt: skip
        tables["accounts"][1].append(account)
        # Clients with 2-6 projects each; project names repeat across clients.
        client_id = project_id = 0
        left = project_counts[account_id - 1]
        company_names = rng.sample([f"{a} {k}" for a in COMPANY for k in COMPANY_KIND], 200)
        account_projects: list[int] = []
        while left > 0:
            client_id += 1
            cname = company_names[client_id - 1]
            color = f"#{rng.randrange(0x1000000):06x}"
            tables["clients"][1].append(
                (account_id, client_id, cname, name_key(cname), True, color, setup, setup)
            )
            for pname in rng.sample(PROJECTS, min(left, rng.randint(2, 6))):
                project_id += 1
                rate = rng.choice(RATES) if rng.random() < 0.5 else None
                estimate = rng.choice((None, 6000, 24000, 60000))
                project = (account_id, project_id, client_id, pname, name_key(pname), True,
                           None, rate, estimate, None, setup, setup)  # fmt: skip
                tables["projects"][1].append(project)
                project_rate[account_id, project_id] = rate
                project_name[account_id, project_id] = pname
                account_projects.append(project_id)
                left -= 1
        task_rows = []
        for task_id, tname in enumerate(rng.sample(TASKS, rng.randint(8, 20)), 1):
            rate = rng.choice(RATES) if rng.random() < 0.3 else None
            tables["tasks"][1].append(
                (account_id, task_id, tname, name_key(tname), None, rate, setup, setup)
            )
            task_rows.append((task_id, rate))
        tasks[account_id] = task_rows
        # Users in the account's zones, each booking on a few of its projects.
        popularity = {p: rng.paretovariate(1.5) for p in account_projects}
        taken: set[str] = set()
        zone_names = [z for z, _ in zones]
        zone_weights = [w for _, w in zones]
        for user_id in range(1, user_counts[account_id - 1] + 1):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            username = f"{first}.{last}".lower()
            n = 2
            while username in taken:
                username, n = f"{first}.{last}{n}".lower(), n + 1
            taken.add(username)
            user_zone = rng.choices(zone_names, zone_weights)[0]
            rate = rng.choice(RATES) if rng.random() < 0.7 else None
            email = f"{username}@{slug}.example"
            user = (account_id, user_id, username, name_key(username), first, last, email,
                    name_key(email), FAKE_HASH, user_id == 1, user_id % 10 == 2, "en", None,
                    True, user_zone, rate, setup, setup, None)  # fmt: skip
            tables["users"][1].append(user)
            mine = rng.sample(account_projects, min(len(account_projects), rng.randint(2, 6)))
            infos.append(
                UserInfo(
                    account_id,
                    user_id,
                    username,
                    user_zone,
                    rate,
                    mine,
                    [popularity[p] for p in mine],
                    rng.uniform(0.6, 1.4),
                )
            )
        for resource, last_id in (
            ("clients", client_id),
            ("projects", project_id),
            ("tasks", len(task_rows)),
            ("users", user_counts[account_id - 1]),
        ):
            tables["id_counters"][1].append((account_id, resource, last_id))

    # Workdays (Mon-Fri in the user's own calendar), 8 % of them off; entries per user-day
    # around N / user-days, scaled by the user's habit, then nudged to sum to exactly N.
    user_days: list[list[Any]] = []
    day = start
    while day < END:
        if day.weekday() < 5:
            user_days.extend([day, u, 0] for u in infos if rng.random() >= 0.08)
        day += timedelta(days=1)
    mean = entries / len(user_days)
    floor = 1 if mean >= 1 else 0
    for ud in user_days:
        wanted = rng.uniform(0.5, 1.5) * mean * ud[1].factor
        ud[2] = max(floor, int(wanted) + (rng.random() < wanted % 1))
    diff = entries - sum(ud[2] for ud in user_days)
    while diff:
        ud = rng.choice(user_days)
        if diff > 0:
            ud[2] += 1
            diff -= 1
        elif ud[2] > max(floor, 0):
            ud[2] -= 1
            diff += 1
    return Data(
        start,
        tables,
        infos,
        project_rate,
        project_name,
        tasks,
        [(d, u, k) for d, u, k in user_days if k],
    )


def generate_entries(data: Data, rng: random.Random, chunk_size: int) -> Iterator[list[Record]]:
    """The entries in booking order, as the service would write them (see ``check_rows``)."""
    offsets: dict[tuple[str, date], timedelta] = {}
    next_id: Counter[int] = Counter()
    month = MONTH[0][:7]
    coords = {i: a[6] for i, a in enumerate(ACCOUNTS, 1)}
    chunk: list[Record] = []
    for day, user, count in data.user_days:
        account_id = user.account_id
        # The zone's offset during working hours (every DST switch happens before 04:00).
        offset = offsets.get((user.zone, day))
        if offset is None:
            noon = datetime.combine(day, clock(12))
            offset = noon - local_to_utc(noon, user.zone).replace(tzinfo=None)
            offsets[user.zone, day] = offset
        wall = datetime.combine(day, clock(7)) + timedelta(minutes=rng.randint(0, 150))
        day_minutes = rng.randint(390, 570)
        weights = [rng.random() + 0.25 for _ in range(count)]
        total_weight = sum(weights)
        tasks = data.tasks[account_id]
        for weight in weights:
            minutes = max(10, round(day_minutes * weight / total_weight / 5) * 5)
            timer = rng.random() < 0.25  # timer entries carry seconds
            start_wall = wall + timedelta(seconds=rng.randint(0, 59)) if timer else wall
            jitter = rng.randint(-120, 120) if timer else 0
            if jitter % 60 == 30:  # no half minutes: they are where roundings differ
                jitter += 1
            seconds = minutes * 60 + jitter
            end_wall = start_wall + timedelta(seconds=seconds)
            brk = 30 if minutes >= 240 and rng.random() < 0.6 else 0
            start_at = (start_wall - offset).replace(tzinfo=UTC)
            end_at = (end_wall - offset).replace(tzinfo=UTC)
            project_id = rng.choices(user.projects, user.weights)[0]
            task_id, task_rate = rng.choice(tasks) if rng.random() < 0.65 else (None, None)
            rate = task_rate or data.project_rate[account_id, project_id] or user.rate
            details = rng.choice(DETAILS) if rng.random() < 0.7 else None
            if details and rng.random() < 0.3:
                details += f" (#{rng.randint(100, 9999)})"
            lat = lon = lat1 = lon1 = None
            if rng.random() < 0.04:
                lat = coords[account_id][0] + rng.uniform(-0.2, 0.2)
                lon = coords[account_id][1] + rng.uniform(-0.2, 0.2)
                lat1, lon1 = lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.01, 0.01)
            later = rng.randint(2, 30) if timer else rng.randint(60, 36000)
            created = end_at + timedelta(seconds=later, microseconds=rng.randint(0, 999_999))
            updated = created
            if rng.random() < 0.07:
                updated += timedelta(days=rng.randint(1, 20), seconds=rng.randint(0, 86399))
            deleted = None
            if rng.random() < 0.012:
                deleted = updated = updated + timedelta(hours=rng.randint(1, 72))
            next_id[account_id] += 1
            start_local = start_wall.isoformat(" ")
            row = (account_id, next_id[account_id], user.id, project_id, task_id, start_at,
                   end_at, start_local, end_wall.isoformat(" "), user.zone,
                   round(seconds / 60) - brk, brk, rate or Decimal("0.00"),
                   rng.random() < 0.88, rng.random() < 0.02, details,
                   rng.choice(TAGS) if rng.random() < 0.15 else None,
                   lat, lon, lat1, lon1, created, updated, deleted)  # fmt: skip
            chunk.append(row)
            data.entries[account_id] += 1
            if deleted is None:
                data.live[account_id] += 1
                if start_local.startswith(month):
                    data.month_live[account_id, user.id] += 1
            wall = end_wall.replace(second=0) + timedelta(minutes=rng.choice((1, 1, 1, 5, 15)))
        if len(chunk) >= chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
    data.last_id.update(next_id)


def check_rows(rows: Sequence[Record], rng: random.Random) -> None:
    """A sample's time columns are what the service stores for an entry booked with the same
    ``from`` (wall clock), ``to`` and ``breakMinutes``."""
    for row in rng.sample(list(rows), min(len(rows), 500)):
        values = dict(zip(ENTRY_COLUMNS, row, strict=True))
        zone_name = values["time_zone"]
        start = local_to_utc(datetime.fromisoformat(values["start_local"]), zone_name)
        span = service.resolve_span(start, values["end_at"], None, values["break_minutes"])
        expected = time_columns(span, zone_name)
        for column, value in expected.items():
            if value != values[column]:
                raise AssertionError(f"{column}: {values[column]!r} != {value!r}")


def check_columns() -> None:
    """The column lists above name every column of the models (fail loudly on drift)."""
    for model, columns in (
        (Account, ACCOUNT_COLUMNS),
        (Client, CLIENT_COLUMNS),
        (Project, PROJECT_COLUMNS),
        (Task, TASK_COLUMNS),
        (User, USER_COLUMNS),
        (IdCounter, COUNTER_COLUMNS),
        (TimeEntry, ENTRY_COLUMNS),
    ):
        table_columns = {c.name for c in model.__table__.columns}
        unknown = set(columns) - table_columns
        missing = {
            c.name
            for c in model.__table__.columns
            if not c.nullable and c.name not in columns and c.server_default is None
        }
        if unknown or missing or (model is TimeEntry and set(columns) != table_columns):
            raise SystemExit(f"{model.__tablename__}: unknown {unknown}, missing {missing}")


# --- loading -----------------------------------------------------------------------------------


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    return _sqlite_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})")


async def load(
    data: Data,
    sqlite_conn: sqlite3.Connection,
    pg: asyncpg.Connection,
    rng: random.Random,
    chunk_size: int,
    say: Callable[[str], None],
) -> None:
    """The same rows into both: SQLite in one transaction, PostgreSQL by COPY, side by side."""
    sqlite_conn.execute("PRAGMA synchronous = OFF")  # for the load only
    sqlite_conn.execute("PRAGMA cache_size = -1048576")
    sqlite_conn.execute("BEGIN")
    # Referential checks are per-row triggers in PostgreSQL; the data is consistent by
    # construction and verified afterwards (``verify_references``).
    await pg.execute("SET session_replication_role = replica")
    await pg.execute("SET synchronous_commit = off")
    for table, (columns, rows) in data.tables.items():
        sqlite_conn.executemany(_insert_sql(table, columns), rows)
        await pg.copy_records_to_table(table, records=rows, columns=columns)
    entry_sql = _insert_sql("time_entries", ENTRY_COLUMNS)
    loaded = 0
    started = time.perf_counter()
    # SQLite works in a thread while asyncpg streams the same chunk; on cancellation the
    # executor is drained before anyone may close the connection the thread is using.
    loop = asyncio.get_running_loop()
    sampler = random.Random(0)  # its own generator: checking does not change the data
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-load")
    try:
        for number, chunk in enumerate(generate_entries(data, rng, chunk_size), 1):
            check_stop()
            check_rows(chunk, sampler)
            await asyncio.gather(
                loop.run_in_executor(executor, sqlite_conn.executemany, entry_sql, chunk),
                pg.copy_records_to_table("time_entries", records=chunk, columns=ENTRY_COLUMNS),
            )
            loaded += len(chunk)
            if number % 5 == 0:
                say(f"  {loaded:>10,} entries  {time.perf_counter() - started:6.1f} s")
    finally:
        executor.shutdown(wait=True)
    counters = [(a, "time_entries", n) for a, n in sorted(data.last_id.items())]
    sqlite_conn.executemany(_insert_sql("id_counters", COUNTER_COLUMNS), counters)
    await pg.copy_records_to_table("id_counters", records=counters, columns=COUNTER_COLUMNS)
    sqlite_conn.execute("COMMIT")
    sqlite_conn.execute("PRAGMA synchronous = FULL")
    sqlite_conn.execute("PRAGMA cache_size = -2000")
    sqlite_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    await pg.execute("RESET session_replication_role")
    await pg.execute("SELECT setval(pg_get_serial_sequence('accounts', 'id'), $1)", len(ACCOUNTS))
    say(f"  {loaded:>10,} entries  {time.perf_counter() - started:6.1f} s (done)")


async def verify_references(pg: asyncpg.Connection) -> None:
    """What the skipped foreign-key triggers would have checked, in one pass."""
    orphans = await pg.fetchval(
        "SELECT count(*) FROM time_entries e"
        " LEFT JOIN users u ON u.account_id = e.account_id AND u.id = e.user_id"
        " LEFT JOIN projects p ON p.account_id = e.account_id AND p.id = e.project_id"
        " LEFT JOIN tasks t ON t.account_id = e.account_id AND t.id = e.task_id"
        " WHERE u.id IS NULL OR p.id IS NULL OR (e.task_id IS NOT NULL AND t.id IS NULL)"
    )
    if orphans:
        raise AssertionError(f"{orphans} entries refer to missing rows")


# --- the statements ----------------------------------------------------------------------------


class _Recorder:
    """A transaction that records the statements ``list_entries`` sends.

    ``fetch`` answers a full page, so the count query is recorded too (the server skips it
    only when a first page comes back short). The lookups a filter runs first (the ids of the
    user or projects it names, ``timetrack.filters``) are answered with ``ids`` and not
    recorded: what is explained is the list read with those ids bound.
    """

    dialect = "postgresql"

    def __init__(self, limit: int, ids: Sequence[int] = (), total: int = 0) -> None:
        self.limit = limit
        self.ids = ids
        self.total = total  # what counts answer: a page past the middle is read from the end
        self.statements: list[tuple[str, str, Record]] = []

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        if not sql.startswith(service._OWNED):
            return [{"id": i} for i in self.ids]
        self.statements.append(("list", sql, args))
        return [None] * self.limit

    async def fetchval(self, sql: str, *args: Any) -> Any:
        self.statements.append(("count", sql, args))
        return self.total

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        raise AssertionError("list_entries reads no single row")

    async def execute(self, sql: str, *args: Any) -> None:
        raise AssertionError("list_entries writes nothing")

    async def executemany(self, sql: str, args: Any) -> None:
        raise AssertionError("list_entries writes nothing")


@dataclass
class Statement:
    key: str
    title: str
    sql: str
    args: tuple[Any, ...]
    scan_checked: bool  # the exit status depends on this statement reading no whole table
    note: str = ""
    note_pg: str = ""
    plans: dict[str, list[str]] = field(default_factory=dict)
    times: dict[str, list[float]] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


async def recorded(
    account_id: int, page: Page, ids: Sequence[int] = (), total: int = 0, **params: Any
) -> list[tuple[str, str, Record]]:
    tx = _Recorder(page.limit, ids, total)
    # The router's dependencies are coroutines (the dispatcher runs no sync dependency).
    feed, query = await _feed(), await list_filter(**params)
    await service.list_entries(tx, account_id, page, feed, query)  # type: ignore[arg-type]
    for kind, sql, _ in tx.statements:
        base = service._OWNED if kind == "list" else service._COUNT
        # The unfiltered list's total is the live count kept in id_counters (crud.fetch_page).
        assert sql.startswith((base, "SELECT live FROM id_counters")), sql
    # The list, then its count (a page past the middle counts first).
    return sorted(tx.statements, key=lambda statement: statement[0] != "list")


async def build_statements(data: Data) -> list[Statement]:
    account_id = 1
    # (a): the account's user whose month is closest to the median month.
    counts = sorted(
        (n, user_id) for (acc, user_id), n in data.month_live.items() if acc == account_id
    )
    user_id = counts[len(counts) // 2][1]
    username = next(u.username for u in data.users if (u.account_id, u.id) == (1, user_id))
    # (f): the project name most clients of the account have.
    names = Counter(n for (acc, _), n in data.project_name.items() if acc == account_id)
    project, clients = names.most_common(1)[0]
    from_, to = MONTH
    live = data.live[account_id]
    last_page = (live - 1) // PAGE_SIZE
    month_label = f"{MONTH[0]}..{MONTH[1]}"
    out: list[Statement] = []

    def add(key: str, title: str, stmt: tuple[str, str, Record], checked: bool) -> None:
        out.append(Statement(key, title, stmt[1], stmt[2], checked))

    a = await recorded(account_id, Page(0, PAGE_SIZE), [user_id], user=username, from_=from_, to=to)
    b = await recorded(account_id, Page(0, PAGE_SIZE), from_=from_, to=to)
    c = await recorded(account_id, Page(0, PAGE_SIZE), total=live)
    d = await recorded(account_id, Page(last_page, PAGE_SIZE), total=live)
    # projectName matches a substring: every project of the account whose name contains it.
    named = sorted(
        pid
        for (acc, pid), n in data.project_name.items()
        if acc == account_id and name_key(project) in name_key(n)
    )
    f = await recorded(
        account_id, Page(0, PAGE_SIZE), named, project_name=project, from_=from_, to=to
    )
    assert c[1][1] == d[1][1]
    add("a", f"user={username}, from/to {month_label}, page 0 of {PAGE_SIZE}", a[0], True)
    add("b", f"whole account, from/to {month_label}, page 0 of {PAGE_SIZE}", b[0], True)
    add("c", f"no filter, first page (page_number=0, limit={PAGE_SIZE})", c[0], False)
    add("d", f"no filter, last page (page_number={last_page}, limit={PAGE_SIZE})", d[0], False)
    add("e(a)", "count for (a): X-Total-Count", a[1], True)
    add("e(b)", "count for (b): X-Total-Count", b[1], True)
    add("e(c,d)", "count for (c)/(d): X-Total-Count of the unfiltered list", c[1], False)
    add(
        "f",
        f"projectName={project} ({clients} clients have one), from/to {month_label}, page 0",
        f[0],
        False,
    )
    add("e(f)", "count for (f): X-Total-Count", f[1], False)
    out[0].note = f"user {user_id} of account 1 has {data.month_live[1, user_id]} live entries"
    return out


# --- plans and timings -------------------------------------------------------------------------


def sqlite_plan(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> list[str]:
    rows = conn.execute("EXPLAIN QUERY PLAN " + _sqlite_sql(sql), args).fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node_id, parent, _, detail in rows:
        depth[node_id] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node_id] + detail)
    return lines


class _Deadline:
    """Interrupts a SQLite statement that runs past its timeout."""

    def __init__(self, conn: sqlite3.Connection, seconds: float) -> None:
        self.conn, self.seconds, self.until = conn, seconds, 0.0

    def _check(self) -> int:
        return 1 if STOP.is_set() or time.perf_counter() > self.until else 0

    def __enter__(self) -> None:
        self.until = time.perf_counter() + self.seconds
        self.conn.set_progress_handler(self._check, 10_000)

    def __exit__(self, *exc: object) -> None:
        self.conn.set_progress_handler(None, 0)


def _runs_for(first: float, runs: int) -> int:
    return runs if first < 1.0 else max(1, min(runs, 3))


def time_sqlite(
    conn: sqlite3.Connection, sql: str, args: Sequence[Any], runs: int, timeout: float
) -> tuple[list[float], int]:
    sql = _sqlite_sql(sql)
    deadline = _Deadline(conn, timeout)
    times: list[float] = []
    rows = 0
    for i in range(runs + 1):  # the first run warms the cache and is not counted
        t0 = time.perf_counter()
        with deadline:
            rows = len(conn.execute(sql, args).fetchall())
        elapsed = time.perf_counter() - t0
        if i == 0:
            runs = _runs_for(elapsed, runs)
        else:
            times.append(elapsed)
        if len(times) >= runs:
            break
    return times, rows


async def time_pg(
    conn: asyncpg.Connection, sql: str, args: Sequence[Any], runs: int
) -> tuple[list[float], list[float], str, int]:
    """Through asyncpg's statement cache, as the server runs it.

    A prepared statement is planned for its values on its first five executions; from then
    on PostgreSQL reuses one generic plan if that does not look costlier. So executions 2-5
    (the first also prepares) and the steady state after them are timed apart, and
    ``pg_prepared_statements`` tells which plan the steady state used.
    """
    first: list[float] = []
    steady: list[float] = []
    rows = 0
    for i in range(5 + runs):
        t0 = time.perf_counter()
        rows = len(await conn.fetch(sql, *args))
        elapsed = time.perf_counter() - t0
        if i == 0:
            continue
        (first if i < 5 else steady).append(elapsed)
        if elapsed > 1.0 and len(steady) >= 2:
            break
    counts = await conn.fetchrow(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
        sql,
    )
    plan = "?"
    if counts is not None:
        plan = "generic" if counts["generic_plans"] else "custom"
        plan += f" ({counts['generic_plans']} generic, {counts['custom_plans']} custom plans)"
    return first, steady, plan, rows


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no literal for {value!r}")


async def pg_generic_plan(conn: asyncpg.Connection, sql: str, args: Sequence[Any]) -> list[str]:
    """The plan a prepared statement gets when PostgreSQL stops planning per execution."""
    await conn.execute(f"PREPARE bench_stmt AS {sql}")
    try:
        await conn.execute("SET plan_cache_mode = force_generic_plan")
        values = ", ".join(_literal(v) for v in args)
        rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_stmt({values})")
    finally:
        await conn.execute("RESET plan_cache_mode")
        await conn.execute("DEALLOCATE bench_stmt")
    return [r[0] for r in rows]


_NUMBERS = re.compile(r"\s+\((cost|actual|never)[^)]*\)")


def plan_shape(lines: Sequence[str]) -> list[str]:
    """The plan's nodes without costs, timings or counters, for comparing two plans."""
    shape = []
    for line in lines:
        text = _NUMBERS.sub("", line).rstrip()
        if ("->" in text or not line.startswith(" ")) and not text.startswith(
            ("Planning", "Execution")
        ):
            shape.append(text.replace("->", "").strip())
    return shape


def access_sqlite(lines: Sequence[str]) -> str:
    """How the plan reads time_entries (alias e)."""
    found = [ln.strip() for ln in lines if re.match(r"\s*(SCAN|SEARCH) e\b", ln)]
    extra = [ln.strip() for ln in lines if "TEMP B-TREE" in ln]
    return "; ".join(found + extra) or "?"


def access_pg(lines: Sequence[str]) -> str:
    nodes = []
    for line in lines:
        m = re.search(
            r"(Seq Scan on time_entries|Parallel Seq Scan on time_entries|"
            r"(?:Index|Index Only) Scan(?: Backward)? using \S+ on time_entries|"
            r"Bitmap Index Scan on ix_time_entries\S*|Bitmap Index Scan on pk_time_entries)",
            line,
        )
        if m:
            nodes.append(m.group(1).replace(" on time_entries", ""))
        elif re.search(r"->\s+(Sort|Incremental Sort)\s", line):
            rows = re.search(r"actual time=\S+ rows=(\d+)", line)
            nodes.append(f"Sort ({rows.group(1) if rows else '?'} rows)")
    return "; ".join(nodes) or "?"


def full_scan(plan_name: str, lines: Sequence[str]) -> bool:
    if plan_name.startswith("sqlite"):
        return any(re.match(r"\s*SCAN e\b", ln) for ln in lines)
    return any("Seq Scan on time_entries" in ln for ln in lines)


def big_sort(plan_name: str, lines: Sequence[str]) -> bool:
    """A sort of more than a month of a big account (the first page should need none)."""
    if plan_name.startswith("sqlite"):
        search = next((ln for ln in lines if re.match(r"\s*SEARCH e\b", ln)), "")
        sorts = any("TEMP B-TREE FOR ORDER BY" in ln for ln in lines)
        return sorts and "start_local" not in search
    for line in lines:
        if re.search(r"->\s+(Incremental )?Sort\s", line):
            rows = re.search(r"actual time=\S+ rows=(\d+)", line)
            if rows and int(rows.group(1)) > 20_000:
                return True
    return False


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def _timing(times: Sequence[float]) -> str:
    if not times:
        return "-"
    return (
        f"median {_ms(statistics.median(times))} ms "
        f"(min {_ms(min(times))}, max {_ms(max(times))}, n={len(times)})"
    )


# --- the run -----------------------------------------------------------------------------------


class Output:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()

    def __call__(self, text: str = "") -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


async def sqlite_phase(
    path: Path, statements: list[Statement], phase: str, args: argparse.Namespace
) -> None:
    conn = connect_sqlite(path)  # the server's pragmas and type converters
    try:
        for st in statements:
            await asyncio.sleep(0)  # lets a signal's cancellation in
            check_stop()
            st.plans[phase] = sqlite_plan(conn, st.sql, st.args)
            try:
                st.times[phase], st.rows[phase] = time_sqlite(
                    conn, st.sql, st.args, args.runs, args.query_timeout
                )
            except sqlite3.OperationalError as exc:
                check_stop()
                if "interrupted" not in str(exc):
                    raise
                st.times[phase], st.rows[phase] = [args.query_timeout], -1
    finally:
        conn.close()


async def pg_phase(dsn: str, statements: list[Statement], args: argparse.Namespace) -> None:
    """Each statement on a connection of its own, so its plan cache holds only its runs (the
    server's pool shares one prepared statement between, say, the first and the last page)."""
    for st in statements:
        check_stop()
        conn = await asyncpg.connect(
            dsn,
            server_settings={
                "timezone": "UTC",
                "application_name": "timetrack-bench",
                "statement_timeout": str(int(args.query_timeout * 1000)),
            },
        )
        try:
            rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + st.sql, *st.args)
            st.plans["pg"] = [r[0] for r in rows]
            st.plans["pg generic"] = await pg_generic_plan(conn, st.sql, st.args)
            first, steady, plan, rows_pg = await time_pg(conn, st.sql, st.args, args.runs)
            st.times["pg first"], st.times["pg"], st.rows["pg"] = first, steady, rows_pg
            st.note_pg = plan
        finally:
            await conn.close()


async def run(args: argparse.Namespace, db_name: str, tmp: Path, say: Output) -> int:
    check_columns()
    rng = random.Random(args.seed)
    t = time.perf_counter()
    data = build_data(args.entries, args.users, args.projects, args.years, rng)
    say(f"data model built in {time.perf_counter() - t:.1f} s")

    admin = await asyncpg.connect(pg_dsn(args.postgres_url))
    try:
        await admin.execute(f'CREATE DATABASE "{db_name}"')
        pg_version = await admin.fetchval("SHOW server_version")
        settings = await admin.fetch(
            "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1::text[]) "
            "ORDER BY name",
            [
                "shared_buffers",
                "work_mem",
                "effective_cache_size",
                "random_page_cost",
                "max_parallel_workers_per_gather",
                "jit",
            ],
        )
    finally:
        await admin.close()
    pg_url = args.postgres_url.rsplit("/", 1)[0] + f"/{db_name}"
    sqlite_file = tmp / "timetrack.db"
    sqlite_url = f"sqlite:///{sqlite_file}"
    t = time.perf_counter()
    migrate.upgrade(sqlite_url)
    migrate.upgrade(pg_url)
    say(f"migrated {sqlite_url} and {pg_url} in {time.perf_counter() - t:.1f} s")

    say(f"loading {args.entries:,} entries into both databases ...")
    t = time.perf_counter()
    sqlite_conn = connect_sqlite(sqlite_file)
    pg = await asyncpg.connect(pg_dsn(pg_url), server_settings={"timezone": "UTC"})
    try:
        await load(data, sqlite_conn, pg, rng, args.chunk, say)
        load_seconds = time.perf_counter() - t
        t = time.perf_counter()
        await verify_references(pg)
        await pg.execute("VACUUM ANALYZE")
        vacuum_seconds = time.perf_counter() - t
        sizes = await pg.fetch(
            "SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)) AS size, "
            "CASE c.relkind WHEN 'i' THEN pg_get_indexdef(c.oid) END AS definition "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND (c.relname = 'time_entries' OR c.relname IN "
            "(SELECT indexrelid::regclass::text FROM pg_index "
            "WHERE indrelid = 'time_entries'::regclass)) ORDER BY c.relname"
        )
    finally:
        sqlite_conn.close()
        await pg.close()
    say(f"loaded in {load_seconds:.1f} s; PostgreSQL VACUUM ANALYZE {vacuum_seconds:.1f} s")

    statements = await build_statements(data)
    say("explaining and timing on SQLite without sqlite_stat1 ...")
    await sqlite_phase(sqlite_file, statements, "sqlite", args)
    t = time.perf_counter()
    conn = sqlite3.connect(sqlite_file)
    try:
        conn.execute("ANALYZE")
        stat1 = conn.execute(
            "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'time_entries' ORDER BY idx"
        ).fetchall()
    finally:
        conn.close()
    analyze_seconds = time.perf_counter() - t
    say(f"SQLite ANALYZE {analyze_seconds:.1f} s; explaining and timing again ...")
    await sqlite_phase(sqlite_file, statements, "sqlite analyzed", args)
    say("explaining and timing on PostgreSQL ...")
    await pg_phase(pg_dsn(pg_url), statements, args)

    report(args, data, statements, pg_version, settings, sizes, stat1, sqlite_file, say)
    failures = [
        f"({st.key}) {name}"
        for st in statements
        if st.scan_checked
        for name, lines in st.plans.items()
        if full_scan(name, lines)
    ]
    say()
    for st in statements:
        if st.scan_checked:
            for name, lines in st.plans.items():
                if big_sort(name, lines):
                    say(f"WARNING: ({st.key}) {name} sorts a large part of the account")
    if failures:
        say("FULL TABLE SCAN in: " + ", ".join(failures))
        return 1
    say("check: no plan of (a), (b) or their counts reads the whole time_entries table")
    return 0


PHASES = (
    ("sqlite", "SQLite, no sqlite_stat1 (as the server runs: it never ANALYZEs)"),
    ("sqlite analyzed", "SQLite after ANALYZE"),
    ("pg", "PostgreSQL EXPLAIN (ANALYZE, BUFFERS), custom plan"),
)


def report(
    args: argparse.Namespace,
    data: Data,
    statements: list[Statement],
    pg_version: str,
    settings: Sequence[Any],
    sizes: Sequence[Any],
    stat1: Sequence[Any],
    sqlite_file: Path,
    say: Output,
) -> None:
    say()
    say("=" * 100)
    say("DATA")
    say(
        f"  {sum(data.entries.values()):,} entries ({sum(data.live.values()):,} live, the rest "
        f"soft-deleted), {data.start}..{END - timedelta(days=1)}, {len(data.user_days):,} "
        f"user-workdays, {sum(data.entries.values()) / len(data.user_days):.1f} entries each"
    )
    say(
        "  (entries per user-day follow from N, --users and --years: 200 users over 2 years "
        "book 1-3 a day at ~200,000 entries, ~10 a day at 1,000,000)"
    )
    for account_id, a in enumerate(ACCOUNTS, 1):
        n_users = sum(1 for u in data.users if u.account_id == account_id)
        zones = Counter(u.zone for u in data.users if u.account_id == account_id)
        n_projects = sum(1 for acc, _ in data.project_name if acc == account_id)
        say(
            f"  account {account_id} {a[0]:<17} {n_users:>3} users {n_projects:>3} projects "
            f"{data.entries[account_id]:>9,} entries  zones "
            + ", ".join(f"{z} {n}" for z, n in zones.most_common())
        )
    say(f"  SQLite {sqlite3.sqlite_version}: {sqlite_file.stat().st_size / 2**20:,.0f} MiB file")
    say(f"  PostgreSQL {pg_version}, time_entries and its indexes:")
    for r in sizes:
        definition = r["definition"] or "table time_entries"
        say(f"    {r['size']:>8}  {definition.replace(' ON public.time_entries USING btree', '')}")
    say(
        "  PostgreSQL settings: "
        + ", ".join(f"{r['name']}={r['setting']}{r['unit'] or ''}" for r in settings)
    )
    say("  SQLite sqlite_stat1 for time_entries (after ANALYZE):")
    for idx, stat in stat1:
        say(f"    {idx}: {stat}")
    say()
    say("THE LIST STATEMENT (service._OWNED; every list below appends its WHERE tail):")
    say(f"  {service._OWNED}")
    say("THE COUNT STATEMENT: " + service._COUNT)
    for st in statements:
        say()
        say("=" * 100)
        say(f"({st.key}) {st.title}")
        base = service._OWNED if st.sql.startswith(service._OWNED) else service._COUNT
        say(f"  SQL: ...{st.sql[len(base) :]}")
        say(f"  args: {st.args!r}")
        if st.note:
            say(f"  note: {st.note}")
        for phase, label in PHASES:
            say(f"  -- {label}:")
            for line in st.plans[phase]:
                say(f"     {line}")
        generic = st.plans["pg generic"]
        if plan_shape(generic) == plan_shape(st.plans["pg"]):
            say("  -- PostgreSQL generic plan (prepared statement): same nodes as the custom plan")
            say("     " + next((ln.strip() for ln in generic if "Execution Time" in ln), ""))
        else:
            say("  -- PostgreSQL generic plan (prepared statement): DIFFERENT:")
            for line in generic:
                say(f"     {line}")
        say("  -- timings (client side, all rows fetched; the first execution is not counted):")
        for phase, label in (
            ("sqlite", "SQLite, no sqlite_stat1"),
            ("sqlite analyzed", "SQLite after ANALYZE"),
            ("pg first", "PostgreSQL, executions 2-5"),
            ("pg", "PostgreSQL, steady state"),
        ):
            rows = st.rows["pg" if phase == "pg first" else phase]
            say(f"     {label:<27} {rows:>5} rows  {_timing(st.times[phase])}")
        say(f"     (PostgreSQL steady state used the {st.note_pg})")
        if st.sql.startswith(service._OWNED):
            limit, offset = st.args[-2], st.args[-1]
            counted = offset > 0 or st.rows["pg"] >= limit
            say(f"     the server {'also runs' if counted else 'skips'} the count for this page")
    say()
    say("=" * 100)
    say("SUMMARY: medians in ms; how each plan reads time_entries (e)")
    say(f"{'case':<7}{'rows':>5} {'SQLite':>8} {'SQLite+A':>9} {'PG 2-5':>8} {'PG':>8}  access")
    phases = ("sqlite", "sqlite analyzed", "pg first", "pg")
    for st in statements:
        med = {p: _ms(statistics.median(st.times[p])) if st.times[p] else "-" for p in phases}
        say(
            f"{st.key:<7}{st.rows['pg']:>5} {med['sqlite']:>8} {med['sqlite analyzed']:>9} "
            f"{med['pg first']:>8} {med['pg']:>8}  SQLite: {access_sqlite(st.plans['sqlite'])}"
        )
        if access_sqlite(st.plans["sqlite analyzed"]) != access_sqlite(st.plans["sqlite"]):
            say(f"{'':<50}SQLite+A: {access_sqlite(st.plans['sqlite analyzed'])}")
        say(f"{'':<50}PG: {access_pg(st.plans['pg'])}")
        if access_pg(st.plans["pg generic"]) != access_pg(st.plans["pg"]):
            say(f"{'':<50}PG generic: {access_pg(st.plans['pg generic'])}")
    say(
        "  SQLite = no sqlite_stat1 (what the server has), SQLite+A = after ANALYZE; "
        "PG 2-5 = executions 2-5 of the prepared statement (custom plans, planned each time), "
        "PG = the steady state after them"
    )


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived."""


STOP = threading.Event()


def check_stop() -> None:
    if STOP.is_set():
        raise Interrupted


class _OnSignal:
    """SIGINT/SIGTERM: cancel the run at its next await, and raise ``Interrupted`` at its next
    check should a driver swallow the cancellation. A driver call that still waits on the
    server after a few seconds is freed by ending the scratch database's sessions."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, task: asyncio.Task[int], url: str, name: str
    ) -> None:
        self.loop, self.task, self.url, self.name = loop, task, url, name

    def __call__(self) -> None:
        if STOP.is_set():
            return
        STOP.set()
        self.task.cancel()
        self.loop.call_later(5, self._force)

    def _force(self) -> None:
        if not self.task.done():
            self.loop.create_task(self._end_sessions())

    async def _end_sessions(self) -> None:
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            await drop_database(self.url, self.name)


async def drop_database(url: str, name: str) -> None:
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="default 1,000,000")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TIMETRACK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a database to connect to for CREATE/DROP DATABASE (the scratch database is "
        "created beside it and dropped at the end)",
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--projects", type=int, default=300)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per statement")
    parser.add_argument("--query-timeout", type=float, default=60.0, help="seconds")
    parser.add_argument("--chunk", type=int, default=50_000, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    if args.entries < 1000:
        parser.error("--entries must be at least 1000")

    say = Output()
    say(f"$ {' '.join([os.path.relpath(sys.executable), *sys.argv])}")
    say(f"started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC; seed {args.seed}")
    db_name = f"timetrack_bench_{uuid.uuid4().hex[:10]}"
    status = 2
    loop = asyncio.new_event_loop()
    with tempfile.TemporaryDirectory(prefix="timetrack-bench-") as tmp:
        task = loop.create_task(run(args, db_name, Path(tmp), say))
        on_signal = _OnSignal(loop, task, args.postgres_url, db_name)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        try:
            status = loop.run_until_complete(task)
            check_stop()
        except (asyncio.CancelledError, Interrupted):
            say("interrupted")
            status = 130
        except Exception:
            traceback.print_exc(file=sys.stdout)
            status = 2
        finally:
            try:
                drop = drop_database(args.postgres_url, db_name)
                loop.run_until_complete(asyncio.wait_for(drop, 30))
                say(f"dropped the scratch database {db_name}")
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                say(f"COULD NOT DROP the scratch database {db_name}: {exc!r}")
                status = status or 2
            loop.close()
    say(f"finished in {time.perf_counter() - say.t0:.0f} s, exit status {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
