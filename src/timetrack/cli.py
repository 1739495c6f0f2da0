"""timetrack: serve the API and administer accounts.

Commands are thin: each migrates the database first (so they all work on a fresh data
directory, and say so when they create the database), then calls the same services the API
uses. ``backup`` and ``restore`` copy the database as it is, without migrating it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from timetrack import (
    __version__,
    canonical,
    cli_accounts,
    cli_export,
    cli_serve,
    cli_users,
    migrate,
    serverlock,
)
from timetrack import backup as sqlite_backup
from timetrack.accounts import service as accounts
from timetrack.audit import service as audit
from timetrack.config import Settings, describe_invalid
from timetrack.console import (
    describe_database,
    in_transaction,
    migrate_and_say,
    note,
    out,
    subcommand,
)
from timetrack.db import Tx, sqlite_path
from timetrack.errors import AppError
from timetrack.wire import MAX_ID
from timetrack.working_time import service as working_time
from timetrack.working_time.fields import WEEKDAYS, parse_vacation_days, parse_valid_from


def _week_hours(text: str) -> dict[str, int]:
    """``--week 8,8,8,8,8,0,0``: hours Monday..Sunday (decimals allowed) -> wire seconds."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 7:
        raise argparse.ArgumentTypeError("give 7 comma-separated hours, Monday to Sunday")
    numbers = [canonical.decimal(part) for part in parts]
    hours = [h for h in numbers if h is not None]
    if len(hours) != 7:
        raise argparse.ArgumentTypeError(f"{text!r} is not 7 numbers of hours")
    if not all(0 <= h <= 24 for h in hours):
        raise argparse.ArgumentTypeError("each day must be 0 to 24 hours")
    seconds = [int((h * 3600).to_integral_value(ROUND_HALF_UP)) for h in hours]
    return {f"{day}Seconds": value for day, value in zip(WEEKDAYS, seconds, strict=True)}


def _argument_type(check: Callable[[str], object]) -> Callable[[str], str]:
    """An argparse type that checks a value as the API would, and keeps the text."""

    def convert(text: str) -> str:
        try:
            check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text

    return convert


def _hours(seconds: int) -> str:
    return format((Decimal(seconds) / 3600).quantize(Decimal("0.01")).normalize(), "f")


def _days(value: Any) -> str:
    """27.5 -> "27.5", Decimal("20.0") -> "20"."""
    return format(Decimal(str(value)).normalize(), "f")


def _describe_model(model: dict[str, Any]) -> str:
    week = " ".join(f"{day[:3].capitalize()} {_hours(model[f'{day}Seconds'])}" for day in WEEKDAYS)
    days = _days(model["vacationDaysPerYear"])
    return f"valid from {model['validFrom']}: {week} h; {days} days of leave a year"


def _working_time(args: argparse.Namespace, settings: Settings) -> int:
    body: dict[str, Any] = {}
    if args.working_time_command == "set":
        body["validFrom"] = args.valid_from
        body.update(args.week or {})
        if args.vacation_days is not None:
            body["vacationDaysPerYear"] = args.vacation_days

    async def work(tx: Tx) -> Any:
        account = await accounts.get_account(tx, args.slug)
        listed = await working_time.list_for_username(tx, account.id, args.username)
        if args.working_time_command == "list":
            return listed
        starts = parse_valid_from(body["validFrom"])
        current = next((m for m in listed if parse_valid_from(m["validFrom"]) == starts), None)
        model, created = await working_time.set_for_username(
            tx, account.id, args.username, _what_changes(body, current)
        )
        before = None if created else next((m for m in listed if m["id"] == model["id"]), None)
        if model != before:  # setting what is already set changes nothing: no audit entry
            action = "create" if created else "update"
            await audit.record_cli(
                tx,
                account.id,
                action,
                audit.WORKING_TIME_MODELS,
                model["id"],
                before=before,
                after=model,
            )
        return model, created, model != before

    try:
        result = in_transaction(settings, work)
    except AppError as exc:
        sys.stderr.write(f"timetrack: {'; '.join(p.detail for p in exc.problems)}\n")
        return 1
    if args.working_time_command == "list":
        if args.json:
            out(json.dumps(result, default=float))
        elif not result:
            out(
                f"{args.username} has no working-time model: the default applies "
                "(Monday-Friday 8 h, 20 days of leave a year)."
            )
        else:
            days = " ".join(f"{d[:3].capitalize():>5}" for d in WEEKDAYS)
            out(f"{'id':<6} {'valid from':<10}  {days}  leave days")
            for m in result:
                hours = " ".join(f"{_hours(m[f'{d}Seconds']):>5}" for d in WEEKDAYS)
                out(
                    f"{m['id']:<6} {m['validFrom']:<10}  {hours}  {_days(m['vacationDaysPerYear'])}"
                )
        return 0
    model, created, changed = result
    if args.json:
        out(json.dumps(model, default=float))
        return 0
    described = _describe_model(model)
    which = f"working-time model {model['id']} of {model['username']}"
    if not changed:
        out(f"The {which} is unchanged: it already is {described}.")
    else:
        out(f"{'Created' if created else 'Updated'} {which}, {described}.")
    return 0


def _what_changes(body: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
    """The options that differ from the model starting that day: the same value again is no
    change, so nothing is written (not even ``updatedAt``) and nothing audited."""
    if current is None:
        return body
    return {
        key: value
        for key, value in body.items()
        if key == "validFrom" or Decimal(str(value)) != Decimal(str(current[key]))
    }


def _audit_log(args: argparse.Namespace, settings: Settings) -> int:
    async def work(tx: Tx) -> list[dict[str, Any]]:
        account = await accounts.get_account(tx, args.slug)
        rows = await audit.latest_entries(
            tx, account.id, resource=args.resource, record_id=args.record_id, limit=args.limit
        )
        return [audit.to_wire(row) for row in rows]

    entries = in_transaction(settings, work, write=False)
    if args.json:
        out(json.dumps(entries))
        return 0
    out(f"{'id':>6}  {'at (UTC)':<24}  {'actor':<18}  {'action':<13}  {'resource':<20}  record")
    for e in entries:
        record = "" if e["recordId"] is None else str(e["recordId"])
        line = f"{e['id']:>6}  {e['at']:<24}  {e['actor']:<18}  {e['action']:<13}  "
        line += f"{e['resource']:<20}  {record:<8}"
        changed = _changed_fields(e["before"], e["after"])
        out((line + (f"  {', '.join(changed)}" if changed else "")).rstrip())
    return 0


def _changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The fields an update changed, as the audit table names them (``updatedAt`` left out)."""
    if before is None or after is None:
        return []
    keys = [k for k in after if k != "updatedAt"] + [k for k in before if k not in after]
    return [k for k in keys if before.get(k) != after.get(k)]


def _positive(limit: int | None = None) -> Callable[[str], int]:
    def convert(text: str) -> int:
        if not canonical.integer_text(text):
            raise argparse.ArgumentTypeError(f"{text!r} is not {canonical.INTEGER_RULE}")
        value = canonical.integer(text, 1, limit)
        if value is None:
            bound = f"1 to {limit}" if limit is not None else "at least 1"
            raise argparse.ArgumentTypeError(f"must be {bound}")
        return value

    return convert


_PG_BACKUP = """\
timetrack: backup and restore copy the embedded SQLite database; on PostgreSQL use its own tools:
  pg_dump --format=custom --file=timetrack.dump "$TIMETRACK_DATABASE_URL"
  pg_restore --clean --if-exists --no-owner --dbname="$TIMETRACK_DATABASE_URL" timetrack.dump
(README.md, section "Backup and restore")
"""


def _backup_or_restore(args: argparse.Namespace, settings: Settings) -> int:
    """``backup PATH`` / ``restore PATH`` of the SQLite database, with SQLite's backup API."""
    if not settings.is_sqlite:
        sys.stderr.write(_PG_BACKUP)
        return 2
    database = sqlite_path(settings.effective_database_url)
    try:
        if args.command == "backup":
            sqlite_backup.backup(database, args.path, overwrite=args.force)
            out(f"Backed up {database} to {args.path}.")
            return 0
        return _restore(args.path, database, force=args.force)
    except sqlite_backup.BackupError as exc:
        note(str(exc))
        return 1


def _restore(source: Path, database: Path, *, force: bool) -> int:
    """Restore while no server holds the database; with one, refuse unless forced."""
    try:
        with serverlock.exclusive(database):
            revision = sqlite_backup.restore(source, database)
    except serverlock.DatabaseInUse:
        sqlite_backup.check(source)  # a backup that would be refused anyway is said so first
        lost = _lost_writes(source, database)
        if not force:
            note(
                f"a running timetrack server is using {database} (it holds "
                f"{serverlock.lock_path(database)}): stop it, then restore. --force restores "
                f"under it anyway and loses {lost}"
            )
            return 1
        note(
            f"--force: restoring under the running server of {database}; this loses {lost}. "
            "The server goes on serving the restored data."
        )
        revision = sqlite_backup.restore(source, database)
    out(f"Restored {database} from {source} (schema version {revision}).")
    return 0


def _lost_writes(source: Path, database: Path) -> str:
    """What a restore undoes, in words, from the two audit logs."""
    after = sqlite_backup.writes_after(source, database)
    told = "and clients that were told they were stored will not find them"
    if after is None:
        return f"every write stored after the backup (the audit logs cannot be compared), {told}"
    count, last = after
    if count == 0:
        return "nothing recorded so far after the backup, but any write the server stores meanwhile"
    writes = "write" if count == 1 else "writes"
    when = f" (the last at {last[:19]} UTC)" if last else ""
    return f"the {count} {writes} recorded after the backup{when}, {told}"


class _Parser(argparse.ArgumentParser):
    """A usage error is one plain line and exit status 2, as for an invalid setting."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="timetrack", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"timetrack {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help="what to do (COMMAND --help: more)"
    )

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return subcommand(commands, name, text)

    serve = command("serve", "run the API server (migrates first)")
    serve.add_argument("--host", help="address to listen on (TIMETRACK_HOST, default 127.0.0.1)")
    serve.add_argument("--port", help="port to listen on, 1-65535 (TIMETRACK_PORT, default 8080)")
    serve.add_argument("--workers", help="worker processes, 1-64 (TIMETRACK_WORKERS, default 1)")

    command("migrate", "bring the database schema up to date")

    copy = command("backup", "copy the SQLite database to PATH, consistently, while it is in use")
    copy.add_argument("path", type=Path, metavar="PATH", help="the backup file to write")
    copy.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    restore = command(
        "restore", "replace the SQLite database with the backup PATH (stop the server first)"
    )
    restore.add_argument("path", type=Path, metavar="PATH", help="the backup file to restore")
    restore.add_argument(
        "--force",
        action="store_true",
        help="restore even while a server uses the database (says what is lost)",
    )

    cli_accounts.add_parsers(commands)
    cli_users.add_parsers(commands)
    cli_export.add_parsers(commands)

    models = command("working-time", "manage users' working-time models")
    model_actions = models.add_subparsers(
        dest="working_time_command", required=True, metavar="ACTION", help="what to do"
    )
    model_list = model_actions.add_parser("list", help="list a user's working-time models")
    model_set = model_actions.add_parser(
        "set",
        help="create the user's model valid from a date, or change the one starting that day",
    )
    for action in (model_list, model_set):
        action.add_argument("slug", metavar="ACCOUNT_SLUG", help=cli_accounts.SLUG_HELP)
        action.add_argument("username", metavar="USERNAME", help="the user's username")
    model_set.add_argument(
        "--valid-from",
        required=True,
        type=_argument_type(parse_valid_from),
        metavar="YYYY-MM-DD",
        help="the first day the model applies",
    )
    model_set.add_argument(
        "--week",
        type=_week_hours,
        metavar="H,H,H,H,H,H,H",
        help="hours Monday to Sunday, decimals allowed (new models: 8,8,8,8,8,0,0)",
    )
    model_set.add_argument(
        "--vacation-days",
        type=_argument_type(parse_vacation_days),
        metavar="N",
        help="days of leave per year, at most one decimal (new models: 20)",
    )
    for action in (model_list, model_set):
        action.add_argument("--json", action="store_true", help="print JSON")

    log = command("audit", "show an account's audit log, newest entries last")
    log.add_argument("slug", metavar="ACCOUNT_SLUG", help=cli_accounts.SLUG_HELP)
    log.add_argument("--resource", help="only this resource, e.g. clients or project_timer")
    log.add_argument(
        "--record-id", type=_positive(MAX_ID), metavar="N", help="only this record's entries"
    )
    log.add_argument(
        "--limit",
        type=_positive(1000),
        default=50,
        metavar="N",
        help="show the N newest matching entries (default 50, at most 1000)",
    )
    log.add_argument("--json", action="store_true", help="print JSON, as GET /audit_log does")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    flags = {}
    if args.command == "serve":
        flags = {f: getattr(args, f) for f in cli_serve.SERVE_FLAGS if getattr(args, f) is not None}
    try:
        settings = Settings(**flags)
    except ValidationError as exc:
        named = {field: cli_serve.SERVE_FLAGS[field] for field in flags}
        note(f"invalid configuration: {describe_invalid(exc, named)}")
        return 2
    handlers: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
        "serve": cli_serve.serve,
        "account": cli_accounts.run,
        "user": cli_users.run,
        "working-time": _working_time,
        "audit": _audit_log,
        "export": cli_export.run,
        "migrate": _migrate_command,
        "backup": _backup_or_restore,
        "restore": _backup_or_restore,
    }
    try:
        # serve migrates once it holds its port; backup and restore copy the database as it is.
        if args.command not in ("serve", "migrate", "backup", "restore"):
            migrate_and_say(settings)
        return handlers[args.command](args, settings)
    except accounts.AccountError as exc:
        note(str(exc))
        return 1
    except Exception as exc:  # an operator gets one line; the traceback only when debugging
        if settings.log_level == "debug":
            raise
        note(f"{type(exc).__name__}: {exc}")
        return 1


def _migrate_command(_args: argparse.Namespace, settings: Settings) -> int:
    before = migrate.upgrade(settings.effective_database_url)
    where, head = describe_database(settings), migrate.head()
    if before is None:
        out(f"Created a new database, schema version {head}: {where}.")
    elif before == head:
        out(f"The database is already up to date (schema version {head}): {where}.")
    else:
        out(f"Brought the database schema from version {before} to {head}: {where}.")
    return 0
