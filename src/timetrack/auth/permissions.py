"""Every route's permission: the resource and action it serves, checked against the caller's
principal before its handler runs (``policy.py`` says who reaches what).

A route declares ``account: Annotated[Account, Depends(allowed(Resource.X, Action.Y))]``. The
check refuses a route the caller's role or key scopes do not open at all (403), and records
the grant for the request, from which services learn whose records the caller reaches
(``grants.owners``): a record outside that reach answers like one that does not exist. Outside a
request (the CLI) nothing is granted and services act for the whole account.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from timetrack.accounts.auth import CallerDep
from timetrack.accounts.service import Account
from timetrack.grants import GRANT, Grant, refuse_unless_reached
from timetrack.policy import Action, Resource


@functools.cache  # one dependency per permission, so FastAPI sees the same callable each time
def allowed(resource: Resource, action: Action) -> Callable[[CallerDep], Awaitable[Account]]:
    async def permission(caller: CallerDep) -> Account:
        refuse_unless_reached(caller.principal, resource, action)
        GRANT.set(Grant(caller.principal, resource, action))
        return caller.account

    permission.__name__ = f"may_{action.value}_{resource.value}"
    return permission
