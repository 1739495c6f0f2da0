"""Alembic environment: SQLite through pysqlite (batch mode), PostgreSQL through asyncpg."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, create_engine, pool
from sqlalchemy.ext.asyncio import create_async_engine

from timetrack.config import get_settings
from timetrack.models import Base

config = context.config
url: str = config.attributes.get("url") or get_settings().effective_database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    # The revision the database had (None: an empty database), for the CLI to report.
    config.attributes["before"] = context.get_context().get_current_revision()
    with context.begin_transaction():
        context.run_migrations()


async def _run_postgres() -> None:
    engine = create_async_engine(
        "postgresql+asyncpg://" + url.split("://", 1)[1], poolclass=pool.NullPool
    )
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif url.startswith("sqlite:"):
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()
else:
    asyncio.run(_run_postgres())
