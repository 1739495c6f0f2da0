"""The floor: the least a server must do to answer the benchmark's requests correctly.

A hand-written ASGI app with no framework, no validation layer and no ORM: the same credential
check (key lookup, SHA-256 of the secret compared in constant time), the same SQL as timetrack
(imported from its modules where it is a constant) and orjson, on the raw driver (sqlite3 on
the event loop with the same pragmas and transaction modes; an asyncpg pool of the same size).
Statements that must agree run in one transaction, as in timetrack: a page and its count, the
three reads of a report, every write with its audit entry. What it leaves out is exactly what
the efficiency ratio charges timetrack for: routing, parameter and body validation, error
handling, middleware (limits, headers, rate limits, request ids), and any redundant statement.

The summary report (scenario r-summary) is in ``bench/floor_reports.py``.

Work reports (scenario e) reuse timetrack's pure report arithmetic (``work_reports.calc`` and
the holiday calendar), so that ratio measures the plumbing around it, not two calculators.

Run: ``FLOOR_DATABASE_URL=sqlite:///... uvicorn bench.floor:app`` (bench/run.py does).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from bench import floor_reports
from timetrack.fieldtypes import coordinate_text
from timetrack.public_holidays import holidays_between, place
from timetrack.time_entries.service import _COUNT, _OWNED
from timetrack.work_reports import calc
from timetrack.work_reports.service import User, day_to_wire

API = "/api/v2/ext"
URL = os.environ.get("FLOOR_DATABASE_URL", "")
POOL_SIZE = int(os.environ.get("FLOOR_POOL_SIZE", "10"))
_ACCOUNT = (
    "SELECT id, timezone, country, region, enabled, secret_hash, currency FROM accounts "
    "WHERE api_key = $1"
)
_USER = (
    "SELECT id, username, time_zone, hour_rate, country, region FROM users "
    "WHERE account_id = $1 AND username_key = $2 AND deleted_at IS NULL"
)
# timetrack's db.next_ids for one id: the same row also counts the live records.
_NEXT_ID = (
    "INSERT INTO id_counters (account_id, resource, last_id, live) VALUES ($1, $2, 1, 1) "
    "ON CONFLICT (account_id, resource) DO UPDATE SET last_id = id_counters.last_id + 1, "
    "live = id_counters.live + 1 RETURNING last_id"
)
_AUDIT = (
    "INSERT INTO audit_log (account_id, id, at, actor, action, resource, record_id, before, "
    "after, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
)
_INSERT = (
    "INSERT INTO time_entries (account_id, id, user_id, project_id, task_id, start_at, end_at, "
    "start_local, end_local, time_zone, worked_minutes, break_minutes, hour_rate, billable, "
    "flat_rate, details, created_at, updated_at) VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)"
)
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LOCAL = "%Y-%m-%d %H:%M:%S"


def _utc(value: Any) -> datetime:
    """A stored instant: asyncpg gives datetimes, raw sqlite3 the stored UTC text."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _utc_text(value: Any) -> str:
    """A stored UTC instant on the wire, the cheapest way each driver allows."""
    if isinstance(value, str):  # SQLite's stored text, always with microseconds
        return f"{value[:10]}T{value[11:23]}Z"
    return str(value.replace(tzinfo=None).isoformat(timespec="milliseconds")) + "Z"


def entry_json(r: Any) -> dict[str, Any]:
    s, e = r["start_local"], r["end_local"]
    return {
        "id": r["id"],
        "user": r["username"],
        "userId": r["user_id"],
        "clientName": r["client_name"],
        "clientId": r["client_id"],
        "projectName": r["project_name"],
        "projectId": r["project_id"],
        "task": r["task_name"],
        "taskId": r["task_id"],
        "hourRate": float(r["hour_rate"]),
        "latitude": coordinate_text(r["latitude"]),
        "longitude": coordinate_text(r["longitude"]),
        "latitude1": coordinate_text(r["latitude1"]),
        "longitude1": coordinate_text(r["longitude1"]),
        "billable": bool(r["billable"]),
        "flatRate": bool(r["flat_rate"]),
        "details": r["details"],
        "tags": r["tags"],
        "from": f"{s[:10]}T{s[11:]}.000Z",
        "to": f"{e[:10]}T{e[11:]}.000Z",
        "workedMinutes": r["worked_minutes"],
        "breakMinutes": r["break_minutes"],
        "timeZone": r["time_zone"],
        "fromUtc": _utc_text(r["start_at"]),
        "toUtc": _utc_text(r["end_at"]),
        "updatedAt": _utc_text(r["updated_at"]),
    }


class Conn:
    """The four calls the handlers need, on either driver, in ``$n`` placeholder SQL."""

    def __init__(self, raw: Any, sqlite: bool) -> None:
        self.raw, self.sqlite = raw, sqlite

    # SQLite rows as dicts built once per row: the fastest way found to read rows by name
    # (sqlite3.Row compares the name with every column's), as timetrack's db.py does.
    async def rows(self, sql: str, *args: Any) -> list[Any]:
        if self.sqlite:
            cursor = self.raw.execute(_q(sql), args)
            found = cursor.fetchall()
            names = [d[0] for d in cursor.description] if found else []
            return [dict(zip(names, r, strict=True)) for r in found]
        return await self.raw.fetch(sql, *args)  # type: ignore[no-any-return]

    async def row(self, sql: str, *args: Any) -> Any:
        if self.sqlite:
            cursor = self.raw.execute(_q(sql), args)
            found = cursor.fetchone()
            if found is None:
                return None
            return dict(zip([d[0] for d in cursor.description], found, strict=True))
        return await self.raw.fetchrow(sql, *args)

    async def value(self, sql: str, *args: Any) -> Any:
        found = await self.row(sql, *args)
        return None if found is None else next(iter(found.values()))

    async def run(self, sql: str, *args: Any) -> None:
        if self.sqlite:
            self.raw.execute(_q(sql), args)
        else:
            await self.raw.execute(sql, *args)


_Q_CACHE: dict[str, str] = {}


def _q(sql: str) -> str:
    found = _Q_CACHE.get(sql)
    if found is None:
        found = _Q_CACHE[sql] = re.sub(r"\$(\d+)", r"?\1", sql)
    return found


class Store:
    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite:")
        self.url = url
        self.conn: sqlite3.Connection | None = None
        self.pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        if self.sqlite:
            conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
            for pragma in (
                "busy_timeout = 5000",
                "journal_mode = WAL",
                "synchronous = FULL",
                "foreign_keys = ON",
            ):
                conn.execute(f"PRAGMA {pragma}")
            self.conn = conn
        else:
            dsn = "postgresql://" + self.url.split("://", 1)[1]
            self.pool = await asyncpg.create_pool(
                dsn, min_size=1, max_size=POOL_SIZE, server_settings={"timezone": "UTC"}
            )

    async def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        if self.pool is not None:
            await self.pool.close()

    async def call(self, handler: Handler, *args: Any) -> tuple[int, bytes, list[Any]]:
        """Run ``handler`` on one connection. SQLite handlers never await the driver, so a
        handler runs to its end without yielding and needs no lock."""
        if self.conn is not None:
            return await handler(Conn(self.conn, True), *args)
        assert self.pool is not None
        async with self.pool.acquire() as raw:
            return await handler(Conn(raw, False), *args)


Result = tuple[int, bytes, list[Any]]
Handler = Callable[..., Awaitable[Result]]


def _error(status: int, code: int, title: str) -> Result:
    body = {"errors": [{"title": title, "status": status, "code": code}]}
    return status, orjson.dumps(body), []


async def _in_tx(c: Conn, write: bool, body: Callable[[], Awaitable[Result]]) -> Result:
    if c.sqlite:
        c.raw.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            result = await body()
        except BaseException:
            c.raw.execute("ROLLBACK")
            raise
        c.raw.execute("COMMIT")
        return result
    iso = "read_committed" if write else "repeatable_read"
    async with c.raw.transaction(isolation=iso, readonly=not write):
        return await body()


async def authenticate(c: Conn, key: str, secret: str) -> Any:
    row = await c.row(_ACCOUNT, key)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if row is None or not hmac.compare_digest(digest, row["secret_hash"]) or not row["enabled"]:
        return None
    return row


async def list_entries(c: Conn, account: Any, query: dict[str, str]) -> Result:
    where, args = " AND e.deleted_at IS NULL", [account["id"]]
    bounds = []
    if "from" in query:
        bounds.append((">=", query["from"] + " 00:00:00"))
    if "to" in query:
        after = date.fromisoformat(query["to"]) + timedelta(days=1)
        bounds.append(("<", after.strftime(_LOCAL)))
    limit = int(query.get("limit", 50))
    number = int(query["page_number"]) if "page_number" in query else int(query.get("page", 1)) - 1

    async def body() -> Result:
        nonlocal where
        if "username" in query:
            # As timetrack does: the user's id first, then the (account, user, start) index.
            users = await c.rows(
                "SELECT id FROM users WHERE account_id = $1 AND username_key = $2",
                account["id"],
                query["username"].casefold(),
            )
            if not users:
                return 200, b"[]", [(b"x-total-count", b"0")]
            args.append(users[0]["id"])
            where += f" AND e.user_id = ${len(args)}"
        for op, value in bounds:
            args.append(value)
            where += f" AND e.start_local {op} ${len(args)}"
        n = len(args)
        sql = f"{_OWNED}{where} ORDER BY e.start_local, e.id LIMIT ${n + 1} OFFSET ${n + 2}"
        rows = await c.rows(sql, *args, limit, number * limit)
        total = len(rows)
        if number > 0 or total == limit:
            total = await c.value(f"{_COUNT}{where}", *args)
        return 200, orjson.dumps([entry_json(r) for r in rows]), [(b"x-total-count", b"%d" % total)]

    return await _in_tx(c, False, body)


async def get_entry(c: Conn, account: Any, entry_id: int) -> Result:
    row = await c.row(f"{_OWNED} AND e.id = $2", account["id"], entry_id)
    if row is None or row["deleted_at"] is not None:
        return _error(404, 15010, "Time entry not found")
    return 200, orjson.dumps(entry_json(row)), []


def _instant(text: str, zone: ZoneInfo) -> tuple[datetime, str]:
    wall = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    return wall.replace(tzinfo=zone).astimezone(UTC), wall.strftime(_LOCAL)


async def _audit(
    c: Conn, account_id: int, action: str, record: int, before: Any, after: Any, key: str
) -> None:
    audit_id = await c.value(_NEXT_ID, account_id, "audit_log")
    await c.run(
        _AUDIT,
        account_id,
        audit_id,
        _now(c),
        "api-key:" + key[:8] + "…",
        action,
        "project_time_entries",
        record,
        before,
        after,
        os.urandom(16).hex(),
    )


def _now(c: Conn) -> Any:
    moment = datetime.now(UTC)
    return moment.replace(tzinfo=None).isoformat(sep=" ") if c.sqlite else moment


def _stored(c: Conn, value: datetime) -> Any:
    return (
        value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        if c.sqlite
        else value
    )


async def create_entry(c: Conn, account: Any, sent: dict[str, Any], key: str) -> Result:
    aid = account["id"]

    async def body() -> Result:
        user = await c.row(_USER, aid, sent["user"].casefold())
        client = await c.value(
            "SELECT id FROM clients WHERE account_id = $1 AND name_key = $2 AND deleted_at IS NULL",
            aid,
            sent["clientName"].casefold(),
        )
        project = await c.row(
            "SELECT id, hour_rate FROM projects WHERE account_id = $1 AND "
            "client_id = $2 AND name_key = $3 AND deleted_at IS NULL",
            aid,
            client,
            sent["projectName"].casefold(),
        )
        if user is None or project is None:
            return _error(400, 12040, "Unknown reference")
        zone = ZoneInfo(user["time_zone"])
        start, start_local = _instant(sent["from"], zone)
        end, end_local = _instant(sent["to"], zone)
        rate = project["hour_rate"] or user["hour_rate"] or 0
        entry_id = await c.value(_NEXT_ID, aid, "time_entries")
        minutes = int((end - start).total_seconds()) // 60
        await c.run(
            _INSERT,
            aid,
            entry_id,
            user["id"],
            project["id"],
            None,
            _stored(c, start),
            _stored(c, end),
            start_local,
            end_local,
            user["time_zone"],
            minutes,
            0,
            str(rate) if c.sqlite else rate,
            True,
            False,
            sent.get("details"),
            _now(c),
        )
        row = await c.row(f"{_OWNED} AND e.id = $2", aid, entry_id)
        out = orjson.dumps(entry_json(row))
        await _audit(c, aid, "create", entry_id, None, out.decode(), key)
        return 201, out, []

    return await _in_tx(c, True, body)


async def update_entry(
    c: Conn, account: Any, entry_id: int, sent: dict[str, Any], key: str
) -> Result:
    aid = account["id"]

    async def body() -> Result:
        row = await c.row(f"{_OWNED} AND e.id = $2", aid, entry_id)
        if row is None or row["deleted_at"] is not None:
            return _error(404, 15010, "Time entry not found")
        before = orjson.dumps(entry_json(row)).decode()
        await c.run(
            "UPDATE time_entries SET details = $3, updated_at = $4 WHERE account_id = $1 "
            "AND id = $2",
            aid,
            entry_id,
            sent.get("details"),
            _now(c),
        )
        row = await c.row(f"{_OWNED} AND e.id = $2", aid, entry_id)
        out = orjson.dumps(entry_json(row))
        await _audit(c, aid, "update", entry_id, before, out.decode(), key)
        return 200, out, []

    return await _in_tx(c, True, body)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _bind(c: Conn, day: date) -> Any:
    """A date as a parameter: text on SQLite (its DATE columns hold ISO text)."""
    return day.isoformat() if c.sqlite else day


async def work_report(c: Conn, account: Any, query: dict[str, str]) -> Result:
    aid = account["id"]
    first, last = date.fromisoformat(query["from"]), date.fromisoformat(query["to"])
    after = (last + timedelta(days=1)).strftime(_LOCAL)

    async def body() -> Result:
        user = await c.row(_USER, aid, query["username"].casefold())
        if user is None:
            return _error(400, 14040, "Unknown user")
        uid = user["id"]
        shifts = [
            calc.Shift(
                start=datetime.strptime(r["start_local"], _LOCAL),
                end=datetime.strptime(r["end_local"], _LOCAL),
                break_seconds=r["break_minutes"] * 60,
                start_at=_utc(r["start_at"]),
                end_at=_utc(r["end_at"]),
            )
            for r in await c.rows(
                "SELECT start_at, end_at, start_local, end_local, break_minutes FROM attendances "
                "WHERE account_id = $1 AND deleted_at IS NULL AND end_at IS NOT NULL AND "
                "start_local >= $2 AND start_local < $3 AND user_id IN ($4) "
                "ORDER BY user_id, start_local, id",
                aid,
                first.strftime(_LOCAL),
                after,
                uid,
            )
        ]
        absences = [
            calc.Absence(
                first=_day(r["start_date"]),
                last=_day(r["end_date"]),
                short_name=r["short_name"],
                day_segment=r["day_segment"],
                half_day=bool(r["half_day"]),
                credits_target=bool(r["credits_target"]),
            )
            for r in await c.rows(
                "SELECT a.start_date, a.end_date, a.day_segment, t.short_name, t.credits_target, "
                "t.half_day FROM absences a JOIN absence_types t ON t.account_id = a.account_id "
                "AND t.id = a.absence_type_id WHERE a.account_id = $1 AND a.deleted_at IS NULL "
                "AND a.status = 1 AND a.start_date <= $3 AND a.end_date >= $2 AND a.user_id IN "
                "($4) ORDER BY a.user_id, a.start_date, a.day_segment, a.id",
                aid,
                _bind(c, first),
                _bind(c, last),
                uid,
            )
        ]
        models = [
            calc.Model(_day(r["valid_from"]), tuple(int(r[d]) for d in _DAYS))  # type: ignore[arg-type]
            for r in await c.rows(
                f"SELECT valid_from, {', '.join(_DAYS)} FROM working_time_models WHERE "
                "account_id = $1 AND deleted_at IS NULL AND valid_from <= $2 AND user_id IN ($3) "
                "ORDER BY user_id, valid_from",
                aid,
                _bind(c, last),
                uid,
            )
        ]
        where = place(user["country"], user["region"], account["country"], account["region"])
        holidays = holidays_between(*where, first, last)
        days = calc.build_days(first, last, models, shifts, absences, holidays)
        who = User(uid, user["username"])
        return 200, orjson.dumps([day_to_wire(who, d) for d in days]), []

    return await _in_tx(c, False, body)


store = Store(URL)


async def _body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await store.open()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await store.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    headers = dict(scope["headers"])
    key = headers.get(b"x-timetrack-api-key", b"").decode()
    secret = headers.get(b"x-timetrack-api-secret", b"").decode()
    method, path = scope["method"], scope["path"].removeprefix(API).rstrip("/")
    query = dict(parse_qsl(scope["query_string"].decode()))
    sent: dict[str, Any] = orjson.loads(await _body(receive)) if method in ("POST", "PUT") else {}

    async def handle(c: Conn) -> Result:
        account = await authenticate(c, key, secret)
        if account is None:
            return _error(401, 10010, "Invalid credentials")
        if path == "/project_time_entries":
            if method == "GET":
                return await list_entries(c, account, query)
            return await create_entry(c, account, sent, key)
        if path.startswith("/project_time_entries/"):
            entry_id = int(path.rsplit("/", 1)[1])
            if method == "GET":
                return await get_entry(c, account, entry_id)
            return await update_entry(c, account, entry_id, sent, key)
        if path == "/work_reports":
            return await work_report(c, account, query)
        if path == "/reports/summary":
            return await _in_tx(c, False, lambda: floor_reports.summary(c, account, query))
        return _error(404, 10040, "Not found")

    status, body, extra = await store.call(handle)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})
