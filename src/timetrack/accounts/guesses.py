"""Wrong secrets counted per API key, in the database every worker and host shares.

The secret of a key that belongs to an account may be guessed wrong at most
``TIMETRACK_AUTH_FAILURES_PER_MINUTE`` times a minute (a token bucket of that many tokens,
refilled at that rate, like ``ratelimit.py``'s, kept as the time it is full again). The budget
belongs to the key, not to the client address, so an attacker guessing one tenant's secret
spends that key's budget only, and a tenant behind the same NAT or proxy is not affected.

- The bucket is read by the credential lookup itself (a ``LEFT JOIN`` on ``auth_failures``), so
  a valid request costs no extra round trip and never writes.
- A wrong secret takes a token in its own short write transaction: one conditional upsert,
  atomic on either database, timed by the database's clock, so every worker process and every
  host on one PostgreSQL agree on one budget (per-process counting let each worker grant its
  own). Only known keys are counted: a key that belongs to no account has nothing to guess, and
  writing a row for every random key would let a flood of them fill the table.
- The database, not Redis, holds these buckets also when ``TIMETRACK_REDIS_URL`` is set: the
  lookup that must see the budget is a database query anyway, and Redis is allowed to be
  away (its limits then fall back to each process), which would hand each worker its own
  guesses again.
"""

from __future__ import annotations

import logging

from timetrack.db import Database, Dialect

log = logging.getLogger("timetrack.ratelimit")

# The bucket of the account key's secret; personal keys and passwords have buckets of their own.
ACCOUNT_KEY = "account-key"

_NOW_US: dict[Dialect, str] = {
    # now(): the transaction's (for a lone statement, the statement's) start, one value
    # however often the statement names it.
    "postgresql": "(extract(epoch from now()) * 1000000)::bigint",
    # 'now' is fixed for the whole statement; julianday keeps milliseconds.
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)",
}
_GREATEST: dict[Dialect, str] = {"postgresql": "GREATEST", "sqlite": "max"}


def now_us_sql(dialect: Dialect) -> str:
    """The database's clock in microseconds since the epoch, as an SQL expression."""
    return _NOW_US[dialect]


def _take_sql(dialect: Dialect) -> str:
    now, greatest = _NOW_US[dialect], _GREATEST[dialect]
    start = f"{greatest}(auth_failures.full_at, {now})"
    # $2: one token's interval, $3: the bucket's capacity (burst times interval), both in µs.
    return (
        f"INSERT INTO auth_failures (account_id, subject, full_at) VALUES ($1, $4, {now} + $2) "
        f"ON CONFLICT (account_id, subject) DO UPDATE SET full_at = {start} + $2 "
        f"WHERE {start} + $2 - {now} <= $3 "
        f"RETURNING full_at - {now}"
    )


def spent_for(full_at: int | None, now_us: int, interval_us: int, capacity_us: int) -> int:
    """Microseconds until a bucket whose full-again time is ``full_at`` has a token (0: now)."""
    if full_at is None:
        return 0
    return max(0, full_at - now_us + interval_us - capacity_us)


async def count_wrong_secret(
    db: Database,
    account_id: int,
    interval_us: int,
    capacity_us: int,
    subject: str = ACCOUNT_KEY,
) -> bool:
    """Take a token of the credential's bucket; False when it had none left (another request
    took the last one since the lookup read it)."""
    async with db.transaction(write=True) as tx:
        debt: int | None = await tx.fetchval(
            _take_sql(db.dialect), account_id, interval_us, capacity_us, subject
        )
    if debt is None:
        return False
    wait = debt + interval_us - capacity_us
    if wait > 0:
        log.warning(
            "too many wrong secrets for %s of account %d: it is refused for %d s to "
            "addresses with failed authentications",
            "the API key" if subject == ACCOUNT_KEY else subject,
            account_id,
            -(-wait // 1_000_000),
        )
    return True
