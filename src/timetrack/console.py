"""What every ``timetrack`` command shares: its output, one transaction on the configured
database, and how it names that database to the operator."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from timetrack.config import Settings
from timetrack.db import Tx, create_database
from timetrack.migrate import upgrade

T = TypeVar("T")


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def note(text: str) -> None:
    """A line for the operator on standard error, so ``--json`` output stays one document."""
    sys.stderr.write(f"timetrack: {text}\n")


def invocation() -> str:
    """How the operator runs this ``timetrack``, for commands a message suggests: the script's
    path from the current directory when it lies below it (``.venv/bin/timetrack`` after
    ``./scripts/serve``, whose PATH a second terminal lacks), plain ``timetrack`` when that is
    the one on PATH, else its absolute path; plain ``timetrack`` for ``python -m timetrack``."""
    script = Path(sys.argv[0]).absolute()
    if script.name != "timetrack":
        return "timetrack"
    if script.is_relative_to(Path.cwd()):
        return str(script.relative_to(Path.cwd()))
    on_path = shutil.which("timetrack")
    if on_path is not None and Path(on_path).absolute() == script:
        return "timetrack"
    return str(script)


def in_transaction(
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


def describe_database(settings: Settings) -> str:
    """``SQLite /abs/path/timetrack.db`` or ``PostgreSQL host:port/db`` (never a password)."""
    url = settings.effective_database_url
    if settings.is_sqlite:
        return f"SQLite {url.removeprefix('sqlite:///')}"
    return "PostgreSQL " + url.split("@")[-1]


def migrate_and_say(settings: Settings) -> str | None:
    """Bring the schema up to date; say so when that created the database."""
    before = upgrade(settings.effective_database_url)
    if before is None:
        note(
            f"created a new database: {describe_database(settings)} (to use another, set "
            "TIMETRACK_DATA_DIR or TIMETRACK_DATABASE_URL)"
        )
    return before


def subcommand(subparsers: Any, name: str, text: str) -> argparse.ArgumentParser:
    """A (sub)command ``name`` whose help is ``text`` and whose description is its sentence."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=text, description=text[0].upper() + text[1:] + "."
    )
    return parser
