"""What the current request was granted, and what follows from it for the services: whose
records it reaches (``owners``, ``owner_sql``), an external user's catalogue (``assigned_sql``),
and whether its answers carry rates (``shown``).

The route's permission check (auth/permissions.py) sets the grant from the caller's
:class:`~timetrack.policy.Principal`; ``policy.py`` is the table that decides it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from timetrack.errors import RATES_HIDDEN, ROLE_FORBIDS, SCOPE_MISSING, AppError
from timetrack.policy import POLICY, Action, Principal, Reach, Resource

# --- the current request's grant ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Grant:
    """What a request was allowed: its route's resource and action, for this principal."""

    principal: Principal
    resource: Resource
    action: Action


# Set by the route's permission check (auth/permissions.py), reset for every request by
# app.ResponseHeaders; unset outside requests (the CLI acts for the whole account).
GRANT: ContextVar[Grant | None] = ContextVar("timetrack_grant", default=None)


def owners(resource: Resource, action: Action) -> frozenset[int] | None:
    """The users whose records of ``resource`` the current request may ``action``: None for
    all of them (the account key, an admin, or no request at all), else their ids."""
    grant = GRANT.get()
    return None if grant is None else grant.principal.user_ids(resource, action)


def current_principal() -> Principal | None:
    grant = GRANT.get()
    return None if grant is None else grant.principal


def granted_owners() -> frozenset[int] | None:
    """:func:`owners` for what the current route was allowed: the users a name or id the
    request sends may refer to (any other answers like a user that does not exist)."""
    grant = GRANT.get()
    return None if grant is None else grant.principal.user_ids(grant.resource, grant.action)


def owner_condition(column: str, reach: frozenset[int] | None) -> str | None:
    """An SQL condition keeping the rows of the users in ``reach`` (None: everybody's, no
    condition). The ids are integers the database gave, written into the statement: the
    account key's statements stay exactly as they were, and a person's are few."""
    if reach is None:
        return None
    if not reach:
        return "1 = 0"
    return f"{column} IN ({', '.join(str(int(i)) for i in sorted(reach))})"


def owner_sql(column: str) -> str:
    """`` AND`` :func:`owner_condition` for the current route's grant ("" when unrestricted),
    to append to a statement that reads one record or one user."""
    condition = owner_condition(column, granted_owners())
    return "" if condition is None else f" AND {condition}"


def refuse_unless_reached(principal: Principal, resource: Resource, action: Action) -> None:
    """403 when the principal reaches no record of ``resource`` to ``action``: 10051 when the
    role would and a key's scopes do not, else 10050."""
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
    """Ask, within a route, for more than its permission allowed (a POST on a collection may
    read, and asks to write once it has a body; changing an absence's status asks to
    approve). The request's grant becomes the new one."""
    grant = GRANT.get()
    if grant is None:
        return
    refuse_unless_reached(grant.principal, resource, action)
    GRANT.set(Grant(grant.principal, resource, action))


def assigned_projects_of(resource: Resource = Resource.PROJECTS) -> int | None:
    """The user whose assigned projects (or, for ``clients``, those projects' clients) are
    all the current request may see of ``resource`` (an external user's), or None when it
    sees every one. The role decides, not a key's scopes: a key that may book time but not
    read projects still books only on the projects its user is assigned to."""
    grant = GRANT.get()
    if grant is None:
        return None
    principal = grant.principal
    if POLICY[principal.role][resource][Action.READ] is Reach.OWN:
        return principal.user_id
    return None


def assigned_sql(column: str, *, of_clients: bool = False) -> str:
    """For an external user, `` AND column IN (…)`` keeping the projects they are assigned to
    (``of_clients``: the clients of those projects); "" for everybody else. ``$1`` is the
    account id, as in every statement of ours."""
    user_id = assigned_projects_of(Resource.CLIENTS if of_clients else Resource.PROJECTS)
    if user_id is None:
        return ""
    member = f"m.account_id = $1 AND m.user_id = {int(user_id)}"
    if of_clients:
        return (
            f" AND {column} IN (SELECT ap.client_id FROM project_members m JOIN projects ap "
            f"ON ap.account_id = m.account_id AND ap.id = m.project_id WHERE {member})"
        )
    return f" AND {column} IN (SELECT m.project_id FROM project_members m WHERE {member})"


# --- rates -------------------------------------------------------------------------------------


def rates_shown() -> bool:
    """Whether the current request's answers carry hour rates and budgets: for admins and the
    account key always, for other people when the account allows it (``rates_visible``)."""
    grant = GRANT.get()
    return grant is None or grant.principal.sees_rates


# The fields that carry money: a rate per hour, a project's budget, a report's amount, and the
# share of a budget an amount used (with the worked time it would give the rate away).
RATE_FIELDS = frozenset({"hourRate", "budgetEstimated", "amount", "budgetUsedPercent"})


def shown(content: Any) -> Any:
    """An answer as the current request may see it: without the rate fields (in nested
    records too, as a stopped timer's booked entry) unless :func:`rates_shown`. Applied where
    answers and their ETags are made, so an ETag never hashes a rate its reader may not see;
    the audit log keeps the whole record."""
    return content if rates_shown() else _without_rates(content)


def _without_rates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_rates(v) for k, v in value.items() if k not in RATE_FIELDS}
    if isinstance(value, list):
        return [_without_rates(item) for item in value]
    return value


def refuse_hidden_rate(pointer: str) -> None:
    """403 for a write that sets a rate the caller may not see: a rate one cannot read back
    is one nobody should set blind, and a silently ignored one would book another amount
    than the caller meant."""
    if not rates_shown():
        raise AppError.of(
            RATES_HIDDEN,
            "this account does not show rates to people other than admins",
            pointer=pointer,
        )
