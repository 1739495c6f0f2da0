"""The export scenario of ``./scripts/bench``: the CSV of an account's 100k entries from
timetrack against a floor writing the same CSV, byte for byte, from the raw driver; the growth
of the worker's peak memory meanwhile; and the time and memory of an XLSX of the same rows and
of a 12-month PDF timesheet.

The floor (``floor_app``, served by uvicorn like bench/floor.py) checks the same credentials,
runs timetrack's own statement (the entries list's, with the reports' amount expression, in
its order: ``exports.service.select_entries`` without filters) through the raw
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
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg

from timetrack.db import connect_sqlite, pg_dsn, sqlite_path
from timetrack.exports.service import ENTRY_AMOUNT
from timetrack.time_entries.service import select_with

URL = os.environ.get("FLOOR_DATABASE_URL", "")
EXPORT = "/api/v2/ext/exports/project_time_entries"
SUMMARY = "/api/v2/ext/reports/summary"
SUMMARY_EXPORT = "/api/v2/ext/exports/reports/summary"
SUMMARY_FORMATS = ("csv", "xlsx", "pdf")
_SELECT = f"{select_with(ENTRY_AMOUNT)} AND e.deleted_at IS NULL ORDER BY e.start_local, e.id"
_ACCOUNT = "SELECT id, enabled, secret_hash FROM accounts WHERE api_key = $1"
_HEADER = (
    "ID,Date,User,Client,Project,Task,Details,Tags,From,To,Time zone,Break (h),Break (h:mm),"
    "Worked (h),Worked (h:mm),Billable,Flat rate,Hour rate,Amount\r\n"
)
_CHUNK = 2000
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
        cents = int(r["amount_cents"])
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
                f"{cents // 100}.{cents % 100:02d}",
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


def _alternated(
    ours: tuple[str, Any], floor: tuple[str, Any], headers: dict[str, str], rounds: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The CSV from timetrack and from the floor, ``rounds`` times each, alternately: the
    machine's load drifts (other work shares its cores), and the fastest of each is the one
    least disturbed. Memory: the worker's peak over all rounds against its RSS before them."""
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "floor": []}
    befores = {name: _rss_mib(_worker(p))[0] for name, (_, p) in (("ours", ours), ("floor", floor))}
    for _ in range(rounds):
        for name, (base, process) in (("ours", ours), ("floor", floor)):
            path = f"{EXPORT}?format=csv&lang=en" if name == "ours" else EXPORT
            runs[name].append(_measured(base, process, path, headers))
    figures = []
    for name, (_, process) in (("ours", ours), ("floor", floor)):
        best = min(runs[name], key=lambda run: float(run["seconds"]))
        peak = _rss_mib(_worker(process))[1]
        best |= {
            "rounds": [run["seconds"] for run in runs[name]],
            "rss_before_mib": round(befores[name], 1),
            "peak_growth_mib": round(peak - befores[name], 1),
        }
        figures.append(best)
    return figures[0], figures[1]


def cpu_seconds(url: str, account_id: int, rounds: int) -> dict[str, float]:
    """CPU time of the two CSV writers alone, in this process, on the same rows (read once
    through timetrack's snapshot): the fastest of ``rounds`` each, alternately. Steadier than
    the downloads on a shared machine, and without the HTTP layers, which differ."""
    import asyncio

    from timetrack.db import create_database
    from timetrack.exports.csv_writer import CsvRows
    from timetrack.exports.language import style
    from timetrack.exports.service import ENTRIES

    async def read() -> list[list[Any]]:
        db = create_database(url)
        await db.open()
        try:
            async with db.snapshot() as tx:
                return [chunk async for chunk in tx.chunks(_SELECT, account_id, size=_CHUNK)]
        finally:
            await db.close()

    chunks = asyncio.run(read())
    ours_writer = CsvRows(ENTRIES.columns, style("en"))
    values = ENTRIES.values

    def ours() -> None:
        for chunk in chunks:
            ours_writer.rows([values(row) for row in chunk])

    def floor() -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for chunk in chunks:
            writer.writerows(csv_line_rows(chunk))
            buffer.seek(0)
            buffer.truncate()

    best = {"ours": float("inf"), "floor": float("inf")}
    for _ in range(rounds):
        for name, work in (("ours", ours), ("floor", floor)):
            began = time.process_time()
            work()
            best[name] = min(best[name], time.process_time() - began)
    return {name: round(seconds, 3) for name, seconds in best.items()}


def _months_back(month: str) -> str:
    """The first of the 12 months that end with ``month``."""
    last = date.fromisoformat(f"{month}-01")
    index = last.year * 12 + last.month - 1 - 11
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _summaries(base: str, process: Any, query: str, headers: dict[str, str]) -> dict[str, Any]:
    """The summary report as JSON (its floor: the same aggregate, no file) and as each file,
    the fastest of three each, after a warm-up of both on an empty period."""
    empty = "from=2000-01-01&to=2000-01-01&groupBy=user"
    _download(base, f"{SUMMARY}?{empty}", headers)
    _download(base, f"{SUMMARY_EXPORT}?{empty}&format=pdf", headers)
    paths = {"json": f"{SUMMARY}?{query}"} | {
        fmt: f"{SUMMARY_EXPORT}?{query}&format={fmt}&lang=en" for fmt in SUMMARY_FORMATS
    }
    fastest: dict[str, Any] = {}
    for label, path in paths.items():
        runs = [_measured(base, process, path, headers) for _ in range(3)]
        fastest[label] = min(runs, key=lambda measured: float(measured["seconds"]))
    return fastest


def run(url: str, manifest: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The CSV against the floor's on fresh one-worker servers (so the worker's memory is the
    export's); the XLSX and the PDF once each, each on a fresh server."""
    from bench.run import log, server

    account = manifest["accounts"][0]
    headers = {"X-TimeTrack-Api-Key": account["apiKey"],
               "X-TimeTrack-Api-Secret": account["apiSecret"]}  # fmt: skip
    busy = account["busyUser"]
    timesheet = (f"/api/v2/ext/exports/timesheet?username={busy['username']}"
                 f"&month={_months_back(busy['month'])}&months=12&format=pdf")  # fmt: skip
    figures: dict[str, Any] = {"rows": account.get("liveEntries")}
    with (
        server("timetrack", url, 1, args.data_dir) as ours,
        server("export-floor", url, 1, args.data_dir) as floor,
    ):
        # Warm up: the first export loads the language data and the writers' code.
        _download(ours[0], f"{EXPORT}?user=nobody&lang=en", headers)
        _download(floor[0], EXPORT, headers)
        figures["csv"], figures["floor"] = _alternated(ours, floor, headers, args.export_rounds)
    log(f"export csv: {figures['csv']}; floor: {figures['floor']}")
    for label, path in (("xlsx", f"{EXPORT}?format=xlsx&lang=en"), ("pdf", timesheet)):
        with server("timetrack", url, 1, args.data_dir) as (base, process):
            _download(base, f"{EXPORT}?user=nobody&lang=en", headers)
            figures[label] = _measured(base, process, path, headers)
        log(f"export {label}: {figures[label]}")
    first, last = _months_back(busy["month"]), date.fromisoformat(f"{busy['month']}-01")
    end = date(last.year + last.month // 12, last.month % 12 + 1, 1).toordinal() - 1
    query = f"from={first}-01&to={date.fromordinal(end)}&groupBy=project&subGroupBy=user"
    with server("timetrack", url, 1, args.data_dir) as (base, process):
        figures["summary"] = _summaries(base, process, query, headers)
    log(f"export summary: {figures['summary']}")
    figures["same_bytes"] = figures["csv"]["sha256"] == figures["floor"]["sha256"]
    figures["cpu"] = cpu_seconds(url, account["id"], args.export_rounds)
    log(f"export CPU seconds, writers alone: {figures['cpu']}")
    return figures


def lines(results: dict[str, Any]) -> Iterator[str]:
    """The report's table: CSV rows/s against the floor's (downloads, and the writers' CPU
    time in-process), memory growth, XLSX and PDF."""
    yield (
        "| database | rows | CSV rows/s | floor rows/s | ratio | writers' CPU ratio "
        "| worker peak growth | XLSX | PDF (12 months) |"
    )
    yield "|---|---:|---:|---:|---:|---:|---:|---|---|"
    for dialect, f in sorted(results.items()):
        rows = f["rows"] or 0
        ours, floor = rows / f["csv"]["seconds"], rows / f["floor"]["seconds"]
        ratio = ours / floor
        cpu = f.get("cpu")
        cpu_ratio = f"{cpu['floor'] / cpu['ours']:.2f}" if cpu else "-"
        same = "" if f["same_bytes"] else " (**bytes differ**)"
        growth = f["csv"]["peak_growth_mib"]
        yield (
            f"| {dialect} | {rows:,} | {ours:,.0f} | {floor:,.0f} | {ratio:.2f} "
            f"(≥ 0.6: {'met' if ratio >= 0.6 else '**missed**'}){same} | {cpu_ratio} | "
            f"{growth} MiB (≤ 30: {'met' if growth <= 30 else '**missed**'}) | "
            f"{f['xlsx']['seconds']:.1f} s, +{f['xlsx']['peak_growth_mib']} MiB, "
            f"{f['xlsx']['bytes'] / 2**20:.1f} MiB | "
            f"{f['pdf']['seconds']:.2f} s, +{f['pdf']['peak_growth_mib']} MiB |"
        )
    yield from _summary_lines(results)


def _summary_lines(results: dict[str, Any]) -> Iterator[str]:
    """The summary report's files against its JSON (a year by project x user): the seconds of
    each, and the JSON's seconds over the file's (1.00: the file costs nothing more)."""
    measured = {d: f["summary"] for d, f in sorted(results.items()) if "summary" in f}
    if not measured:
        return
    yield ""
    yield "Summary report files (a year by project x user) against the same report as JSON:"
    yield ""
    yield "| database | JSON | " + " | ".join(f.upper() for f in SUMMARY_FORMATS) + " |"
    yield "|---|---:|" + "---:|" * len(SUMMARY_FORMATS)
    for dialect, summary in measured.items():
        floor = summary["json"]["seconds"]
        cells = [
            f"{summary[f]['seconds']:.3f} s (ratio {floor / summary[f]['seconds']:.2f})"
            for f in SUMMARY_FORMATS
        ]
        yield f"| {dialect} | {floor:.3f} s | " + " | ".join(cells) + " |"
