"""The list filters several resources share, written once (docs/api.md, "Filters").

- A filter on the **name** of a client, project, task or absence type is a case-insensitive
  substring of that name on every list, folded as names are compared (``wire.name_key``);
  ``%``, ``_`` and ``\\`` match themselves. ``?clientName=test`` finds the entries of
  "Test GmbH" as it finds its projects.
- A filter on the **user** of records that belong to one user (``user``/``username`` on time
  entries, attendances, absences, the timer and the work reports) picks that one user: the
  whole username, in any case. The vendor's examples use it to pick a person's records, and a
  substring would silently add the hours of "test6" to the timesheet of "test".
- An **id** filter (``userId``, ``projectId``, ``clientId``, ``taskId``) matches the id; an id of
  another account matches nothing, like an id that was never used.

On the lists of records that refer to others (time entries, attendances, absences), a filter
on something referred to is first resolved to the matching ids (a ``Lookup``), which are then
bound as values (``crud.list_scoped``): the planner sees ``project_id IN (...)`` and walks the
index that leads with it, instead of the whole account's range (a subquery in that place hid
this from SQLite's planner).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Annotated, Any, Protocol

from fastapi import Query

from timetrack.canonical import QUERY_INTEGER
from timetrack.wire import MAX_ID, NAME_MAX, like_pattern, name_key

NAME_DOC = (
    "case-insensitive substring of the {}'s name (`%`, `_` and `\\` match themselves; "
    "an empty value is ignored)"
)
USER_DOC = (
    "the records of this one user: the whole username, in any case (a user filter never "
    "matches a substring)"
)
ID_DOC = "the {} with this id (1..2^63-1); an id of another account matches nothing"


def _name(alias: str, what: str) -> Any:
    return Query(alias=alias, max_length=NAME_MAX, description=NAME_DOC.format(what))


def _id(alias: str, what: str) -> Any:
    return Query(alias=alias, ge=1, le=MAX_ID, description=ID_DOC.format(what))


ClientNameParam = Annotated[str | None, _name("clientName", "client")]
ProjectNameParam = Annotated[str | None, _name("projectName", "project")]
TaskNameParam = Annotated[str | None, _name("task", "task")]
UserParam = Annotated[str | None, Query(max_length=NAME_MAX, description=USER_DOC)]
# Ids are written the one way (``canonical``): "019" or "19 " is no id.
UserIdParam = Annotated[int | None, _id("userId", "user"), QUERY_INTEGER]
ProjectIdParam = Annotated[int | None, _id("projectId", "project"), QUERY_INTEGER]
ClientIdParam = Annotated[int | None, _id("clientId", "client"), QUERY_INTEGER]
TaskIdParam = Annotated[int | None, _id("taskId", "task"), QUERY_INTEGER]
AbsenceTypeIdParam = Annotated[int | None, _id("absenceType", "absence type"), QUERY_INTEGER]


@dataclass(frozen=True, slots=True)
class ListFilter:
    """Base of each resource's list filter: what its router's dependency read from the query,
    parsed and checked, which its service turns into SQL. A field is None when the query does
    not filter by it (an empty value, which filters by nothing, is None too)."""

    @property
    def unfiltered(self) -> bool:
        """Whether no field filters: the list is of every record (``crud.fetch_page`` then
        takes a live total from ``id_counters`` instead of counting)."""
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass(frozen=True, slots=True)
class NameFilter(ListFilter):
    """The filter of resources filtered by their ``name`` only."""

    name: str | None = None


async def name_filter(
    name: Annotated[
        str | None,
        Query(max_length=NAME_MAX, description=NAME_DOC.format("record")),
    ] = None,
) -> NameFilter:
    return NameFilter(name or None)


def one_user(user: str | None, username: str | None) -> str | None:
    """The username a ``user`` (or else ``username``) filter names, trimmed; None for none."""
    return (user if user is not None else username or "").strip() or None


def contains(column: str) -> str:
    """The condition of a name filter on a casefolded ``*name_key`` column; ``{}`` is where
    the ``like_pattern`` of the filter goes."""
    return f"{column} LIKE {{}} ESCAPE '\\'"


@dataclass(frozen=True, slots=True)
class Lookup:
    """Records whose ``column`` holds one of the ids ``sql`` selects. ``sql`` reads ``$1`` as
    the account and ``{}`` as ``value``; deleted records count (an entry of a deleted project
    still shows, and is found by, its name)."""

    column: str
    sql: str
    value: Any


def user_named(name: str | None) -> list[Lookup]:
    """The records of the user with exactly this username (any case), or none (``one_user``)."""
    if name is None:
        return []
    sql = "SELECT id FROM users WHERE account_id = $1 AND username_key = {}"
    return [Lookup("user_id", sql, name_key(name))]


def client_named(text: str) -> Lookup:
    """Records of a project of a client whose name contains ``text``."""
    sql = (
        "SELECT p.id FROM projects p JOIN clients c ON c.account_id = p.account_id "
        "AND c.id = p.client_id WHERE p.account_id = $1 AND " + contains("c.name_key")
    )
    return Lookup("project_id", sql, like_pattern(text))


def project_named(text: str) -> Lookup:
    """Records of a project whose name contains ``text``."""
    sql = "SELECT id FROM projects WHERE account_id = $1 AND " + contains("name_key")
    return Lookup("project_id", sql, like_pattern(text))


def task_named(text: str) -> Lookup:
    """Records of a task whose name contains ``text``."""
    sql = "SELECT id FROM tasks WHERE account_id = $1 AND " + contains("name_key")
    return Lookup("task_id", sql, like_pattern(text))


def client_projects(client_id: int) -> Lookup:
    """Records of a project of the client with this id."""
    sql = "SELECT id FROM projects WHERE account_id = $1 AND client_id = {}"
    return Lookup("project_id", sql, client_id)


class EntryReferences(Protocol):
    """What a list of time entries and a report filter alike: the entry's references by name
    or id, and ``billable``."""

    @property
    def client_name(self) -> str | None: ...
    @property
    def client_id(self) -> int | None: ...
    @property
    def project_name(self) -> str | None: ...
    @property
    def project_id(self) -> int | None: ...
    @property
    def task(self) -> str | None: ...
    @property
    def task_id(self) -> int | None: ...
    @property
    def user_id(self) -> int | None: ...
    @property
    def billable(self) -> bool | None: ...


def entry_references(query: EntryReferences) -> tuple[list[tuple[Any, ...]], list[Lookup]]:
    """The conditions (on alias ``e.``, as ``crud.scoped_filters`` takes them) and lookups of
    an entry filter's references: written once for the entries list, its export and the
    reports."""
    lookups: list[Lookup] = []
    if query.client_name is not None:
        lookups.append(client_named(query.client_name))
    if query.client_id is not None:
        lookups.append(client_projects(query.client_id))
    if query.project_name is not None:
        lookups.append(project_named(query.project_name))
    if query.task is not None:
        lookups.append(task_named(query.task))
    conditions: list[tuple[Any, ...]] = [
        (f"e.{column} = {{}}", value)
        for column, value in (
            ("user_id", query.user_id),
            ("project_id", query.project_id),
            ("task_id", query.task_id),
        )
        if value is not None
    ]
    if query.billable is not None:
        conditions.append(("e.billable = {}", query.billable))
    return conditions, lookups
