"""Who may do what within an account: one table of roles, resources and actions, narrowed by the
scopes of the key a request came with (effective permission = role ∩ scopes).

Every route names the resource and action it serves; the credential check makes a
:class:`Principal`; this module answers how far the principal reaches. What it answers is the
whole rule: services turn a reach into the rows a caller may see, and a record out of reach
answers exactly like one that does not exist. docs/api.md's Permissions table is generated from
the table below (``markdown_table``; a test keeps them equal).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from timetrack.errors import RATES_HIDDEN, ROLE_FORBIDS, SCOPE_MISSING, AppError


class Role(StrEnum):
    ADMIN = "admin"
    TEAM_LEAD = "teamLead"
    USER = "user"
    # A user who books only on the projects they are assigned to, and sees only those.
    EXTERNAL = "external"


class Action(StrEnum):
    READ = "read"
    WRITE = "write"  # create, update, delete
    APPROVE = "approve"  # decide another person's request (an absence's status)


class Reach(IntEnum):
    """How many of an account's records of a resource a caller reaches; more is greater."""

    NONE = 0
    # Records of one's own: time entries, timer, attendances, absences, work reports,
    # leave balance, one's own user, one's own keys; for clients/projects, those one is
    # assigned to (an external user's catalogue).
    OWN = 1
    # One's own and those of the members of the teams one leads.
    TEAM = 2
    ALL = 3


class Resource(StrEnum):
    CLIENTS = "clients"
    PROJECTS = "projects"
    TASKS = "tasks"
    USERS = "users"
    TEAMS = "teams"
    TIME_ENTRIES = "project_time_entries"
    TIMER = "project_timer"
    ATTENDANCES = "attendances"
    ABSENCES = "absences"
    ABSENCE_TYPES = "absence_types"
    WORKING_TIME_MODELS = "working_time_models"
    WORK_REPORTS = "work_reports"
    # Sums of project time entries (/reports/...): read only, over the entries one reaches.
    REPORTS = "reports"
    LEAVE_BALANCE = "leave_balance"
    AUDIT_LOG = "audit_log"
    API_KEYS = "api_keys"


R, W, A = Action.READ, Action.WRITE, Action.APPROVE

Rights = dict[Action, Reach]

# The actions each resource has; an action a resource lacks is out of everybody's reach.
ACTIONS: Mapping[Resource, tuple[Action, ...]] = {
    **dict.fromkeys(Resource, (R, W)),
    Resource.ABSENCES: (R, W, A),
    Resource.WORK_REPORTS: (R,),
    Resource.REPORTS: (R,),
    Resource.LEAVE_BALANCE: (R,),
    Resource.AUDIT_LOG: (R,),
}


def _row(reads: Reach, writes: Reach = Reach.NONE, approves: Reach = Reach.NONE) -> Rights:
    return {R: reads, W: writes, A: approves}


def _person(lead: bool, external: bool) -> dict[Resource, Rights]:
    """A person's rights: a user's, widened to their teams for a team lead, the catalogue
    narrowed to their assignments for an external user."""
    mine = Reach.TEAM if lead else Reach.OWN
    catalogue = Reach.OWN if external else Reach.ALL
    return {
        Resource.CLIENTS: _row(catalogue),
        Resource.PROJECTS: _row(catalogue),
        Resource.TASKS: _row(Reach.ALL),
        # Oneself (a lead: their members too), never anybody's password or rates.
        Resource.USERS: _row(mine),
        # The teams one belongs to or leads; only admins change them.
        Resource.TEAMS: _row(Reach.OWN),
        Resource.TIME_ENTRIES: _row(mine, mine),
        Resource.TIMER: _row(mine, mine),
        Resource.ATTENDANCES: _row(mine, mine),
        # One requests one's own leave; a lead decides their members' requests, not their own.
        Resource.ABSENCES: _row(mine, mine, Reach.TEAM if lead else Reach.NONE),
        Resource.ABSENCE_TYPES: _row(Reach.ALL),
        Resource.WORKING_TIME_MODELS: _row(mine),
        Resource.WORK_REPORTS: _row(mine),
        Resource.REPORTS: _row(mine),
        Resource.LEAVE_BALANCE: _row(mine),
        Resource.AUDIT_LOG: _row(Reach.NONE),
        # One's own keys; an admin manages everybody's.
        Resource.API_KEYS: _row(Reach.OWN, Reach.OWN),
    }


def _admin() -> dict[Resource, Rights]:
    return {resource: _row(Reach.ALL, Reach.ALL, Reach.ALL) for resource in Resource}


POLICY: Mapping[Role, Mapping[Resource, Mapping[Action, Reach]]] = {
    Role.ADMIN: _admin(),
    Role.TEAM_LEAD: _person(lead=True, external=False),
    Role.USER: _person(lead=False, external=False),
    Role.EXTERNAL: _person(lead=False, external=True),
}


# --- scopes ------------------------------------------------------------------------------------

# The resources a per-resource scope covers; ``X:write`` covers ``X:read`` too.
SCOPE_RESOURCES: Mapping[str, frozenset[Resource]] = {
    "time_entries": frozenset({Resource.TIME_ENTRIES, Resource.TIMER}),
    "attendances": frozenset({Resource.ATTENDANCES}),
    "absences": frozenset({Resource.ABSENCES, Resource.LEAVE_BALANCE}),
    "reports": frozenset({Resource.WORK_REPORTS, Resource.REPORTS}),
}
# Resources that only ``admin`` opens to a key, whatever else it holds: who may do what, and
# what was done.
ADMINISTRATION = frozenset({Resource.TEAMS, Resource.AUDIT_LOG, Resource.API_KEYS})

SCOPES: tuple[str, ...] = (
    "read",
    "write",
    "admin",
    "time_entries:read",
    "time_entries:write",
    "attendances:read",
    "attendances:write",
    "absences:read",
    "absences:write",
    "reports:read",
)


def scope_covers(scope: str, resource: Resource, action: Action) -> bool:
    """Whether one scope opens ``action`` on ``resource`` (before the role is asked)."""
    if scope == "admin":
        return True
    if resource in ADMINISTRATION:
        return False
    if scope == "write":
        return True
    if scope == "read":
        return action is Action.READ
    name, _, level = scope.partition(":")
    if resource not in SCOPE_RESOURCES.get(name, frozenset()):
        return False
    return level == "write" or action is Action.READ


def unknown_scopes(scopes: frozenset[str]) -> list[str]:
    return sorted(scope for scope in scopes if scope not in SCOPES)


# --- principals --------------------------------------------------------------------------------


class CredentialKind(StrEnum):
    ACCOUNT_KEY = "accountKey"
    PERSONAL_KEY = "personalKey"
    SESSION = "session"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as, as the credential check found them."""

    account_id: int
    kind: CredentialKind
    role: Role
    # The person (None for the account key, which acts for the account as a whole).
    user_id: int | None = None
    username: str | None = None
    # A personal key's scopes; None where nothing narrows the role (account key, session).
    scopes: frozenset[str] | None = None
    key_id: int | None = None
    # The members of the teams the person leads (loaded for team leads only).
    team_member_ids: frozenset[int] = field(default_factory=frozenset)
    # The account's setting: whether people other than admins see rates.
    rates_visible: bool = False

    @property
    def sees_rates(self) -> bool:
        return self.role is Role.ADMIN or self.rates_visible

    def reach(self, resource: Resource, action: Action) -> Reach:
        if action not in ACTIONS[resource]:
            return Reach.NONE
        granted = POLICY[self.role][resource][action]
        # ``admin`` covers everything: most keys made for scripts hold it, and skip the loop.
        if (
            self.scopes is not None
            and "admin" not in self.scopes
            and not any(scope_covers(scope, resource, action) for scope in self.scopes)
        ):
            return Reach.NONE
        return granted

    def may(self, resource: Resource, action: Action) -> bool:
        return self.reach(resource, action) is not Reach.NONE

    def user_ids(self, resource: Resource, action: Action) -> frozenset[int] | None:
        """The people whose records of a personal resource the principal reaches: None for
        all of them, else a set (empty when none)."""
        reach = self.reach(resource, action)
        if reach is Reach.ALL:
            return None
        if reach is Reach.NONE or self.user_id is None:
            return frozenset()
        if reach is Reach.TEAM:
            team = self.team_member_ids | {self.user_id}
            # A lead decides their members' requests, never their own.
            return team - {self.user_id} if action is Action.APPROVE else team
        return frozenset({self.user_id})


def account_key_principal(account_id: int) -> Principal:
    """The account key acts as an admin with every scope: every vendor script keeps working."""
    return Principal(account_id, CredentialKind.ACCOUNT_KEY, Role.ADMIN)


def role_of(*, admin: bool, team_lead: bool, external: bool) -> Role:
    """A user's role from its stored flags; admin wins, as the vendor's flags allow both."""
    if admin:
        return Role.ADMIN
    if team_lead:
        return Role.TEAM_LEAD
    return Role.EXTERNAL if external else Role.USER


def table() -> Iterator[tuple[Resource, Action, dict[Role, Reach]]]:
    """The policy by resource and action, each with every role's reach."""
    for resource in Resource:
        for action in ACTIONS[resource]:
            yield resource, action, {role: POLICY[role][resource][action] for role in Role}


REACH_WORDS = {Reach.NONE: "-", Reach.OWN: "own", Reach.TEAM: "team", Reach.ALL: "all"}


def markdown_table() -> str:
    """The policy as docs/api.md prints it ("Permissions"; a test keeps the two equal)."""
    roles = list(Role)
    lines = [
        "| resource | action | " + " | ".join(role.value for role in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for resource, action, reaches in table():
        cells = " | ".join(REACH_WORDS[reaches[role]] for role in roles)
        lines.append(f"| `{resource.value}` | {action.value} | {cells} |")
    return "\n".join(lines) + "\n"


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
