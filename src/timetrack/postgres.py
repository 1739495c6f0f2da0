"""The PostgreSQL back end of ``db.Database``: an asyncpg pool per process."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from timetrack.db import (
    DatabaseError,
    DatabaseUnavailable,
    Dialect,
    IntegrityViolation,
    Row,
    Tx,
    pg_dsn,
)


def _translate_pg(exc: Exception) -> DatabaseError:
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return IntegrityViolation(str(exc))
    if isinstance(exc, OSError | asyncpg.PostgresConnectionError | asyncpg.InterfaceError):
        return DatabaseUnavailable(str(exc))
    return DatabaseError(str(exc))


class _PgTx:
    dialect: Dialect = "postgresql"

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        try:
            rows: list[Row] = await self._conn.fetch(sql, *args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _translate_pg(exc) from exc
        return rows

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        try:
            row: Row | None = await self._conn.fetchrow(sql, *args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _translate_pg(exc) from exc
        return row

    async def fetchval(self, sql: str, *args: Any) -> Any:
        try:
            return await self._conn.fetchval(sql, *args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _translate_pg(exc) from exc

    async def execute(self, sql: str, *args: Any) -> None:
        try:
            await self._conn.execute(sql, *args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _translate_pg(exc) from exc

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        try:
            await self._conn.executemany(sql, args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _translate_pg(exc) from exc


class PostgresDatabase:
    dialect: Dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.dsn = pg_dsn(url)
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        if self._pool is None:
            try:
                self._pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=1,
                    max_size=self._pool_size,
                    server_settings={"timezone": "UTC", "application_name": "timetrack"},
                )
            except (asyncpg.PostgresError, OSError) as exc:
                raise DatabaseUnavailable(str(exc)) from exc

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        if self._pool is None:
            raise DatabaseUnavailable("database is not open")
        try:
            row: Row | None = await self._pool.fetchrow(sql, *args)
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise _translate_pg(exc) from exc
        return row

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A connection of the pool; one the pool cannot give means the database is down."""
        if self._pool is None:
            raise DatabaseUnavailable("database is not open")
        try:
            conn_cm = self._pool.acquire()
            conn = await conn_cm.__aenter__()
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise DatabaseUnavailable(str(exc)) from exc
        try:
            yield conn
        finally:
            await conn_cm.__aexit__(None, None, None)

    @contextlib.asynccontextmanager
    async def reader(self) -> AsyncIterator[Tx]:
        async with self._connection() as conn:
            yield _PgTx(conn)

    @contextlib.asynccontextmanager
    async def transaction(self, *, write: bool) -> AsyncIterator[Tx]:
        async with self._connection() as conn:
            # Reads see one snapshot, so a page and its X-Total-Count agree.
            tx = conn.transaction(
                isolation="read_committed" if write else "repeatable_read", readonly=not write
            )
            try:
                await tx.start()
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                raise _translate_pg(exc) from exc
            try:
                yield _PgTx(conn)
            except BaseException:
                with contextlib.suppress(asyncpg.InterfaceError, OSError):
                    await tx.rollback()
                raise
            try:
                await tx.commit()
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                raise _translate_pg(exc) from exc
