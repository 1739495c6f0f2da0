"""The credential check every API route depends on (SPEC §1, "Accounts and auth"), with the
rate limits that go with it (``timetrack.ratelimit``).

Three credentials, each becoming the :class:`~timetrack.policy.Principal` the permission policy
asks (``auth/permissions.py``):
- the account key (``ttk_…`` with its secret): the account as a whole, as the vendor's API;
- a personal API key (``ttp_…``, same two headers): its user, narrowed by its scopes;
- a session cookie from ``POST /auth/login``: its user; writes need the session's CSRF token.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader

from timetrack.accounts.guesses import count_wrong_secret, spent_for
from timetrack.accounts.service import Account, authenticate
from timetrack.api_keys import service as api_keys
from timetrack.auth import principals, sessions
from timetrack.crud import now
from timetrack.errors import (
    ACCOUNT_DISABLED,
    AUTH_INVALID,
    AUTH_MISSING,
    CREDENTIAL_HEADER_REPEATED,
    CSRF_FAILED,
    KEY_ADDRESS_REFUSED,
    KEY_EXPIRED,
    KEY_REVOKED,
    SESSION_INVALID,
    USER_DISABLED,
    AppError,
    ErrorCode,
)
from timetrack.policy import Principal, account_key_principal
from timetrack.ratelimit import Policy, RateLimiter, client_address, key_throttled

SESSION_COOKIE = "timetrack_session"
CSRF_HEADER = "X-CSRF-Token"

_key_header = APIKeyHeader(
    name="X-TimeTrack-Api-Key",
    auto_error=False,
    scheme_name="ApiKey",
    description="The account's API key (fixed), or a personal API key (`ttp_…`).",
)
_secret_header = APIKeyHeader(
    name="X-TimeTrack-Api-Secret",
    auto_error=False,
    scheme_name="ApiSecret",
    description="The secret of the key sent (regenerable).",
)
_session_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="Session",
    description="A signed-in person's session (`POST /auth/login`); writes also need "
    f"`{CSRF_HEADER}`.",
)

_MAX_CREDENTIAL = 256
_CREDENTIAL_HEADERS = {
    b"x-timetrack-api-key": "X-TimeTrack-Api-Key",
    b"x-timetrack-api-secret": "X-TimeTrack-Api-Secret",
}
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_KEY_REFUSALS: dict[str, tuple[ErrorCode, str]] = {
    "revoked": (KEY_REVOKED, "this API key was revoked"),
    "expired": (KEY_EXPIRED, "this API key has expired"),
    "user": (USER_DISABLED, "the user of this API key is disabled or deleted"),
    "address": (KEY_ADDRESS_REFUSED, "this API key is not allowed from this address"),
}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a request comes from: the account it acts in and the principal it acts as."""

    account: Account
    principal: Principal
    # A session's token for X-CSRF-Token, shown by GET /auth/me; None for API keys.
    csrf_token: str | None = None
    # A session's user's ``language``, read with the session (the web pages' language).
    language: str | None = None


def _refuse_repeated_credentials(request: Request) -> None:
    """Two keys or two secrets have no one meaning (which would count?), so they are refused
    before any lookup, as two ``Idempotency-Key`` headers are (10032)."""
    names = [_CREDENTIAL_HEADERS.get(name) for name, _ in request.scope["headers"]]
    for name in _CREDENTIAL_HEADERS.values():
        count = names.count(name)
        if count > 1:
            raise AppError.of(CREDENTIAL_HEADER_REPEATED, f"send one {name} header, not {count}")


async def current_caller(
    request: Request,
    api_key: Annotated[str | None, Security(_key_header)],
    api_secret: Annotated[str | None, Security(_secret_header)],
    session: Annotated[str | None, Security(_session_cookie)],
) -> Caller:
    _refuse_repeated_credentials(request)
    limiter: RateLimiter = request.app.state.rate_limiter
    if session and not api_key and not api_secret:
        return await session_caller(request, session)
    if not api_key or not api_secret:
        missing = [
            name
            for name, value in (
                ("X-TimeTrack-Api-Key", api_key),
                ("X-TimeTrack-Api-Secret", api_secret),
            )
            if not value
        ]
        raise AppError.of(AUTH_MISSING, f"missing header(s): {', '.join(missing)}")
    if api_key.startswith(api_keys.PREFIX):
        caller = await _personal_caller(request, limiter, api_key, api_secret)
    else:
        caller = await _account_caller(request, limiter, api_key, api_secret)
    # The response carries the bucket's state (RateLimit-* headers, app.ResponseHeaders).
    request.state.rate_limit = await limiter.admit(api_key)
    if not caller.account.enabled:
        raise AppError.of(ACCOUNT_DISABLED, f"the account {caller.account.slug!r} is disabled")
    request.state.caller = caller
    return caller


def _too_long(*credentials: str) -> bool:
    return any(len(credential) > _MAX_CREDENTIAL for credential in credentials)


async def _refuse_unknown(request: Request, limiter: RateLimiter, what: str) -> AppError:
    await limiter.count_failure(client_address(request.scope.get("client")))
    return AppError.of(AUTH_INVALID, f"the API key and secret do not match {what}")


async def _account_caller(
    request: Request, limiter: RateLimiter, api_key: str, api_secret: str
) -> Caller:
    if _too_long(api_key, api_secret):
        raise await _refuse_unknown(request, limiter, "an account")
    verdict = await authenticate(request.app.state.db, api_key, api_secret)
    matched = verdict.account is not None
    if limiter.failures is not None and verdict.account_id is not None:
        matched = await guess_bounded(
            request,
            limiter,
            limiter.failures,
            matched,
            verdict.account_id,
            "account-key",
            verdict.failures_full_at,
            verdict.now_us,
        )
    if not matched or verdict.account is None:
        raise await _refuse_unknown(request, limiter, "an account")
    return Caller(verdict.account, account_key_principal(verdict.account.id))


async def _personal_caller(
    request: Request, limiter: RateLimiter, api_key: str, api_secret: str
) -> Caller:
    if _too_long(api_key, api_secret):
        raise await _refuse_unknown(request, limiter, "a key")
    db = request.app.state.db
    address = client_address(request.scope.get("client"))
    verdict = await api_keys.authenticate(db, api_key, api_secret, address)
    matched = verdict.holder is not None or verdict.refused is not None
    if limiter.failures is not None and verdict.account_id is not None:
        matched = await guess_bounded(
            request,
            limiter,
            limiter.failures,
            matched,
            verdict.account_id,
            verdict.subject,
            verdict.failures_full_at,
            verdict.now_us,
        )
    if not matched:
        raise await _refuse_unknown(request, limiter, "a key")
    if verdict.refused is not None:
        code, detail = _KEY_REFUSALS[verdict.refused]
        raise AppError.of(code, detail)
    holder = verdict.holder
    assert holder is not None
    await api_keys.mark_used(db, holder)
    return Caller(holder.account, await principals.of_key(db, holder))


async def session_caller(request: Request, token: str, csrf: str | None = None) -> Caller:
    """The caller of a session cookie's ``token``, for the API and the web pages alike: the
    session live, its user and account enabled, a write's CSRF token checked (``csrf``, the
    token the request sent, by default its ``X-CSRF-Token`` header; a web form sends it as a
    field), a token taken from the person's request bucket; left on ``request.state.caller``."""
    caller = await _session_caller(request, token, csrf)
    # Per person: user ids count per account, so the account is part of the name.
    person = f"session:{caller.account.id}:{caller.principal.user_id}"
    request.state.rate_limit = await request.app.state.rate_limiter.admit(person)
    if not caller.account.enabled:
        raise AppError.of(ACCOUNT_DISABLED, f"the account {caller.account.slug!r} is disabled")
    request.state.caller = caller
    return caller


async def _session_caller(request: Request, token: str, csrf: str | None) -> Caller:
    db = request.app.state.db
    lifetimes = sessions.lifetimes(request.app.state.settings)
    found = None if _too_long(token) else await sessions.resume(db, token, lifetimes)
    if found is None:
        raise AppError.of(SESSION_INVALID, "the session has ended; sign in again")
    person, account = found
    if not person.user_live:
        raise AppError.of(USER_DISABLED, f"the user {person.username!r} is disabled or deleted")
    if request.method not in _SAFE_METHODS:
        refuse_without_csrf(request, person, csrf)
    if person.seen_at + sessions.SEEN_RESOLUTION <= now():
        async with db.transaction(write=True) as tx:
            await sessions.touch(tx, person)
    principal = await principals.of_session(db, person, account)
    return Caller(account, principal, person.csrf_token, person.language)


def refuse_without_csrf(
    request: Request, person: sessions.SignedIn, sent: str | None = None
) -> None:
    """403 unless the request sends the session's CSRF token (every write with a cookie): in
    ``X-CSRF-Token``, or as ``sent`` (a web form's field)."""
    if sent is None:
        sent = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(sent.encode(), person.csrf_token.encode()):
        raise AppError.of(CSRF_FAILED, f"send the session's CSRF token in {CSRF_HEADER}")


async def guess_bounded(
    request: Request,
    limiter: RateLimiter,
    failures: Policy,
    matched: bool,
    account_id: int,
    subject: str,
    full_at: int | None,
    now_us: int,
) -> bool:
    """Whether a known key's secret counts as right, with the key's budget of wrong secrets
    applied (docs/reliability.md, "Failed authentications"): False for a wrong secret counted
    against it; 429 once it is spent, to an address with failures of its own whatever the
    secret, so guesses stay bounded; an address without failures still has its secret checked,
    so the key's owner keeps working. ``full_at`` and ``now_us`` are the credential's bucket and
    the database's clock, read with the credential."""
    interval, capacity = failures.interval_us, failures.capacity_us
    wait = spent_for(full_at, now_us, interval, capacity)
    if wait:
        address = client_address(request.scope.get("client"))
        if await limiter.address_failing(address):
            raise key_throttled(wait)
        if not matched:
            await limiter.count_failure(address)
            raise key_throttled(wait)
        return True
    db = request.app.state.db
    if not matched and not await count_wrong_secret(db, account_id, interval, capacity, subject):
        # another request took the last token since the lookup read the bucket
        await limiter.count_failure(client_address(request.scope.get("client")))
        raise key_throttled(interval)
    return matched


CallerDep = Annotated[Caller, Depends(current_caller)]
