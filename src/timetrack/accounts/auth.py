"""The credential check every API route depends on (SPEC §1, "Accounts and auth"), with the
rate limits that go with it (``timetrack.ratelimit``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from timetrack.accounts.guesses import count_wrong_secret, spent_for
from timetrack.accounts.service import Account, Verdict, authenticate
from timetrack.errors import (
    ACCOUNT_DISABLED,
    AUTH_INVALID,
    AUTH_MISSING,
    CREDENTIAL_HEADER_REPEATED,
    AppError,
)
from timetrack.ratelimit import Policy, RateLimiter, client_address, key_throttled

_key_header = APIKeyHeader(
    name="X-TimeTrack-Api-Key",
    auto_error=False,
    scheme_name="ApiKey",
    description="The account's API key (fixed).",
)
_secret_header = APIKeyHeader(
    name="X-TimeTrack-Api-Secret",
    auto_error=False,
    scheme_name="ApiSecret",
    description="The account's API secret (regenerable).",
)

_MAX_CREDENTIAL = 256
_CREDENTIAL_HEADERS = {
    b"x-timetrack-api-key": "X-TimeTrack-Api-Key",
    b"x-timetrack-api-secret": "X-TimeTrack-Api-Secret",
}


def _refuse_repeated_credentials(request: Request) -> None:
    """Two keys or two secrets have no one meaning (which would count?), so they are refused
    before any lookup, as two ``Idempotency-Key`` headers are (10032)."""
    names = [_CREDENTIAL_HEADERS.get(name) for name, _ in request.scope["headers"]]
    for name in _CREDENTIAL_HEADERS.values():
        count = names.count(name)
        if count > 1:
            raise AppError.of(CREDENTIAL_HEADER_REPEATED, f"send one {name} header, not {count}")


async def current_account(
    request: Request,
    api_key: Annotated[str | None, Security(_key_header)],
    api_secret: Annotated[str | None, Security(_secret_header)],
) -> Account:
    _refuse_repeated_credentials(request)
    limiter: RateLimiter = request.app.state.rate_limiter
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
    db = request.app.state.db
    verdict = _UNKNOWN
    if len(api_key) <= _MAX_CREDENTIAL and len(api_secret) <= _MAX_CREDENTIAL:
        verdict = await authenticate(db, api_key, api_secret)
    account = verdict.account
    failures = limiter.failures
    if failures is not None and verdict.account_id is not None:
        account = await _guess_bounded(request, limiter, failures, verdict)
    if account is None:
        await limiter.count_failure(client_address(request.scope.get("client")))
        raise AppError.of(AUTH_INVALID, "the API key and secret do not match an account")
    # The response carries the bucket's state (RateLimit-* headers, added by app.ResponseHeaders).
    request.state.rate_limit = await limiter.admit(api_key)
    if not account.enabled:
        raise AppError.of(ACCOUNT_DISABLED, f"the account {account.slug!r} is disabled")
    return account


_UNKNOWN = Verdict(None, None, None, 0)


async def _guess_bounded(
    request: Request, limiter: RateLimiter, failures: Policy, verdict: Verdict
) -> Account | None:
    """The account of a known key, with its budget of wrong secrets applied (docs/reliability.md,
    "Failed authentications"): None for a wrong secret counted against it; 429 once it is spent,
    to an address with failures of its own whatever the secret, so guesses stay bounded; an
    address without failures still has its secret checked, so the key's owner keeps working."""
    assert verdict.account_id is not None
    interval, capacity = failures.interval_us, failures.capacity_us
    wait = spent_for(verdict.failures_full_at, verdict.now_us, interval, capacity)
    if wait:
        address = client_address(request.scope.get("client"))
        if await limiter.address_failing(address):
            raise key_throttled(wait)
        if verdict.account is None:
            await limiter.count_failure(address)
            raise key_throttled(wait)
        return verdict.account
    db = request.app.state.db
    if verdict.account is None and not await count_wrong_secret(
        db, verdict.account_id, interval, capacity
    ):  # another request took the last token since the lookup read the bucket
        await limiter.count_failure(client_address(request.scope.get("client")))
        raise key_throttled(interval)
    return verdict.account


AccountDep = Annotated[Account, Depends(current_account)]
