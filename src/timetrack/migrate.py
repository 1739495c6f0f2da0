"""Bring a database to the newest schema; run by ``serve``, ``migrate`` and every CLI command."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str) -> str | None:
    """Migrate to the newest schema; the revision the database had (None: it was empty)."""
    config = alembic_config(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # env.py runs asyncio.run() for PostgreSQL, which refuses to start inside a running loop
    # (the test suite calls this from async fixtures); a short-lived thread has no loop.
    errors: list[BaseException] = []

    def run() -> None:
        try:
            command.upgrade(config, "head")
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=run, name="timetrack-migrate")
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    before: str | None = config.attributes.get("before")
    return before


def head() -> str:
    """The newest revision this release knows."""
    revision = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert revision is not None
    return revision
