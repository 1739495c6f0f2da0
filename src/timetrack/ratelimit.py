"""Rate limits: requests per account key, and failed authentications per client address.

Both are token buckets: a bucket holds up to ``burst`` tokens and refills at a steady rate;
each request (or each failed authentication) takes one token, and a request that finds the
bucket empty is refused with ``429``. A bucket is kept as one number, the time at which it will
be full again (the "theoretical arrival time" of GCRA, which is the same algorithm), so taking a
token is a few integer operations on one value, and a bucket that has filled up again is
indistinguishable from one that never existed and can be forgotten.

- Per account key (``TIMETRACK_RATE_LIMIT_PER_SECOND``, ``TIMETRACK_RATE_LIMIT_BURST``): taken
  after the credentials proved right; every authenticated response carries ``RateLimit-Limit``,
  ``RateLimit-Remaining`` and ``RateLimit-Reset`` (the IETF draft's names; ``Reset`` is the
  seconds until the bucket is full again), a refusal also ``Retry-After`` (code 10040).
- Per client address (``TIMETRACK_AUTH_FAILURES_PER_MINUTE``): each wrong key or secret takes a
  token; once the address has none left, its wrong keys and secrets are answered 429 (code
  10041) instead of 401, until a token has grown back. Right credentials from the address are
  never refused for it: behind a NAT or a proxy many tenants share one address. IPv6 clients
  count per /64 network, the block one subscriber usually gets. What bounds the guessing of a
  secret is the budget of its key (``accounts.guesses``); an address that keeps failing is
  what that budget, once spent, is refused to.

By default every worker process keeps its own buckets (a dict and the monotonic clock). With
``TIMETRACK_REDIS_URL`` the buckets live in Redis and every worker and host shares them
(``ratelimit_redis``).
"""

from __future__ import annotations

import functools
import ipaddress
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from timetrack.config import Settings
from timetrack.errors import AUTH_THROTTLED, RATE_LIMITED, AppError, Problem

log = logging.getLogger("timetrack.ratelimit")

US = 1_000_000
Clock = Callable[[], int]  # microseconds, monotonic


def monotonic_us() -> int:
    return time.monotonic_ns() // 1000


def _ceil_seconds(us: int) -> int:
    return -(-us // US)


def _retry_after(wait_us: int) -> int:
    """A wait as ``Retry-After`` seconds: rounded up, and never 0 for a refusal."""
    return max(1, _ceil_seconds(wait_us))


@dataclass(frozen=True, slots=True)
class Policy:
    """``burst`` tokens, one more every ``interval_us`` microseconds."""

    interval_us: int
    burst: int

    @classmethod
    def of(cls, per_second: float, burst: int) -> Policy:
        return cls(max(1, round(US / per_second)), burst)

    @property
    def capacity_us(self) -> int:
        """How far ahead of now a bucket's full-again time may be: ``burst`` tokens' worth."""
        return self.interval_us * self.burst

    def wait_us(self, debt_us: int) -> int:
        """Microseconds until a bucket whose full-again time lies ``debt_us`` ahead of now has
        a token again (0 or less: it has one now)."""
        return debt_us + self.interval_us - self.capacity_us


@dataclass(slots=True)  # not frozen: a frozen dataclass takes microseconds to build
class Decision:
    """The state of an account's bucket after a request took (or failed to take) a token."""

    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the bucket is full again
    retry_after: int  # seconds until a refused request may be sent again (0 when allowed)

    @classmethod
    def of(cls, policy: Policy, allowed: bool, debt_us: int) -> Decision:
        """``debt_us``: how far the bucket's full-again time lies ahead of now."""
        return cls(
            allowed=allowed,
            limit=policy.burst,
            remaining=max(0, policy.burst - -(-debt_us // policy.interval_us)),
            reset=_ceil_seconds(max(0, debt_us)),
            retry_after=0 if allowed else _retry_after(policy.wait_us(debt_us)),
        )

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset),
        }

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"ratelimit-limit", b"%d" % self.limit),
            (b"ratelimit-remaining", b"%d" % self.remaining),
            (b"ratelimit-reset", b"%d" % self.reset),
        ]


def too_many_requests(decision: Decision) -> AppError:
    detail = f"the rate limit of this API key is spent; retry in {decision.retry_after} s"
    headers = {"Retry-After": str(decision.retry_after), **decision.headers()}
    return AppError(Problem(RATE_LIMITED, detail), headers=headers)


def throttled(wait_us: int, source: str = "from this address") -> AppError:
    seconds = _retry_after(wait_us)
    detail = f"too many failed authentications {source}; retry in {seconds} s"
    return AppError(Problem(AUTH_THROTTLED, detail), headers={"Retry-After": str(seconds)})


def key_throttled(wait_us: int) -> AppError:
    """429 (10041) for a key whose budget of wrong secrets is spent."""
    return throttled(wait_us, "with this API key")


def client_address(client: tuple[str, int] | None) -> str:
    """The key failed authentications are counted under: the address, or its /64 for IPv6."""
    host = client[0] if client else ""
    if ":" not in host:
        return host or "unknown"
    return _ipv6_network(host)


@functools.lru_cache(maxsize=4096)  # parsing an IPv6 address takes ~20 µs; clients come back
def _ipv6_network(host: str) -> str:
    try:
        address = ipaddress.IPv6Address(host)
    except ValueError:
        return host
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return address.exploded[:19] + "::/64"


SWEEP_MIN = 10_000  # entries before the first sweep of full buckets
MAX_KEYS = 100_000  # entries kept at most (past it, the oldest go: those clients start afresh)


class Buckets:
    """Token buckets of one policy, by key, in this process."""

    def __init__(self, policy: Policy, clock: Clock = monotonic_us) -> None:
        self.policy = policy
        self._clock = clock
        self._full_at: dict[str, int] = {}
        self._sweep_at = SWEEP_MIN

    def take(self, key: str) -> tuple[bool, int]:
        """Take a token: (taken, how far ahead of now the bucket's full-again time lies)."""
        now = self._clock()
        full_at = max(self._full_at.get(key, now), now)
        debt = full_at - now + self.policy.interval_us
        if debt > self.policy.capacity_us:
            return False, full_at - now
        self._full_at[key] = now + debt
        if len(self._full_at) >= self._sweep_at:
            self._sweep(now)
        return True, debt

    def holds(self, key: str) -> bool:
        """Whether ``key`` took a token that has not grown back yet."""
        return self._full_at.get(key, 0) > self._clock()

    def wait(self, key: str) -> int:
        """Microseconds until ``key`` has a token (0: it has one now)."""
        full_at = self._full_at.get(key)
        if full_at is None:
            return 0
        return max(0, self.policy.wait_us(full_at - self._clock()))

    def __len__(self) -> int:
        return len(self._full_at)

    def _sweep(self, now: int) -> None:
        for key in [k for k, full_at in self._full_at.items() if full_at <= now]:
            del self._full_at[key]
        excess = len(self._full_at) - MAX_KEYS
        if excess > 0:
            for key in list(itertools.islice(self._full_at, excess + MAX_KEYS // 10)):
                del self._full_at[key]
        self._sweep_at = min(max(SWEEP_MIN, 2 * len(self._full_at)), MAX_KEYS)


class RateLimiter:
    """The limits of one worker process (the default backend)."""

    def __init__(
        self, accounts: Policy | None, failures: Policy | None, clock: Clock = monotonic_us
    ) -> None:
        self.accounts = accounts
        self.failures = failures
        self._clock = clock
        self._account_buckets = Buckets(accounts, clock) if accounts else None
        self._failure_buckets = Buckets(failures, clock) if failures else None
        self._warned_at: int | None = None
        self._unwarned = 0

    async def address_failing(self, address: str) -> bool:
        """Whether the address sent a wrong key or secret that its bucket still remembers."""
        return self._failure_buckets is not None and self._failure_buckets.holds(address)

    async def count_failure(self, address: str) -> None:
        """Count a failed authentication; 429 when the address had none left."""
        if self._failure_buckets is None:
            return
        taken, debt = self._failure_buckets.take(address)
        if not taken:
            raise throttled(self._failure_buckets.wait(address))
        self._note_failure(address, debt)

    async def admit(self, api_key: str) -> Decision | None:
        """Take a token of the account's bucket (429 when empty); None when not limited."""
        if self._account_buckets is None:
            return None
        taken, debt = self._account_buckets.take(api_key)
        decision = Decision.of(self._account_buckets.policy, taken, debt)
        if not taken:
            raise too_many_requests(decision)
        return decision

    async def aclose(self) -> None:
        """Release connections (none here)."""

    def _note_failure(self, address: str, debt: int) -> int:
        """After a counted failure: the microseconds the address is now refused for (0 while it
        has tokens left), logged at most every ten seconds per process."""
        assert self.failures is not None
        wait = self.failures.wait_us(debt)
        if wait <= 0:
            return 0
        now = self._clock()
        if self._warned_at is not None and now - self._warned_at < 10 * US:
            self._unwarned += 1
            return wait
        more = (
            f" ({self._unwarned} more addresses since the last warning)" if self._unwarned else ""
        )
        log.warning(
            "too many failed authentications from %s: refused for %d s%s",
            address,
            _retry_after(wait),
            more,
        )
        self._warned_at, self._unwarned = now, 0
        return wait


def create_rate_limiter(settings: Settings, clock: Clock | None = None) -> RateLimiter:
    """The limits ``settings`` ask for. ``clock``: the time every bucket is taken by, for tests
    that move time themselves; None (serving): the process's monotonic clock, and Redis's own
    for the buckets kept in Redis."""
    accounts = None
    if settings.rate_limit_enabled:
        accounts = Policy.of(settings.rate_limit_per_second, settings.rate_limit_burst)
    failures = None
    if settings.auth_failures_per_minute:
        per_minute = settings.auth_failures_per_minute
        failures = Policy.of(per_minute / 60, per_minute)
    if settings.redis_url:
        # Imported here: a worker without Redis never loads the Redis client.
        from timetrack.ratelimit_redis import RedisRateLimiter

        return RedisRateLimiter(settings.redis_url, accounts, failures, clock)
    return RateLimiter(accounts, failures, monotonic_us if clock is None else clock)
