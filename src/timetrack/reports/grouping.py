"""The groups of a summary: what the database groups by for each grouping, and how its rows
become the nested groups of the answer.

The database does the summing (one ``GROUP BY`` over the grouping keys); Python only names the
keys and folds the few rows it gets into groups. Three groupings fold more than one key of the
database's into a group, or one into several:

- ``week`` groups by day in the database and folds the days into ISO weeks (``2026-W05``,
  Monday to Sunday, its year the ISO year), as the grouped work reports name weeks.
- ``team``: each user counts in one team, the lowest-numbered live team they belong to (as a
  member or a lead); users in none form the group with ``key`` and ``name`` null. So teams
  never count an entry twice and their sums equal their parent, like every other grouping's.
- ``tag``: an entry counts in the group of each of its tags (the space-separated words of its
  ``tags`` that start with ``#``, as written; one without tags in the group with ``key`` and
  ``name`` null). An entry with two tags is in two groups: tag groups are the only ones whose
  sums may exceed their parent's. The totals count each entry once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from timetrack.db import Tx
from timetrack.reports.query import Grouping
from timetrack.wire import name_key

_PROJECT_JOIN = " JOIN projects p ON p.account_id = e.account_id AND p.id = e.project_id"
# Each user's team: the lowest-numbered live team they are in (see the module's docstring).
_TEAM_JOIN = (
    " LEFT JOIN (SELECT tm.user_id, MIN(tm.team_id) AS team_id FROM team_members tm"
    " JOIN teams tt ON tt.account_id = tm.account_id AND tt.id = tm.team_id"
    " WHERE tm.account_id = $1 AND tt.deleted_at IS NULL GROUP BY tm.user_id) ut"
    " ON ut.user_id = e.user_id"
)


@dataclass(frozen=True, slots=True)
class Dimension:
    key_sql: str  # what the database groups by
    join: str = ""  # the tables that takes
    names_from: str | None = None  # "table.column" naming the ids, for record groupings
    dated: bool = False  # groups are dates, periods: sorted by key


DIMENSIONS: dict[Grouping, Dimension] = {
    "client": Dimension("p.client_id", _PROJECT_JOIN, "clients.name"),
    "project": Dimension("e.project_id", names_from="projects.name"),
    "task": Dimension("e.task_id", names_from="tasks.name"),
    "user": Dimension("e.user_id", names_from="users.username"),
    "team": Dimension("ut.team_id", _TEAM_JOIN, "teams.name"),
    "billable": Dimension("e.billable"),
    "tag": Dimension("e.tags"),
    "day": Dimension("substr(e.start_local, 1, 10)", dated=True),
    "week": Dimension("substr(e.start_local, 1, 10)", dated=True),
    "month": Dimension("substr(e.start_local, 1, 7)", dated=True),
    "year": Dimension("substr(e.start_local, 1, 4)", dated=True),
}

# A group's key and name.
Label = tuple[Any, str | None]


def _iso_week(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _tags(text: str | None) -> list[Label]:
    tags = sorted({word for word in (text or "").split(" ") if len(word) > 1 and word[0] == "#"})
    return [(tag, tag) for tag in tags] or [(None, None)]


async def labeller(
    tx: Tx, account_id: int, grouping: Grouping, keys: Iterable[Any]
) -> Callable[[Any], list[Label]]:
    """What turns one of the database's keys into the groups it counts in; a record grouping
    reads the names of the keys it got (deleted records keep theirs)."""
    if grouping == "week":
        return lambda key: [(_iso_week(key),) * 2]
    if grouping == "tag":
        return _tags
    if grouping == "billable":
        return lambda key: [(bool(key), "billable" if key else "not billable")]
    names_from = DIMENSIONS[grouping].names_from
    if names_from is None:
        return lambda key: [(key, key)]
    table, column = names_from.split(".")
    ids = sorted({int(key) for key in keys if key is not None})
    names: dict[int, str] = {}
    if ids:
        # Integers the database gave, written into the statement.
        listed = ", ".join(str(i) for i in ids)
        rows = await tx.fetch(
            f"SELECT id, {column} AS name FROM {table} WHERE account_id = $1 AND id IN ({listed})",
            account_id,
        )
        names = {row["id"]: row["name"] for row in rows}
    return lambda key: [(None, None)] if key is None else [(int(key), names.get(int(key)))]


@dataclass(slots=True)
class Group:
    """The sums of one group (or of the whole report), and its subgroups by key."""

    key: Any = None
    name: str | None = None
    entries: int = 0
    worked: int = 0
    breaks: int = 0
    billable: int = 0
    cents: int = 0
    children: dict[Any, Group] = field(default_factory=dict)

    def add(self, row: dict[str, int]) -> None:
        self.entries += row["entries"]
        self.worked += row["worked"]
        self.breaks += row["breaks"]
        self.billable += row["billable"]
        self.cents += row["cents"]

    def child(self, label: Label) -> Group:
        key, name = label
        if key not in self.children:
            self.children[key] = Group(key, name)
        return self.children[key]


def sort_key(dated: bool) -> Callable[[Group], Any]:
    """Dates by date; others by name as names compare (case-folded), then key; the group
    without a record (no task, no team, no tag) last."""
    if dated:
        return lambda group: group.key
    return lambda group: (group.name is None, name_key(group.name or ""), str(group.key))
