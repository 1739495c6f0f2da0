"""The rate limiter whose buckets live in Redis, shared by every worker and host
(``TIMETRACK_REDIS_URL``; the model is in ``ratelimit``).

One Lua script (one ``EVALSHA``, one round trip, atomic) checks and takes, on Redis's clock. If
Redis cannot be reached the limits fail open to the per-process buckets of ``RateLimiter``,
with a warning in the log, and Redis is tried again a few seconds later: a Redis outage never
fails a request.

A limiter given a clock (tests) sends the script that clock's time instead of letting it read
Redis's, so a test decides when a token grows back, as it does for the per-process buckets: on
Redis's clock a slow moment of the machine refilled a bucket between two requests. The clock
is sent, not Redis's clock pinned, because Redis has no way to pin its clock; and serving
never sends one, since workers on hosts whose clocks differ agree only on Redis's.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from timetrack.ratelimit import (
    MAX_KEYS,
    SWEEP_MIN,
    US,
    Clock,
    Decision,
    Policy,
    RateLimiter,
    monotonic_us,
    throttled,
    too_many_requests,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

# The logger of the rate limits, wherever their buckets live.
log = logging.getLogger("timetrack.ratelimit")


# KEYS: buckets that must each have a token; the last one gives one up when ARGV's
# next-to-last value is 1. ARGV: interval (µs) and burst of each key, then 1 or 0, then the time
# (µs) or '' for Redis's own. Returns {0, debt} when every bucket had a token (debt: µs until
# the last one is full again), else {i, debt of bucket i}.
# Serving, times are Redis's own clock, so workers on hosts with skewed clocks still agree, and
# a key expires when its bucket is full. Redis expires keys on its own clock only, so the key of
# a bucket timed by a caller's clock (a test's, which may stand still) is kept an hour instead.
_SCRIPT = """
local now = tonumber(ARGV[#ARGV])
local own_clock = now == nil
if own_clock then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local take = ARGV[#ARGV - 1] == '1'
local debt = 0
for i, key in ipairs(KEYS) do
  local interval, burst = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local full_at = tonumber(redis.call('GET', key)) or now
  if full_at < now then full_at = now end
  debt = full_at - now + interval
  if debt > interval * burst then
    return {i, full_at - now}
  end
  if take and i == #KEYS then
    local keep_ms = 3600000
    if own_clock then keep_ms = math.ceil(debt / 1000) end
    redis.call('SET', key, string.format('%.0f', now + debt),
      'PX', string.format('%.0f', keep_ms))
  end
end
return {0, debt}
"""

_PREFIX = "timetrack:rl:"
_RETRY_REDIS_US = 5 * US  # after a Redis error, the per-process buckets serve this long


class RedisRateLimiter(RateLimiter):
    """Buckets shared through Redis by every worker and host; the per-process buckets of the
    base class stand in while Redis cannot be reached. ``clock``: the time of every bucket,
    Redis's included (tests); None: the process's monotonic clock here, Redis's in Redis."""

    def __init__(
        self,
        url: str,
        accounts: Policy | None,
        failures: Policy | None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(accounts, failures, monotonic_us if clock is None else clock)
        self._bucket_clock = clock
        self._url = url
        self._redis: Redis | None = None
        self._script: AsyncScript | None = None
        self._down_until: int | None = None
        # Addresses Redis reported out of failed authentications: known to be failing without
        # a round trip.
        self._blocked: dict[str, int] = {}

    @property
    def where(self) -> str:
        """Redis's address for the log, without the password a URL may carry."""
        parts = urlsplit(self._url)
        return parts.hostname or parts.path or "redis"

    async def address_failing(self, address: str) -> bool:
        if self.failures is None:
            return False
        until = self._blocked.get(address)
        if until is not None and until > self._clock():
            return True
        result = await self._eval([_PREFIX + "f:" + address], [*self._args(self.failures), 0])
        if result is None:
            return await super().address_failing(address)
        refused, debt = result
        return bool(refused) or debt > self.failures.interval_us

    async def count_failure(self, address: str) -> None:
        if self.failures is None:
            return
        result = await self._eval([_PREFIX + "f:" + address], [*self._args(self.failures), 1])
        if result is None:
            await super().count_failure(address)
            return
        refused, debt = result
        if refused:
            wait = self.failures.wait_us(debt)
            self._block(address, wait)
            raise throttled(wait)
        self._block(address, self._note_failure(address, debt))

    async def admit(self, api_key: str) -> Decision | None:
        if self.accounts is None:
            return None
        digest = hashlib.blake2b(api_key.encode(), digest_size=16).hexdigest()
        result = await self._eval([_PREFIX + "k:" + digest], [*self._args(self.accounts), 1])
        if result is None:
            return await super().admit(api_key)
        refused, debt = result
        decision = Decision.of(self.accounts, not refused, debt)
        if refused:
            raise too_many_requests(decision)
        return decision

    async def aclose(self) -> None:
        if self._redis is not None:
            redis, self._redis, self._script = self._redis, None, None
            await redis.aclose()

    @staticmethod
    def _args(policy: Policy) -> list[int]:
        return [policy.interval_us, policy.burst]

    def _block(self, address: str, wait_us: int) -> None:
        if wait_us <= 0:
            return
        if len(self._blocked) >= SWEEP_MIN:
            now = self._clock()
            self._blocked = {a: t for a, t in self._blocked.items() if t > now}
            if len(self._blocked) >= MAX_KEYS:
                self._blocked.clear()
        self._blocked[address] = self._clock() + wait_us

    async def _eval(self, keys: list[str], args: list[int]) -> tuple[int, int] | None:
        """Run the bucket script: (refused by, debt), or None while Redis is unreachable."""
        if self._down_until is not None and self._clock() < self._down_until:
            return None
        now = "" if self._bucket_clock is None else self._bucket_clock()
        try:
            if self._script is None:
                self._script = self._connect().register_script(_SCRIPT)
            result: Any = await self._script(keys=keys, args=[*args, now])
        except Exception as exc:  # any failure of Redis: fail open to the local buckets
            if self._down_until is None:
                log.warning(
                    "Redis at %s is unreachable (%s); rate limits are kept per process until "
                    "it answers again",
                    self.where,
                    type(exc).__name__,
                )
            self._down_until = self._clock() + _RETRY_REDIS_US
            return None
        if self._down_until is not None:
            log.warning("Redis at %s answers again; rate limits are shared again", self.where)
            self._down_until = None
        return int(result[0]), int(result[1])

    def _connect(self) -> Redis:
        from redis.asyncio import Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        if self._redis is None:
            # Short timeouts and one immediate retry (a pooled connection may have gone stale):
            # a slow or absent Redis must not hold requests up.
            self._redis = Redis.from_url(
                self._url,
                socket_timeout=0.25,
                socket_connect_timeout=0.25,
                retry=Retry(NoBackoff(), 1),
            )
        return self._redis
