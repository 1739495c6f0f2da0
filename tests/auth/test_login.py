"""Signing in over HTTP (``/auth``): the cookie, CSRF on writes, who the session acts as, the
answers a login gives whatever was wrong, password changes, and the per-user budget of wrong
passwords that cannot lock the real user out."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import test_ratelimit
from conftest import Backend, auth_headers
from fastapi import FastAPI
from records import make_user
from test_ratelimit import AppFactory, client, code

from timetrack.accounts.auth import CSRF_HEADER, SESSION_COOKIE
from timetrack.accounts.service import Credentials
from timetrack.db import Database

PASSWORD = "correct horse"
# test_ratelimit's fixture of apps with a tiny budget on the test's clock (pytest finds fixtures
# among a module's names).
apps = test_ratelimit.apps
clock = test_ratelimit.clock


def login_body(creds: Credentials, username: str = "alice", password: str = PASSWORD) -> Any:
    return {"account": creds.account.slug, "username": username, "password": password}


@contextlib.asynccontextmanager
async def signed_in(
    app: FastAPI, creds: Credentials, username: str = "alice", address: str = "127.0.0.1"
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """A client holding a session cookie of ``username``, and the session's CSRF token."""
    async with client(app, address) as session:
        response = await session.post("/auth/login", json=login_body(creds, username))
        assert response.status_code == 200, response.text
        yield session, response.json()["csrfToken"]


async def test_a_login_sets_a_hardened_cookie_and_answers_who_signed_in(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    async with client(app) as anon:
        response = await anon.post("/auth/login", json=login_body(account, "ALICE"))
        assert response.status_code == 200, response.text
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=")
        for attribute in ("HttpOnly", "SameSite=lax", "Path=/", "Max-Age=604800"):
            assert attribute.lower() in cookie.lower(), cookie
        assert "secure" not in cookie.lower()  # plain http here; https sets it
        body = response.json()
        assert body == {
            "account": account.account.slug,
            "accountName": account.account.name,
            "credential": "session",
            "role": "user",
            "userId": user["id"],
            "username": "alice",
            "scopes": None,
            "csrfToken": body["csrfToken"],
        }
        me = await anon.get("/auth/me")
        assert me.status_code == 200 and me.json() == body


@pytest.mark.parametrize("wrong", ["password", "username", "account"])
async def test_a_failed_login_answers_the_same_whatever_was_wrong(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient, wrong: str
) -> None:
    await make_user(api)
    body = login_body(account) | {wrong: "nobody-" + wrong}
    async with client(app) as anon:
        response = await anon.post("/auth/login", json=body)
    assert response.status_code == 401 and code(response) == 10062
    assert response.json()["errors"][0]["detail"] == "the account, username or password is wrong"
    assert "set-cookie" not in response.headers


async def test_a_disabled_user_is_told_so_only_with_the_right_password(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient, database: Database
) -> None:
    user = await make_user(api)
    async with database.transaction(write=True) as tx:
        await tx.execute("UPDATE users SET enabled = $1 WHERE id = $2", False, user["id"])
    async with client(app) as anon:
        right = await anon.post("/auth/login", json=login_body(account))
        wrong = await anon.post("/auth/login", json=login_body(account, password="wrong horse"))
    assert (right.status_code, code(right)) == (403, 10055)
    assert (wrong.status_code, code(wrong)) == (401, 10062)


async def test_a_write_with_a_session_needs_its_csrf_token(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    change = {"current": PASSWORD, "new": "battery staple"}
    async with signed_in(app, account) as (session, csrf):
        missing = await session.post("/auth/password", json=change)
        forged = await session.post("/auth/password", json=change, headers={CSRF_HEADER: "x"})
        assert (missing.status_code, code(missing)) == (403, 10061)
        assert (forged.status_code, code(forged)) == (403, 10061)
        read = await session.get("/auth/me")
        assert read.status_code == 200  # reads need no token
        done = await session.post("/auth/password", json=change, headers={CSRF_HEADER: csrf})
        assert done.status_code == 204, done.text


async def test_each_login_makes_a_new_session_id_and_ignores_one_sent_along(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    async with signed_in(app, account) as (session, _):
        first = session.cookies[SESSION_COOKIE]
        again = await session.post("/auth/login", json=login_body(account))
        assert again.status_code == 200
        assert session.cookies[SESSION_COOKIE] != first
    planted = client(app)
    planted.cookies.set(SESSION_COOKIE, "attacker-chosen")
    async with planted:
        response = await planted.post("/auth/login", json=login_body(account))
        assert response.status_code == 200
        issued = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        assert issued not in ("attacker-chosen", "")


async def test_logout_ends_the_session_on_its_next_request(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    async with signed_in(app, account) as (session, csrf):
        token = session.cookies[SESSION_COOKIE]
        out = await session.post("/auth/logout", headers={CSRF_HEADER: csrf})
        assert out.status_code == 204
        assert SESSION_COOKIE not in session.cookies
        session.cookies.set(SESSION_COOKIE, token)  # a copy kept by an attacker
        after = await session.get("/auth/me")
        assert (after.status_code, code(after)) == (401, 10060)
        assert (await session.post("/auth/logout")).status_code == 204  # idempotent


async def test_a_password_change_ends_the_users_other_sessions_only(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    async with (
        signed_in(app, account) as (phone, _),
        signed_in(app, account) as (laptop, csrf),
    ):
        change = {"current": PASSWORD, "new": "battery staple"}
        done = await laptop.post("/auth/password", json=change, headers={CSRF_HEADER: csrf})
        assert done.status_code == 204, done.text
        assert (await laptop.get("/auth/me")).status_code == 200
        ended = await phone.get("/auth/me")
        assert (ended.status_code, code(ended)) == (401, 10060)
        old = await phone.post("/auth/login", json=login_body(account))
        new = await phone.post("/auth/login", json=login_body(account, password="battery staple"))
        assert (old.status_code, new.status_code) == (401, 200)
    audit = await api.get("/audit_log", params={"action": "password"})
    assert audit.status_code == 200, audit.text
    assert [e["actor"] for e in audit.json()] == ["user:alice"]


async def test_a_wrong_current_password_changes_nothing(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    async with signed_in(app, account) as (session, csrf):
        change = {"current": "wrong horse", "new": "battery staple"}
        refused = await session.post("/auth/password", json=change, headers={CSRF_HEADER: csrf})
        assert (refused.status_code, code(refused)) == (400, 10011)
        assert refused.json()["errors"][0]["source"] == {"pointer": "/current"}
        again = await session.post("/auth/login", json=login_body(account))
        assert again.status_code == 200


async def test_the_account_key_has_no_password_to_change(api: httpx.AsyncClient) -> None:
    response = await api.post("/auth/password", json={"current": "a", "new": "battery staple"})
    assert (response.status_code, code(response)) == (403, 10050)


async def test_a_users_session_cannot_open_what_the_role_does_not(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    await make_user(api)
    async with signed_in(app, account) as (session, csrf):
        audit = await session.get("/audit_log")
        assert (audit.status_code, code(audit)) == (403, 10050)
        client_create = await session.post(
            "/clients", json={"name": "Acme"}, headers={CSRF_HEADER: csrf}
        )
        assert (client_create.status_code, code(client_create)) == (403, 10050)
        clients = await session.get("/clients")
        assert clients.status_code == 200


class TestWrongPasswordBudget:
    """Three wrong passwords a minute per user (``tiny``), counted in the database."""

    async def test_a_spent_budget_refuses_failing_addresses_but_not_the_user_elsewhere(
        self, apps: AppFactory, backend: Backend, account: Credentials, api: httpx.AsyncClient
    ) -> None:
        await make_user(api)
        app = apps(rate_limit_enabled=False)
        attacker = client(app, "10.9.9.9")
        async with attacker:
            wrong = login_body(account, password="wrong horse")
            answers = [await attacker.post("/auth/login", json=wrong) for _ in range(4)]
            assert [r.status_code for r in answers] == [401, 401, 401, 429]
            right = await attacker.post("/auth/login", json=login_body(account))
            assert (right.status_code, code(right)) == (429, 10041)
        async with client(app, "10.1.1.1") as owner:
            mine = await owner.post("/auth/login", json=login_body(account))
            assert mine.status_code == 200, mine.text

    async def test_unknown_users_are_bounded_per_address(
        self, apps: AppFactory, account: Credentials
    ) -> None:
        app = apps(rate_limit_enabled=False)
        async with client(app, "10.8.8.8") as guesser:
            body = login_body(account, username="nobody")
            answers = [await guesser.post("/auth/login", json=body) for _ in range(4)]
        assert [r.status_code for r in answers] == [401, 401, 401, 429]


async def test_a_password_an_admin_sets_ends_the_users_sessions(
    app: FastAPI, account: Credentials, api: httpx.AsyncClient
) -> None:
    user = await make_user(api)
    async with signed_in(app, account) as (session, _):
        changed = await api.put(f"/users/{user['id']}", json={"password": "battery staple"})
        assert changed.status_code == 200, changed.text
        ended = await session.get("/auth/me")
        assert (ended.status_code, code(ended)) == (401, 10060)


@pytest.mark.parametrize("field", ["account", "username", "password"])
async def test_a_login_with_a_nul_is_refused_not_looked_up(
    app: FastAPI, account: Credentials, field: str
) -> None:
    """PostgreSQL cannot compare text with a NUL in it: the fuzz got a 500 from one."""
    async with client(app) as anon:
        response = await anon.post("/auth/login", json=login_body(account) | {field: "a\x00b"})
    assert (response.status_code, code(response)) == (400, 10011)
    assert response.json()["errors"][0]["source"] == {"pointer": f"/{field}"}


async def test_people_of_two_accounts_have_rate_limits_of_their_own(
    apps: AppFactory, account: Credentials, other_account: Credentials
) -> None:
    """Each account's first user has id 1: the bucket is named by account and user."""
    app = apps(auth_failures_per_minute=0)
    for creds in (account, other_account):
        async with client(app, **auth_headers(creds)) as admin:
            made = await make_user(admin)
            assert made["id"] == 1
    async with signed_in(app, account) as (first, _), signed_in(app, other_account) as (second, _):
        spent = [(await first.get("/auth/me")).status_code for _ in range(4)]
        assert spent[-1] == 429, spent
        assert (await second.get("/auth/me")).status_code == 200
