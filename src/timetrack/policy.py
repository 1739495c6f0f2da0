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
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


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


# The reaches each resource's services tell apart; a table using another would grant what no
# service honours (``own`` tasks would be every task), so it is refused when this module loads.
_ALL_OR_NOTHING = frozenset({Reach.NONE, Reach.ALL})
_OWNED_OR_ALL = frozenset({Reach.NONE, Reach.OWN, Reach.ALL})
HONOURED: Mapping[Resource, frozenset[Reach]] = {
    **dict.fromkeys(Resource, frozenset(Reach)),  # a person's records: own, team, all
    Resource.CLIENTS: _OWNED_OR_ALL,  # own: the clients of one's assigned projects
    Resource.PROJECTS: _OWNED_OR_ALL,  # own: one's assigned projects
    Resource.TEAMS: _OWNED_OR_ALL,  # own: the teams one leads or belongs to
    Resource.TASKS: _ALL_OR_NOTHING,
    Resource.ABSENCE_TYPES: _ALL_OR_NOTHING,
    Resource.AUDIT_LOG: _ALL_OR_NOTHING,
}


def dishonoured(policy: Mapping[Role, Mapping[Resource, Mapping[Action, Reach]]]) -> list[str]:
    """The rules of ``policy`` no service honours, as ``role resource action reach``."""
    return [
        f"{role.value} {resource.value} {action.value} {reach.name}"
        for role, rights in policy.items()
        for resource, actions in rights.items()
        for action, reach in actions.items()
        if reach not in HONOURED[resource]
    ]


if dishonoured(POLICY):  # pragma: no cover - the table above is checked as it is written
    raise RuntimeError(f"rules no service honours: {dishonoured(POLICY)}")


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
