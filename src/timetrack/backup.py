"""Online backup and restore of the embedded SQLite database, with SQLite's backup API.

``backup`` copies the database in one step of the backup API, that is inside one read
transaction: the copy is the database as one commit left it, while the server goes on reading
and writing (in WAL mode a reader does not block writers). The copy is written beside the
target under a temporary name, turned into a self-contained single file (journal mode DELETE),
then renamed into place, so a failed backup never leaves a half-written file at the target.

``restore`` first checks that the file is a sound SQLite database of this server (integrity
check, an ``alembic_version`` this release knows), then copies it over the database, again with
the backup API, so the database changes in one transaction. The server must be stopped
first (``serverlock``: the CLI refuses while one runs, unless forced): whatever it stored after
the backup is undone, and clients that were told it was stored are not. ``writes_after`` counts
what a restore undoes.

PostgreSQL has its own tools for this (``pg_dump``, ``pg_restore``); see the README.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from timetrack import migrate
from timetrack.db import connect_sqlite


class BackupError(Exception):
    """The backup or restore was refused; nothing was changed."""


def backup(database: Path, target: Path, *, overwrite: bool = False) -> None:
    """Copy the live database at ``database`` to ``target``, consistently, while it is in use."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    if target.is_dir():
        raise BackupError(f"{target} is a directory; name the backup file")
    if not target.parent.is_dir():
        raise BackupError(f"there is no directory {target.parent}")
    if target.exists() and not overwrite:
        raise BackupError(f"{target} exists; remove it first or pass --force")
    if target.exists() and target.samefile(database):
        raise BackupError("the backup file cannot be the database itself")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    source = connect_sqlite(database)
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()  # SQLite synced the copy when the backup committed
        partial.replace(target)
        _fsync_directory(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()


def check(path: Path) -> str:
    """The schema revision of a backup, once it proves a sound database of this server."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened: {exc}") from exc
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        versioned = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        revision = versioned and conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a timetrack database: {exc}") from exc
    finally:
        conn.close()
    if integrity != ["ok"]:
        raise BackupError(f"{path} is damaged: {'; '.join(integrity[:5])}")
    if not revision:
        raise BackupError(f"{path} is not a timetrack database (it has no schema version)")
    scripts = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    try:
        scripts.get_revision(revision[0])
    except CommandError:
        raise BackupError(
            f"{path} has schema version {revision[0]}, which this release of timetrack does "
            "not know (a backup from a newer release?)"
        ) from None
    return str(revision[0])


def restore(source: Path, database: Path) -> str:
    """Replace the database at ``database`` with the backup ``source``; its schema revision."""
    revision = check(source)
    if database.exists() and database.samefile(source):
        raise BackupError("the backup file is the database itself")
    backup_conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = connect_sqlite(database)
        try:
            backup_conn.backup(target)  # one step: the database changes in one transaction
            integrity = [row[0] for row in target.execute("PRAGMA integrity_check")]
        finally:
            target.close()
    finally:
        backup_conn.close()
    if integrity != ["ok"]:
        raise BackupError(f"the restored database fails its integrity check: {integrity[:5]}")
    return revision


def writes_after(source: Path, database: Path) -> tuple[int, str | None] | None:
    """What restoring ``source`` over ``database`` undoes, as the audit log counts it: how many
    writes the database recorded after the backup's newest entry (per account), and when the
    last of them was. None when the two cannot be compared (no audit log in one of them)."""
    if not database.is_file():
        return 0, None
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("ATTACH DATABASE ? AS backup", (f"{source.resolve().as_uri()}?mode=ro",))
        count, last = conn.execute(
            "SELECT count(*), max(a.at) FROM main.audit_log a WHERE a.id > coalesce("
            "(SELECT max(b.id) FROM backup.audit_log b WHERE b.account_id = a.account_id), 0)"
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return int(count), None if last is None else str(last)


def _fsync_directory(path: Path) -> None:
    """Make the rename into ``path`` survive a power loss (where the file system can)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
