"""``timetrack``: serve the API and administer accounts.

Commands are thin: each migrates the database first (so they all work on a fresh data
directory), then calls the same services the API uses. ``backup`` and ``restore`` copy the
database as it is, without migrating it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI

from timetrack import __version__, migrate
from timetrack import backup as sqlite_backup
from timetrack.accounts import service as accounts
from timetrack.audit import service as audit
from timetrack.config import Settings, get_settings
from timetrack.db import Tx, create_database, sqlite_path
from timetrack.errors import AppError
from timetrack.logs import uvicorn_log_config
from timetrack.wire import MAX_ID
from timetrack.working_time import service as working_time
from timetrack.working_time.fields import WEEKDAYS, parse_vacation_days, parse_valid_from

T = TypeVar("T")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _in_transaction(
    settings: Settings, work: Callable[[Tx], Awaitable[T]], *, write: bool = True
) -> T:
    async def run() -> T:
        db = create_database(
            settings.effective_database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms
        )
        await db.open()
        try:
            async with db.transaction(write=write) as tx:
                return await work(tx)
        finally:
            await db.close()

    return asyncio.run(run())


def _print_credentials(creds: accounts.Credentials, as_json: bool, *, heading: str) -> None:
    if as_json:
        payload = {
            "account": creds.account.as_dict(),
            "apiKey": creds.api_key,
            "apiSecret": creds.api_secret,
        }
        _out(json.dumps(payload))
        return
    _out(heading)
    _out(f"  account:    {creds.account.slug} (time zone {creds.account.timezone})")
    _out(f"  API key:    {creds.api_key}")
    _out(f"  API secret: {creds.api_secret}")
    _out("The secret is shown only now; `timetrack account rotate-secret` makes a new one.")


def app_factory() -> FastAPI:
    """What uvicorn's workers import: the app, configured from the environment."""
    from timetrack.app import create_app

    return create_app(get_settings())


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    # Worker processes rebuild the settings from the environment: hand the flags down that way.
    for flag in ("host", "port", "workers"):
        if getattr(args, flag) is not None:
            os.environ[f"TIMETRACK_{flag.upper()}"] = str(getattr(args, flag))
    settings = get_settings()
    if settings.is_sqlite:
        os.environ["TIMETRACK_DATA_DIR"] = str(settings.data_dir.resolve())

    async def first_account(tx: Tx) -> accounts.Credentials | None:
        if await accounts.count_accounts(tx):
            return None
        creds = await accounts.create_account(tx, "default", name="Default account")
        await _audit_account(tx, "create", creds.account)
        return creds

    creds = _in_transaction(settings, first_account)
    if creds is not None:
        _print_credentials(creds, False, heading="Created the first account:")
    url = f"http://{settings.host}:{settings.port}/api/v2/ext/"
    _out(f"TimeTrack {__version__} serving {url} (docs at /docs) on {_describe(settings)}")
    sys.stdout.flush()
    uvicorn.run(
        "timetrack.cli:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        loop="uvloop",
        http="httptools",
        log_level=settings.log_level,
        # uvicorn's own set-up, plus the request id on each line and the timetrack logger.
        log_config=uvicorn_log_config(settings.log_level),
        access_log=settings.access_log,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    return 0


def _describe(settings: Settings) -> str:
    url = settings.effective_database_url
    if settings.is_sqlite:
        return f"SQLite {url.removeprefix('sqlite:///')}"
    return "PostgreSQL " + url.split("@")[-1]


def _account(args: argparse.Namespace, settings: Settings) -> int:
    action = args.account_command
    if action == "create":

        async def create(tx: Tx) -> accounts.Credentials:
            creds = await accounts.create_account(
                tx,
                args.slug,
                name=args.name,
                timezone=args.timezone,
                country=args.country,
                region=args.region,
            )
            await _audit_account(tx, "create", creds.account)
            return creds

        creds = _in_transaction(settings, create)
        _print_credentials(creds, args.json, heading=f"Created account {creds.account.slug}:")
    elif action == "list":
        listed = _in_transaction(settings, accounts.list_accounts)
        if args.json:
            _out(json.dumps([a.as_dict() for a in listed]))
        else:
            _out(f"{'slug':<24} {'name':<28} {'time zone':<20} {'country':<8} enabled")
            for a in listed:
                place = "/".join(p for p in (a.country, a.region) if p) or "-"
                _out(f"{a.slug:<24} {a.name[:28]:<28} {a.timezone:<20} {place:<8} {a.enabled}")
    elif action == "rotate-secret":

        async def rotate(tx: Tx) -> accounts.Credentials:
            creds = await accounts.rotate_secret(tx, args.slug)
            await _audit_account(tx, "rotate_secret", creds.account, creds.account)
            return creds

        creds = _in_transaction(settings, rotate)
        _print_credentials(
            creds, args.json, heading=f"New secret for {args.slug} (the old one no longer works):"
        )
    elif action in ("disable", "enable"):
        enabled = action == "enable"

        async def toggle(tx: Tx) -> accounts.Account:
            before = await accounts.get_account(tx, args.slug)
            after = await accounts.set_enabled(tx, args.slug, enabled)
            await _audit_account(tx, action, after, before)
            return after

        account = _in_transaction(settings, toggle)
        _out(f"Account {account.slug} is now {'enabled' if account.enabled else 'disabled'}.")
    return 0


async def _audit_account(
    tx: Tx, action: str, account: accounts.Account, before: accounts.Account | None = None
) -> None:
    """The account's audit log records what the CLI does to it (never its key or secret)."""
    await audit.record_cli(
        tx,
        account.id,
        action,
        audit.ACCOUNTS,
        account.id,
        before=None if before is None else before.as_dict(),
        after=account.as_dict(),
    )


def _week_hours(text: str) -> dict[str, int]:
    """``--week 8,8,8,8,8,0,0``: hours Monday..Sunday (decimals allowed) -> wire seconds."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 7:
        raise argparse.ArgumentTypeError("give 7 comma-separated hours, Monday to Sunday")
    try:
        hours = [Decimal(part) for part in parts]
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not 7 numbers of hours") from None
    if not all(h.is_finite() and 0 <= h <= 24 for h in hours):
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
        model, created = await working_time.set_for_username(tx, account.id, args.username, body)
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
        return model, created

    try:
        result = _in_transaction(settings, work)
    except AppError as exc:
        sys.stderr.write(f"timetrack: {'; '.join(p.detail for p in exc.problems)}\n")
        return 1
    if args.working_time_command == "list":
        if args.json:
            _out(json.dumps(result, default=float))
        elif not result:
            _out(
                f"{args.username} has no working-time model: the default applies "
                "(Monday-Friday 8 h, 20 days of leave a year)."
            )
        else:
            days = " ".join(f"{d[:3].capitalize():>5}" for d in WEEKDAYS)
            _out(f"{'id':<6} {'valid from':<10}  {days}  leave days")
            for m in result:
                hours = " ".join(f"{_hours(m[f'{d}Seconds']):>5}" for d in WEEKDAYS)
                _out(
                    f"{m['id']:<6} {m['validFrom']:<10}  {hours}  {_days(m['vacationDaysPerYear'])}"
                )
        return 0
    model, created = result
    if args.json:
        _out(json.dumps(model, default=float))
    else:
        verb = "Created" if created else "Updated"
        described = _describe_model(model)
        _out(f"{verb} working-time model {model['id']} of {model['username']}, {described}.")
    return 0


def _audit_log(args: argparse.Namespace, settings: Settings) -> int:
    async def work(tx: Tx) -> list[dict[str, Any]]:
        account = await accounts.get_account(tx, args.slug)
        rows = await audit.latest_entries(
            tx, account.id, resource=args.resource, record_id=args.record_id, limit=args.limit
        )
        return [audit.to_wire(row) for row in rows]

    entries = _in_transaction(settings, work, write=False)
    if args.json:
        _out(json.dumps(entries))
        return 0
    _out(f"{'id':>6}  {'at (UTC)':<24}  {'actor':<18}  {'action':<13}  {'resource':<20}  record")
    for e in entries:
        record = "" if e["recordId"] is None else str(e["recordId"])
        line = f"{e['id']:>6}  {e['at']:<24}  {e['actor']:<18}  {e['action']:<13}  "
        line += f"{e['resource']:<20}  {record:<8}"
        changed = _changed_fields(e["before"], e["after"])
        _out((line + (f"  {', '.join(changed)}" if changed else "")).rstrip())
    return 0


def _changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """The fields an update changed, as the audit table names them (``updatedAt`` left out)."""
    if before is None or after is None:
        return []
    keys = [k for k in after if k != "updatedAt"] + [k for k in before if k not in after]
    return [k for k in keys if before.get(k) != after.get(k)]


def _positive(limit: int | None = None) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < 1 or (limit is not None and value > limit):
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
            _out(f"Backed up {database} to {args.path}.")
        else:
            revision = sqlite_backup.restore(args.path, database)
            _out(f"Restored {database} from {args.path} (schema version {revision}).")
    except sqlite_backup.BackupError as exc:
        sys.stderr.write(f"timetrack: {exc}\n")
        return 1
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timetrack", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"timetrack {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API server (migrates first)")
    serve.add_argument("--host", help="bind address (TIMETRACK_HOST)")
    serve.add_argument("--port", type=int, help="port (TIMETRACK_PORT)")
    serve.add_argument("--workers", type=int, help="worker processes (TIMETRACK_WORKERS)")

    commands.add_parser("migrate", help="bring the database schema up to date")

    copy = commands.add_parser(
        "backup", help="copy the SQLite database to PATH, consistently, while the server runs"
    )
    copy.add_argument("path", type=Path, metavar="PATH")
    copy.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    restore = commands.add_parser(
        "restore", help="replace the SQLite database with the backup PATH (stop the server first)"
    )
    restore.add_argument("path", type=Path, metavar="PATH")

    account = commands.add_parser("account", help="manage accounts")
    actions = account.add_subparsers(dest="account_command", required=True)
    create = actions.add_parser("create", help="create an account; prints its key and secret")
    create.add_argument("slug")
    create.add_argument("--name", help="display name (default: the slug)")
    create.add_argument("--timezone", default="UTC", help="IANA time zone (default UTC)")
    create.add_argument("--country", help="ISO-3166 alpha-2 country, for public holidays")
    create.add_argument("--region", help="subdivision code, e.g. BY, for regional holidays")
    create.add_argument("--json", action="store_true", help="print JSON")
    listing = actions.add_parser("list", help="list accounts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    rotate = actions.add_parser("rotate-secret", help="replace the API secret")
    rotate.add_argument("slug")
    rotate.add_argument("--json", action="store_true", help="print JSON")
    for verb in ("disable", "enable"):
        actions.add_parser(verb, help=f"{verb} an account").add_argument("slug")

    models = commands.add_parser("working-time", help="manage users' working-time models")
    model_actions = models.add_subparsers(dest="working_time_command", required=True)
    model_list = model_actions.add_parser("list", help="list a user's working-time models")
    model_set = model_actions.add_parser(
        "set",
        help="create the user's model valid from a date, or change the one starting that day",
    )
    for action in (model_list, model_set):
        action.add_argument("slug", metavar="ACCOUNT_SLUG")
        action.add_argument("username", metavar="USERNAME")
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

    log = commands.add_parser("audit", help="show an account's audit log, newest entries last")
    log.add_argument("slug", metavar="ACCOUNT_SLUG")
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
    args = _parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as exc:
        sys.stderr.write(f"timetrack: invalid configuration: {exc}\n")
        return 2
    handlers: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
        "serve": _serve,
        "account": _account,
        "working-time": _working_time,
        "audit": _audit_log,
        "migrate": lambda _args, _settings: 0,
        "backup": _backup_or_restore,
        "restore": _backup_or_restore,
    }
    try:
        if args.command not in ("backup", "restore"):  # copy the database as it is
            migrate.upgrade(settings.effective_database_url)
        if args.command == "migrate":
            _out(f"Database is up to date ({_describe(settings)}).")
        return handlers[args.command](args, settings)
    except accounts.AccountError as exc:
        sys.stderr.write(f"timetrack: {exc}\n")
        return 1
    except Exception as exc:  # an operator gets one line; the traceback only when debugging
        if settings.log_level == "debug":
            raise
        sys.stderr.write(f"timetrack: {type(exc).__name__}: {exc}\n")
        return 1
