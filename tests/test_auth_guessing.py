"""Failed authentications (docs/reliability.md, "Failed authentications"): wrong secrets are
bounded per API key, counted in the database every worker and host shares; wrong keys and
secrets are bounded per client address; neither ever refuses right credentials of another key.

The suite's settings turn the throttle off; these tests build apps with ``tiny`` (3 failures a
minute). Two apps on one database are two workers: they share nothing but the database (and
Redis, where configured).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
import test_ratelimit
from conftest import Backend, auth_headers
from test_ratelimit import (
    AppFactory,
    client,
    code,
    random_address,
    retry_after,
    tiny,
    wrong,
)

from timetrack.accounts.guesses import count_wrong_secret
from timetrack.accounts.service import Credentials
from timetrack.app import create_app
from timetrack.db import Database

S = 1_000_000  # microseconds

# test_ratelimit's Redis fixtures, and its apps on the test's clock (pytest finds fixtures among
# a module's names).
redis_url = test_ratelimit.redis_url
apps = test_ratelimit.apps
clock = test_ratelimit.clock


def unknown_key() -> dict[str, str]:
    return {"X-TimeTrack-Api-Key": "ttk_" + "u" * 32, "X-TimeTrack-Api-Secret": "tts_" + "u" * 43}


def generous(backend: Backend, **overrides: Any) -> Any:
    """``tiny``'s 3 failures a minute, without a request limit in the way."""
    return tiny(backend, rate_limit_enabled=False, **overrides)


async def bucket_row(database: Database, creds: Credentials) -> Any:
    return await database.fetchrow(
        "SELECT full_at FROM auth_failures WHERE account_id = $1", creds.account.id
    )


async def gathered(calls: list[Any]) -> list[httpx.Response]:
    return list(await asyncio.gather(*calls))


class TestGuessesPerKey:
    async def test_an_attack_on_one_key_does_not_lock_out_another_tenant_at_the_same_address(
        self,
        backend: Backend,
        database: Database,
        account: Credentials,
        other_account: Credentials,
    ) -> None:
        """Issue 10.2: behind one NAT, 30 wrong secrets for B's key among A's requests."""
        app = create_app(generous(backend), database)
        attacked, served = [], []
        async with client(app, "198.51.100.7") as nat:
            for _ in range(30):
                attacked.append(await nat.get("/clients", headers=wrong(other_account)))
                served.append(await nat.get("/clients", headers=auth_headers(account)))
        assert {r.status_code for r in served} == {200}
        assert [r.status_code for r in attacked] == [401] * 3 + [429] * 27
        assert {code(r) for r in attacked[3:]} == {10041}

    async def test_at_most_the_budget_of_wrong_secrets_across_two_workers(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        """Per-process counting let each worker grant its own budget."""
        workers = [create_app(generous(backend), database) for _ in range(2)]
        async with client(workers[0]) as one, client(workers[1]) as two:
            answers = [
                await (one, two)[i % 2].get("/clients", headers=wrong(account)) for i in range(12)
            ]
            right = [await api.get("/clients", headers=auth_headers(account)) for api in (one, two)]
        assert [r.status_code for r in answers] == [401] * 3 + [429] * 9
        # The attacking address learns nothing more: its right secret is refused alike.
        assert [r.status_code for r in right] == [429, 429]
        assert {code(r) for r in right} == {10041}

    async def test_racing_wrong_secrets_on_two_workers_stay_within_the_budget(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        workers = [create_app(generous(backend), database) for _ in range(2)]
        async with client(workers[0]) as one, client(workers[1]) as two:
            answers = await gathered(
                [(one, two)[i % 2].get("/clients", headers=wrong(account)) for i in range(24)]
            )
            right = await one.get("/clients", headers=auth_headers(account))
        statuses = [r.status_code for r in answers]
        # Requests that read the budget before its last token went may still be answered 429
        # by the address's or the key's bucket; never more than 3 are answered 401.
        assert statuses.count(401) <= 3
        assert statuses.count(429) == 24 - statuses.count(401)
        assert right.status_code == 429

    async def test_the_owner_keeps_working_from_an_address_without_failures(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(generous(backend), database)
        async with client(app, "192.0.2.1") as attacker:
            codes = [(await attacker.get("/clients", headers=wrong(account))).status_code]
            codes += [(await attacker.get("/clients", headers=wrong(account))).status_code]
            codes += [(await attacker.get("/clients", headers=wrong(account))).status_code]
            codes += [(await attacker.get("/clients", headers=wrong(account))).status_code]
            codes += [(await attacker.get("/clients", headers=auth_headers(account))).status_code]
        assert codes == [401, 401, 401, 429, 429]
        async with client(app, "192.0.2.2", **auth_headers(account)) as owner:
            assert [(await owner.get("/clients")).status_code for _ in range(5)] == [200] * 5
        # A further guesser pays with an address: one wrong secret checked, then refused.
        async with client(app, "192.0.2.3") as other:
            first = await other.get("/clients", headers=wrong(account))
            then = await other.get("/clients", headers=auth_headers(account))
        assert (first.status_code, code(first)) == (429, 10041)
        assert (then.status_code, code(then)) == (429, 10041)

    async def test_a_spent_key_answers_alike_whatever_the_secret(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(generous(backend), database)
        async with client(app) as anon:
            for _ in range(3):
                assert (await anon.get("/clients", headers=wrong(account))).status_code == 401
            refused_wrong = await anon.get("/clients", headers=wrong(account))
            refused_right = await anon.get("/clients", headers=auth_headers(account))
        for response in (refused_wrong, refused_right):
            assert response.status_code == 429
            assert code(response) == 10041
            # 3 a minute: a token grows back every 20 s.
            assert retry_after(response) == 20
            assert account.api_secret not in response.text
        assert refused_wrong.json() == refused_right.json()
        assert "API key" in refused_right.json()["errors"][0]["detail"]

    async def test_unknown_keys_are_bounded_per_address_without_refusing_valid_keys(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(generous(backend), database)
        before = await database.fetchrow("SELECT count(*) AS n FROM auth_failures")
        async with client(app, "203.0.113.9") as anon:
            unknown = [(await anon.get("/clients", headers=unknown_key())).status_code]
            unknown += [(await anon.get("/clients", headers=unknown_key())).status_code]
            unknown += [(await anon.get("/clients", headers=unknown_key())).status_code]
            spent = await anon.get("/clients", headers=unknown_key())
            # A known key's wrong secret answers as an unknown key does: existence is not told.
            known_wrong = await anon.get("/clients", headers=wrong(account))
            valid = await anon.get("/clients", headers=auth_headers(account))
        assert unknown == [401, 401, 401]
        assert (spent.status_code, code(spent)) == (429, 10041)
        assert spent.json() == known_wrong.json()
        assert "address" in spent.json()["errors"][0]["detail"]
        assert valid.status_code == 200
        # Unknown keys write nothing (a flood of random keys cannot fill the table); the
        # known key's wrong secret was counted against it.
        after = await database.fetchrow("SELECT count(*) AS n FROM auth_failures")
        assert after is not None and before is not None
        assert after["n"] == before["n"] + 1
        assert await bucket_row(database, account) is not None

    async def test_a_valid_request_writes_nothing(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(generous(backend), database)
        async with client(app, **auth_headers(account)) as api:
            for _ in range(5):
                assert (await api.get("/clients")).status_code == 200
        assert await bucket_row(database, account) is None

    async def test_the_budget_refills_on_the_database_clock(
        self, database: Database, account: Credentials
    ) -> None:
        interval, capacity = S // 2, S  # 2 tokens, one back every 500 ms
        taken = [await count_wrong_secret(database, account.account.id, interval, capacity)]
        taken += [await count_wrong_secret(database, account.account.id, interval, capacity)]
        taken += [await count_wrong_secret(database, account.account.id, interval, capacity)]
        assert taken == [True, True, False]
        await asyncio.sleep(0.55)
        assert await count_wrong_secret(database, account.account.id, interval, capacity)
        assert not await count_wrong_secret(database, account.account.id, interval, capacity)

    async def test_ipv6_counts_per_64(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(generous(backend), database)
        for host in ("2001:db8::1", "2001:db8::2", "2001:db8::3"):
            async with client(app, host) as anon:
                assert (await anon.get("/clients", headers=wrong(account))).status_code == 401
        async with client(app, "2001:db8::ffff", **auth_headers(account)) as same_network:
            assert (await same_network.get("/clients")).status_code == 429
        async with client(app, "2001:db8:0:1::1", **auth_headers(account)) as next_network:
            assert (await next_network.get("/clients")).status_code == 200

    async def test_missing_credentials_do_not_count(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(generous(backend), database)
        async with client(app) as anon:
            statuses = {(await anon.get("/clients")).status_code for _ in range(10)}
            assert statuses == {401}
            assert (await anon.get("/clients", headers=auth_headers(account))).status_code == 200

    async def test_successes_do_not_reset_or_count(
        self, backend: Backend, database: Database, account: Credentials
    ) -> None:
        app = create_app(generous(backend), database)
        async with client(app) as anon:
            for _ in range(2):
                assert (await anon.get("/clients", headers=wrong(account))).status_code == 401
                assert (
                    await anon.get("/clients", headers=auth_headers(account))
                ).status_code == 200
            assert (await anon.get("/clients", headers=wrong(account))).status_code == 401
            assert (await anon.get("/clients", headers=wrong(account))).status_code == 429

    async def test_off(self, backend: Backend, database: Database, account: Credentials) -> None:
        app = create_app(generous(backend, auth_failures_per_minute=0), database)
        async with client(app) as anon:
            statuses = {(await anon.get("/clients", headers=wrong(account))).status_code}
            for _ in range(30):
                statuses.add((await anon.get("/clients", headers=wrong(account))).status_code)
        assert statuses == {401}
        assert await bucket_row(database, account) is None

    async def test_throttling_is_logged_without_secrets(
        self,
        backend: Backend,
        database: Database,
        account: Credentials,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.DEBUG)
        app = create_app(generous(backend), database)
        async with client(app, "192.0.2.99") as anon:
            for _ in range(5):
                await anon.get("/clients", headers=wrong(account))
        warnings = [r.getMessage() for r in caplog.records if r.name == "timetrack.ratelimit"]
        assert len(warnings) == 2, warnings
        assert any(f"account {account.account.id}:" in w for w in warnings)
        assert any("192.0.2.99" in w for w in warnings)
        assert account.api_key not in caplog.text
        assert account.api_secret not in caplog.text
        assert "w" * 43 not in caplog.text


class TestGuessesPerKeyWithRedis:
    async def test_workers_share_the_budgets_and_valid_keys_pass(
        self,
        redis_url: str,
        apps: AppFactory,
        account: Credentials,
        other_account: Credentials,
    ) -> None:
        first = apps(redis_url=redis_url, rate_limit_enabled=False)
        second = apps(redis_url=redis_url, rate_limit_enabled=False)
        address = random_address()
        async with client(first, address) as one, client(second, address) as two:
            attacked = await gathered(
                [(one, two)[i % 2].get("/clients", headers=wrong(other_account)) for i in range(24)]
            )
            served = await gathered(
                [(one, two)[i % 2].get("/clients", headers=auth_headers(account)) for i in range(8)]
            )
            refused = await two.get("/clients", headers=auth_headers(other_account))
        statuses = [r.status_code for r in attacked]
        assert statuses.count(401) <= 3
        assert statuses.count(429) == 24 - statuses.count(401)
        assert {r.status_code for r in served} == {200}
        # Redis shares the address's failures too: no worker checks the spent key's secret.
        assert (refused.status_code, code(refused)) == (429, 10041)
        async with client(first, random_address(), **auth_headers(other_account)) as owner:
            assert (await owner.get("/clients")).status_code == 200

    async def test_redis_down_keeps_the_budget_per_key(
        self, apps: AppFactory, account: Credentials, other_account: Credentials
    ) -> None:
        app = apps(redis_url="redis://127.0.0.1:1/0", rate_limit_enabled=False)
        async with client(app, random_address()) as anon:
            codes = [(await anon.get("/clients", headers=wrong(account))).status_code]
            codes += [(await anon.get("/clients", headers=wrong(account))).status_code]
            codes += [(await anon.get("/clients", headers=wrong(account))).status_code]
            codes += [(await anon.get("/clients", headers=auth_headers(account))).status_code]
            codes += [(await anon.get("/clients", headers=auth_headers(other_account))).status_code]
        assert codes == [401, 401, 401, 429, 200]
