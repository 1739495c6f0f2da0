"""The export scenario of ``./scripts/bench``: the CSV of an account's 100k entries from
timetrack against a floor writing the same CSV, byte for byte, from the raw driver; the growth
of the worker's peak memory meanwhile; and the time and memory of an XLSX of the same rows and
of a 12-month PDF timesheet.

The floor (``floor_app``, served by uvicorn like bench/floor.py) checks the same credentials,
runs timetrack's own statement (the entries list's ``_OWNED`` in its order) through the raw
driver (sqlite3 with a cursor, asyncpg with a server-side cursor in a REPEATABLE READ
transaction) and writes each row with straight-line code: no framework, no column table, no
per-kind formatters. tests/test_bench.py checks that it answers timetrack's exact bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import hmac
import io
import os
import time
from collections.abc import AsyncIterator, Iterator, MutableMapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import asyncpg

from timetrack.db import connect_sqlite, pg_dsn, sqlite_path
from timetrack.time_entries.service import _OWNED

URL = os.environ.get("FLOOR_DATABASE_URL", "")
EXPORT = "/api/v2/ext/exports/project_time_entries"
_SELECT = f"{_OWNED} AND e.deleted_at IS NULL ORDER BY e.start_local, e.id"
_ACCOUNT = "SELECT id, enabled, secret_hash FROM accounts WHERE api_key = $1"
_HEADER = (
    "ID,Date,User,Client,Project,Task,Details,Tags,From,To,Time zone,Break (h),Break (h:mm),"
    "Worked (h),Worked (h:mm),Billable,Flat rate,Hour rate,Amount\r\n"
)
_CHUNK = 2000
_CENT = Decimal("0.01")
_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if value is None:
        return ""
    return "'" + value if value.startswith(_STARTS) else value


def _hmm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def csv_line_rows(rows: list[Any]) -> list[list[str]]:
    """timetrack's English CSV of the entries, written out by hand."""
    out = []
    for r in rows:
        brk, worked, rate = r["break_minutes"], r["worked_minutes"], Decimal(r["hour_rate"])
        if not r["billable"]:
            amount = Decimal("0.00")
        elif r["flat_rate"]:
            amount = rate.quantize(_CENT, ROUND_HALF_UP)
        else:
            amount = (rate * worked / 60).quantize(_CENT, ROUND_HALF_UP)
        start, end = r["start_local"], r["end_local"]
        out.append(
            [
                str(r["id"]),
                start[:10],
                _text(r["username"]),
                _text(r["client_name"]),
                _text(r["project_name"]),
                _text(r["task_name"]),
                _text(r["details"]),
                _text(r["tags"]),
                start[:16],
                end[:16],
                _text(r["time_zone"]),
                f"{brk / 60:.2f}",
                _hmm(brk),
                f"{worked / 60:.2f}",
                _hmm(worked),
                "yes" if r["billable"] else "no",
                "yes" if r["flat_rate"] else "no",
                f"{rate:.2f}",
                f"{amount:.2f}",
            ]
        )
    return out


async def _rows(key: str, secret: str) -> AsyncIterator[list[Any]]:
    """The account's entries in chunks, after the credential check (nothing when it fails)."""
    if URL.startswith("sqlite:"):
        conn = connect_sqlite(sqlite_path(URL))
        try:
            conn.execute("BEGIN")
            account = conn.execute(_ACCOUNT.replace("$1", "?"), (key,)).fetchone()
            if not _valid(account, secret):
                return
            cursor = conn.execute(_SELECT.replace("$1", "?1"), (account["id"],))
            names = [d[0] for d in cursor.description]
            while chunk := cursor.fetchmany(_CHUNK):
                yield [dict(zip(names, row, strict=True)) for row in chunk]
        finally:
            conn.close()
        return
    pg = await asyncpg.connect(pg_dsn(URL), server_settings={"timezone": "UTC"})
    try:
        async with pg.transaction(isolation="repeatable_read", readonly=True):
            account = await pg.fetchrow(_ACCOUNT, key)
            if not _valid(account, secret):
                return
            cursor = await pg.cursor(_SELECT, account["id"])
            while chunk := await cursor.fetch(_CHUNK):
                yield chunk
    finally:
        await pg.close()


def _valid(account: Any, secret: str) -> bool:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return (
        account is not None
        and account["enabled"]
        and hmac.compare_digest(digest, account["secret_hash"])
    )


async def floor_app(scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    headers = dict(scope["headers"])
    key = headers.get(b"x-timetrack-api-key", b"").decode()
    secret = headers.get(b"x-timetrack-api-secret", b"").decode()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    started = False
    async for chunk in _rows(key, secret):
        if not started:
            started = True
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/csv; charset=utf-8")]})  # fmt: skip
            buffer.write("\ufeff" + _HEADER)
        writer.writerows(csv_line_rows(chunk))
        await send({"type": "http.response.body", "body": buffer.getvalue().encode(),
                    "more_body": True})  # fmt: skip
        buffer.seek(0)
        buffer.truncate()
    if not started:
        await send({"type": "http.response.start", "status": 401, "headers": []})
    await send({"type": "http.response.body", "body": b""})


# --- the scenario -----------------------------------------------------------------------------


def _rss_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def _download(base: str, path: str, headers: dict[str, str]) -> tuple[float, int, bytes]:
    """Seconds to read the whole answer, its size, and its SHA-256."""
    import httpx

    digest = hashlib.sha256()
    size = 0
    began = time.perf_counter()
    with (
        httpx.Client(base_url=base, headers=headers, trust_env=False, timeout=600) as c,
        c.stream("GET", path) as response,
    ):
        response.raise_for_status()
        for chunk in response.iter_bytes():
            digest.update(chunk)
            size += len(chunk)
    return time.perf_counter() - began, size, digest.digest()


def _worker(process: Any) -> int:
    from bench import wrk

    tree = wrk.process_tree(process.pid)
    return tree[-1]  # `timetrack serve` with one worker serves in itself or its one child


def _measured(base: str, process: Any, path: str, headers: dict[str, str]) -> dict[str, Any]:
    pid = _worker(process)
    before, _ = _rss_mib(pid)
    seconds, size, digest = _download(base, path, headers)
    _, peak = _rss_mib(pid)
    return {
        "seconds": round(seconds, 3),
        "bytes": size,
        "sha256": digest.hex(),
        "rss_before_mib": round(before, 1),
        "peak_growth_mib": round(peak - before, 1),
    }


def _months_back(month: str) -> str:
    """The first of the 12 months that end with ``month``."""
    last = date.fromisoformat(f"{month}-01")
    index = last.year * 12 + last.month - 1 - 11
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def run(url: str, manifest: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """Each export once on a fresh one-worker server (its memory is then the export's), the
    floor's CSV once on its own."""
    from bench.run import log, server

    account = manifest["accounts"][0]
    headers = {"X-TimeTrack-Api-Key": account["apiKey"],
               "X-TimeTrack-Api-Secret": account["apiSecret"]}  # fmt: skip
    busy = account["busyUser"]
    timesheet = (f"/api/v2/ext/exports/timesheet?username={busy['username']}"
                 f"&month={_months_back(busy['month'])}&months=12&format=pdf")  # fmt: skip
    figures: dict[str, Any] = {"rows": account.get("liveEntries")}
    for label, path in (
        ("csv", f"{EXPORT}?format=csv&lang=en"),
        ("xlsx", f"{EXPORT}?format=xlsx&lang=en"),
        ("pdf", timesheet),
    ):
        with server("timetrack", url, 1, args.data_dir) as (base, process):
            # Warm up: the first export loads the language data and the writers' code.
            _download(base, f"{EXPORT}?user=nobody&lang=en", headers)
            figures[label] = _measured(base, process, path, headers)
        log(f"export {label}: {figures[label]}")
    with server("export-floor", url, 1, args.data_dir) as (base, process):
        _download(base, EXPORT, headers)
        figures["floor"] = _measured(base, process, EXPORT, headers)
    log(f"export floor: {figures['floor']}")
    figures["same_bytes"] = figures["csv"]["sha256"] == figures["floor"]["sha256"]
    return figures


def lines(results: dict[str, Any]) -> Iterator[str]:
    """The report's table: CSV rows/s against the floor's, memory growth, XLSX and PDF."""
    yield (
        "| database | rows | CSV rows/s | floor rows/s | ratio | worker peak growth | XLSX "
        "| PDF (12 months) |"
    )
    yield "|---|---:|---:|---:|---:|---:|---|---|"
    for dialect, f in sorted(results.items()):
        rows = f["rows"] or 0
        ours, floor = rows / f["csv"]["seconds"], rows / f["floor"]["seconds"]
        ratio = ours / floor
        same = "" if f["same_bytes"] else " (**bytes differ**)"
        yield (
            f"| {dialect} | {rows:,} | {ours:,.0f} | {floor:,.0f} | {ratio:.2f} "
            f"(≥ 0.6: {'met' if ratio >= 0.6 else '**missed**'}){same} | "
            f"{f['csv']['peak_growth_mib']} MiB (≤ 30: "
            f"{'met' if f['csv']['peak_growth_mib'] <= 30 else '**missed**'}) | "
            f"{f['xlsx']['seconds']:.1f} s, +{f['xlsx']['peak_growth_mib']} MiB, "
            f"{f['xlsx']['bytes'] / 2**20:.1f} MiB | "
            f"{f['pdf']['seconds']:.2f} s, +{f['pdf']['peak_growth_mib']} MiB |"
        )
