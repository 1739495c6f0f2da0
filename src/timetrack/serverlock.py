"""Who is using an SQLite database: a lock file beside it, so ``restore`` never replaces a
database under a running server.

Every process that serves the database (``timetrack serve`` and each of its workers) holds a
shared ``flock`` on ``<database>.lock`` for as long as it lives; ``restore`` needs the exclusive
lock, so it is refused while any server runs, and a server cannot start while a restore is
under way. The kernel drops a process's locks when it ends, however it ends (SIGKILL, OOM,
power cut), so a dead server never leaves a lock behind that would block a restore: the file
stays, unlocked, and means nothing. Only the lock is shared state; the file is never read.

PostgreSQL needs nothing of this: timetrack does not restore PostgreSQL databases (its own
``pg_restore`` does; the README says how).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


class DatabaseInUse(Exception):
    """Another process holds the lock this one needs."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _open(database: Path) -> int:
    database.parent.mkdir(parents=True, exist_ok=True)
    # Not inherited by child processes (O_CLOEXEC is Python's default): each holder is one
    # process, and its lock ends with it.
    return os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o644)


def _lock(database: Path, kind: int) -> int:
    fd = _open(database)
    try:
        fcntl.flock(fd, kind | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DatabaseInUse(str(lock_path(database))) from None
    return fd


_held: dict[Path, int] = {}


def hold_while_serving(database: Path) -> None:
    """Take the shared lock for the rest of this process's life (idempotent per database).
    Raises ``DatabaseInUse`` while a restore holds the database."""
    key = database.resolve()
    if key not in _held:
        _held[key] = _lock(key, fcntl.LOCK_SH)


@contextlib.contextmanager
def exclusive(database: Path) -> Iterator[None]:
    """Hold the database alone for the block. Raises ``DatabaseInUse`` while a server runs."""
    fd = _lock(database.resolve(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
