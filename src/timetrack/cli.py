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
    cli_working_time,
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
from timetrack.wire import MAX_ID


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

    cli_working_time.add_parsers(commands)

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
        "working-time": cli_working_time.run,
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
