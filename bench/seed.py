"""Seed a realistic benchmark data set, fast, on SQLite or PostgreSQL.

    .venv/bin/python bench/seed.py --database-url URL --manifest PATH [--entries 1000000]
        [--accounts 5] [--users 200] [--projects 300] [--years 2] [--seed 1] [--reuse]

The schema comes from the migrations and the accounts from the accounts service (real keys and
secrets, the default absence types); the rest is bulk-loaded as raw rows holding exactly what
the services store for the same requests (a sample is re-derived with ``spans.time_columns``).
Users, projects and entries are totals over the accounts; scaled together (1M/200, 10k/2) each
user books ~10 entries per working day. The same seed gives the same data on both databases.
The JSON manifest names what a benchmark needs: keys, users, a busy user-month, id ranges.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from timetrack import migrate
from timetrack.absences.fields import APPROVED, DISAPPROVED, WAITING
from timetrack.accounts import service as account_service
from timetrack.audit import service as audit
from timetrack.config import get_settings
from timetrack.db import _adapt_datetime, connect_sqlite, create_database, pg_dsn, sqlite_path
from timetrack.models import Base
from timetrack.public_holidays import holidays_between
from timetrack.spans import time_columns
from timetrack.time_entries.service import resolve_span
from timetrack.times import local_to_utc
from timetrack.users.passwords import Passwords
from timetrack.wire import name_key


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


FIRST = _words("Anna Ben Clara David Emma Felix Greta Hanna Ivan Julia Karl Lena Max Nina Oskar")
LAST = _words(
    "Schmidt Mueller Weber Fischer Wagner Becker Hoffmann Schulz Koch Richter Smith Brown"
)
COMPANY = [f"{a} {b}" for a in _words("Alpine Atlas Cedar Delta Eagle") for b in _words("GmbH AG")]
PROJECTS = _words(
    "Maintenance, Support, Website relaunch, Mobile app, Data migration, SEO, Internal, "
    "Consulting, Onboarding, Cloud migration, Security audit, Training, Reporting, Shop",
    ", ",
)
TASKS = _words("Development, Design, Meeting, Code review, Testing, Travel, Research, Docs", ", ")
DETAILS = _words("Weekly sync;Sprint planning;Fixed the checkout bug;Call with the PM;Review", ";")
TAGS = ("#remote", "#onsite", "#meeting #remote", "#urgent", "#travel #onsite")
RATES = tuple(Decimal(r) for r in ("45.00", "60.00", "75.00", "90.00", "110.00", "135.00"))
ZONES = ("Europe/Berlin",) * 8 + ("Europe/London", "America/New_York")
ACCOUNT_ZONE, PASSWORD = "Europe/Berlin", "bench-password-1"
DAY_END, MIN_ENTRY, MAX_PER_DAY = 19 * 60, 15, 40  # 40 entries of 15 min fill 09:00-19:00
GAPS = (0, 0, 0, 0, 5, 5, 10, 15)
# type, working days (fewest, most), how many a year
ABSENCES = (("VAC", 3, 10, 2), ("SICK", 1, 3, 2), ("HDL", 1, 1, 1), ("HO", 1, 1, 1),
            ("SPL", 1, 1, 1), ("TO", 1, 2, 1))  # fmt: skip
COLUMNS = {table.name: tuple(table.columns.keys()) for table in Base.metadata.sorted_tables}
# The order generate_entries builds its tuples in.
ENTRY = _words(
    "account_id id user_id project_id task_id start_at end_at start_local end_local time_zone "
    "worked_minutes break_minutes hour_rate billable flat_rate details tags latitude longitude "
    "latitude1 longitude1 created_at updated_at deleted_at"
)
ATTENDANCE = _words(
    "account_id id user_id start_at end_at start_local end_local time_zone worked_minutes "
    "break_minutes notes manual latitude_start longitude_start latitude_end longitude_end "
    "created_at updated_at deleted_at"
)
SMALL = ("clients", "projects", "tasks", "users", "working_time_models", "absences")
COUNTED = ("accounts", "absence_types", *SMALL, "time_entries", "attendances", "id_counters")
# Wall-clock and UTC text per minute of the day: the hot loop only indexes and concatenates.
HM = [f" {m // 60:02d}:{m % 60:02d}:00" for m in range(1441)]
HMS = [f"{t}.000000" for t in HM]
HMP = [t[:-2] for t in HM]
MINUTES = [timedelta(minutes=m) for m in range(1441)]
Row = tuple[Any, ...]


@dataclass
class Person:
    id: int
    username: str
    zone: str
    factor: float  # how busy, around 1
    picks: list[tuple[int, Any]]  # (project, the rate an entry there freezes), favourites repeated
    off: set[date] = field(default_factory=set)


@dataclass
class Plan:
    """One account: its small tables, and what its entries are generated from."""

    creds: account_service.Credentials
    rows: dict[str, list[Row]]
    people: list[Person]
    tasks: list[tuple[int, Any]]  # (task id, its rate or None)
    entries: int
    seed: int
    attendances: list[Row] = field(default_factory=list)
    month_live: Counter[tuple[int, str]] = field(default_factory=Counter)
    last_entry: int = 0
    live: int = 0


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (i < total % parts) for i in range(parts)]


def _row(table: str, **values: Any) -> Row:
    """A row of ``table``; the columns not given are NULL, as when a field is not sent."""
    return tuple(values.get(column) for column in COLUMNS[table])


def plan_account(
    creds: account_service.Credentials, types: dict[str, int], sizes: tuple[int, int, int],
    days: list[date], setup: datetime, pw_hash: str, rng: random.Random, text: bool,
) -> Plan:  # fmt: skip
    """The account's clients, projects, tasks, users, working-time models and absences."""
    n_users, n_projects, n_entries = sizes
    aid, slug = creds.account.id, creds.account.slug
    rows: dict[str, list[Row]] = {t: [] for t in SMALL}
    meta = {"account_id": aid, "created_at": setup, "updated_at": setup}
    n_clients = min(n_projects, max(10, -(-n_projects // len(PROJECTS))))
    for c in range(1, n_clients + 1):
        name = COMPANY[(c - 1) % len(COMPANY)] + (f" {c}" if c > len(COMPANY) else "")
        rows["clients"].append(_row(
            "clients", id=c, name=name, name_key=name_key(name), enabled=True,
            color=f"#{rng.randrange(0x1000000):06x}", email=f"office@client{c}.example",
            address_city="Berlin", address_country="DE",
            contact_person=f"{rng.choice(FIRST)} {rng.choice(LAST)}", **meta,
        ))  # fmt: skip
    names = [rng.sample(PROJECTS, len(PROJECTS)) for _ in range(n_clients)]
    project_rate: dict[int, Decimal | None] = {}
    for p in range(1, n_projects + 1):
        c, k = (p - 1) % n_clients, (p - 1) // n_clients
        name = names[c][k % len(PROJECTS)] + (f" {k // len(PROJECTS) + 1}" * (k >= len(PROJECTS)))
        project_rate[p] = rng.choice(RATES) if rng.random() < 0.5 else None
        rows["projects"].append(_row(
            "projects", id=p, client_id=c + 1, name=name, name_key=name_key(name), enabled=True,
            hour_rate=project_rate[p], time_estimated=rng.choice((None, 6000)), **meta,
        ))  # fmt: skip
    # Entries carry rates in the driver's form: the SQLite adapter's text, or the Decimal.
    form = (lambda d: None if d is None else str(d)) if text else (lambda d: d)
    tasks: list[tuple[int, Any]] = []
    for t, name in enumerate(rng.sample(TASKS, len(TASKS)), 1):
        rate = rng.choice(RATES) if rng.random() < 0.3 else None
        rows["tasks"].append(_row("tasks", id=t, name=name, name_key=name_key(name),
                                  hour_rate=rate, **meta))  # fmt: skip
        tasks.append((t, form(rate)))
    people: list[Person] = []
    taken: set[str] = set()
    for u in range(1, n_users + 1):
        first, last, n = rng.choice(FIRST), rng.choice(LAST), 1
        username = f"{first}.{last}".lower()
        while username in taken:
            n += 1
            username = f"{first}.{last}{n}".lower()
        taken.add(username)
        zone = ZONES[int(rng.random() * len(ZONES))] if u > 1 else ACCOUNT_ZONE
        rate = rng.choice(RATES) if rng.random() < 0.6 else None
        email = f"{username}@{slug}.example"
        rows["users"].append(_row(
            "users", id=u, username=username, username_key=name_key(username), first_name=first,
            last_name=last, email=email, email_key=name_key(email), password_hash=pw_hash,
            admin=u == 1, team_lead=u % 10 == 2, external=False, language=rng.choice(("de", "en")),
            personal_number=f"P{u:05d}", enabled=True, time_zone=zone, hour_rate=rate, **meta,
        ))  # fmt: skip
        daily = 21600 if rng.random() < 0.2 else 28800  # some work part time
        rows["working_time_models"].append(_row(
            "working_time_models", id=u, user_id=u, valid_from=days[0], saturday=0, sunday=0,
            **dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), daily),
            vacation_days=Decimal("30.0"), **meta,
        ))  # fmt: skip
        mine = rng.sample(range(1, n_projects + 1), min(n_projects, rng.randint(3, 8)))
        picks = [(p, form(project_rate[p] or rate or Decimal("0.00"))) for p in mine]
        picks = [pick for pick in picks for _ in range(rng.randint(1, 4))]
        people.append(Person(u, username, zone, rng.uniform(0.8, 1.2), picks))
    _plan_absences(rows["absences"], aid, people, types, days, rng)
    return Plan(creds, rows, people, tasks, n_entries, rng.randrange(2**32))


def _plan_absences(
    out: list[Row], aid: int, people: list[Person], types: dict[str, int], days: list[date],
    rng: random.Random,
) -> None:  # fmt: skip
    """A few per user and year, mixed types and statuses, never two on one day of a user; each
    was created waiting, then decided on (``updated_at``), as through the API."""
    for person in people:
        used: set[date] = set()
        for short, low, high, per_year in ABSENCES:
            for _ in range(per_year * max(1, round(len(days) / 250))):
                n = rng.randint(low, high)
                i = rng.randrange(max(1, len(days) - n))
                first, last = days[i], days[min(i + n, len(days)) - 1]
                span = {first + timedelta(d) for d in range((last - first).days + 1)}
                if span & used:
                    continue  # a rare clash: one absence fewer
                used |= span
                x = rng.random()
                status = WAITING if 0.75 < x < 0.9 else DISAPPROVED if x >= 0.9 else APPROVED
                status = APPROVED if short == "SICK" else status
                ahead = rng.randint(14, 60) if short in ("VAC", "SPL") else 0
                asked = datetime(first.year, first.month, first.day, 7, tzinfo=UTC)
                asked += timedelta(days=-ahead, seconds=rng.randrange(36000))
                decided = asked + timedelta(seconds=rng.randrange(3600, 259200))
                out.append(_row(
                    "absences", account_id=aid, id=len(out) + 1, user_id=person.id,
                    absence_type_id=types[short], start_date=first, end_date=last, status=status,
                    day_segment=rng.choice((1, 2)) if short == "HDL" else 0,
                    notes="Summer holiday" if short == "VAC" and rng.random() < 0.3 else None,
                    created_at=asked, updated_at=asked if status == WAITING else decided,
                ))  # fmt: skip
                if status != DISAPPROVED and short not in ("HDL", "HO"):
                    person.off |= span  # no entries, no attendance on those days


def _day_counts(plan: Plan, days: list[date], rng: random.Random) -> dict[tuple[date, int], int]:
    """Entries per working day of each user, about even, summing exactly to the account's."""
    slots = [(d, p) for d in days for p in plan.people if d not in p.off]
    if plan.entries > MAX_PER_DAY * len(slots):
        raise ValueError(f"{plan.entries} entries do not fit into {len(slots)} user-days")
    mean = plan.entries / max(1, len(slots))
    counts = []
    for _, p in slots:
        wanted = mean * p.factor * rng.uniform(0.7, 1.3)
        counts.append(min(MAX_PER_DAY, int(wanted) + (rng.random() < wanted % 1)))
    diff = plan.entries - sum(counts)
    while diff:
        i = rng.randrange(len(counts))
        if 0 <= counts[i] + (step := 1 if diff > 0 else -1) <= MAX_PER_DAY:
            counts[i], diff = counts[i] + step, diff - step
    return {(d, p.id): n for (d, p), n in zip(slots, counts, strict=True)}


def generate_entries(plan: Plan, days: list[date], text: bool, cap: Any) -> Iterator[Row]:
    """The account's entries in booking order (ids ascend with time); fills its attendances.

    Each working day a user books back-to-back entries from 07:00-09:00 on, with a lunch gap,
    ending by 19:00. The zone's offset is looked up once per zone and day (DST switches happen
    at night), so the instants are minute arithmetic on the day's UTC midnight: text for SQLite
    (as its adapter writes it), datetimes for asyncpg. ``cap``: no update after now.
    """
    rng = random.Random(plan.seed)
    r = rng.random
    aid, tasks, ntasks = plan.creds.account.id, plan.tasks, len(plan.tasks)
    counts = _day_counts(plan, days, rng)
    pool = [(m, f"{s:02d}.{us:06d}", timedelta(minutes=m, seconds=s, microseconds=us))
            for m, s, us in ((rng.randint(1, 240), rng.randrange(60), rng.randrange(10**6))
                             for _ in range(512))]  # fmt: skip
    offsets: dict[tuple[str, date], tuple[int, datetime]] = {}
    eid = att_id = 0
    start_at: Any  # text or datetime, as the driver takes it
    end_at: Any
    created: Any
    later: Any
    for day in days:
        ds = day.isoformat()
        utc_days = [(day + timedelta(d)).isoformat() for d in (-1, 0, 1, 2)]
        for person in plan.people:
            if (k := counts.pop((day, person.id), None)) is None:
                continue  # absent
            zone, uid, picks, npicks = person.zone, person.id, person.picks, len(person.picks)
            if (zone, day) not in offsets:
                noon = datetime(day.year, day.month, day.day, 12)
                off = int((noon - local_to_utc(noon, zone).replace(tzinfo=None)).total_seconds())
                midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
                offsets[zone, day] = (off // 60, midnight - timedelta(seconds=off))
            off, base = offsets[zone, day]
            s0 = cur = 420 + 5 * int(r() * 25)
            work_left = 420 + 5 * int(r() * 25)
            lunch, lunch_taken, live = 30 + 15 * int(r() * 3), 0, 0
            for j in range(k):
                left = k - j
                d = max(MIN_ENTRY, min(180, int(work_left / left * (0.5 + r())) // 5 * 5))
                d = min(d, DAY_END - cur - (left - 1) * MIN_ENTRY)  # the rest still fits
                a, b = cur, cur + d
                brk = (15 if d < 150 else 30) if d >= 60 and r() < 0.25 else 0
                pid, rate = picks[int(r() * npicks)]
                tid = None
                if r() < 0.3:
                    tid, task_rate = tasks[int(r() * ntasks)]
                    rate = rate if task_rate is None else task_rate
                lat = lon = lat1 = lon1 = None
                if r() < 0.1:
                    lat, lon = round(52.4 + r() * 0.25, 6), round(13.2 + r() * 0.4, 6)
                    lat1, lon1 = round(lat + r() * 0.01, 6), round(lon + r() * 0.01, 6)
                dmin, sfx, delay = pool[int(r() * 512)]  # booked a little after the end
                if text:
                    ua, ub, uc = a - off, b - off, b - off + dmin
                    start_at = utc_days[ua // 1440 + 1] + HMS[ua % 1440]
                    end_at = utc_days[ub // 1440 + 1] + HMS[ub % 1440]
                    created = utc_days[uc // 1440 + 1] + HMP[uc % 1440] + sfx
                else:
                    start_at, end_at = base + MINUTES[a], base + MINUTES[b]
                    created = end_at + delay
                updated, deleted = created, None
                if (x := r()) < 0.05:  # edited later; a fifth of those deleted
                    later = datetime.fromisoformat(created) if text else created
                    later += timedelta(hours=1 + int(x * 9000))
                    updated = min(later.isoformat(" ", "microseconds") if text else later, cap)
                    deleted = updated if x < 0.01 else None
                live += deleted is None
                eid += 1
                yield (aid, eid, uid, pid, tid, start_at, end_at, ds + HM[a], ds + HM[b], zone,
                       d - brk, brk, rate, r() < 0.8, r() < 0.02,
                       DETAILS[int(r() * 5)] if r() < 0.4 else None,
                       TAGS[int(r() * 5)] if r() < 0.15 else None,
                       lat, lon, lat1, lon1, created, updated, deleted)  # fmt: skip
                gap = GAPS[int(r() * 8)]
                if not lunch_taken and b >= 720 and left > 1:
                    gap, lunch_taken = gap + lunch, lunch
                cur, work_left = b + min(gap, DAY_END - b - (left - 1) * MIN_ENTRY), work_left - d
            end = cur if k else s0 + 480 + lunch
            brk = lunch_taken or (lunch if end - s0 > 360 else 0)
            if text:
                ua, ub = s0 - off, end - off
                start_at = utc_days[ua // 1440 + 1] + HMS[ua % 1440]
                end_at = utc_days[ub // 1440 + 1] + HMS[ub % 1440]
            else:
                start_at, end_at = base + MINUTES[s0], base + MINUTES[end]
            manual = r() < 0.7  # else clocked in and out: created at the start
            att_id += 1
            plan.attendances.append((aid, att_id, uid, start_at, end_at, ds + HM[s0], ds + HM[end],
                zone, end - s0 - brk, brk, None, manual, None, None, None, None,
                end_at if manual else start_at, end_at, None))  # fmt: skip
            plan.month_live[uid, ds[:7]] += live
            plan.live += live
    plan.last_entry = eid


def check_sample(rows: list[Row], columns: tuple[str, ...]) -> None:
    """Rows hold what ``time_columns`` stores for a span booked with the same wall-clock
    ``from``/``to`` and break (on SQLite: the very text the driver's adapter writes)."""
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        zone, text = values["time_zone"], isinstance(values["start_at"], str)
        start = local_to_utc(datetime.fromisoformat(values["start_local"]), zone)
        end = local_to_utc(datetime.fromisoformat(values["end_local"]), zone)
        expected = time_columns(resolve_span(start, end, None, values["break_minutes"]), zone)
        for column, value in expected.items():
            if text and isinstance(value, datetime):
                value = _adapt_datetime(value)
            if value != values[column]:
                raise AssertionError(f"{column}: {values[column]!r}, the service: {value!r}")


def _sampled(rows: Iterator[Row], sample: list[Row]) -> Iterator[Row]:
    for i, row in enumerate(rows):
        if i % 4999 == 0:
            sample.append(row)
        yield row


# The live-record counts the server keeps in id_counters, computed as its migration does.
LIVE_COUNTS = [
    f"UPDATE id_counters SET live = (SELECT count(*) FROM {table} t WHERE t.account_id = "
    f"id_counters.account_id AND t.deleted_at IS NULL) WHERE resource = '{table}'"
    for table in (*SMALL, "time_entries", "attendances")
]


def _counters(plan: Plan) -> list[Row]:
    last = {t: len(rows) for t, rows in plan.rows.items()}
    last |= {"time_entries": plan.last_entry, "attendances": len(plan.attendances)}
    # live is counted afterwards (LIVE_COUNTS), over what was really loaded.
    return [(plan.creds.account.id, t, n, 0) for t, n in last.items() if n]


# --- loading --------------------------------------------------------------------------------


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def load_sqlite(path: Path, plans: list[Plan], days: list[date], sample: list[Row]) -> None:
    conn = connect_sqlite(path)
    try:
        # A failed load is re-run from scratch: no journal, no syncs, no per-row reference
        # checks (one pass afterwards), the entry indexes built once at the end (~20% faster).
        for pragma in ("foreign_keys = OFF", "journal_mode = OFF", "synchronous = OFF",
                       "cache_size = -1048576", "temp_store = MEMORY"):  # fmt: skip
            conn.execute(f"PRAGMA {pragma}")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'time_entries' AND sql IS NOT NULL"
        ).fetchall()
        conn.execute("BEGIN")
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        cap = _adapt_datetime(datetime.now(UTC))
        for plan in plans:
            for table in SMALL:
                conn.executemany(_insert(table, COLUMNS[table]), plan.rows[table])
            entries = _sampled(generate_entries(plan, days, True, cap), sample)
            conn.executemany(_insert("time_entries", ENTRY), entries)
            conn.executemany(_insert("attendances", ATTENDANCE), plan.attendances)
            conn.executemany(_insert("id_counters", COLUMNS["id_counters"]), _counters(plan))
        for _, sql in indexes:
            conn.execute(sql)
        for sql in LIVE_COUNTS:
            conn.execute(sql)
        conn.execute("COMMIT")
        if problems := conn.execute("PRAGMA foreign_key_check").fetchall():
            raise AssertionError(f"{len(problems)} rows refer to missing rows: {problems[:3]}")
        conn.execute("PRAGMA journal_mode = WAL")  # as the server leaves its file
    finally:
        conn.close()


async def load_postgres(dsn: str, plans: list[Plan], days: list[date], sample: list[Row]) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"timezone": "UTC"})
    try:
        # Foreign-key triggers would look up every reference of every row (checked afterwards
        # in one pass); the entry indexes are built once, after the COPY (~10% faster).
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):  # then keep the triggers
            await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET maintenance_work_mem = '1GB'")
        async with conn.transaction():
            indexes = await conn.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'time_entries' "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            )
            for index in indexes:
                await conn.execute(f'DROP INDEX "{index["indexname"]}"')
            cap = datetime.now(UTC)
            for plan in plans:
                for table in SMALL:
                    await conn.copy_records_to_table(
                        table, records=plan.rows[table], columns=COLUMNS[table]
                    )
                entries = _sampled(generate_entries(plan, days, False, cap), sample)
                await conn.copy_records_to_table("time_entries", records=entries, columns=ENTRY)
                await conn.copy_records_to_table(
                    "attendances", records=plan.attendances, columns=ATTENDANCE
                )
                await conn.copy_records_to_table(
                    "id_counters", records=_counters(plan), columns=COLUMNS["id_counters"]
                )
            for index in indexes:
                await conn.execute(index["indexdef"])
            for sql in LIVE_COUNTS:
                await conn.execute(sql)
        await conn.execute("RESET session_replication_role")
        for child, column, parent in (
            ("time_entries", "user_id", "users"), ("time_entries", "project_id", "projects"),
            ("time_entries", "task_id", "tasks"), ("attendances", "user_id", "users"),
            ("absences", "user_id", "users"), ("absences", "absence_type_id", "absence_types"),
            ("projects", "client_id", "clients"), ("working_time_models", "user_id", "users"),
        ):  # fmt: skip
            orphans = await conn.fetchval(
                f"SELECT count(*) FROM {child} x WHERE x.{column} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {parent} y WHERE y.account_id = x.account_id "
                f"AND y.id = x.{column})"
            )
            if orphans:
                raise AssertionError(f"{orphans} {child} refer to missing {parent}")
        # What autovacuum would do a minute later, done now, so that timings do not depend on
        # when it runs (visibility map for index-only counts, planner statistics).
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


# --- the run --------------------------------------------------------------------------------


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def public_url(url: str) -> str:
    """The URL without its password (it goes into the manifest)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{parts.netloc.split('@')[-1]}"))


async def _recreate_pg(url: str) -> None:
    """Drop and create the URL's database, connected to the server's ``postgres`` one."""
    parts = urlsplit(pg_dsn(url))
    conn = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    name = '"' + parts.path.lstrip("/").replace('"', '""') + '"'
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()


def scalars(url: str, queries: list[str]) -> list[Any]:
    """The first value of each query, on either database (the file must exist)."""
    if url.startswith("sqlite:"):
        if not sqlite_path(url).exists():
            raise FileNotFoundError(sqlite_path(url))
        with contextlib.closing(sqlite3.connect(sqlite_path(url))) as conn:
            return [conn.execute(q).fetchone()[0] for q in queries]

    async def run() -> list[Any]:
        conn = await asyncpg.connect(pg_dsn(url))
        try:
            return [await conn.fetchval(q) for q in queries]
        finally:
            await conn.close()

    return asyncio.run(run())


async def _create_accounts(
    url: str, n: int
) -> tuple[list[account_service.Credentials], list[dict[str, int]], str]:
    """The accounts, as ``timetrack account create`` makes them; and ONE password hash for
    every user (Argon2 at the server's cost takes ~0.1 s a hash)."""
    settings = get_settings()
    hasher = Passwords(
        time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
    )
    pw_hash = await hasher.hash(PASSWORD)
    db = create_database(url)
    await db.open()
    creds, types = [], []
    try:
        async with db.transaction(write=True) as tx:
            for i in range(1, n + 1):
                made = await account_service.create_account(
                    tx, f"bench-{i}", name=f"Bench {i}", timezone=ACCOUNT_ZONE, country="DE"
                )
                aid = made.account.id
                await audit.record_cli(tx, aid, "create", audit.ACCOUNTS, aid,
                                       after=made.account.as_dict())  # fmt: skip
                rows = await tx.fetch(
                    "SELECT id, short_name FROM absence_types WHERE account_id = $1", aid
                )
                creds.append(made)
                types.append({row["short_name"]: row["id"] for row in rows})
    finally:
        await db.close()
    return creds, types, pw_hash


def _reusable(url: str, manifest: Path, params: dict[str, Any]) -> dict[str, Any] | None:
    """The manifest, if it was made with ``params`` and the database still holds its rows."""
    try:
        found: dict[str, Any] = json.loads(manifest.read_text())
        keys = [a["apiKey"] for a in found["accounts"]]
        if found["params"] != params or not all(re.fullmatch(r"[\w-]+", k) for k in keys):
            return None
        listed = ", ".join(f"'{k}'" for k in keys)
        queries = ["SELECT count(*) FROM time_entries"]
        queries.append(f"SELECT count(*) FROM accounts WHERE api_key IN ({listed})")
        held = scalars(url, queries)
    except (OSError, ValueError, KeyError, sqlite3.Error, asyncpg.PostgresError):
        return None
    return found if held == [found["counts"]["time_entries"], len(keys)] else None


def _account_manifest(plan: Plan) -> dict[str, Any]:
    # The busy user-month: the latest month holding >= 50 live entries of one user (else the
    # fullest), and of that month's users the busiest.
    months = plan.month_live
    uid, month = max(months, key=lambda key: (months[key] >= 50, key[1], months[key]))
    rows, creds = plan.rows, plan.creds

    def name(table: str, column: str = "name") -> Any:
        return rows[table][0][COLUMNS[table].index(column)]

    return {
        "slug": creds.account.slug, "id": creds.account.id, "apiKey": creds.api_key,
        "apiSecret": creds.api_secret, "timeZone": creds.account.timezone,
        "usernames": [{"username": p.username, "id": p.id} for p in plan.people],
        "busyUser": {"username": plan.people[uid - 1].username, "id": uid, "month": month,
                     "entries": months[uid, month]},
        "minEntryId": 1 if plan.last_entry else None, "maxEntryId": plan.last_entry or None,
        "entries": plan.last_entry, "liveEntries": plan.live,
        # a project of that client, and a task: names for create bodies
        "clientName": name("clients"), "projectName": name("projects"), "taskName": name("tasks"),
    }  # fmt: skip


def seed(
    database_url: str, manifest: Path, *, entries: int = 1_000_000, accounts: int = 5,
    users: int = 200, projects: int = 300, years: int = 2, seed: int = 1, reuse: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Build the data set and write its manifest; with ``reuse``, keep a matching one."""
    started = time.perf_counter()
    manifest = Path(manifest)
    params = {"entries": entries, "accounts": accounts, "users": users, "projects": projects,
              "years": years, "seed": seed, "database_url": public_url(database_url)}  # fmt: skip
    if reuse and (found := _reusable(database_url, manifest, params)) is not None:
        _say("reusing")
        return found
    if not 1 <= accounts <= min(users, projects) or years < 1 or entries < 0:
        raise ValueError("need 1 <= accounts <= users, projects; years >= 1; entries >= 0")
    if {*ENTRY} != {*COLUMNS["time_entries"]} or {*ATTENDANCE} != {*COLUMNS["attendances"]}:
        raise SystemExit("bench/seed.py: the entry or attendance columns changed; update it")
    text = database_url.startswith("sqlite:")
    if text:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{sqlite_path(database_url)}{suffix}").unlink(missing_ok=True)
    else:
        asyncio.run(_recreate_pg(database_url))
    migrate.upgrade(database_url)
    creds, types, pw_hash = asyncio.run(_create_accounts(database_url, accounts))
    end = datetime.now(UTC).date().replace(day=1)
    start = end.replace(year=end.year - years)
    holidays = holidays_between("DE", None, start, end)
    days = [start + timedelta(i) for i in range((end - start).days)]
    days = [d for d in days if d.weekday() < 5 and d not in holidays]
    rng = random.Random(seed)
    setup = datetime(start.year, start.month, 1, 8, tzinfo=UTC) - timedelta(days=30)
    sizes = zip(*(_split(n, accounts) for n in (users, projects, entries)), strict=True)
    plans = [plan_account(c, t, n, days, setup, pw_hash, rng, text)
             for c, t, n in zip(creds, types, sizes, strict=True)]  # fmt: skip
    sample: list[Row] = []
    if text:
        load_sqlite(sqlite_path(database_url), plans, days, sample)
    else:
        asyncio.run(load_postgres(pg_dsn(database_url), plans, days, sample))
    check_sample(sample, ENTRY)
    check_sample([a for p in plans for a in p.attendances[::997]], ATTENDANCE)
    found_counts = scalars(database_url, [f"SELECT count(*) FROM {t}" for t in COUNTED])
    counts = dict(zip(COUNTED, found_counts, strict=True))
    expected = {t: sum(len(p.rows[t]) for p in plans) for t in SMALL}
    expected |= {"accounts": accounts, "absence_types": sum(map(len, types)),
                 "time_entries": entries}  # fmt: skip
    expected["attendances"] = sum(len(p.attendances) for p in plans)
    if wrong := {t: (counts[t], n) for t, n in expected.items() if counts[t] != n}:
        raise AssertionError(f"rows (found, expected): {wrong}")
    result = {
        "params": params, "seconds": round(time.perf_counter() - started, 1),
        "range": {"from": start.isoformat(), "to": (end - timedelta(days=1)).isoformat()},
        "userPassword": PASSWORD, "counts": counts,
        "accounts": [_account_manifest(p) for p in plans],
    }  # fmt: skip
    manifest.parent.mkdir(parents=True, exist_ok=True)
    partial = manifest.with_name(manifest.name + ".tmp")
    partial.write_text(json.dumps(result, indent=1) + "\n")
    partial.replace(manifest)
    _say(f"{entries:,} entries, {counts['attendances']:,} attendances: {result['seconds']} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--manifest", required=True, type=Path)
    for name, default in (("entries", 1_000_000), ("accounts", 5), ("users", 200),
                          ("projects", 300), ("years", 2), ("seed", 1)):  # fmt: skip
        parser.add_argument(f"--{name}", type=int, default=default)
    parser.add_argument("--reuse", action="store_true", help="keep a matching seeded database")
    args = vars(parser.parse_args())
    seed(args.pop("database_url"), args.pop("manifest"), **args)


if __name__ == "__main__":
    main()
