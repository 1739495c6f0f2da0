"""Rate limits (SPEC §1 "Rate limited: 429 with Retry-After", §3): per account key, and failed
authentications per client address; in one process, and shared through Redis. The budget of
wrong secrets per key, and how it meets the address's, is tested in test_auth_guessing.py.

Redis: ``TIMETRACK_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``). When it does not
answer, the Redis tests are skipped with a message, unless ``TIMETRACK_REQUIRE_REDIS=1`` (CI),
which makes them fail. They write only keys under ``timetrack:rl:`` that belong to fresh
accounts and random client addresses, so they never disturb each other or a server sharing it.

Time is the test's own (``FakeClock``): the apps' buckets, in the process and in Redis, are
timed by it, so a token grows back when a test moves the clock and never because the machine
had a slow moment between two requests. Only the test of Redis's own clock times buckets by
real time, with buckets too slow for a slow moment to matter.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from conftest import Backend, auth_headers
from fastapi import FastAPI

from timetrack.accounts.service import Credentials
from timetrack.app import create_app
from timetrack.config import Settings
from timetrack.db import Database
from timetrack.ratelimit import (
    Buckets,
    Decision,
    Policy,
    RateLimiter,
    client_address,
    create_rate_limiter,
)
from timetrack.ratelimit_redis import RedisRateLimiter

if TYPE_CHECKING:
    from redis.asyncio import Redis

REDIS_URL = os.environ.get("TIMETRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REQUIRE_REDIS = os.environ.get("TIMETRACK_REQUIRE_REDIS") == "1"
UNREACHABLE_REDIS = "redis://:hunter2-not-logged@127.0.0.1:1/0"
S = 1_000_000  # microseconds


class FakeClock:
    """Microseconds that pass only when a test says so."""

    def __init__(self, start: int = 1_000 * S) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * S)


def random_address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def client(app: FastAPI, address: str = "127.0.0.1", **headers: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 40000)),
        base_url="http://testserver/api/v2/ext",
        headers=headers,
    )


def wrong(creds: Credentials) -> dict[str, str]:
    return {**auth_headers(creds), "X-TimeTrack-Api-Secret": "tts_" + "w" * 43}


def code(response: httpx.Response) -> int:
    assert response.headers["content-type"] == "application/json", response.text
    errors = response.json()["errors"]
    assert errors[0]["status"] == response.status_code
    value: int = errors[0]["code"]
    return value


def retry_after(response: httpx.Response) -> int:
    value = response.headers["Retry-After"]
    assert value.isdigit() and int(value) >= 1, value
    return int(value)


# -- bucket arithmetic (fake clock) -------------------------------------------------------------


class TestBuckets:
    def test_burst_then_refused(self) -> None:
        clock = FakeClock()
        buckets = Buckets(Policy.of(1, 3), clock)
        policy = buckets.policy
        decisions = [Decision.of(policy, *buckets.take("k")) for _ in range(4)]
        assert [d.allowed for d in decisions] == [True, True, True, False]
        assert [d.remaining for d in decisions] == [2, 1, 0, 0]
        assert [d.limit for d in decisions] == [3, 3, 3, 3]
        assert [d.reset for d in decisions] == [1, 2, 3, 3]
        assert decisions[-1].retry_after == 1
        assert all(d.retry_after == 0 for d in decisions[:3])

    def test_refill_at_the_rate(self) -> None:
        clock = FakeClock()
        buckets = Buckets(Policy.of(1, 3), clock)
        for _ in range(3):
            assert buckets.take("k")[0]
        assert not buckets.take("k")[0]
        clock.advance(0.999)
        assert not buckets.take("k")[0]
        clock.advance(0.001)
        assert buckets.take("k")[0]
        assert not buckets.take("k")[0]
        clock.advance(10)  # long idle: full again, never more than the burst
        assert [buckets.take("k")[0] for _ in range(4)] == [True, True, True, False]

    def test_a_refused_request_costs_nothing(self) -> None:
        clock = FakeClock()
        buckets = Buckets(Policy.of(1, 1), clock)
        assert buckets.take("k")[0]
        for _ in range(100):
            assert not buckets.take("k")[0]
        clock.advance(1)
        assert buckets.take("k")[0]

    def test_default_policy(self) -> None:
        clock = FakeClock()
        policy = Policy.of(50, 200)
        assert policy.interval_us == 20_000
        buckets = Buckets(policy, clock)
        assert all(buckets.take("k")[0] for _ in range(200))
        taken, debt = buckets.take("k")
        assert not taken
        decision = Decision.of(policy, taken, debt)
        assert (decision.remaining, decision.retry_after, decision.reset) == (0, 1, 4)
        clock.advance(0.02)
        assert buckets.take("k")[0]
        # Sustained: 50 a second pass, the 51st in the same second does not.
        clock.advance(1)
        assert sum(buckets.take("k")[0] for _ in range(60)) == 50

    def test_slow_rate_retry_after(self) -> None:
        clock = FakeClock()
        buckets = Buckets(Policy.of(0.25, 1), clock)
        assert buckets.take("k")[0]
        decision = Decision.of(buckets.policy, *buckets.take("k"))
        assert (decision.allowed, decision.retry_after, decision.reset) == (False, 4, 4)
        clock.advance(1.5)
        assert Decision.of(buckets.policy, *buckets.take("k")).retry_after == 3

    def test_keys_are_independent(self) -> None:
        buckets = Buckets(Policy.of(1, 1), FakeClock())
        assert buckets.take("a")[0]
        assert not buckets.take("a")[0]
        assert buckets.take("b")[0]

    def test_wait(self) -> None:
        clock = FakeClock()
        buckets = Buckets(Policy.of(20 / 60, 20), clock)
        assert buckets.wait("addr") == 0
        for _ in range(20):
            buckets.take("addr")
        assert buckets.wait("addr") == 3 * S
        clock.advance(2)
        assert buckets.wait("addr") == 1 * S
        clock.advance(1)
        assert buckets.wait("addr") == 0

    def test_full_buckets_are_forgotten(self) -> None:
        clock = FakeClock()
        buckets = Buckets(Policy.of(1, 5), clock)
        for i in range(9_000):
            buckets.take(f"old{i}")
        clock.advance(6)  # every bucket above is full again
        for i in range(2_000):
            buckets.take(f"new{i}")
        # The sweep at 10,000 entries dropped the 9,000 full ones.
        assert len(buckets) == 2_000

    def test_client_address(self) -> None:
        assert client_address(("192.0.2.7", 5000)) == "192.0.2.7"
        assert client_address(None) == "unknown"
        one = client_address(("2001:db8:1:2:aaaa::1", 1))
        assert one == "2001:0db8:0001:0002::/64"
        assert client_address(("2001:db8:1:2:ffff::9", 1)) == one
        assert client_address(("2001:db8:1:3::1", 1)) != one
        assert client_address(("::ffff:192.0.2.7", 1)) == "192.0.2.7"

    def test_settings_choose_the_backend(self) -> None:
        limiter = create_rate_limiter(Settings())
        assert type(limiter) is RateLimiter
        assert limiter.accounts == Policy.of(50, 200)
        assert limiter.failures == Policy.of(20 / 60, 20)
        off = create_rate_limiter(Settings(rate_limit_enabled=False, auth_failures_per_minute=0))
        assert off.accounts is None and off.failures is None
        shared = create_rate_limiter(Settings(redis_url="redis://127.0.0.1:6379/0"))
        assert isinstance(shared, RedisRateLimiter)

    def test_redis_url_scheme_checked(self) -> None:
        with pytest.raises(ValueError, match="TIMETRACK_REDIS_URL"):
            Settings(redis_url="http://127.0.0.1:6379")


# -- per account key, over HTTP -----------------------------------------------------------------


def tiny(backend: Backend, **overrides: Any) -> Settings:
    """The suite's settings with a tiny limit: 3 requests, then one a second."""
    options: dict[str, Any] = {
        "rate_limit_per_second": 1,
        "rate_limit_burst": 3,
        "auth_failures_per_minute": 3,
        "redis_url": "",
        **overrides,
    }
    return backend.settings.model_copy(update=options)


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def clock() -> FakeClock:
    """The time of a test's apps. It starts at the wall clock, as Redis's would: a key an earlier
    run left in Redis (kept an hour, ``ratelimit_redis``) is then long full, as on Redis's
    clock."""
    return FakeClock(time.time_ns() // 1000)


@pytest.fixture
async def apps(backend: Backend, database: Database, clock: FakeClock) -> AsyncIterator[AppFactory]:
    """Apps of their own (as separate workers would be) on the test's clock (``clock=None``:
    each store's own), their Redis connections closed after."""
    made: list[FastAPI] = []

    def make(*, clock: FakeClock | None = clock, **overrides: Any) -> FastAPI:
        app = create_app(tiny(backend, **overrides), database, rate_limit_clock=clock)
        made.append(app)
        return app

    yield make
    for app in made:
        await app.state.rate_limiter.aclose()


class TestAccountLimit:
    async def test_429_once_the_burst_is_spent(
        self, apps: AppFactory, account: Credentials
    ) -> None:
        async with client(apps(), **auth_headers(account)) as api:
            responses = [await api.get("/clients") for _ in range(3)]
            refused = await api.get("/clients")
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert [r.headers["RateLimit-Limit"] for r in responses] == ["3", "3", "3"]
        assert [r.headers["RateLimit-Remaining"] for r in responses] == ["2", "1", "0"]
        assert all(int(r.headers["RateLimit-Reset"]) >= 1 for r in responses)
        assert "Retry-After" not in responses[0].headers
        assert refused.status_code == 429
        assert code(refused) == 10040
        assert refused.json()["errors"][0]["title"] == "Too many requests"
        assert retry_after(refused) == 1
        assert refused.headers["RateLimit-Remaining"] == "0"
        assert refused.headers["RateLimit-Limit"] == "3"

    async def test_every_route_counts_and_writes_are_not_done(
        self, apps: AppFactory, account: Credentials
    ) -> None:
        async with client(apps(), **auth_headers(account)) as api:
            assert (await api.post("/clients", json={"name": "A"})).status_code == 201
            assert (await api.get("/projects")).status_code == 200
            assert (await api.post("/tasks", json={})).status_code == 200
            refused = await api.post("/clients", json={"name": "B"})
        assert refused.status_code == 429
        async with client(apps(), **auth_headers(account)) as api:
            names = [c["name"] for c in (await api.get("/clients")).json()]
        assert names == ["A"]

    async def test_per_account_key(
        self, apps: AppFactory, account: Credentials, other_account: Credentials
    ) -> None:
        app = apps()
        async with client(app, **auth_headers(account)) as api:
            for _ in range(3):
                await api.get("/clients")
            assert (await api.get("/clients")).status_code == 429
        async with client(app, **auth_headers(other_account)) as other:
            response = await other.get("/clients")
        assert response.status_code == 200
        assert response.headers["RateLimit-Remaining"] == "2"

    async def test_refills(self, apps: AppFactory, clock: FakeClock, account: Credentials) -> None:
        app = apps(rate_limit_per_second=20, rate_limit_burst=2)
        async with client(app, **auth_headers(account)) as api:
            assert [(await api.get("/tasks")).status_code for _ in range(3)] == [200, 200, 429]
            clock.advance(0.05)  # one token's time
            assert (await api.get("/tasks")).status_code == 200

    async def test_unauthenticated_answers_carry_no_rate_limit_headers(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(tiny(backend), database)
        async with client(app) as anon:
            missing = await anon.get("/clients")
            bad = await anon.get("/clients", headers=wrong(account))
        assert (missing.status_code, bad.status_code) == (401, 401)
        for response in (missing, bad):
            assert not any(h.lower().startswith("ratelimit-") for h in response.headers)

    async def test_disabled(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(tiny(backend, rate_limit_enabled=False), database)
        async with client(app, **auth_headers(account)) as api:
            responses = [await api.get("/clients") for _ in range(10)]
        assert {r.status_code for r in responses} == {200}
        assert "RateLimit-Limit" not in responses[-1].headers

    async def test_default_is_generous(self, api: httpx.AsyncClient) -> None:
        response = await api.get("/clients")
        assert response.headers["RateLimit-Limit"] == "200"
        assert response.headers["RateLimit-Remaining"] == "199"


# -- shared through Redis -----------------------------------------------------------------------


@pytest.fixture(scope="session")
async def redis_url() -> str:
    from redis.asyncio import Redis

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await redis.ping()
    except Exception as exc:
        message = f"Redis at {REDIS_URL} is unreachable ({type(exc).__name__}: {exc})"
        if REQUIRE_REDIS:
            pytest.fail(message + " and TIMETRACK_REQUIRE_REDIS=1", pytrace=False)
        pytest.skip(message + "; the Redis tests are skipped")
    finally:
        await redis.aclose()
    return REDIS_URL


async def statuses(calls: Sequence[Awaitable[httpx.Response]]) -> list[int]:
    return [r.status_code for r in await asyncio.gather(*calls)]


async def redis_time(redis: Redis) -> int:
    """Redis's clock, in microseconds."""
    seconds, micros = await redis.time()
    return seconds * S + micros


class TestRedis:
    async def test_two_workers_share_one_budget(
        self, redis_url: str, apps: AppFactory, account: Credentials
    ) -> None:
        first, second = apps(redis_url=redis_url), apps(redis_url=redis_url)
        headers = auth_headers(account)
        async with client(first, **headers) as one, client(second, **headers) as two:
            a = await one.get("/clients")
            b = await two.get("/clients")
            c = await one.get("/clients")
            refused = [await two.get("/clients"), await one.get("/clients")]
        assert [r.status_code for r in (a, b, c)] == [200, 200, 200]
        assert [r.headers["RateLimit-Remaining"] for r in (a, b, c)] == ["2", "1", "0"]
        for response in refused:
            assert response.status_code == 429
            assert code(response) == 10040
            assert retry_after(response) == 1

    async def test_concurrent_workers_agree(
        self, redis_url: str, apps: AppFactory, account: Credentials
    ) -> None:
        workers = [apps(redis_url=redis_url, rate_limit_burst=5) for _ in range(3)]
        clients = [client(app, **auth_headers(account)) for app in workers]
        try:
            calls = [clients[i % 3].get("/tasks") for i in range(24)]
            result = await statuses(calls)
        finally:
            for c in clients:
                await c.aclose()
        assert sorted(result) == [200] * 5 + [429] * 19

    async def test_accounts_stay_apart(
        self, redis_url: str, apps: AppFactory, account: Credentials, other_account: Credentials
    ) -> None:
        app = apps(redis_url=redis_url)
        async with client(app, **auth_headers(account)) as api:
            result = await statuses([api.get("/clients") for _ in range(4)])
            assert sorted(result) == [200] * 3 + [429]
        async with client(app, **auth_headers(other_account)) as other:
            assert (await other.get("/clients")).status_code == 200

    async def test_failed_authentications_are_shared(
        self, redis_url: str, apps: AppFactory, account: Credentials
    ) -> None:
        first, second = apps(redis_url=redis_url), apps(redis_url=redis_url)
        address = random_address()
        async with client(first, address) as one, client(second, address) as two:
            assert (await one.get("/clients", headers=wrong(account))).status_code == 401
            assert (await two.get("/clients", headers=wrong(account))).status_code == 401
            assert (await one.get("/clients", headers=wrong(account))).status_code == 401
            # The second worker never saw the address run out, and still refuses it, right
            # credentials included.
            right = await two.get("/clients", headers=auth_headers(account))
            assert right.status_code == 429
            assert code(right) == 10041
            assert retry_after(right) == 20
            assert (await one.get("/clients", headers=auth_headers(account))).status_code == 429
        async with client(second, random_address(), **auth_headers(account)) as elsewhere:
            assert (await elsewhere.get("/clients")).status_code == 200

    async def test_only_failures_limited(
        self, redis_url: str, apps: AppFactory, account: Credentials
    ) -> None:
        first = apps(redis_url=redis_url, rate_limit_enabled=False)
        second = apps(redis_url=redis_url, rate_limit_enabled=False)
        address = random_address()
        async with client(first, address) as one, client(second, address) as two:
            for _ in range(3):
                assert (await one.get("/clients", headers=wrong(account))).status_code == 401
            response = await two.get("/clients", headers=auth_headers(account))
        assert response.status_code == 429
        assert code(response) == 10041

    async def test_keys_are_timed_by_redis_expire_once_full_and_hold_no_credentials(
        self, redis_url: str, apps: AppFactory, account: Credentials
    ) -> None:
        """Serving (no clock of the test's), a bucket is timed by Redis's clock and its key
        expires when it is full. Redis expires keys on its own clock, which no test moves, so
        these buckets are slow (a token every 1,000 s, a failure a minute): their keys outlive
        any slow moment of the machine before they are read."""
        from redis.asyncio import Redis

        app = apps(
            clock=None, redis_url=redis_url, rate_limit_per_second=0.001, auth_failures_per_minute=1
        )
        address = random_address()
        redis = Redis.from_url(redis_url)
        try:
            before = await redis_time(redis)
            async with client(app, address) as anon:
                await anon.get("/clients", headers=auth_headers(account))
                await anon.get("/clients", headers=wrong(account))
            after = await redis_time(redis)
            keys = [k.decode() async for k in redis.scan_iter(match="timetrack:rl:*")]
            for key in keys:
                assert account.api_key not in key and account.api_secret not in key
            digest = hashlib.blake2b(account.api_key.encode(), digest_size=16).hexdigest()
            # One token taken of each: full again one interval after it was taken.
            ours = {f"timetrack:rl:k:{digest}": 1_000 * S, f"timetrack:rl:f:{address}": 60 * S}
            for key, interval in ours.items():
                ttl = await redis.pttl(key)
                assert 0 < ttl <= interval // 1000, (key, ttl)
                value = await redis.get(key)
                assert value is not None and value.isdigit()
                assert before + interval <= int(value) <= after + interval, (key, value)
        finally:
            await redis.aclose()

    async def test_redis_down_fails_open_to_per_process_limits(
        self,
        apps: AppFactory,
        account: Credentials,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.WARNING)
        app = apps(redis_url=UNREACHABLE_REDIS)
        async with client(app, **auth_headers(account)) as api:
            responses = [await api.get("/clients") for _ in range(4)]
        # No request fails for Redis; the worker's own buckets stand in.
        assert [r.status_code for r in responses] == [200, 200, 200, 429]
        assert responses[0].headers["RateLimit-Remaining"] == "2"
        warnings = [r for r in caplog.records if r.name == "timetrack.ratelimit"]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        assert "127.0.0.1" in warnings[0].getMessage()
        assert "unreachable" in warnings[0].getMessage()
        assert "hunter2" not in caplog.text

    async def test_redis_down_failed_authentications_still_throttled(
        self, apps: AppFactory, account: Credentials
    ) -> None:
        app = apps(redis_url=UNREACHABLE_REDIS)
        async with client(app, random_address()) as anon:
            codes = [(await anon.get("/clients", headers=wrong(account))).status_code]
            codes += [(await anon.get("/clients", headers=wrong(account))).status_code]
            codes += [(await anon.get("/clients", headers=wrong(account))).status_code]
            codes += [(await anon.get("/clients", headers=auth_headers(account))).status_code]
        assert codes == [401, 401, 401, 429]

    async def test_redis_comes_back(self, redis_url: str, account: Credentials) -> None:
        clock = FakeClock()
        limiter = RedisRateLimiter(UNREACHABLE_REDIS, Policy.of(1, 2), None, clock)
        try:
            assert (await limiter.admit(account.api_key)) is not None  # local: 1 left
            limiter._url = redis_url  # the outage ends
            await limiter.aclose()
            assert (await limiter.admit(account.api_key)) is not None  # local again
            clock.advance(5)
            decision = await limiter.admit(account.api_key)  # Redis: a fresh bucket
            assert decision is not None and decision.remaining == 1
        finally:
            await limiter.aclose()
