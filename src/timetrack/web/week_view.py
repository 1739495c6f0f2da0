"""What the week page shows: the person's week grid (``week.load_week``, the same services as
the API's list and work reports) as rows of cells to type into, the chosen day's entries, and
the pickers' projects and tasks; and the names the grid's cells are posted under.

A cell's form field is named by everything its change needs: the row's project and task, the
day, the minutes shown and the version of its entry (``c:7:0:2025-09-29:90:3f2a…`` ; ``-`` for
an empty cell). So the grid without JavaScript is one form whose post says, for each cell, what
the person saw and what they typed, and the server changes only the cells that differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from timetrack.accounts.service import Account
from timetrack.auth.permissions import allowed
from timetrack.crud import Feed
from timetrack.db import Tx
from timetrack.filters import NameFilter
from timetrack.paging import Page
from timetrack.policy import Action, Resource
from timetrack.projects.schemas import ProjectFilter
from timetrack.projects.service import list_projects
from timetrack.tasks.service import list_tasks
from timetrack.users.service import get_user
from timetrack.web.durations import format_minutes
from timetrack.web.guard import Visit
from timetrack.web.i18n import Texts
from timetrack.web.week import (
    Cell,
    GridRow,
    RowKey,
    Week,
    first_weekday,
    load_week,
    week_start,
)
from timetrack.web.week_entries import EntryView, on_day

PICKER_LIMIT = 1000
# Ids of nine digits at most (an INTEGER column takes them on both databases).
_NAME = re.compile(r"c:(\d{1,9}):(\d{1,9}):(\d{4}-\d{2}-\d{2}):(\d{1,4}):([0-9a-f]{16}|-)")
# The years a page moves through: a week a year from date's limits has days on both sides.
YEARS = range(1900, 3000)


@dataclass(frozen=True, slots=True)
class CellName:
    """A grid cell's form field: where it books and what the page showed in it."""

    key: RowKey
    day: date
    minutes: int
    version: str | None  # the entry's ETag, quoted as in the headers

    @property
    def place(self) -> str:
        """The cell without what it held: the same before and after a change."""
        return f"{self.key.project_id}:{self.key.task_id or 0}:{self.day.isoformat()}"

    def encode(self) -> str:
        version = "-" if self.version is None else self.version.strip('"')
        return f"c:{self.place}:{self.minutes}:{version}"

    @classmethod
    def decode(cls, name: str) -> CellName | None:
        found = _NAME.fullmatch(name)
        if found is None:
            return None
        try:
            day = date.fromisoformat(found[3])
        except ValueError:
            return None
        if day.year not in YEARS:
            return None
        task = int(found[2]) or None
        version = None if found[5] == "-" else f'"{found[5]}"'
        return cls(RowKey(int(found[1]), task), day, int(found[4]), version)

    @classmethod
    def of(cls, key: RowKey, cell: Cell) -> CellName:
        return cls(key, cell.day, cell.minutes, cell.version)


def signed(minutes: int) -> str:
    """A difference to the target: ``+0:30``, ``-1:15``, ``0:00``."""
    return f"+{format_minutes(minutes)}" if minutes > 0 else format_minutes(minutes)


@dataclass(slots=True)
class GridInput:
    """What a grid post left to show again: the typed texts, their problems and the field
    names that replace the shown ones (a conflict's new version), by ``CellName.place``."""

    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    theirs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CellView:
    id: str
    name: str | None  # None: several entries, changed one by one in the day's list
    value: str
    error: str | None
    detail: str | None
    theirs: str | None  # a conflict's saved value


@dataclass(frozen=True, slots=True)
class RowView:
    id: str
    client: str
    project: str
    task: str | None
    total: str
    cells: list[CellView]


@dataclass(frozen=True, slots=True)
class Choices:
    """What the add-a-row pickers offer: (client, project) → project id, task → task id."""

    projects: dict[tuple[str, str], int]
    tasks: dict[str, int]

    def project(self, client: str, project: str) -> int | None:
        wanted = (client.strip().casefold(), project.strip().casefold())
        found = (i for (c, p), i in self.projects.items() if (c.casefold(), p.casefold()) == wanted)
        return next(found, None)

    def task(self, name: str) -> int | None:
        wanted = name.strip().casefold()
        return next((i for n, i in self.tasks.items() if n.casefold() == wanted), None)


async def choices(visit: Visit, tx: Tx) -> Choices:
    """The projects and tasks the person may book on, each read under its own permission
    (as the timer page's pickers are; an external user's are their assigned projects)."""
    page, feed, caller = Page(0, PICKER_LIMIT), Feed(), visit.caller
    account = await allowed(Resource.PROJECTS, Action.READ)(caller)
    projects, _ = await list_projects(tx, account.id, page, feed, ProjectFilter())
    await allowed(Resource.TASKS, Action.READ)(caller)
    tasks, _ = await list_tasks(tx, account.id, page, feed, NameFilter())
    await allowed(Resource.TIME_ENTRIES, Action.READ)(caller)  # the page's own grant again
    ordered = sorted(projects, key=lambda r: (r["client_name"].casefold(), r["name"].casefold()))
    return Choices(
        {(r["client_name"], r["name"]): int(r["id"]) for r in ordered},
        {r["name"]: int(r["id"]) for r in sorted(tasks, key=lambda r: r["name"].casefold())},
    )


@dataclass(frozen=True, slots=True)
class Frame:
    """The week and day a page shows, in the person's own zone and week."""

    week: Week
    day: date
    today: date
    entries: list[EntryView]
    choices: Choices


async def frame(visit: Visit, tx: Tx, wanted_week: date | None, wanted_day: date | None) -> Frame:
    account: Account = visit.account
    user_id = visit.caller.principal.user_id
    assert user_id is not None  # a session is always a person's
    user = await get_user(tx, account.id, user_id)
    today = datetime.now(ZoneInfo(user["time_zone"])).date()
    first = first_weekday(user["language"], user["country"], account.country)
    start = week_start(wanted_week or wanted_day or today, first)
    week = await load_week(tx, account, user_id, start, user)
    # The day asked for, else today when the week has it, else the week's first day.
    day = wanted_day if wanted_day in week.days else (today if today in week.days else start)
    assert day is not None
    # The day is one of the week's: its entries are among those the week read.
    return Frame(week, day, today, on_day(week.entries, day), await choices(visit, tx))


def added_rows(week: Week, keys: list[RowKey], choices: Choices) -> list[GridRow]:
    """Empty rows for the projects (and tasks) the person added that the week has no entry
    of yet; keys outside the pickers' catalogue are left out."""
    have = {row.key for row in week.rows}
    names = {i: pair for pair, i in choices.projects.items()}
    tasks = {i: name for name, i in choices.tasks.items()}
    extra = []
    for key in keys:
        if key in have or key.project_id not in names:
            continue
        if key.task_id is not None and key.task_id not in tasks:
            continue
        have.add(key)
        client, project = names[key.project_id]
        empty = tuple(Cell(day, 0, (), None) for day in week.days)
        task = None if key.task_id is None else tasks[key.task_id]
        extra.append(GridRow(key, 0, client, project, task, empty))
    return extra


def row_id(key: RowKey) -> str:
    return f"{key.project_id}-{key.task_id or 0}"


def grid(rows: list[GridRow], given: GridInput) -> list[RowView]:
    views = []
    for row in rows:
        cells = []
        for cell in row.cells:
            name = CellName.of(row.key, cell)
            error = given.errors.get(name.place)
            cells.append(
                CellView(
                    id=f"c-{row_id(row.key)}-{cell.day.isoformat()}",
                    name=given.names.get(name.place, name.encode()) if cell.editable else None,
                    value=given.typed.get(
                        name.place, format_minutes(cell.minutes) if cell.minutes else ""
                    ),
                    error=None if error is None else error[0],
                    detail=None if error is None else error[1],
                    theirs=given.theirs.get(name.place),
                )
            )
        views.append(
            RowView(
                row_id(row.key),
                row.client_name,
                row.project_name,
                row.task_name,
                format_minutes(row.total),
                cells,
            )
        )
    return views


def day_label(texts: Texts, day: date) -> str:
    return texts.date(day, "EEE d")
