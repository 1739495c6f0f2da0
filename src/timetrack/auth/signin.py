"""Signing in with a password and out again, for ``/auth/login`` and ``/auth/logout`` and for
the web app's sign-in page alike: one set of checks, one cookie.

A login answers the same error, after the same work, whether the account, the user or the
password was wrong. Wrong passwords are counted per user, in the database every worker shares
(``accounts.guesses``, as a key's wrong secrets), and per client address: once a user's budget
is spent, addresses with failures of their own are refused (429) whatever they send, while an
address without failures still has its password checked, so an attacker cannot lock the real
user out from elsewhere.
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from timetrack.accounts.auth import SESSION_COOKIE, Caller, guess_bounded, refuse_without_csrf
from timetrack.accounts.service import Account
from timetrack.auth import principals, sessions
from timetrack.auth.schemas import Login
from timetrack.db import Row
from timetrack.errors import ACCOUNT_DISABLED, LOGIN_FAILED, USER_DISABLED, AppError
from timetrack.handlers import write
from timetrack.ratelimit import RateLimiter, client_address


async def password_matches(request: Request, row: Row | None, password: str) -> bool:
    """The password checked, with the user's budget of wrong passwords applied (a wrong one
    taken from it); an unknown user is checked against a hash of the same cost and counted
    against the address only."""
    limiter: RateLimiter = request.app.state.rate_limiter
    check: sessions.PasswordCheck = request.app.state.login_check
    matched = await check.matches(row, password)
    failures = limiter.failures
    if row is not None and failures is not None:
        return await guess_bounded(
            request,
            limiter,
            failures,
            matched,
            row["account_id"],
            f"user:{row['user_id']}",
            row["failures_full_at"],
            int(row["now_us"]),
        )
    if not matched:
        await limiter.count_failure(client_address(request.scope.get("client")))
    return matched


async def sign_in(request: Request, body: Login) -> tuple[str, Caller]:
    """A new session for the person ``body`` names, once the password matched: the cookie's
    token and who the session acts as."""
    row = await sessions.find_login(request.app.state.db, body.account, body.username)
    if not await password_matches(request, row, body.password):
        raise AppError.of(LOGIN_FAILED, "the account, username or password is wrong")
    assert row is not None
    if not row["account_enabled"]:
        raise AppError.of(ACCOUNT_DISABLED, f"the account {body.account!r} is disabled")
    if not row["user_enabled"]:
        raise AppError.of(USER_DISABLED, f"the user {row['username']!r} is disabled")
    lifetimes = sessions.lifetimes(request.app.state.settings)
    async with write(request) as tx:
        token, person = await sessions.start(tx, row, lifetimes)
    account = Account.from_row(row)
    principal = await principals.of_session(request.app.state.db, person, account)
    return token, Caller(account, principal, person.csrf_token)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    lifetimes = sessions.lifetimes(request.app.state.settings)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetimes.absolute.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


async def sign_out(request: Request, csrf: str | None = None) -> None:
    """End the session of the request's cookie, once its CSRF token is checked (``csrf``, or
    the ``X-CSRF-Token`` header); nothing to do without a live session."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return
    found = await sessions.resume(
        request.app.state.db, token, sessions.lifetimes(request.app.state.settings)
    )
    if found is None:
        return
    person, _ = found
    refuse_without_csrf(request, person, csrf)
    async with write(request) as tx:
        await sessions.end(tx, person.account_id, person.id_hash)
