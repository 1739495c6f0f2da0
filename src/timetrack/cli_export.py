"""``timetrack export ACCOUNT {entries|attendances|timesheet|summary}``: the files of
``/exports/...``, written by the same code, for the whole account (the CLI acts for the
account, as its key does: every person's records, rates included).

``entries`` and ``attendances`` take the lists' filters (``--user``, ``--from``, ``--to``:
dates or timestamps, as the API's); ``timesheet`` takes ``--user`` and the months ``--from``
(and ``--to``, at most 12 months); ``summary`` takes ``--group-by`` (and ``--sub-group-by``),
``--from``, ``--to`` and ``--user``, read by the report route's own parameter functions. A
progress bar shows on a terminal while a long export is written.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from timetrack.accounts import service as accounts
from timetrack.accounts.service import Account
from timetrack.attendances.router import list_filter as attendance_filter
from timetrack.attendances.service import select_all as attendances_select
from timetrack.config import Settings
from timetrack.console import note, out, subcommand
from timetrack.db import Database, Snapshot, Tx, create_database
from timetrack.errors import AppError
from timetrack.exports import service, summary, timesheet
from timetrack.exports.language import LANGUAGES, Lang, Style, style
from timetrack.exports.schemas import MAX_MONTHS, Format, TimesheetQuery, parse_format
from timetrack.exports.stream import Export, Select, export_time, open_export, period_parts
from timetrack.reports import service as reports
from timetrack.reports.query import (
    Grouping,
    entry_choice,
    entry_query,
    groupings,
    required_period,
    rounding,
)
from timetrack.time_entries.router import list_filter as entry_filter
from timetrack.time_entries.schemas import EntryFilter

WHATS = ("entries", "attendances", "timesheet", "summary")
# Rows past which the bar is worth drawing (below that an export takes a blink).
_BAR_FROM = 5000


def add_parsers(commands: Any) -> None:
    export = subcommand(commands, "export", "write an export file (CSV, XLSX or PDF)")
    export.add_argument("slug", metavar="ACCOUNT_SLUG", help="the account's slug")
    export.add_argument("what", choices=WHATS, help="what to export")
    export.add_argument(
        "--format",
        help="csv or xlsx; for a timesheet and a summary also pdf (default: csv, timesheet pdf)",
    )
    export.add_argument("--from", dest="start", metavar="FROM", help=_FROM_HELP)
    export.add_argument("--to", dest="end", metavar="TO", help=_TO_HELP)
    export.add_argument("--user", help="only this user (a timesheet's user: required)")
    export.add_argument("--group-by", help="a summary's groups: client, project, user, month, ...")
    export.add_argument("--sub-group-by", help="a summary's subgroups within each group")
    export.add_argument("--lang", choices=LANGUAGES, default="en", help="de or en (default en)")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")


_FROM_HELP = (
    "entries, attendances, summary (required): a date or timestamp; timesheet: the first "
    "month, YYYY-MM"
)
_TO_HELP = (
    "entries, attendances, summary (required): a date or timestamp; timesheet: the last month "
    "(default FROM)"
)


def _months(args: argparse.Namespace) -> TimesheetQuery:
    if not args.user or not args.start:
        raise ValueError("a timesheet needs --user and --from YYYY-MM")
    first, last = _month(args.start), _month(args.end or args.start)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"--to must be from --from to at most {MAX_MONTHS} months on")
    return TimesheetQuery(args.user, first, months)


async def _summary(
    tx: Tx, account: Account, args: argparse.Namespace
) -> tuple[dict[str, Any], tuple[Grouping, ...]]:
    """What ``GET /reports/summary`` answers, its parameters read by the route's own
    functions; and the groupings."""
    if not args.group_by or not args.start or not args.end:
        raise ValueError("a summary needs --group-by, --from and --to")
    chosen = await groupings(group_by=args.group_by, sub_group_by=args.sub_group_by)
    period = await required_period(from_=args.start, to=args.end)
    query = entry_query(period, await rounding(None, None), await entry_choice(username=args.user))
    return await reports.summary(tx, account, query, chosen), chosen


def _month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise ValueError(f"{text!r} is not a month YYYY-MM") from None


class _Bar:
    """rich's progress bar on standard error, drawn only on a terminal and for long exports."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.progress: Progress | None = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None:
            if not self.console.is_terminal or total < _BAR_FROM:
                return
            self.progress = Progress(
                TextColumn("exporting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=self.console,
            )
            self.progress.start()
            self.task = self.progress.add_task("rows", total=total)
        self.progress.update(self.task, completed=done)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


async def _open(db: Database, args: argparse.Namespace, fmt: Format, bar: _Bar) -> Export:
    async with db.transaction(write=False) as tx:
        account = await accounts.get_account(tx, args.slug)
        lang: Lang = args.lang
        if args.what == "timesheet":
            sheet = await service.timesheet(tx, account, _months(args), style(lang))
            return await timesheet.export(account, sheet, fmt, style(lang), export_time())
        if args.what == "summary":
            report, chosen = await _summary(tx, account, args)
            return await summary.export(account, report, chosen, fmt, style(lang), export_time())
    entries = args.what == "entries"
    parse = entry_filter if entries else attendance_filter
    query = await parse(user=args.user, from_=args.start, to=args.end)
    found = service.ENTRIES if entries else service.ATTENDANCES

    async def prepare(tx: Snapshot) -> tuple[Select, Style, str]:
        if isinstance(query, EntryFilter):
            select = await service.select_entries(tx, account.id, query)
        else:
            select = await attendances_select(tx, account.id, query)
        name = "_".join([account.slug, found.name, *period_parts(args.start, args.end)])
        return select, style(lang), name

    return await open_export(db, found, fmt, prepare, progress=bar)


async def _write(settings: Settings, args: argparse.Namespace, fmt: Format) -> int:
    db = create_database(settings.effective_database_url)
    await db.open()
    bar = _Bar()
    try:
        export = await _open(db, args, fmt, bar)
        try:
            size = 0
            with args.output.open("wb") as file:
                async for chunk in export.body:
                    file.write(chunk)
                    size += len(chunk)
        finally:
            await export.close()
            bar.stop()
    finally:
        await db.close()
    out(f"Wrote {args.what} of {args.slug} to {args.output} ({size} bytes, {fmt.value}).")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    default = Format.PDF if args.what == "timesheet" else Format.CSV
    allowed = tuple(Format) if args.what in ("timesheet", "summary") else (Format.CSV, Format.XLSX)
    try:
        fmt = parse_format(args.format or default.value, allowed)
        return asyncio.run(_write(settings, args, fmt))
    except AppError as exc:
        note("; ".join(problem.detail for problem in exc.problems))
    except (ValueError, OSError) as exc:
        note(str(exc))
    sys.stderr.flush()
    return 1
