"""Every route's permission: the resource and action it serves, checked against the caller's
principal before its handler runs (``policy.py`` says who reaches what).

A route declares ``account: Annotated[Account, Depends(allowed(Resource.X, Action.Y))]``. The
check refuses a route the caller's role or key scopes do not open at all (403), and records
the grant for the request, from which services learn whose records the caller reaches
(:func:`owners`): a record outside that reach answers like one that does not exist. Outside a
request (the CLI) nothing is granted and services act for the whole account.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

from timetrack.accounts.auth import CallerDep
from timetrack.accounts.service import Account
from timetrack.errors import ROLE_FORBIDS, SCOPE_MISSING, AppError
from timetrack.policy import POLICY, Action, Principal, Reach, Resource


@dataclass(frozen=True, slots=True)
class Grant:
    """What a request was allowed: the route's resource and action, for this principal."""

    principal: Principal
    resource: Resource
    action: Action


# Set by the route's permission check; reset for every request by app.ResponseHeaders.
GRANT: ContextVar[Grant | None] = ContextVar("timetrack_grant", default=None)


def owners(resource: Resource, action: Action) -> frozenset[int] | None:
    """The users whose records of ``resource`` the current request may ``action``: None for
    all of them (the account key, an admin, or no request at all), else their ids."""
    grant = GRANT.get()
    return None if grant is None else grant.principal.user_ids(resource, action)


def current_principal() -> Principal | None:
    grant = GRANT.get()
    return None if grant is None else grant.principal


def _refuse(principal: Principal, resource: Resource, action: Action) -> None:
    if principal.reach(resource, action) is not Reach.NONE:
        return
    if POLICY[principal.role][resource][action] is not Reach.NONE:
        raise AppError.of(
            SCOPE_MISSING,
            f"this API key's scopes do not include {action.value} on {resource.value}",
        )
    raise AppError.of(
        ROLE_FORBIDS, f"a {principal.role.value} may not {action.value} {resource.value}"
    )


def require(resource: Resource, action: Action) -> None:
    """Ask, within a route, for more than its dependency allowed: a POST on a collection is
    allowed to read (an empty body lists) and asks to write once it has a body."""
    grant = GRANT.get()
    if grant is None:
        return
    _refuse(grant.principal, resource, action)
    GRANT.set(Grant(grant.principal, resource, action))


@functools.cache  # one dependency per permission, so FastAPI sees the same callable each time
def allowed(resource: Resource, action: Action) -> Callable[[CallerDep], Awaitable[Account]]:
    async def permission(caller: CallerDep) -> Account:
        _refuse(caller.principal, resource, action)
        GRANT.set(Grant(caller.principal, resource, action))
        return caller.account

    permission.__name__ = f"may_{action.value}_{resource.value}"
    return permission
