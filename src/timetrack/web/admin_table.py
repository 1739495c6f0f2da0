"""The one table of the admin pages' resources (``admin.py`` serves each row the same way).

Each row is the API's own ``routing.Resource`` (its services, models, columns and table) plus
what a page needs beyond it: which filter the search box fills, the columns of the list, the
field naming a record, and the update fields that are read-only (accepted only with their
current value, so the edit form shows them as text rather than offering a change the service
would refuse). Labels and error words are msgids, translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from timetrack.api_keys.router import resource as api_keys
from timetrack.clients.router import resource as clients
from timetrack.errors import (
    CLIENT_HAS_PROJECTS,
    CLIENT_NAME_TAKEN,
    FIELD_READ_ONLY,
    FIELD_REQUIRED,
    PRECONDITION_FAILED,
    PROJECT_NAME_TAKEN,
    TASK_NAME_TAKEN,
    TEAM_LEAD_WITHOUT_ROLE,
    TEAM_NAME_TAKEN,
    USER_EMAIL_TAKEN,
    USER_REGION_UNKNOWN,
    USER_UNKNOWN,
    USERNAME_TAKEN,
    ErrorCode,
)
from timetrack.policy import Action, Principal, Reach, Resource
from timetrack.projects.router import resource as projects
from timetrack.routing import Resource as ApiResource
from timetrack.tasks.router import resource as tasks
from timetrack.teams.router import resource as teams
from timetrack.users.router import resource as users


@dataclass(frozen=True, slots=True)
class Section:
    """One resource's admin pages: ``/app/admin/<slug>``."""

    api: ApiResource[Any, Any, Any]
    title: str  # msgid, plural: the list's heading and the navigation's entry
    singular: str  # msgid: "New client", the delete question
    search: str  # the filter dependency's parameter the search box fills (the name filter)
    search_label: str  # msgid
    name_field: str  # the wire field that names a record
    columns: tuple[str, ...]  # wire fields shown in the list, after the name
    read_only: tuple[str, ...] = ()  # update fields accepted only with their current value

    @property
    def slug(self) -> str:
        return self.api.plural

    @property
    def resource(self) -> Resource:
        """What the policy calls it: the API's routes ask for the same."""
        return Resource(self.api.plural)


SECTIONS: tuple[Section, ...] = (
    Section(
        clients,
        "Clients",
        "Client",
        "name",
        "Name contains",
        "name",
        ("contactPerson", "email", "addressCity", "addressCountry"),
        read_only=("name", "enabled"),
    ),
    Section(
        projects,
        "Projects",
        "Project",
        "project_name",
        "Name contains",
        "projectName",
        ("clientName", "projectEnabled", "assignedUsers"),
    ),
    Section(tasks, "Tasks", "Task", "name", "Name contains", "name", ("notes",), ("name",)),
    Section(
        users,
        "Users",
        "User",
        "username",
        "Username contains",
        "username",
        ("firstName", "lastName", "email", "admin", "teamLead", "external", "enabled"),
        read_only=("username", "enabled"),
    ),
    Section(teams, "Teams", "Team", "name", "Name contains", "name", ("leads", "members")),
    # Everybody manages their own keys (an admin everybody's); the API filters them by owner.
    Section(
        api_keys,
        "API keys",
        "API key",
        "username",
        "Owner's username",
        "name",
        ("username", "keyPrefix", "scopes", "expiresAt", "lastUsedAt"),
    ),
)


@dataclass(frozen=True, slots=True)
class OwnPage:
    """An admin page of its own beside the sections (same navigation, same ``write`` rule),
    for a resource that is not a row of the table's kind."""

    slug: str
    title: str  # msgid
    resource: Resource


# Working-time models live under each user (``/users/{id}/working_time_models``), with no list
# across users or name to search: web/admin_working_time.py picks the person first.
OWN_PAGES: tuple[OwnPage, ...] = (
    OwnPage("working_time_models", "Working-time models", Resource.WORKING_TIME_MODELS),
)

# The account's settings have no API route and no resource of their own in the policy: who may
# manage the account's people (admins) sets its time zone and its holidays' country and region.
ACCOUNT_PERMISSION = (Resource.USERS, Action.WRITE)


def sections_for(principal: Principal) -> list[Section]:
    """The sections the person's role may manage (the index's and each page's sub-navigation)."""
    return [s for s in SECTIONS if principal.reach(s.resource, Action.WRITE) is not Reach.NONE]


def pages_for(principal: Principal) -> list[Section | OwnPage]:
    """The sections and the own pages the person's role may manage (the sub-navigation)."""
    own = [p for p in OWN_PAGES if principal.reach(p.resource, Action.WRITE) is not Reach.NONE]
    return [*sections_for(principal), *own]


def may_manage_account(principal: Principal) -> bool:
    return principal.reach(*ACCOUNT_PERMISSION) is Reach.ALL


# Every field of the sections' schemas, in words (a test requires one for each).
LABELS: dict[str, str] = {
    "name": "Name",
    "enabled": "Enabled",
    "color": "Colour",
    "notes": "Notes",
    "email": "E-mail address",
    "phone": "Phone",
    "address": "Address",
    "address2": "Address, second line",
    "addressZipCode": "Postcode",
    "addressCity": "City",
    "addressCountry": "Country (two letters, e.g. DE)",
    "contactPerson": "Contact person",
    "field1": "Custom field 1",
    "field2": "Custom field 2",
    "field3": "Custom field 3",
    "projectName": "Project name",
    "clientName": "Client",
    "projectEnabled": "Enabled",
    "assignedUsers": "Assigned users",
    "hourRate": "Hourly rate",
    "timeEstimated": "Estimated time (minutes)",
    "budgetEstimated": "Budget",
    "username": "Username",
    "firstName": "First name",
    "lastName": "Last name",
    "password": "Password",
    "admin": "Admin rights",
    "teamLead": "Team lead",
    "external": "External",
    "language": "Language (de or en)",
    "timeZone": "Time zone (e.g. Europe/Berlin)",
    "personalNumber": "Personal number",
    "country": "Country for public holidays (e.g. DE)",
    "region": "Region for public holidays (e.g. BY)",
    "leads": "Leads",
    "members": "Members",
    "scopes": "Scopes",
    "expiresAt": "Expires (e.g. 2027-01-01T00:00:00Z)",
    "allowedIps": "Allowed addresses",
    "keyPrefix": "Key begins with",
    "lastUsedAt": "Last used",
}

# Hints under a field, by its kind or name (msgids).
LIST_HINT = "Usernames, separated by commas."
HINTS = {
    "scopes": "Separated by commas, e.g. read, time_entries:write. A key never exceeds its "
    "owner's role.",
    "allowedIps": "Addresses or networks (CIDR), separated by commas; empty: from anywhere.",
    "username": "Whose key; empty: yours.",
}
SECRET_ONCE = "Copy the key and the secret now: the secret is not shown again."
PASSWORD_EDIT_HINT = "Leave empty to keep the current password."

# What the services' refusals mean to the person filling in a form (msgids).
WORDS: dict[ErrorCode, str] = {
    FIELD_REQUIRED: "Fill in this field.",
    FIELD_READ_ONLY: "This field cannot be changed.",
    PRECONDITION_FAILED: (
        "Someone changed this record since you opened it. Nothing was saved. "
        "Reopen it to see the current version."
    ),
    CLIENT_NAME_TAKEN: "This name is taken already.",
    PROJECT_NAME_TAKEN: "This client has a project of this name already.",
    TASK_NAME_TAKEN: "This name is taken already.",
    TEAM_NAME_TAKEN: "This name is taken already.",
    USERNAME_TAKEN: "This username is taken already.",
    USER_EMAIL_TAKEN: "Another user has this e-mail address.",
    USER_UNKNOWN: "There is no user of this name.",
    USER_REGION_UNKNOWN: "This country has no region of this name.",
    TEAM_LEAD_WITHOUT_ROLE: "A team's lead must be a team lead or an admin.",
    CLIENT_HAS_PROJECTS: "This client still has projects. Delete or move them first.",
}

# The confirmation after a write, by the ``done`` of the redirect (msgids).
DONE = {
    "created": "%(name)s was created.",
    "saved": "%(name)s was saved.",
    "deleted": "%(name)s was deleted.",
}
